"""Checks across projects: what no single form shows, as polars joins and group-bys.

A finance bureau reads a department's self-evaluations side by side: the same indicator
scored by different rules, a project printed twice with different numbers, a target
lowered from last year's, completion texts copied from project to project, full marks that
the department's own missed targets contradict. Each finding is one row per form involved,
`related_forms` naming the others. Names are compared normalised (`normalised`): NFKC, no
spaces or punctuation, a year prefix ("2024年度") off project names. A finding that rests on
a reading below the confidence threshold is `source = extraction`, at most a warning.
"""

from __future__ import annotations

import polars as pl

from extract.audit.checks import QUANTITATIVE_COLUMNS, RATE_COLUMNS, REGISTRY, check, columns_of, finding_columns
from extract.audit.rules import Rules

col, lit = pl.col, pl.lit

# The form's columns that indicators carry too (joins take them from forms).
_FORM_COLUMNS = ("project_name", "department", "year")
# Spaces, punctuation and symbols: what two printings of one name may differ by.
_NOISE = r"[\s\p{P}\p{S}]"
_YEAR_PREFIX = r"^(?:19|20)\d{2}年度?"


def normalised(expr: pl.Expr, year_prefix: bool = False) -> pl.Expr:
    out = expr.str.normalize("NFKC").str.replace_all(_NOISE, "")
    return out.str.replace(_YEAR_PREFIX, "") if year_prefix else out


def _share(frame_cols: tuple[str, str] = ("score", "weight")) -> pl.Expr:
    score, weight = frame_cols
    return pl.when(col(weight) > 0).then(col(score) / col(weight))


def keyed_forms(forms: pl.DataFrame) -> pl.DataFrame:
    """The forms with their comparison keys."""
    return forms.with_columns(
        normalised(col("project_name"), year_prefix=True).alias("project_key"),
        normalised(col("department")).alias("department_key"),
    )


def _findings(hits: pl.DataFrame, check: str, severity: pl.Expr | str, subject: pl.Expr, expected: pl.Expr,
              found: pl.Expr, message: pl.Expr, rules: Rules, indicator_index: pl.Expr | None = None) -> pl.DataFrame:
    """`hits`: one row per involved form (or indicator), with `group` (the forms compared),
    `related_forms` and `group_confidence` (the lowest confidence of what was compared)."""
    severity = lit(severity) if isinstance(severity, str) else severity
    uncertain = col("group_confidence").fill_null(1.0) < rules.low_confidence
    return hits.select(*finding_columns(check, severity, uncertain, subject, expected, found, message, indicator_index),
                       col("related_forms"))


# A group's other forms listed in each of its findings, and project names in its message, at
# most: a group of n forms has n findings, and listing all the others in each is n² (an archive
# holding one form 2,000 times took 2 GB). The finding's count (`expected`, the message) is whole.
MAX_RELATED = 50
MAX_PROJECTS_NAMED = 10


