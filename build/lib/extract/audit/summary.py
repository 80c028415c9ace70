"""Views of the findings for people: counts by check and severity, the forms with most errors."""

from __future__ import annotations

import polars as pl

from extract.audit import SEVERITY_ORDER


def counts_by_check(findings: pl.DataFrame) -> pl.DataFrame:
    """check × severity × source → count, errors first."""
    return (
        findings.group_by("check", "severity", "source")
        .agg(pl.len().alias("findings"), pl.col("form_id").n_unique().alias("forms"))
        .with_columns(pl.col("severity").replace_strict(SEVERITY_ORDER, return_dtype=pl.Int8).alias("_order"))
        .sort("_order", "check", "source")
        .drop("_order")
    )


def worst_forms(findings: pl.DataFrame, forms: pl.DataFrame, limit: int = 10) -> pl.DataFrame:
    """The forms with most error-severity findings."""
    errors = findings.filter(pl.col("severity") == "error").group_by("form_id").agg(
        pl.len().alias("errors"), pl.col("check").unique().sort().str.join(", ").alias("checks")
    )
    return (
        errors.join(forms.select("form_id", "path", "form_index", "project_name"), on="form_id", how="left")
        .sort("errors", "form_id", descending=[True, False])
        .head(limit)
    )
