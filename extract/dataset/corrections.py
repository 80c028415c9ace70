"""The corrections journal: what reviewers settled, applied over the reading by every reader.

A correction is one row of the `corrections` table: a field of a form (`subject` as findings
name it: "form", "fund_lines[i]", "indicators[i]"), its value as read (`old`) and as printed
(`new`, parsed by the same value rules as the reading), who and when. A confirmation says
the reading is right (`new` = `old`). The journal is parquet parts under DIR/corrections/,
one file per entry, never rewritten: two reviewers writing at once lose nothing, and the
extraction tables are never touched. `read_dataset` applies it (the latest entry per field
wins); `raw=True` shows the reading.

Keys are (form_id, subject, field), and form_id is the file's content hash and the form's
index: a re-ingest of the same files meets the same corrections. Where the re-read value no
longer matches a correction's `old`, `stale_corrections` says so.

    from extract.dataset.corrections import Correction, record
    record(Path("data"), [Correction("ab12…:0", "form", "funds_score", "9.71", "9.17", "correct", "li")])
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from extract.errors import JixiaoError
from extract.values.measures import parse_measure
from extract.values.numbers import parse_number
from extract.values.text import compact, normalize

JOURNAL = "corrections"
CORRECTIONS = {
    "form_id": pl.String, "subject": pl.String, "field": pl.String, "old": pl.String, "new": pl.String,
    "action": pl.String, "reviewer": pl.String, "at": pl.Datetime("us", "UTC"), "note": pl.String,
}
ACTIONS = ("correct", "confirm")
# The columns a read with the journal applied adds to the tables (none is stored).
_MARKS = {"corrected": pl.List(pl.String), "confirmed": pl.List(pl.String)}
APPLIED = {"forms": {"doubts_open": pl.List(pl.String), **_MARKS}, "fund_lines": dict(_MARKS),
           "indicators": dict(_MARKS)}
TOTAL_LINE = "年度资金总额"

# What a reviewer may set, per subject table, and how its text is read.
FORM_FIELDS = {
    "year": "year", "project_name": "text", "department": "text", "implementing_unit": "text",
    "funds_unit": "unit", "budget_initial": "number", "budget_full_year": "number", "executed": "number",
    "funds_weight": "number", "execution_rate_pct": "number", "funds_score": "number",
    "goal_planned": "text", "goal_actual": "text", "total_weight": "number", "total_score": "number",
    "grade": "text", "needs_review": "flag",
}
LINE_FIELDS = {
    "label": "text", "budget_initial": "number", "budget_full_year": "number", "executed": "number",
    "weight": "number", "execution_rate_pct": "number", "score": "number",
}
INDICATOR_FIELDS = {
    "level1": "text", "level2": "text", "level3": "text", "target": "measure", "actual": "measure",
    "weight": "number", "score": "number", "deviation_note": "text",
}
FIELDS = {"forms": FORM_FIELDS, "fund_lines": LINE_FIELDS, "indicators": INDICATOR_FIELDS}
# The form's 项目资金 figures are its 年度资金总额 line's: a correction of one is of both.
FORM_OF_TOTAL_LINE = {"budget_initial": "budget_initial", "budget_full_year": "budget_full_year",
                      "executed": "executed", "weight": "funds_weight", "execution_rate_pct": "execution_rate_pct",
                      "score": "funds_score"}
# The form's fields its lines and indicators carry beside it.
CARRIED = ("project_name", "department", "year")
FUNDS_UNITS = ("万元", "元")
_SUBJECT = re.compile(r"^(?:form|(fund_lines|indicators)\[(\d+)\])$")
_INDEX = {"fund_lines": "line_index", "indicators": "indicator_index"}
_TRUE, _FALSE = frozenset({"true", "yes", "1", "是"}), frozenset({"false", "no", "0", "否"})


class CorrectionError(JixiaoError, ValueError):
    """A correction that names no form, subject or field of the dataset, or a value its
    column cannot hold."""


@dataclass(frozen=True)
class Correction:
    form_id: str
    subject: str
    field: str
    old: str | None
    new: str | None
    action: str = "correct"
    reviewer: str | None = None
    note: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def subject_table(subject: str) -> tuple[str, int | None]:
    """"form" → ("forms", None); "indicators[3]" → ("indicators", 3)."""
    m = _SUBJECT.match(subject or "")
    if not m:
        raise CorrectionError(f"subject {subject!r}: expected form, fund_lines[N] or indicators[N]")
    return (m[1], int(m[2])) if m[1] else ("forms", None)


def parse_value(kind: str, text: str | None) -> dict[str, object]:
    """A printed text → the columns it sets (the field's own and those derived from it), as
    the reading parses the same text. Raises CorrectionError where the column cannot hold it."""
    text = normalize(text or "").strip()
    if kind == "number":
        parsed = parse_number(text)
        if not parsed.readable:
            raise CorrectionError(f"{text!r} is not a number")
        return {"value": parsed.value, "decimals": parsed.decimals if parsed.value is not None else None}
    if kind == "year":
        if not re.fullmatch(r"(19|20)\d\d", text):
            raise CorrectionError(f"{text!r} is not a year (four digits)")
        return {"value": int(text)}
    if kind == "unit":
        if text not in FUNDS_UNITS:
            raise CorrectionError(f"{text!r} is not a funds unit ({', '.join(FUNDS_UNITS)})")
        return {"value": text}
    if kind == "flag":
        low = text.lower()
        if low not in _TRUE | _FALSE:
            raise CorrectionError(f"{text!r} is not true or false")
        return {"value": low in _TRUE}
    if kind == "measure":
        m = parse_measure(text)
        return {"value": text, "measure": m}
    return {"value": text or None}


def printed(value: object, decimals: int | None = None) -> str:
    """A stored value as text, as it was printed (numbers with their printed decimals)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if decimals is not None:
            return f"{value:.{decimals}f}"
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def _row(tables: Mapping[str, pl.DataFrame], form_id: str, table: str, index: int | None) -> dict | None:
    frame = tables[table].filter(pl.col("form_id") == form_id)
    if index is not None:
        frame = frame.filter(pl.col(_INDEX[table]) == index)
    return frame.row(0, named=True) if frame.height else None


def current_text(row: dict, name: str) -> str:
    """The field's value in `row` as printed text (with its printed decimals where recorded)."""
    return printed(row.get(name), (row.get("decimals") or {}).get(name))


def read_text(tables: Mapping[str, pl.DataFrame], row: dict, form_id: str, subject: str, name: str) -> str:
    """What was read for the field: its value as text, or, where the value is empty but its
    cell held text the value rules could not take ("13.07,"), that text (boxes.text)."""
    text = current_text(row, name)
    if text or "boxes" not in tables or "text" not in tables["boxes"].columns:
        return text
    box = tables["boxes"].filter((pl.col("form_id") == form_id) & (pl.col("subject") == subject)
                                 & (pl.col("field") == name))
    return (box["text"][0] or "") if box.height else ""


def check(tables: Mapping[str, pl.DataFrame], form_id: str, subject: str, name: str, value: str | None,
          action: str = "correct", reviewer: str | None = None, note: str | None = None) -> Correction:
    """A correction of the dataset `tables` (as read, no journal applied), checked: the form,
    the subject row and the field exist and the value parses. Raises CorrectionError."""
    if action not in ACTIONS:
        raise CorrectionError(f"action {action!r}: expected {' or '.join(ACTIONS)}")
    table, index = subject_table(subject)
    if tables["forms"].filter(pl.col("form_id") == form_id).is_empty():
        raise CorrectionError(f"no form {form_id!r} in the dataset")
    row = _row(tables, form_id, table, index)
    if row is None:
        raise CorrectionError(f"form {form_id} has no {subject}")
    kinds = FIELDS[table]
    if name not in kinds:
        raise CorrectionError(f"{subject} has no field {name!r} to correct (one of: {', '.join(kinds)})")
    old = read_text(tables, row, form_id, subject, name)
    if action == "confirm":
        value = old
    parse_value(kinds[name], value)
    return Correction(form_id, subject, name, old, normalize(value or "").strip(), action, reviewer, note)


def record(out: Path, corrections: list[Correction]) -> Path:
    """The corrections appended to the journal as one new part (a unique name: never a
    rewrite, never a clash between two writers)."""
    folder = out / JOURNAL
    folder.mkdir(parents=True, exist_ok=True)
    frame = pl.DataFrame([{k: getattr(c, k) for k in CORRECTIONS} for c in corrections], schema=CORRECTIONS,
                         orient="row")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    final = folder / f"part-{stamp}-{os.getpid()}-{uuid.uuid4().hex[:8]}.parquet"
    tmp = folder / f".{final.name}.tmp"
    frame.write_parquet(tmp)
    os.replace(tmp, final)
    return final


def read_journal(out: Path) -> pl.DataFrame:
    """Every correction recorded, oldest first."""
    parts = sorted((out / JOURNAL).glob("part-*.parquet")) if (out / JOURNAL).is_dir() else []
    if not parts:
        return pl.DataFrame(schema=CORRECTIONS)
    return pl.concat([pl.read_parquet(p) for p in parts], how="diagonal_relaxed").sort("at", maintain_order=True)


def latest(journal: pl.DataFrame) -> pl.DataFrame:
    """The entry that counts per field: the latest."""
    return journal.unique(["form_id", "subject", "field"], keep="last", maintain_order=True)


@dataclass
class _Updates:
    """Column values to set, and the fields corrected, per table, keyed by (form_id, row
    index or None)."""

    cells: dict[str, dict[tuple[str, int | None], dict[str, object]]] = field(
        default_factory=lambda: {name: {} for name in FIELDS})
    corrected: dict[str, dict[tuple[str, int | None], set[str]]] = field(
        default_factory=lambda: {name: {} for name in FIELDS})

    def set(self, table: str, key: tuple[str, int | None], name: str, values: dict[str, object]) -> None:
        self.cells[table].setdefault(key, {}).update(values)
        self.corrected[table].setdefault(key, set()).add(name)


def _columns_of(table: str, name: str, kind: str, parsed: dict[str, object]) -> dict[str, object]:
    """The columns one corrected field sets in its row."""
    values: dict[str, object] = {name: parsed["value"]}
    # forms.decimals holds the 总分 row's digits only (its 项目资金 figures' are its total line's).
    if kind == "number" and (table != "forms" or name in ("total_weight", "total_score")):
        values[f"decimals.{name}"] = parsed["decimals"]
    if kind == "measure":
        m = parsed["measure"]
        if name == "target":
            values.update(target_op=m.op if m else None, target_value=m.value if m else None,
                          target_unit=m.unit if m else None, kind="quantitative" if m else "qualitative")
        else:
            values.update(actual_value=m.value if m else None, actual_unit=m.unit if m else None)
    return values


def _total_line(tables: Mapping[str, pl.DataFrame], form_id: str) -> int | None:
    if "fund_lines" not in tables:
        return None
    lines = tables["fund_lines"].filter((pl.col("form_id") == form_id) & (pl.col("line") == TOTAL_LINE))
    return lines["line_index"][0] if lines.height else None


def _updates(tables: Mapping[str, pl.DataFrame], entries: pl.DataFrame) -> _Updates:
    updates = _Updates()
    for e in entries.filter(pl.col("action") == "correct").iter_rows(named=True):
        table, index = subject_table(e["subject"])
        kind = FIELDS[table].get(e["field"])
        if kind is None:
            continue
        try:
            parsed = parse_value(kind, e["new"])
        except CorrectionError:
            continue  # a journal written by hand, or by a newer jixiao: the reading stands
        form_id = e["form_id"]
        updates.set(table, (form_id, index), e["field"], _columns_of(table, e["field"], kind, parsed))
        if table == "fund_lines" and e["field"] in FORM_OF_TOTAL_LINE and index == _total_line(tables, form_id):
            mirrored = FORM_OF_TOTAL_LINE[e["field"]]
            updates.set("forms", (form_id, None), mirrored, {mirrored: parsed["value"]})
        if table == "forms" and e["field"] in FORM_OF_TOTAL_LINE.values():
            line = _total_line(tables, form_id)
            if line is not None:
                name = next(k for k, v in FORM_OF_TOTAL_LINE.items() if v == e["field"])
                updates.set("fund_lines", (form_id, line), name, _columns_of("fund_lines", name, kind, parsed))
        if table == "forms" and e["field"] in CARRIED:
            for other in [t for t in ("fund_lines", "indicators") if t in tables]:
                for i in tables[other].filter(pl.col("form_id") == form_id)[_INDEX[other]].to_list():
                    updates.cells[other].setdefault((form_id, i), {})[e["field"]] = parsed["value"]
    return updates


def _set_cells(frame: pl.DataFrame, table: str, cells: dict[tuple[str, int | None], dict[str, object]]) -> pl.DataFrame:
    """`frame` with the cells replaced ("decimals.x": a field of the decimals struct); only
    the rows touched are rebuilt, and the rows keep their order."""
    if not cells:
        return frame
    key = _INDEX.get(table)
    indexed = frame.with_row_index("_row")
    wanted = pl.col("form_id").is_in(sorted({k[0] for k in cells}))
    touched, rest = indexed.filter(wanted), indexed.filter(~wanted)
    rows = touched.to_dicts()
    for row in rows:
        values = cells.get((row["form_id"], row[key] if key else None), {})
        for name, value in values.items():
            if name.startswith("decimals."):
                row["decimals"] = {**(row.get("decimals") or {}), name.split(".", 1)[1]: value}
            elif name in row:
                row[name] = value
    rebuilt = pl.DataFrame(rows, schema=touched.schema, orient="row") if rows else touched
    return pl.concat([rest, rebuilt]).sort("_row").drop("_row")


def _marks(frame: pl.DataFrame, table: str, corrected: dict[tuple[str, int | None], set[str]],
           entries: pl.DataFrame) -> pl.DataFrame:
    """The `corrected` and `confirmed` columns: the fields of each row a reviewer set (or that
    follow one set: a form's 项目资金 figure and its total line's) or confirmed."""
    key = _INDEX.get(table)
    by = ["form_id", key] if key else ["form_id"]
    key_type = {"form_id": pl.String, **({key: frame.schema[key]} if key else {})}
    confirmed: dict[tuple, set[str]] = {}
    for e in entries.filter(pl.col("action") == "confirm").iter_rows(named=True):
        t, index = subject_table(e["subject"])
        if t == table:
            confirmed.setdefault((e["form_id"], index), set()).add(e["field"])
    out = frame
    for column, marked in (("corrected", corrected), ("confirmed", confirmed)):
        if not marked:
            out = out.with_columns(pl.lit(None, pl.List(pl.String)).alias(column))
            continue
        rows = [(*((fid, i) if key else (fid,)), sorted(names)) for (fid, i), names in marked.items()]
        marks = pl.DataFrame(rows, schema={**key_type, column: pl.List(pl.String)}, orient="row")
        out = out.join(marks, on=by, how="left", maintain_order="left")
    return out


def _settle_forms(forms: pl.DataFrame, entries: pl.DataFrame) -> pl.DataFrame:
    """needs_review, doubts_open and confidence after the journal. A form leaves review when
    every doubt is settled: each field in doubt corrected or confirmed, and a doubt of the
    whole form ("form") by needs_review set false — which settles all. needs_review set true
    puts a form under review whatever its doubts."""
    settled: dict[str, set[str]] = {}
    verdict: dict[str, bool] = {}
    for e in entries.iter_rows(named=True):
        settled.setdefault(e["form_id"], set()).add(f"{e['subject']}.{e['field']}")
        if (e["subject"], e["field"], e["action"]) == ("form", "needs_review", "correct"):
            verdict[e["form_id"]] = bool(parse_value("flag", e["new"])["value"])
    needs, left_all, conf = [], [], []
    for row in forms.select("form_id", "needs_review", "doubts", "confidence").iter_rows(named=True):
        fid = row["form_id"]
        doubts = list(row["doubts"] or (["form"] if row["needs_review"] else []))
        left = [] if verdict.get(fid) is False else [d for d in doubts if d not in settled.get(fid, set())]
        needs.append(verdict[fid] if fid in verdict else bool(row["needs_review"]) and bool(left))
        left_all.append(left)
        # Every doubt settled by a reviewer: the form is as sure as they made it.
        conf.append(1.0 if doubts and not left else row["confidence"])
    return forms.with_columns(
        pl.Series("needs_review", needs, pl.Boolean),
        pl.Series("doubts_open", left_all, pl.List(pl.String)),
        pl.Series("confidence", conf, pl.Float64),
    )


def _settle_rows(frame: pl.DataFrame, table: str, forms: pl.DataFrame) -> pl.DataFrame:
    """A line or indicator with no doubt left open is as sure as a reviewer made it."""
    key = _INDEX[table]
    prefix = table + "["
    open_rows = set()
    doubted_rows = set()
    for row in forms.select("form_id", "doubts", "doubts_open").iter_rows(named=True):
        for d in row["doubts"] or []:
            if d.startswith(prefix):
                doubted_rows.add((row["form_id"], int(d[len(prefix):d.index("]")])))
        for d in row["doubts_open"] or []:
            if d.startswith(prefix):
                open_rows.add((row["form_id"], int(d[len(prefix):d.index("]")])))
    settled = doubted_rows - open_rows
    if not settled:
        return frame
    keys = pl.DataFrame(sorted(settled), schema={"form_id": pl.String, key: frame.schema[key]}, orient="row")
    keys = keys.with_columns(pl.lit(True).alias("_settled"))
    return frame.join(keys, on=["form_id", key], how="left").with_columns(
        pl.when(pl.col("_settled")).then(pl.max_horizontal(pl.col("confidence").fill_null(0.0), pl.lit(1.0)))
        .otherwise(pl.col("confidence")).alias("confidence")).drop("_settled")


def apply_journal(tables: dict[str, pl.DataFrame], journal: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The tables with the journal's latest entry per field applied: values set (and what
    derives from them: a target's operator, value and unit; a form's 项目资金 figures and its
    年度资金总额 line's, both ways; the project, department and year its rows carry),
    `corrected` / `confirmed` columns naming each row's settled fields, and each form's
    needs_review, doubts_open and confidence as the settled doubts leave them."""
    out = dict(tables)
    if "doubts" not in out["forms"].columns:  # a dataset of an older jixiao
        out["forms"] = out["forms"].with_columns(pl.lit(None, pl.List(pl.String)).alias("doubts"))
    entries = latest(journal).filter(pl.col("form_id").is_in(out["forms"]["form_id"].implode()))
    updates = _updates(out, entries) if entries.height else _Updates()
    for name in FIELDS:
        if name in out:
            out[name] = _marks(_set_cells(out[name], name, updates.cells[name]), name, updates.corrected[name], entries)
    if entries.height:
        out["forms"] = _settle_forms(out["forms"], entries)
    else:  # nothing settled: the doubts are all open
        doubts = pl.col("doubts").fill_null(pl.lit([], pl.List(pl.String)))
        out["forms"] = out["forms"].with_columns(
            pl.when(pl.col("needs_review") & (doubts.list.len() == 0)).then(pl.lit(["form"], pl.List(pl.String)))
            .otherwise(doubts).alias("doubts_open"))
    for name in ("fund_lines", "indicators"):
        if name in out and entries.height:
            out[name] = _settle_rows(out[name], name, out["forms"])
    return out


def stale_corrections(tables: Mapping[str, pl.DataFrame], journal: pl.DataFrame) -> pl.DataFrame:
    """The latest corrections whose `old` no longer matches the reading (the file was read
    again and now reads otherwise), with the value read now (`read_now`); and those whose
    form or row is gone (`read_now` null)."""
    rows = []
    for e in latest(journal).iter_rows(named=True):
        table, index = subject_table(e["subject"])
        row = _row(tables, e["form_id"], table, index) if table in tables and "forms" in tables else None
        now = read_text(tables, row, e["form_id"], e["subject"], e["field"]) if row is not None else None
        if now is None or not _same(now, e["old"]):
            rows.append({**e, "read_now": now})
    schema = {**CORRECTIONS, "read_now": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _same(a: str | None, b: str | None) -> bool:
    return compact(normalize(a or "")) == compact(normalize(b or ""))


def stale_in(out: Path) -> pl.DataFrame:
    """`stale_corrections` of the dataset directory `out` (empty when it has no journal)."""
    from extract.dataset.store import read_dataset

    journal = read_journal(out)
    if journal.is_empty():
        return stale_corrections({}, journal)
    return stale_corrections(read_dataset(out, ("fund_lines", "indicators", "boxes"), raw=True), journal)
