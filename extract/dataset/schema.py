"""The dataset's tables and their column types (CONTRACT.md): one polars schema per table."""

from __future__ import annotations

import polars as pl

DOCUMENTS = {
    "doc_id": pl.String, "path": pl.String, "pages": pl.Int32, "status": pl.String,
    "error": pl.String, "forms": pl.Int32, "method": pl.String, "seconds": pl.Float64,
    # Added to the contract: for a byte-identical copy, the path under which it was read.
    "duplicate_of": pl.String,
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
}
FUND_LINES = {
    "form_id": pl.String, "line_index": pl.Int32, "line": pl.String, "label": pl.String,
    "budget_initial": pl.Float64, "budget_full_year": pl.Float64, "executed": pl.Float64,
    "weight": pl.Float64, "execution_rate_pct": pl.Float64, "score": pl.Float64,
    # Added to the contract: printed precision per number, the lowest confidence of the cells.
    "decimals": pl.Struct({k: pl.Int8 for k in (
        "budget_initial", "budget_full_year", "executed", "weight", "execution_rate_pct", "score")}),
    "confidence": pl.Float64,
}
INDICATORS = {
    "form_id": pl.String, "indicator_index": pl.Int32, "level1": pl.String, "level2": pl.String,
    "level3": pl.String, "target": pl.String, "actual": pl.String, "weight": pl.Float64,
    "score": pl.Float64, "deviation_note": pl.String, "kind": pl.String, "target_op": pl.String,
    "target_value": pl.Float64, "actual_value": pl.Float64, "target_unit": pl.String,
    "actual_unit": pl.String, "page": pl.Int32, "confidence": pl.Float64,
    "decimals": pl.Struct({"weight": pl.Int8, "score": pl.Int8}),  # added: printed precision
}

TABLES: dict[str, dict[str, pl.DataType]] = {
    "documents": DOCUMENTS,
    "forms": FORMS,
    "fund_lines": FUND_LINES,
    "indicators": INDICATORS,
}
