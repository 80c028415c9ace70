"""The dataset an ingest wrote, read back into extract.records.Form and scored against the
truth of every variation; wrong fields classified by kind and traced to parameters."""

from __future__ import annotations

import collections
import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import polars as pl

from extract.evaluation import compare_form
from extract.records import Form, FundLine, Indicator

IGNORE = {"review_reasons", "confidence", "needs_review", "method", "decimals"}

KINDS = ("header", "funds", "goals", "level1", "level2", "level3-target-actual", "values", "deviation_note",
         "total", "grade", "page numbers", "form missing", "extra form", "extra indicator row")

_FIELD_KIND = {
    **dict.fromkeys(("project_name", "department", "implementing_unit", "year", "template", "unmapped_labels"), "header"),
    **dict.fromkeys(("funds_unit", "budget_initial", "budget_full_year", "executed", "funds_weight",
                     "execution_rate_pct", "funds_score", "fund_lines"), "funds"),
    **dict.fromkeys(("goal_planned", "goal_actual"), "goals"),
    **dict.fromkeys(("total_weight", "total_score"), "total"),
    "grade": "grade",
    **dict.fromkeys(("page_start", "page_end"), "page numbers"),
}
_IND_KIND = {
    "level1": "level1", "level1_weight": "level1", "level2": "level2",
    "weight": "values", "score": "values", "deviation_note": "deviation_note", "page": "page numbers",
}
_WHERE = re.compile(r"^form [^.]+\.(?:(fund_lines|indicators)(?:\[(\d+)\])?\.?)?(\w+)?$")


def kind_of(where: str) -> tuple[str, str]:
    """(kind, field name) of a FieldCheck.where such as "form 0.indicators[3].score"."""
    m = _WHERE.match(where)
    if m is None:
        return "header", where
    table, index, key = m.groups()
    if table == "fund_lines":
        return ("funds", f"fund_lines.{key}") if index is not None else ("funds", "fund_lines (rows)")
    if table == "indicators":
        if index is None:
            return "extra indicator row", "indicators (rows)"
        return _IND_KIND.get(key, "level3-target-actual"), f"indicators.{key}"
    return _FIELD_KIND.get(key, "header"), key


def _form_from_rows(row: dict, lines: list[dict], inds: list[dict]) -> Form:
    names = {f.name for f in fields(Form)}
    kw = {k: v for k, v in row.items() if k in names and k not in ("fund_lines", "indicators", "boxes")}
    kw["review_reasons"] = (row.get("review_reasons") or "").split("; ") if row.get("review_reasons") else []
    kw["decimals"] = {k: v for k, v in (row.get("decimals") or {}).items() if v is not None}
    kw["unmapped_labels"] = list(row.get("unmapped_labels") or [])

    def rec(cls, r: dict):
        own = {f.name for f in fields(cls)}
        d = {k: v for k, v in r.items() if k in own}
        d["decimals"] = {k: v for k, v in (r.get("decimals") or {}).items() if v is not None}
        return cls(**d)

    kw["fund_lines"] = [rec(FundLine, r) for r in sorted(lines, key=lambda r: r["line_index"])]
    kw["indicators"] = [rec(Indicator, r) for r in sorted(inds, key=lambda r: r["indicator_index"])]
    return Form(**kw)


@dataclass
class Dataset:
    forms: dict[tuple[str, int], Form]  # (path as recorded, form_index)
    documents: dict[str, dict]  # path -> documents.parquet row
    ocr_pages: int
    pages: int


