"""Document results → the dataset's DataFrames."""

from __future__ import annotations

from dataclasses import asdict

import polars as pl

from extract.dataset.schema import BOXES, DOCUMENTS, FORMS, FUND_LINES, INDICATORS, PAGES
from extract.records import DocumentResult


def _frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame([{k: row.get(k) for k in schema} for row in rows], schema=schema, orient="row")


def to_frames(results: list[DocumentResult]) -> dict[str, pl.DataFrame]:
    docs, forms, fund_lines, indicators, boxes, pages = [], [], [], [], [], []
    for res in results:
        docs.append(
            dict(doc_id=res.doc_id, path=res.path, pages=res.pages, status=res.status, error=res.error,
                 forms=len(res.forms) if res.form_count is None else res.form_count, method=res.method,
                 seconds=res.seconds, duplicate_of=res.duplicate_of, source=res.source, member=res.member,
                 needs_review=res.needs_review)
        )
        pages += [{**asdict(frame), "doc_id": res.doc_id} for frame in res.frames]
        for form in res.forms:
            form_id = f"{res.doc_id}:{form.form_index}"
            row = asdict(form)
            row.update(form_id=form_id, doc_id=res.doc_id, path=res.path, review_reasons="; ".join(form.review_reasons) or None)
            forms.append(row)
            # The form's project, department and year ride along, so an analysis of lines or
            # indicators needs no join on form_id.
            about = dict(form_id=form_id, project_name=form.project_name, department=form.department, year=form.year)
            fund_lines += [{**asdict(ln), **about} for ln in form.fund_lines]
            indicators += [{**asdict(ind), **about} for ind in form.indicators]
            for box in form.boxes:
                text = dict(zip(("text_x0", "text_y0", "text_x1", "text_y1"), box.text_bbox or (None,) * 4))
                boxes.append({**asdict(box), **text, "form_id": form_id})
    return {
        "documents": _frame(docs, DOCUMENTS),
        "forms": _frame(forms, FORMS),
        "fund_lines": _frame(fund_lines, FUND_LINES),
        "indicators": _frame(indicators, INDICATORS),
        "boxes": _frame(boxes, BOXES),
        "pages": _frame(pages, PAGES),
    }
