"""Cross-project aggregates over the dataset tables: per department (and year), score and
execution-rate distributions, an overview. Pure polars over frames; `load_stats_input` is
the one convenience that reads a directory.

    tables = load_tables(Path("data"))
    by_department(tables, tables.get("findings"))
    score_distribution(tables["forms"])     # bin, lo, hi, count: ready for a bar chart

A null value is never counted as anything: a form without 总分 is left out of the score
statistics, an indicator without 得分 or 分值 out of the full-marks share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import polars as pl

from extract.audit import FINDINGS, Rules, load_rules

Tables = Mapping[str, pl.DataFrame]

# total_score bins, left-closed: <60, [60, 70) … [95, 100), ≥100 (a perfect score on its own).
SCORE_EDGES: tuple[float, ...] = (60, 70, 80, 90, 95, 100)
# execution_rate_pct bins, right-closed: ≤50, (50, 80] … (95, 100], >100 (over-execution).
EXECUTION_EDGES: tuple[float, ...] = (50, 80, 90, 95, 100)
TOP_GRADE = "优"
# A score equal to its weight within this counts as full marks (both parsed from print).
FULL_MARKS_EPSILON = 1e-6

col = pl.col


def load_stats_input(directory: Path, raw: bool = False) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """The tables of a dataset directory and its findings (empty when never audited);
    corrected by the journal unless `raw`."""
    from extract.dataset.load import load_tables

    tables = load_tables(directory, raw)
    return tables, findings_of(tables)


def findings_of(tables: Tables) -> pl.DataFrame:
    return tables["findings"] if "findings" in tables else pl.DataFrame(schema=FINDINGS)


def _judged(indicators: pl.DataFrame) -> pl.DataFrame:
    """The indicators that can be judged (weight > 0, score present), each with `full`."""
    return indicators.filter(col("weight").is_not_null() & (col("weight") > 0) & col("score").is_not_null()) \
        .with_columns(((col("score") - col("weight")).abs() <= FULL_MARKS_EPSILON).alias("full"))


def full_marks(tables: Tables, by: Sequence[str] = ("department",)) -> pl.DataFrame:
    """Score inflation: per group, the indicators that can be judged (weight > 0, score
    present), how many got full marks (score = weight) and the share. `by` may name columns
    of forms (department, year …) or of indicators (level1 …)."""
    by = list(by)
    ind = tables["indicators"]
    # A column both tables have (department, year: carried on indicators too) is the form's.
    from_forms = [c for c in by if c in tables["forms"].columns or c not in ind.columns]
    judged = _judged(ind.drop([c for c in from_forms if c in ind.columns])).join(
        tables["forms"].select("form_id", *from_forms), on="form_id", how="left")
    return (
        judged.group_by(by)
        .agg(pl.len().cast(pl.Int64).alias("indicators_scored"), col("full").sum().cast(pl.Int64).alias("full_marks"))
        .with_columns((col("full_marks") / col("indicators_scored")).alias("full_marks_share"))
        .sort(by, nulls_last=True)
    )


def full_marks_by_department(tables: Tables) -> pl.DataFrame:
    """department, indicators_scored, full_marks, full_marks_share."""
    return full_marks(tables, ("department",))


def aggregate(tables: Tables, findings: pl.DataFrame | None = None, by: Sequence[str] = ("department", "year"),
              rules: Rules | None = None) -> pl.DataFrame:
    """One row per group of forms (`by`: columns of forms), sorted by the group:

    forms, documents (distinct files), score_mean/median/min/max (total_score),
    execution_rate_mean (execution_rate_pct), review_share (forms needing review),
    indicators_scored (that can be judged) and full_marks_share (see `full_marks`),
    errors_per_form (error-severity findings ÷ forms), top_grade_share (forms graded 优,
    printed aliases such as 优秀 included, among the forms with a grade).
    A share or mean is null where there was nothing to count.
    """
    by = list(by)
    rules = rules or load_rules()
    findings = findings if findings is not None else pl.DataFrame(schema=FINDINGS)
    grade = col("grade").replace(rules.grade_aliases)
    errors = findings.filter(col("severity") == "error").group_by("form_id").agg(pl.len().alias("_errors"))
    marks = _judged(tables["indicators"]).group_by("form_id").agg(
        pl.len().alias("_judged"), col("full").sum().alias("_full"))
    out = (
        tables["forms"].join(errors, on="form_id", how="left").join(marks, on="form_id", how="left")
        .group_by(by)
        .agg(
            pl.len().cast(pl.Int64).alias("forms"),
            col("doc_id").n_unique().cast(pl.Int64).alias("documents"),
            col("total_score").mean().alias("score_mean"),
            col("total_score").median().alias("score_median"),
            col("total_score").min().alias("score_min"),
            col("total_score").max().alias("score_max"),
            col("execution_rate_pct").mean().alias("execution_rate_mean"),
            col("needs_review").mean().alias("review_share"),
            col("_judged").sum().cast(pl.Int64).alias("indicators_scored"),
            (col("_full").sum() / col("_judged").sum()).alias("full_marks_share"),
            (col("_errors").sum() / pl.len()).alias("errors_per_form"),
            ((grade == TOP_GRADE).sum() / grade.is_not_null().sum()).alias("top_grade_share"),
        )
        .sort(by, nulls_last=True)
    )
    # 0/0 is NaN in polars; here it means nothing to count.
    return out.with_columns(pl.col(pl.Float64).fill_nan(None))


def by_department(tables: Tables, findings: pl.DataFrame | None = None, rules: Rules | None = None) -> pl.DataFrame:
    """`aggregate` per department and year."""
    return aggregate(tables, findings, ("department", "year"), rules)


def by_year(tables: Tables, findings: pl.DataFrame | None = None, rules: Rules | None = None) -> pl.DataFrame:
    """`aggregate` per year."""
    return aggregate(tables, findings, ("year",), rules)


def _edge(x: float) -> str:
    return f"{x:g}"


def _distribution(values: pl.Series, edges: Sequence[float], closed: str, maximum: float | None = None) -> pl.DataFrame:
    """Counts of the non-null values in the bins the edges make, every bin listed (zero
    included), lowest first; lo/hi are null for the open ends."""
    edges = sorted(edges)
    bounds = [(None, edges[0]), *pairwise(edges), (edges[-1], None)]
    frame = values.drop_nulls().drop_nans().to_frame("v")
    v = col("v")
    labels, counts = [], []
    for lo, hi in bounds:
        if closed == "left":
            # [lo, hi); an edge that is the scale's maximum closes its bin: 100 belongs to
            # 95–100, and ">100" is an overshoot.
            at_max = maximum is not None and hi == maximum
            past_max = maximum is not None and lo == maximum and hi is None
            above = None if lo is None else (v > lo) if past_max else (v >= lo)
            below = None if hi is None else (v <= hi) if at_max else (v < hi)
            label = (f"<{_edge(hi)}" if lo is None else (">" if past_max else "≥") + _edge(lo) if hi is None
                     else f"{_edge(lo)}–{_edge(hi)}")
        else:
            above, below = (v > lo if lo is not None else None), (v <= hi if hi is not None else None)
            label = f"≤{_edge(hi)}" if lo is None else f">{_edge(lo)}" if hi is None else f"{_edge(lo)}–{_edge(hi)}"
        inside = above & below if above is not None and below is not None else above if above is not None else below
        labels.append(label)
        counts.append(frame.select(inside.sum()).item())
    return pl.DataFrame(
        {"bin": labels, "lo": [b[0] for b in bounds], "hi": [b[1] for b in bounds], "count": counts},
        schema={"bin": pl.String, "lo": pl.Float64, "hi": pl.Float64, "count": pl.Int64},
    )


def score_distribution(forms: pl.DataFrame, bins: Sequence[float] = SCORE_EDGES) -> pl.DataFrame:
    """total_score counted in bins [lo, hi) (the top one [95, 100]): columns bin ("<60", "60–70" …
    "95–100", ">100"), lo, hi, count. A score above 100 is a form's own error."""
    return _distribution(forms["total_score"], bins, "left", maximum=100.0)