def load_dataset(out: Path) -> Dataset:
    forms_df = pl.read_parquet(out / "forms.parquet")
    lines_df = pl.read_parquet(out / "fund_lines.parquet")
    inds_df = pl.read_parquet(out / "indicators.parquet")
    pages_df = pl.read_parquet(out / "pages.parquet")
    docs_df = pl.read_parquet(out / "documents.parquet")
    lines = collections.defaultdict(list)
    for r in lines_df.iter_rows(named=True):
        lines[r["form_id"]].append(r)
    inds = collections.defaultdict(list)
    for r in inds_df.iter_rows(named=True):
        inds[r["form_id"]].append(r)
    forms = {}
    for r in forms_df.iter_rows(named=True):
        forms[(r["path"], r["form_index"])] = _form_from_rows(r, lines[r["form_id"]], inds[r["form_id"]])
    docs = {r["path"]: r for r in docs_df.iter_rows(named=True)}
    ocr = pages_df.filter(pl.col("method") == "ocr").height
    return Dataset(forms, docs, ocr, pages_df.height)


@dataclass
class Wrong:
    where: str
    kind: str
    field: str
    got: object
    want: object
    silent: bool
    count: int = 1  # an extra form: all its fields


@dataclass
class FormScore:
    """One truth form (or one extra form) of one variation."""

    file: str
    form_index: int
    numeric: list[int] = field(default_factory=lambda: [0, 0])  # right, total
    text: list[int] = field(default_factory=lambda: [0, 0])
    wrong: list[Wrong] = field(default_factory=list)
    needs_review: bool | None = None  # None: no extracted form
    features: frozenset[str] = frozenset()
    broken: bool = False  # a page break falls inside this form


def _n_fields(truth: dict) -> int:
    n = sum(1 for k in truth if k not in IGNORE and k not in ("fund_lines", "indicators"))
    for table in ("fund_lines", "indicators"):
        n += sum(1 for row in truth.get(table, []) for k in row if k not in IGNORE)
    return n


def score_file(file: str, truths: list[dict], ds: Dataset, features: list[frozenset[str]],
               broken: list[bool]) -> list[FormScore]:
    """Every truth form of one file against what the dataset holds for it; extra forms count
    every field of theirs wrong. A form the dataset lacks is silent unless its file failed."""
    doc = ds.documents.get(file)
    failed = doc is not None and doc["status"] == "failed"
    out: list[FormScore] = []
    for i, want in enumerate(truths):
        got = ds.forms.get((file, i))
        fs = FormScore(file, i, features=features[i], broken=broken[i])
        fs.needs_review = None if got is None else bool(got.needs_review)
        silent = (got is None and not failed) or (got is not None and not got.needs_review)
        for check in compare_form(got, want, IGNORE):
            bucket = fs.numeric if check.numeric else fs.text
            bucket[0] += check.ok
            bucket[1] += 1
            if not check.ok:
                kind, name = ("form missing", "*") if got is None else kind_of(check.where)
                fs.wrong.append(Wrong(check.where, kind, name, check.got, check.want, silent))
        out.append(fs)
    k = len(truths)
    while (file, k) in ds.forms:
        got = ds.forms[(file, k)]
        as_truth = {key: v for key, v in asdict(got).items() if key not in ("boxes",)}
        fs = FormScore(file, k, features=features[-1] if features else frozenset(), needs_review=got.needs_review)
        n = _n_fields(as_truth)
        fs.text[1] += n
        fs.wrong.append(Wrong(f"form {k}", "extra form", "*", got.project_name, None, not got.needs_review, n))
        out.append(fs)
        k += 1
    return out


def attribute(scores: list[FormScore], kind: str, top: int = 4) -> list[str]:
    """The feature values most over-represented among forms with a wrong field of `kind`."""
    units = [s for s in scores if s.features]
    bad = [s for s in units if any(w.kind == kind for w in s.wrong)]
    if not bad:
        return []
    base = collections.Counter(f for s in units for f in s.features)
    hit = collections.Counter(f for s in bad for f in s.features)
    rows = []
    for f, c in hit.items():
        share, prior = c / len(bad), base[f] / len(units)
        if c < max(2, 0.25 * len(bad)) or share <= prior * 1.15:
            continue
        rows.append((share * math.log(share / prior), f, c, share, prior))
    rows.sort(reverse=True)
    return [f"{f} {c}/{len(bad)} ({share:.0%} vs {prior:.0%} of all forms)" for _, f, c, share, prior in rows[:top]]
