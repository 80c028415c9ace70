"""The dataset an ingest wrote, against the sweep's truth: every field by compare_form, each
wrong one classed by field group and by the degradations on its page.

Forms are matched to truth by path + form_index; a form not found counts all its fields
wrong ("missing form"). The tables are read back from parquet, as a user of the dataset
reads them, and rebuilt into records so compare_form judges them exactly as it judges
process_document's output.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path

import polars as pl

from extract.evaluation import FieldCheck, compare_form
from extract.records import Form, FundLine, Indicator
from scan_sweep.generate import Made
from scan_sweep.params import page_tags

FORM_GROUPS = {
    **dict.fromkeys(("year", "project_name", "department", "implementing_unit", "funds_unit", "template"), "header"),
    **dict.fromkeys(("budget_initial", "budget_full_year", "executed", "funds_weight", "execution_rate_pct",
                     "funds_score"), "funds numbers"),
    **dict.fromkeys(("goal_planned", "goal_actual"), "goals text"),
    **dict.fromkeys(("total_weight", "total_score"), "total"),
    "grade": "grade",
    "unmapped_labels": "unmapped labels",
    **dict.fromkeys(("form_index", "page_start", "page_end"), "structure"),
}
FUND_GROUPS = {"line": "funds labels", "label": "funds labels"}  # the rest: funds numbers
INDICATOR_GROUPS = {
    **dict.fromkeys(("level1", "level2", "level1_weight", "goal_index", "goal_weight"), "level names"),
    "level3": "level3",
    **dict.fromkeys(("target", "actual", "target_value", "actual_value", "kind"), "target/actual"),
    "target_op": "operators",
    **dict.fromkeys(("target_unit", "actual_unit"), "units"),
    **dict.fromkeys(("weight", "score"), "weight/score"),
    "deviation_note": "deviation_note",
    "indicator_index": "structure",
    "page": "structure",
}
_WHERE = re.compile(r"^form \d+\.(?:(fund_lines|indicators)(?:\[(\d+)\])?\.?)?(\w*)$")
UNDER_SEAL = "value under seal"


@dataclass(frozen=True)
class Wrong:
    variation: str
    where: str
    group: str
    page: int  # of the output file
    tags: tuple[str, ...]
    got: object
    want: object
    flagged: bool  # its form is under review


@dataclass
class FormOutcome:
    form_index: int
    found: bool
    needs_review: bool
    review_reasons: list[str]
    # Under review by design: the truth has audit errors (audit_planted_faults: on a scan the
    # arithmetic doubt flags it) or labels the lexicon does not know (unknown_labels).
    by_design: bool = False


@dataclass
class VariationScore:
    name: str
    file: str
    pages: int
    status: str | None
    error: str | None
    forms: list[FormOutcome] = field(default_factory=list)
    wrong: list[Wrong] = field(default_factory=list)
    extra_forms: int = 0
    # Forms matched by index that carry another truth form's project name: an earlier form
    # was missed or split, so every later one is scored against its neighbour's truth.
    shifted: int = 0


@dataclass
class SweepScore:
    variations: list[VariationScore] = field(default_factory=list)
    numeric: list[int] = field(default_factory=lambda: [0, 0])  # exact, all
    text: list[int] = field(default_factory=lambda: [0, 0])
    extra_review: Counter = field(default_factory=Counter)  # reasons of extra forms (not in truth)

    @property
    def wrong(self) -> list[Wrong]:
        return [w for v in self.variations for w in v.wrong]

    @property
    def silent(self) -> list[Wrong]:
        return [w for w in self.wrong if not w.flagged]

    @property
    def forms_expected(self) -> int:
        return sum(len(v.forms) for v in self.variations)

    @property
    def forms_found(self) -> int:
        return sum(f.found for v in self.variations for f in v.forms)

    @property
    def forms_flagged(self) -> int:
        return sum(f.found and f.needs_review for v in self.variations for f in v.forms)

    def review_share_not_by_design(self) -> tuple[int, int]:
        """Forms under review / found, among forms not flagged by design (FormOutcome.by_design)."""
        found = [f for v in self.variations for f in v.forms if f.found and not f.by_design]
        return sum(f.needs_review for f in found), len(found)

    @property
    def extra_forms(self) -> int:
        return sum(v.extra_forms for v in self.variations)

    @property
    def shifted(self) -> int:
        return sum(v.shifted for v in self.variations)

    @property
    def pages(self) -> int:
        return sum(v.pages for v in self.variations)


def _rows(frame: pl.DataFrame, cls) -> dict[str, list]:
    names = [f.name for f in fields(cls) if f.name in frame.columns]
    out: dict[str, list] = {}
    for row in frame.iter_rows(named=True):
        kwargs = {k: row[k] for k in names}
        if isinstance(kwargs.get("decimals"), dict):
            kwargs["decimals"] = {k: v for k, v in kwargs["decimals"].items() if v is not None}
        out.setdefault(row["form_id"], []).append(cls(**kwargs))
    return out


def load_forms(dataset: Path) -> tuple[dict[tuple[str, int], Form], pl.DataFrame]:
    """The dataset's forms as records, by (path, form_index); and its documents table."""
    read = {name: pl.read_parquet(dataset / f"{name}.parquet") for name in ("documents", "forms", "fund_lines", "indicators")}
    lines = _rows(read["fund_lines"].sort("line_index"), FundLine)
    inds = _rows(read["indicators"].sort("indicator_index"), Indicator)
    names = [f.name for f in fields(Form) if f.name in read["forms"].columns and f.name != "review_reasons"]
    forms = {}
    for row in read["forms"].iter_rows(named=True):
        kwargs = {k: row[k] for k in names}
        kwargs["decimals"] = {k: v for k, v in (row["decimals"] or {}).items() if v is not None}
        kwargs["unmapped_labels"] = list(row["unmapped_labels"] or [])
        form = Form(**kwargs, review_reasons=(row["review_reasons"] or "").split("; ") if row["review_reasons"] else [],
                    fund_lines=lines.get(row["form_id"], []), indicators=inds.get(row["form_id"], []))
        forms[(row["path"], row["form_index"])] = form
    return forms, read["documents"]


