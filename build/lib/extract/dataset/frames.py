"""Document results → the dataset's DataFrames."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl

from extract.dataset.schema import BOXES, DOCUMENTS, FORMS, FUND_LINES, INDICATORS, PAGES
from extract.records import DocumentResult

# Built column by column from the records' attributes: no dataclasses.asdict, which deep-copies
# every form's indicators and boxes only for the row to drop them (~60% of a text ingest once).


class _Columns:
    """One table's columns, filled a row at a time from a record and the values it lacks."""

    def __init__(self, schema: dict[str, pl.DataType]) -> None:
        self.schema = schema
        self.values: dict[str, list] = {k: [] for k in schema}

    def add(self, record: object, extra: dict[str, object] | None = None) -> None:
        extra = extra or {}
        for key, column in self.values.items():
            column.append(extra[key] if key in extra else getattr(record, key, None))

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.values, schema=self.schema)


def _document_extra(res: DocumentResult) -> dict[str, object]:
    return {"forms": len(res.forms) if res.form_count is None else res.form_count}


def _text_box(bbox: tuple[float, float, float, float] | None) -> dict[str, object]:
    return dict(zip(("text_x0", "text_y0", "text_x1", "text_y1"), bbox or (None,) * 4))


def to_frames(results: Iterable[DocumentResult]) -> dict[str, pl.DataFrame]:
    tables = {name: _Columns(schema) for name, schema in (
        ("documents", DOCUMENTS), ("forms", FORMS), ("fund_lines", FUND_LINES), ("indicators", INDICATORS),
        ("boxes", BOXES), ("pages", PAGES))}
    add: dict[str, Callable[..., None]] = {name: cols.add for name, cols in tables.items()}
    for res in results:
        add["documents"](res, _document_extra(res))
        for frame in res.frames:
            add["pages"](frame, {"doc_id": res.doc_id})
        for form in res.forms:
            form_id = f"{res.doc_id}:{form.form_index}"
            add["forms"](form, {"form_id": form_id, "doc_id": res.doc_id, "path": res.path,
                                "review_reasons": "; ".join(form.review_reasons) or None})
            # The form's project, department and year ride along, so an analysis of lines or
            # indicators needs no join on form_id.
            about = {"form_id": form_id, "project_name": form.project_name, "department": form.department,
                     "year": form.year}
            for line in form.fund_lines:
                add["fund_lines"](line, about)
            for ind in form.indicators:
                add["indicators"](ind, about)
            for box in form.boxes:
                add["boxes"](box, {**_text_box(box.text_bbox), "form_id": form_id})
    return {name: cols.frame() for name, cols in tables.items()}