def execution_distribution(forms: pl.DataFrame, bins: Sequence[float] = EXECUTION_EDGES) -> pl.DataFrame:
    """execution_rate_pct counted in bins (lo, hi]: bin ("≤50", "50–80" … "95–100", ">100"), lo, hi, count.
    100% falls in "95–100"; ">100" is over-execution."""
    return _distribution(forms["execution_rate_pct"], bins, "right")


def overview(tables: Tables, findings: pl.DataFrame | None = None) -> dict[str, int]:
    """documents (files, duplicates included), ok, no_form, failed, forms, needs_review,
    documents_to_check, indicators, findings, error/warning/info (findings by severity), forms_with_errors."""
    findings = findings if findings is not None else pl.DataFrame(schema=FINDINGS)
    docs, forms = tables["documents"], tables["forms"]
    status = docs["status"]
    severity = findings["severity"]
    return {
        "documents": docs.height,
        **{s: int((status == s).sum()) for s in ("ok", "no_form", "failed")},
        "forms": forms.height,
        "needs_review": int(forms["needs_review"].sum()),
        # Documents with no form read whose pages look like one (older datasets: none).
        "documents_to_check": int(docs["needs_review"].sum()) if "needs_review" in docs.columns else 0,
        "indicators": tables["indicators"].height,
        "findings": findings.height,
        **{s: int((severity == s).sum()) for s in ("error", "warning", "info")},
        "forms_with_errors": findings.filter(col("severity") == "error")["form_id"].n_unique(),
    }


@dataclass(frozen=True)
class StatsReport:
    """What `jixiao stats` prints."""

    by: tuple[str, ...]
    overview: dict[str, int]
    groups: pl.DataFrame  # `aggregate` by `by`
    scores: pl.DataFrame  # `score_distribution`
    execution: pl.DataFrame  # `execution_distribution`


def stats_report(tables: Tables, findings: pl.DataFrame | None = None, by: Sequence[str] = ("department", "year"),
                 rules: Rules | None = None) -> StatsReport:
    return StatsReport(
        by=tuple(by),
        overview=overview(tables, findings),
        groups=aggregate(tables, findings, by, rules),
        scores=score_distribution(tables["forms"]),
        execution=execution_distribution(tables["forms"]),
    )


def consistency_table(directory: Path, rules=None) -> pl.DataFrame:
    """consistency.parquet of a dataset (one row per 主管部门 and year); recomputed where the
    dataset was never audited, or with the user's `rules`."""
    from extract.audit import audit
    from extract.dataset.load import load_tables
    from extract.dataset.store import table_path

    if rules is None and table_path(directory, "consistency").exists():
        return pl.read_parquet(table_path(directory, "consistency"))
    return audit(load_tables(directory), rules).consistency
