"""The dataset's tables and their column types (CONTRACT.md): one polars schema per table."""

from __future__ import annotations

import polars as pl

DOCUMENTS = {
    "doc_id": pl.String, "path": pl.String, "pages": pl.Int32, "status": pl.String,
    "error": pl.String, "forms": pl.Int32, "method": pl.String, "seconds": pl.Float64,
    # Added to the contract: for a byte-identical copy, the path under which it was read.
    "duplicate_of": pl.String,
    # Added: the file read, as an absolute path (for a zip member: the archive, and the
    # member's name), so a report can show the pages behind the numbers.
    "source": pl.String, "member": pl.String,
    # Added: no form was read, but a page looks like one (`error` names the pages).
    "needs_review": pl.Boolean,
}
FORMS = {
    "form_id": pl.String, "doc_id": pl.String, "path": pl.String, "form_index": pl.Int32,
    "page_start": pl.Int32, "page_end": pl.Int32, "method": pl.String, "template": pl.String,
    "year": pl.Int32, "project_name": pl.String, "department": pl.String,
    "implementing_unit": pl.String, "funds_unit": pl.String, "budget_initial": pl.Float64,
    "budget_full_year": pl.Float64, "executed": pl.Float64, "funds_weight": pl.Float64,
    "execution_rate_pct": pl.Float64, "funds_score": pl.Float64, "goal_planned": pl.String,
    "goal_actual": pl.String, "total_weight": pl.Float64, "total_score": pl.Float64,
    "grade": pl.String, "confidence": pl.Float64, "needs_review": pl.Boolean,
    # Added to the contract: digits printed after the point in the 总分 row.
    "decimals": pl.Struct({"total_weight": pl.Int8, "total_score": pl.Int8}),
    # Added to the contract: why a form needs review, "; "-joined.
    "review_reasons": pl.String,
    # Added: header labels no lexicon entry knows (finding form.unmapped_labels).
    "unmapped_labels": pl.List(pl.String),
    # Added: columns and blocks not read surely ("indicators.deviation_note").
    "unread_columns": pl.List(pl.String),
    # Added: what a reviewer must settle for the form to leave review ("indicators[3].target",
    # "form" for the whole form); the corrections journal settles them.
    "doubts": pl.List(pl.String),
}
FUND_LINES = {
    "form_id": pl.String, "line_index": pl.Int32, "line": pl.String, "label": pl.String,
    "budget_initial": pl.Float64, "budget_full_year": pl.Float64, "executed": pl.Float64,
    "weight": pl.Float64, "execution_rate_pct": pl.Float64, "score": pl.Float64,
    # Added to the contract: printed precision per number, the lowest confidence of the cells.
    "decimals": pl.Struct({k: pl.Int8 for k in (
        "budget_initial", "budget_full_year", "executed", "weight", "execution_rate_pct", "score")}),
    "confidence": pl.Float64,
    # Added: the form's project, department and year (as in forms), so no join is needed.
    "project_name": pl.String, "department": pl.String, "year": pl.Int32,
}
INDICATORS = {
    "form_id": pl.String, "indicator_index": pl.Int32, "level1": pl.String, "level2": pl.String,
    "level3": pl.String, "target": pl.String, "actual": pl.String, "weight": pl.Float64,
    "score": pl.Float64, "deviation_note": pl.String, "kind": pl.String, "target_op": pl.String,
    "target_value": pl.Float64, "actual_value": pl.Float64, "target_unit": pl.String,
    "actual_unit": pl.String, "page": pl.Int32, "confidence": pl.Float64,
    "decimals": pl.Struct({"weight": pl.Int8, "score": pl.Int8}),  # added: printed precision
    # Added for regional variants: the 分值 a first-level label declares ("产出指标(50分)"),
    # and the goal block of the row (Hubei's 年度绩效目标1/2).
    "level1_weight": pl.Float64, "goal_index": pl.Int32, "goal_weight": pl.Float64,
    # Added: the form's project, department and year (as in forms), so no join is needed.
    "project_name": pl.String, "department": pl.String, "year": pl.Int32,
}
# Added: where each mapped field was printed, in its page's layout frame (PAGES), in points.
BOXES = {
    "form_id": pl.String, "subject": pl.String, "field": pl.String, "block": pl.String,
    "page": pl.Int32, "x0": pl.Float64, "y0": pl.Float64, "x1": pl.Float64, "y1": pl.Float64,
    "text_x0": pl.Float64, "text_y0": pl.Float64, "text_x1": pl.Float64, "text_y1": pl.Float64,
    "confidence": pl.Float64,
    "text": pl.String,  # added: the cell's text as read (before the value rules)
    "cell": pl.String,  # added: a native form's cell in its file ("表1!C12", "表格1 第5行第3列")
}
# Added: the frame of each page read: text pages in the PDF's unrotated space, scans on
# their upright, deskewed image (quarter turns counter-clockwise, then skew degrees).
PAGES = {
    "doc_id": pl.String, "page": pl.Int32, "method": pl.String, "width": pl.Float64,
    "height": pl.Float64, "turns": pl.Int8, "skew": pl.Float64, "dpi": pl.Float64,
}

TABLES: dict[str, dict[str, pl.DataType]] = {
    "documents": DOCUMENTS,
    "forms": FORMS,
    "fund_lines": FUND_LINES,
    "indicators": INDICATORS,
    "boxes": BOXES,
    "pages": PAGES,
}