def _locate(check: FieldCheck, want: dict) -> tuple[str, int, dict | None, str]:
    """A check's field group, the page it is printed on, its truth row, and its key."""
    m = _WHERE.match(check.where)
    table, index, key = (m.group(1), m.group(2), m.group(3)) if m else (None, None, "")
    if table and index is None:
        return "row count", want["page_end"], None, ""
    if table == "fund_lines":
        row = want["fund_lines"][int(index)]
        return FUND_GROUPS.get(key, "funds numbers"), want["page_start"], row, key
    if table == "indicators":
        row = want["indicators"][int(index)]
        return INDICATOR_GROUPS.get(key, "indicators other"), row["page"], row, key
    group = FORM_GROUPS.get(key, "form other")
    return group, want["page_end"] if group in ("total", "grade") else want["page_start"], want, key


def _printed(value: object, row: dict | None, key: str) -> set[str]:
    """How a truth value may be printed (to match it against the words a seal covers)."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, (int, float)):
        decimals = (row or {}).get("decimals", {}).get(key)
        forms = {f"{value:.{decimals}f}"} if decimals is not None else set()
        return forms | {f"{value:g}", f"{value:.2f}", f"{value:,.2f}"}
    return {"".join(unicodedata.normalize("NFKC", str(value)).split())}


def _under_seal(value: object, row: dict | None, key: str, covers: tuple[str, ...]) -> bool:
    for printed in _printed(value, row, key):
        for word in covers:
            bare = word.rstrip("%").lstrip("≥≤><=")
            if bare == printed or (len(word) >= 2 and not printed.replace(".", "").isdigit() and
                                   (word in printed or printed in word)):
                return True
    return False


def score_variation(made: Made, forms: dict[tuple[str, int], Form], documents: pl.DataFrame,
                    counts: SweepScore) -> VariationScore:
    v = made.variation
    path = made.path.name
    doc = documents.filter(pl.col("path") == path)
    status = doc["status"][0] if doc.height else None
    error = doc["error"][0] if doc.height else "not in documents.parquet"
    # A document with no form read whose pages look like one is sent to people: its missing
    # forms are flagged, not silent.
    doc_flagged = bool(doc.height and "needs_review" in doc.columns and doc["needs_review"][0])
    out = VariationScore(v.name, path, len(v.pages), status, error)
    tags = {p.page: page_tags(v.scan, p) for p in v.pages}
    covers = {p.page: tuple(w for s in p.seals for w in s.covers) for p in v.pages}
    audit = made.truth.get("audit_errors") or [[] for _ in made.truth["forms"]]
    for want, planted in zip(made.truth["forms"], audit):
        form = forms.get((path, want["form_index"]))
        out.forms.append(FormOutcome(want["form_index"], form is not None, bool(form and form.needs_review),
                                     list(form.review_reasons) if form else [],
                                     bool(planted or want.get("unmapped_labels"))))
        flagged = bool(form and form.needs_review)
        others = {f.get("project_name") for f in made.truth["forms"] if f is not want}
        if form and form.project_name != want.get("project_name") and form.project_name in others:
            out.shifted += 1
        for check in compare_form(form, want):
            bucket = counts.numeric if check.numeric else counts.text
            bucket[0] += check.ok
            bucket[1] += 1
            if check.ok:
                continue
            if form is None:
                pages = range(want["page_start"], want["page_end"] + 1)
                page_set = tuple(dict.fromkeys(t for p in pages for t in tags.get(p, ())))
                out.wrong.append(Wrong(v.name, check.where, "missing form", want["page_start"], page_set,
                                       check.got, check.want, doc_flagged))
                continue
            group, page, row, key = _locate(check, want)
            page_set = tags.get(page, ())
            if _under_seal(check.want, row, key, covers.get(page, ())):
                page_set = (*page_set, UNDER_SEAL)
            out.wrong.append(Wrong(v.name, check.where, group, page, page_set, check.got, check.want, flagged))
    truth_indexes = {f["form_index"] for f in made.truth["forms"]}
    for (p, index), form in forms.items():
        if p == path and index not in truth_indexes:
            out.extra_forms += 1
            counts.extra_review.update(normalise_reasons(form.review_reasons) if form.needs_review else ["(extra form NOT under review)"])
    return out


def score_sweep(made: list[Made], dataset: Path) -> SweepScore:
    forms, documents = load_forms(dataset)
    counts = SweepScore()
    for m in made:
        counts.variations.append(score_variation(m, forms, documents, counts))
    return counts


def normalise_reasons(reasons: list[str]) -> list[str]:
    """Review reasons without their particulars (indexes, quoted text), to count alike ones."""
    if not reasons:
        return ["(confidence below the threshold; no reason given)"]
    out = []
    for r in reasons:
        if r == "万元 assumed" and out and out[-1] == "项目资金 unit not printed":
            out[-1] += "; 万元 assumed"  # one reason, cut by the "; " that joins them in forms.parquet
            continue
        if r.startswith("arithmetic does not add up"):
            out += [f"arithmetic does not add up: {c.strip()}" for c in r.split(":", 1)[1].split(",")]
            continue
        if r.startswith("labels not in the lexicon"):
            out.append("labels not in the lexicon")
            continue
        unreadable = re.match(r"^.*?([a-z_]+): not a number", r)
        if unreadable:  # the prefix is the row's label as OCR read it
            out.append(f"{unreadable.group(1)}: not a number")
            continue
        r = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", r)
        r = re.sub(r"\([^)]*\)", "(…)", r)
        out.append(re.sub(r"\d+(\.\d+)?", "#", r))
    return out


def review_reasons(score: SweepScore) -> Counter:
    counter: Counter = Counter()
    for v in score.variations:
        for f in v.forms:
            if f.found and f.needs_review:
                counter.update(set(normalise_reasons(f.review_reasons)))
    return counter