def _related(frame: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """Each row's `related_forms`: the other forms of its group (the first MAX_RELATED by id),
    and the group's lowest confidence."""
    others = frame.group_by(group).agg(
        col("form_id").unique().sort().head(MAX_RELATED + 1).alias("group_forms"),
        col("confidence").min().alias("group_confidence"),
        col("project_name").drop_nulls().unique().sort().alias("group_projects"),
    ).with_columns(
        pl.when(col("group_projects").list.len() > MAX_PROJECTS_NAMED)
        .then(pl.format("{}等{}个项目", col("group_projects").list.head(MAX_PROJECTS_NAMED).list.join("、"),
                        col("group_projects").list.len()))
        .otherwise(col("group_projects").list.join("、")).alias("projects"),
    ).drop("group_projects")
    return frame.join(others, on=group, how="inner").with_columns(
        col("group_forms").list.set_difference(pl.concat_list(col("form_id"))).list.sort().list.head(MAX_RELATED)
        .alias("related_forms"),
    )


# -- the checks ---------------------------------------------------------------------------------
@check("consistency.same_indicator_diff_score", reads=(*QUANTITATIVE_COLUMNS, *columns_of("indicators", "level3")))
def same_indicator_diff_score(forms: pl.DataFrame, indicators: pl.DataFrame, rules: Rules, name: str) -> pl.DataFrame:
    """One department and year scoring one indicator (same 三级指标, target and actual) at
    different shares of its weight in different projects."""
    number = pl.format("{}{}{}", col("target_op").fill_null(""), col("target_value").cast(pl.String),
                       col("target_unit").fill_null(""))
    actual = pl.format("{}{}", col("actual_value").cast(pl.String), col("actual_unit").fill_null(""))
    rows = indicators.join(forms.select("form_id", "project_name", "project_key", "department_key", "year"),
                           on="form_id").with_columns(
        normalised(col("level3")).alias("level3_key"),
        pl.when(col("target_value").is_not_null()).then(number).otherwise(normalised(col("target"))).alias("target_key"),
        pl.when(col("actual_value").is_not_null()).then(actual).otherwise(normalised(col("actual"))).alias("actual_key"),
        _share().alias("share"),
    ).filter(col("share").is_not_null() & col("department_key").is_not_null() & (col("level3_key") != ""))
    group = ["department_key", "year", "level3_key", "target_key", "actual_key"]
    spread = rows.group_by(group).agg(
        (col("share").max() - col("share").min()).alias("spread"),
        col("project_key").n_unique().alias("projects_n"),
        col("share").min().alias("low"), col("share").max().alias("high"),
    ).filter((col("projects_n") >= 2) & (col("spread") > rules.consistency.score_share_spread))
    hits = _related(rows.join(spread, on=group, how="semi"), group).join(spread, on=group)
    pct = lambda e: (e * 100).round(0).cast(pl.Int64).cast(pl.String) + lit("%")  # noqa: E731
    return _findings(
        hits, name, "warning",
        pl.format("indicators[{}]", col("indicator_index")),
        pl.format("{}–{}", pct(col("low")), pct(col("high"))), pct(col("share")),
        pl.format("同一指标「{}」（目标{}，实际{}）在本部门{}年度各项目得分率不一（{}至{}）：{}", col("level3"), col("target"),
                  col("actual"), col("year"), pct(col("low")), pct(col("high")), col("projects")),
        rules, indicator_index=col("indicator_index"),
    )


@check(
    "consistency.duplicate_project",
    reads=(*RATE_COLUMNS, *columns_of("fund_lines", "budget_initial"), "form.total_score"),
)
def duplicate_project(forms: pl.DataFrame, rules: Rules, name: str) -> pl.DataFrame:
    """One project, department and year in two or more forms: warning when their amounts or
    total score differ, info when they are identical copies."""
    group = ["project_key", "department_key", "year"]
    values = ["budget_initial", "budget_full_year", "executed", "total_score"]
    keyed = forms.filter(col("project_key").is_not_null() & (col("project_key") != ""))
    groups = keyed.group_by(group).agg(
        pl.len().alias("n"),
        pl.any_horizontal([col(v).n_unique() > 1 for v in values]).alias("differ"),
    ).filter(col("n") >= 2)
    hits = _related(keyed.join(groups, on=group, how="semi"), group).join(groups, on=group)
    return _findings(
        hits, name, pl.when(col("differ")).then(lit("warning")).otherwise(lit("info")),
        lit("form"),
        pl.format("{}份", col("n")), pl.when(col("differ")).then(lit("数字不一致")).otherwise(lit("内容相同")),
        pl.when(col("differ"))
        .then(pl.format("项目「{}」{}年度的自评表出现{}份，金额或总分不一致（全年预算数{}、全年执行数{}、总分{}）", col("project_name"),
                        col("year"), col("n"), col("budget_full_year"), col("executed"), col("total_score")))
        .otherwise(pl.format("项目「{}」{}年度的自评表重复出现{}份，内容相同", col("project_name"), col("year"), col("n"))),
        rules,
    )


@check("consistency.target_lowered", reads=columns_of("indicators", "level3", "target"))
def target_lowered(forms: pl.DataFrame, indicators: pl.DataFrame, rules: Rules, name: str) -> pl.DataFrame:
    """The same project a year on: a ≥/> target of the same 三级指标 and unit set lower."""
    rows = indicators.filter(col("target_op").is_in([">=", ">"]) & col("target_value").is_not_null()).join(
        forms.select("form_id", "project_name", "project_key", "department_key", "year"), on="form_id",
    ).with_columns(normalised(col("level3")).alias("level3_key"), col("target_unit").fill_null("").alias("unit_key"))
    key = ["project_key", "department_key", "level3_key", "unit_key"]
    last = rows.select(*key, (col("year") + 1).alias("year"), col("form_id").alias("last_form"),
                       col("target").alias("last_target"), col("actual").alias("last_actual"),
                       col("target_value").alias("last_value"), col("confidence").alias("last_confidence"))
    hits = rows.join(last, on=[*key, "year"]).filter(col("target_value") < col("last_value") - rules.epsilon).with_columns(
        pl.concat_list(col("last_form")).alias("related_forms"),
        pl.min_horizontal("confidence", "last_confidence").alias("group_confidence"),
    )
    return _findings(
        hits, name, "warning",
        pl.format("indicators[{}]", col("indicator_index")),
        pl.format(">= {}", col("last_target")), col("target"),
        pl.format("项目「{}」{}年度指标「{}」目标{}低于上年目标{}（上年实际完成{}）", col("project_name"), col("year"),
                  col("level3"), col("target"), col("last_target"), col("last_actual")),
        rules, indicator_index=col("indicator_index"),
    )


@check("consistency.boilerplate_text", reads=columns_of("indicators", "deviation_note"))
def boilerplate_text(forms: pl.DataFrame, indicators: pl.DataFrame, rules: Rules, name: str) -> pl.DataFrame:
    """One 实际完成情况 (or 偏差原因) text, long enough to be written, in several projects."""
    c = rules.consistency
    keyed = forms.select("form_id", "project_name", "project_key", "department_key", "year", "confidence")
    texts = pl.concat([
        forms.select("form_id", col("goal_actual").alias("text"), lit("form").alias("subject"),
                     lit(None, dtype=pl.Int32).alias("indicator_index"), lit("实际完成情况").alias("what")),
        indicators.select("form_id", col("deviation_note").alias("text"),
                          pl.format("indicators[{}]", col("indicator_index")).alias("subject"),
                          col("indicator_index").cast(pl.Int32), lit("偏差原因").alias("what")),
    ]).join(keyed, on="form_id").with_columns(normalised(col("text")).alias("text_key")).filter(
        col("text_key").str.len_chars() >= c.boilerplate_min_chars)
    group = ["department_key", "year", "what", "text_key"]
    copied = texts.group_by(group).agg(col("project_key").n_unique().alias("projects_n")).filter(
        col("projects_n") >= c.boilerplate_min_projects)
    hits = _related(texts.join(copied, on=group, how="semi"), group).join(copied, on=group)
    return _findings(
        hits, name, "info",
        col("subject"),
        lit(None, dtype=pl.String), pl.format("{}个项目", col("projects_n")),
        pl.format("{}「{}」与本部门{}年度其他项目相同（共{}个项目）：{}", col("what"), col("text").str.slice(0, 30),
                  col("year"), col("projects_n"), col("projects")),
        rules, indicator_index=col("indicator_index"),
    )


@check("consistency.department_inflation", reads=(*QUANTITATIVE_COLUMNS, *RATE_COLUMNS, "form.total_score"))
def department_inflation(table: pl.DataFrame, forms: pl.DataFrame, rules: Rules, name: str) -> pl.DataFrame:
    """A department-year whose full marks its own numbers do not support: most missed
    targets still scored full, or a high mean total over a low mean 执行率."""
    c = rules.consistency
    flagged = table.filter(
        (col("forms") >= c.inflation_min_forms)
        & (((col("missed") > 0) & (col("missed_full_share") >= c.inflation_missed_full_share))
           | ((col("mean_total") >= c.inflation_mean_total) & (col("mean_execution_pct") < c.inflation_mean_execution)))
    )
    group = ["department_key", "year"]
    hits = _related(forms.join(flagged.select(*group), on=group, how="semi"), group).join(flagged, on=group)
    why = pl.when((col("missed") > 0) & (col("missed_full_share") >= c.inflation_missed_full_share)).then(
        pl.format("未达成目标的{}个定量指标中{}%仍得满分", col("missed"), (col("missed_full_share") * 100).round(0).cast(pl.Int64))
    ).otherwise(pl.format("平均总分{}而平均执行率仅{}%", col("mean_total").round(2), col("mean_execution_pct").round(2)))
    return _findings(
        hits, name, "warning", lit("form"),
        lit(None, dtype=pl.String), why,
        pl.format("{}{}年度{}份自评表：{}，自评分可能偏高", col("department"), col("year"), col("forms"), why),
        rules,
    )


@check("consistency.funds_weight_varies", reads=columns_of("fund_lines", "weight"))
def funds_weight_varies(forms: pl.DataFrame, rules: Rules, name: str) -> pl.DataFrame:
    group = ["department_key", "year"]
    keyed = forms.filter(col("funds_weight").is_not_null() & col("department_key").is_not_null())
    groups = keyed.group_by(group).agg(
        col("funds_weight").n_unique().alias("weights_n"),
        col("funds_weight").unique().sort().cast(pl.String).str.join("、").alias("weights"),
    ).filter(col("weights_n") > 1)
    hits = _related(keyed.join(groups, on=group, how="semi"), group).join(groups, on=group)
    return _findings(
        hits, name, "info", lit("fund_lines[0]"),
        col("weights"), col("funds_weight").cast(pl.String),
        pl.format("{}{}年度各项目预算执行分值不一（{}），本项目为{}", col("department"), col("year"), col("weights"),
                  col("funds_weight")),
        rules,
    )


# -- the department table -----------------------------------------------------------------------
CONSISTENCY_CHECKS = tuple(name for name in REGISTRY if name.startswith("consistency."))
CONSISTENCY = {
    "department": pl.String, "year": pl.Int32, "forms": pl.Int32, "mean_total": pl.Float64,
    "full_marks_share": pl.Float64, "missed": pl.Int32, "missed_full_share": pl.Float64,
    "mean_execution_pct": pl.Float64, "findings": pl.Int32,
    **{check.removeprefix("consistency."): pl.Int32 for check in CONSISTENCY_CHECKS},
}


def with_finding_counts(table: pl.DataFrame, findings: pl.DataFrame, forms: pl.DataFrame) -> pl.DataFrame:
    """The department table (CONSISTENCY) with its consistency findings counted per check
    (a finding counts once per form it names)."""
    where = findings.filter(col("check").str.starts_with("consistency.")).join(
        forms.select("form_id", "department_key", "year"), on="form_id")
    counts = where.group_by("department_key", "year").agg(
        pl.len().alias("findings"),
        *[(col("check") == check).sum().alias(check.removeprefix("consistency.")) for check in CONSISTENCY_CHECKS],
    )
    out = table.join(counts, on=["department_key", "year"], how="left", nulls_equal=True)
    return out.with_columns(pl.col(c).fill_null(0) for c in counts.columns if c not in ("department_key", "year")).select(
        list(CONSISTENCY)).cast(CONSISTENCY)


def department_table(forms: pl.DataFrame, indicators: pl.DataFrame, rate: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """One row per 主管部门 and year: forms, mean total, full marks, missed-but-full, mean 执行率.
    `indicators` carries the audit's `missed` flag; `rate` the form's 执行率 used (form_id, rate_used)."""
    eps = rules.epsilon
    per_form = indicators.group_by("form_id").agg(
        pl.len().alias("n_ind"),
        (col("score") >= col("weight") - eps).sum().alias("full_ind"),
        col("missed").fill_null(False).sum().alias("missed"),
        (col("missed").fill_null(False) & (col("score") >= col("weight") - eps)).sum().alias("missed_full"),
    )
    rows = forms.join(per_form, on="form_id", how="left").join(rate, on="form_id", how="left")
    return rows.group_by("department_key", "year").agg(
        col("department").drop_nulls().first().alias("department"),
        pl.len().cast(pl.Int32).alias("forms"),
        col("total_score").mean().alias("mean_total"),
        (col("full_ind").sum() / col("n_ind").sum()).alias("full_marks_share"),
        col("missed").sum().cast(pl.Int32).alias("missed"),
        pl.when(col("missed").sum() > 0).then(col("missed_full").sum() / col("missed").sum()).alias("missed_full_share"),
        col("rate_used").mean().alias("mean_execution_pct"),
    ).sort("department_key", "year", nulls_last=True)


def consistency_findings(forms: pl.DataFrame, indicators: pl.DataFrame, table: pl.DataFrame,
                         rules: Rules) -> list[pl.DataFrame]:
    """The cross-project findings; `forms` as `keyed_forms` gives them, `table` the department table."""
    indicators = indicators.drop(_FORM_COLUMNS, strict=False)  # taken from forms, where they belong
    return [
        same_indicator_diff_score(forms, indicators, rules),
        duplicate_project(forms, rules),
        target_lowered(forms, indicators, rules),
        boilerplate_text(forms, indicators, rules),
        department_inflation(table, forms, rules),
        funds_weight_varies(forms, rules),
    ]
