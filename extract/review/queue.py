"""What a reviewer has to look at, worst first: every field a form doubts (forms.doubts) and
every finding the audit blames on the reading (source extraction), as Items.

    from extract.review.queue import build_queue
    items = build_queue(read_dataset(Path("data")), findings)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl

from extract.dataset.corrections import FIELDS, current_text, latest, subject_table

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Item:
    form_id: str
    subject: str  # form | fund_lines[i] | indicators[i]
    field: str  # a column; needs_review: the whole form
    value: str  # the dataset's value (as corrected), as text
    read: str | None  # the cell's text as read (a number the value rules could not take: "13.07,")
    confidence: float | None  # the field's reading (boxes.parquet); None: no cell of its own
    why: str  # doubt | the finding's check
    message: str
    project_name: str | None
    path: str
    page: int | None
    box: Box | None  # where it was printed, in the page's layout points
    cell: str | None  # a native form's cell in its file ("表1!C12"): shown instead of a page crop
    settled: str | None = None  # correct | confirm: what the journal holds for it

    def json(self) -> dict:
        return asdict(self)


def _boxes(boxes: pl.DataFrame) -> dict[tuple[str, str, str], dict]:
    return {(r["form_id"], r["subject"], r["field"]): r for r in boxes.iter_rows(named=True)}


def _rows(tables: dict[str, pl.DataFrame]) -> dict[tuple[str, str], dict]:
    rows: dict[tuple[str, str], dict] = {}
    for r in tables["forms"].iter_rows(named=True):
        rows[(r["form_id"], "form")] = r
    for table, key in (("fund_lines", "line_index"), ("indicators", "indicator_index")):
        for r in tables[table].iter_rows(named=True):
            rows[(r["form_id"], f"{table}[{r[key]}]")] = r
    return rows


def build_queue(tables: dict[str, pl.DataFrame], findings: pl.DataFrame,
                journal: pl.DataFrame | None = None) -> list[Item]:
    """The items of the corrected `tables` (as read_dataset gives them) and their audit's
    `findings`: doubts by their reading's confidence, lowest first, then the findings the
    audit blames on the reading; settled ones carry what settled them."""
    from extract.audit.checks import REGISTRY

    forms = {r["form_id"]: r for r in tables["forms"].iter_rows(named=True)}
    boxes = _boxes(tables["boxes"])
    rows = _rows(tables)
    done = {}
    if journal is not None and journal.height:
        done = {(e["form_id"], e["subject"], e["field"]): e["action"] for e in latest(journal).iter_rows(named=True)}
    items: dict[tuple[str, str, str], Item] = {}

    def add(form_id: str, subject: str, name: str, why: str, message: str) -> None:
        form = forms[form_id]
        table, _ = subject_table(subject)
        if name not in FIELDS[table]:
            subject, name = "form", "needs_review"
        key = (form_id, subject, name)
        if key in items:
            return
        row = rows.get((form_id, subject), {})
        box = boxes.get(key) or (boxes.get((form_id, subject, "target_op")) if name == "target" else None)
        items[key] = Item(
            form_id, subject, name, current_text(row, name) if row else "", box.get("text") if box else None,
            box["confidence"] if box else None, why, message, form.get("project_name"), form["path"],
            box["page"] if box else form.get("page_start"),
            (box["x0"], box["y0"], box["x1"], box["y1"]) if box else None,
            box.get("cell") if box else None,
            done.get(key) or done.get((form_id, "form", "needs_review")) if name == "needs_review" else done.get(key),
        )

    for form_id, form in forms.items():
        for doubt in form.get("doubts") or ([] if not form["needs_review"] else ["form"]):
            subject, _, name = doubt.rpartition(".") if doubt != "form" else ("form", "", "needs_review")
            add(form_id, subject, name, "doubt", _reasons(form))
    blamed = findings.filter((pl.col("source") == "extraction") & (pl.col("severity") != "info")) \
        if findings.height else findings
    for f in blamed.iter_rows(named=True):
        if f["form_id"] not in forms:
            continue
        marks = REGISTRY[f["check"]].marks if f["check"] in REGISTRY else ()
        for name in marks or ("needs_review",):
            add(f["form_id"], f["subject"] or "form", name, f["check"], f["message"] or "")
    return sorted(items.values(), key=_worst_first)


def _reasons(form: dict) -> str:
    return form.get("review_reasons") or "needs review"


def _worst_first(item: Item) -> tuple:
    # Unsure readings first (lowest confidence), then what has no cell (a block not found),
    # then findings; within each, by form and place.
    rank = 0 if item.why == "doubt" and item.confidence is not None else 1 if item.why == "doubt" else 2
    return rank, item.confidence if item.confidence is not None else 1.0, item.form_id, item.subject, item.field
