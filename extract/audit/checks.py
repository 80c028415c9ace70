"""The audit checks: each a named polars expression over the dataset, one row per finding.

Every check follows one pattern (`_emit`): a frame with one row per subject, a boolean
`fires` expression (null counts as not firing: a value that is missing cannot be checked),
the two sides of the comparison, a Chinese message, and the confidence of the values used.
Where that confidence is low the finding's source is `extraction`, not `form`, and an
error becomes a warning: the form is not accused of what may be a misreading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from extract.audit.rules import Rules

FINDINGS = {
    "form_id": pl.String, "check": pl.String, "severity": pl.String, "subject": pl.String,
    "indicator_index": pl.Int32, "expected": pl.String, "found": pl.String, "message": pl.String,
    "source": pl.String, "related_forms": pl.List(pl.String),
}

# The 项目资金 amounts whose 年度资金总额 equals the sum of the 其中 lines.
AMOUNT_COLUMNS = {"budget_initial": "年初预算数", "budget_full_year": "全年预算数", "executed": "全年执行数"}
# Digits after the point assumed where the printing precision was not recorded.
DEFAULT_DECIMALS = 2

col, lit = pl.col, pl.lit


def half_unit(decimals: pl.Expr) -> pl.Expr:
    """Half a unit in the last printed digit: the most a correctly rounded value is off by."""
    return 0.5 * (10.0 ** (-decimals.fill_null(DEFAULT_DECIMALS).cast(pl.Float64)))


def round_half_up(value: pl.Expr, decimals: pl.Expr) -> pl.Expr:
    """Round half away from zero (0.125 → 0.13), as the forms do; never banker's rounding.
    The nudge of 1e-9 undoes binary fractions such as 9.325 stored as 9.32499999."""
    scale = 10.0 ** decimals.fill_null(DEFAULT_DECIMALS).cast(pl.Float64)
    return (value.abs() * scale + 0.5 + 1e-9).floor() / scale * value.sign()


def fmt(value: pl.Expr, decimals: int = 2) -> pl.Expr:
    return value.round(decimals).cast(pl.String)


@dataclass(frozen=True)
class Context:
    forms: pl.DataFrame
    lines: pl.DataFrame  # fund_lines with rate_exact
    totals: pl.DataFrame  # one row per form: line 0 joined with the form's totals
    indicators: pl.DataFrame  # with met / missed / reverse and the form's computed rate
    rules: Rules


def _emit(
    frame: pl.DataFrame,
    check: str,
    severity: str,
    fires: pl.Expr,
    subject: pl.Expr,
    expected: pl.Expr,
    found: pl.Expr,
    message: pl.Expr,
    confidence: pl.Expr,
    rules: Rules,
    indicator_index: pl.Expr | None = None,
) -> pl.DataFrame:
    hits = frame.filter(fires.fill_null(False))
    uncertain = confidence.fill_null(1.0) < rules.low_confidence
    return hits.select(finding_columns(check, lit(severity), uncertain, subject, expected, found, message,
                                       indicator_index))


def finding_columns(check: str, severity: pl.Expr, uncertain: pl.Expr, subject: pl.Expr, expected: pl.Expr,
                    found: pl.Expr, message: pl.Expr, indicator_index: pl.Expr | None = None) -> list[pl.Expr]:
    """A finding's columns (FINDINGS but related_forms); where `uncertain`, the source is the
    reading (extraction) and an error a warning."""
    return [
        col("form_id"),
        lit(check).alias("check"),
        pl.when(uncertain & (severity == "error")).then(lit("warning")).otherwise(severity).alias("severity"),
        subject.alias("subject"),
        (indicator_index if indicator_index is not None else lit(None)).cast(pl.Int32).alias("indicator_index"),
        expected.cast(pl.String).alias("expected"),
        found.cast(pl.String).alias("found"),
        message.alias("message"),
        pl.when(uncertain).then(lit("extraction")).otherwise(lit("form")).alias("source"),
    ]


def build_context(forms: pl.DataFrame, lines: pl.DataFrame, indicators: pl.DataFrame, rules: Rules) -> Context:
    lines = lines.with_columns(
        pl.when(col("budget_full_year") > 0)
        .then(col("executed") / col("budget_full_year") * 100)
        .alias("rate_exact")
    )
    line0 = lines.filter(col("line_index") == 0).select(
        "form_id",
        col("rate_exact"),
        pl.coalesce("execution_rate_pct", "rate_exact").alias("rate_used"),
        col("confidence").alias("line_confidence"),
        col("decimals").struct.field("score").alias("score_decimals"),
    )
    totals = forms.join(line0, on="form_id", how="left")
    eps = rules.epsilon
    a, t, op = col("actual_value"), col("target_value"), col("target_op")
    comparable = (
        (col("kind") == "quantitative") & op.is_not_null() & a.is_not_null() & t.is_not_null()
        & (col("target_unit").is_null() | col("actual_unit").is_null() | (col("target_unit") == col("actual_unit")))
    )
    met = (
        pl.when(op == ">=").then(a >= t - eps)
        .when(op == ">").then(a > t + eps)
        .when(op == "<=").then(a <= t + eps)
        .when(op == "<").then(a < t - eps)
        .when(op == "=").then((a - t).abs() <= eps)
    )
    indicators = indicators.join(line0.select("form_id", "rate_exact"), on="form_id", how="left").with_columns(
        comparable.alias("comparable"),
        (comparable & met).alias("met"),
        (comparable & ~met).alias("missed"),
        # Reverse indicators: smaller is better (≤, <, or = overshot).
        (op.is_in(["<=", "<"]) | ((op == "=") & (a > t))).alias("reverse"),
    )
    return Context(forms, lines, totals, indicators, rules)


@dataclass(frozen=True)
class Check:
    """An audit check, named once where it is defined (`@check`): its code, the columns it
    reads as forms.unread_columns names them (a finding resting on a column its form did not
    read surely is the reading's doubt, not the form's fault: source extraction, at most a
    warning), and the fields a report marks for its finding (none named: the finding's
    whole subject row, or nothing on the form)."""

    name: str
    run: Callable[..., pl.DataFrame]  # (its inputs..., name) -> findings
    reads: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()

    def __call__(self, *inputs) -> pl.DataFrame:
        return self.run(*inputs, self.name)


REGISTRY: dict[str, Check] = {}  # every check, the cross-project ones (consistency.py) too


def check(name: str, reads: tuple[str, ...] = (), marks: tuple[str, ...] = ()):
    """Register the decorated function as the check `name` (it is given the name as its last
    argument, for its findings)."""
    def register(run: Callable[..., pl.DataFrame]) -> Check:
        REGISTRY[name] = Check(name, run, reads, marks)
        return REGISTRY[name]
    return register


def columns_of(table: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{table}.{n}" for n in names)


_QUANT_FIELDS = ("target", "actual", "weight", "score")
RATE_COLUMNS = columns_of("fund_lines", "budget_full_year", "executed", "execution_rate_pct")
QUANTITATIVE_COLUMNS = columns_of("indicators", *_QUANT_FIELDS)


# -- 项目资金 ----------------------------------------------------------------------------------
@check("funds.rate_mismatch", reads=RATE_COLUMNS, marks=("budget_full_year", "executed", "execution_rate_pct"))
def funds_rate_mismatch(ctx: Context, name: str) -> pl.DataFrame:
    r = col("execution_rate_pct")
    return _emit(
        ctx.lines, name, "error",
        r.is_not_null() & col("rate_exact").is_not_null()
        & ((r - col("rate_exact")).abs() > half_unit(col("decimals").struct.field("execution_rate_pct")) + ctx.rules.epsilon),
        pl.format("fund_lines[{}]", col("line_index")),
        fmt(col("rate_exact")), fmt(r),
        pl.format("{}执行率印为{}%，按全年执行数/全年预算数应为{}%", col("line"), fmt(r), fmt(col("rate_exact"))),
        col("confidence"), ctx.rules,
    )


@check(
    "funds.score_mismatch",
    reads=(*RATE_COLUMNS, *columns_of("fund_lines", "weight", "score")),
    marks=("weight", "execution_rate_pct", "score"),
)
def funds_score_mismatch(ctx: Context, name: str) -> pl.DataFrame:
    rate = pl.min_horizontal(col("rate_used"), lit(100.0))
    expected = round_half_up(col("funds_weight") * rate / 100, col("score_decimals"))
    return _emit(
        ctx.totals, name, "error",
        col("funds_score").is_not_null() & col("funds_weight").is_not_null() & rate.is_not_null()
        & ((col("funds_score") - expected).abs() > ctx.rules.epsilon),
        lit("fund_lines[0]"),
        fmt(expected), fmt(col("funds_score")),
        pl.format("资金得分印为{}，按分值{}×执行率{}%应为{}", fmt(col("funds_score")), fmt(col("funds_weight")),
                  fmt(col("rate_used")), fmt(expected)),
        col("line_confidence"), ctx.rules,
    )


@check(
    "funds.lines_sum",
    reads=columns_of("fund_lines", "budget_initial", "budget_full_year", "executed"),
    marks=("budget_initial", "budget_full_year", "executed"),
)
def funds_lines_sum(ctx: Context, name: str) -> pl.DataFrame:
    out = []
    parts = ctx.lines.filter(col("line_index") > 0)
    for column, label in AMOUNT_COLUMNS.items():
        sums = parts.group_by("form_id").agg(
            col(column).sum().alias("parts_sum"),
            col(column).is_not_null().sum().alias("parts_n"),
            col("confidence").min().alias("parts_confidence"),
        )
        frame = ctx.lines.filter(col("line_index") == 0).join(sums, on="form_id", how="inner")
        out.append(_emit(
            frame, name, "error",
            col(column).is_not_null() & (col("parts_n") > 0)
            & ((col(column) - col("parts_sum")).abs() > half_unit(col("decimals").struct.field(column)) + ctx.rules.epsilon),
            lit("fund_lines[0]"),
            fmt(col("parts_sum"), 4), fmt(col(column), 4),
            pl.format("{}：年度资金总额{}与其中各项合计{}不等", lit(label), fmt(col(column), 4), fmt(col("parts_sum"), 4)),
            pl.min_horizontal("confidence", "parts_confidence"), ctx.rules,
        ))
    return pl.concat(out)


@check("funds.over_execution", reads=RATE_COLUMNS, marks=("execution_rate_pct",))
def funds_over_execution(ctx: Context, name: str) -> pl.DataFrame:
    return _emit(
        ctx.totals, name, "warning",
        col("rate_used") > ctx.rules.over_execution_pct + ctx.rules.epsilon,
        lit("fund_lines[0]"),
        lit(f"<= {ctx.rules.over_execution_pct:g}"), fmt(col("rate_used")),
        pl.format("执行率{}%超过{}%", fmt(col("rate_used")), lit(f"{ctx.rules.over_execution_pct:g}")),
        col("line_confidence"), ctx.rules,
    )


@check("funds.low_execution", reads=RATE_COLUMNS, marks=("execution_rate_pct",))
def funds_low_execution(ctx: Context, name: str) -> pl.DataFrame:
    return _emit(
        ctx.totals, name, "warning",
        col("rate_used") < ctx.rules.low_execution_pct - ctx.rules.epsilon,
        lit("fund_lines[0]"),
        lit(f">= {ctx.rules.low_execution_pct:g}"), fmt(col("rate_used")),
        pl.format("执行率{}%低于{}%，应说明原因", fmt(col("rate_used")), lit(f"{ctx.rules.low_execution_pct:g}")),
        col("line_confidence"), ctx.rules,
    )


# -- weights and totals ------------------------------------------------------------------------
def _per_form(ctx: Context) -> pl.DataFrame:
    agg = ctx.indicators.group_by("form_id").agg(
        col("weight").sum().alias("weight_sum"),
        col("score").sum().alias("score_sum"),
        pl.len().alias("n_indicators"),
        col("confidence").min().alias("indicator_confidence"),
    )
    return ctx.totals.join(agg, on="form_id", how="inner")


def _total_row_check(ctx: Context, check: str, total: str, parts_sum: str, funds: str, what: str) -> pl.DataFrame:
    """The 总分 row's printed `total` against the funds line's `funds` plus the indicators' sum."""
    expected = col(parts_sum) + col(funds).fill_null(0.0)
    return _emit(
        _per_form(ctx), check, "error",
        col(total).is_not_null()
        & ((col(total) - expected).abs() > half_unit(col("decimals").struct.field(total)) + ctx.rules.epsilon),
        lit("form"),
        fmt(expected), fmt(col(total)),
        pl.format(f"总分{what}印为{{}}，资金{what}与各指标{what}合计为{{}}", fmt(col(total)), fmt(expected)),
        col("confidence"), ctx.rules,
    )


@check(
    "weights.total",
    reads=(*columns_of("fund_lines", "weight"), *columns_of("indicators", "weight"), "form.total_weight"),
    marks=("total_weight",),
)
def weights_total(ctx: Context, name: str) -> pl.DataFrame:
    return _total_row_check(ctx, name, "total_weight", "weight_sum", "funds_weight", "分值")


@check(
    "score.total_mismatch",
    reads=(*columns_of("fund_lines", "score"), *columns_of("indicators", "score"), "form.total_score"),
    marks=("total_score",),
)
def score_total_mismatch(ctx: Context, name: str) -> pl.DataFrame:
    return _total_row_check(ctx, name, "total_score", "score_sum", "funds_score", "得分")


def _level1_key(rules: Rules) -> pl.Expr:
    """The default category a first-level name belongs to ("产出指标(50分)" → 产出指标), else the name."""
    expr = pl.lit(None, dtype=pl.String)
    for name in rules.level1_weights:
        stem = name.removesuffix("指标")
        expr = pl.when(col("level1").str.contains(stem, literal=True)).then(lit(name)).otherwise(expr)
    return pl.coalesce(expr, col("level1"))


def _expected_split(rules: Rules, template: str | None, declared: dict[str, float]) -> tuple[float, dict[str, float] | None]:
    """The budget weight and first-level split a form is expected to have: its family's,
    or what its own first-level labels declare (None: no split is expected)."""
    funds = rules.family_funds_weight.get(template or "", rules.funds_weight)
    if declared:
        return funds, declared
    return funds, (dict(rules.level1_weights) if rules.family_fixed_split.get(template or "", True) else None)


def _split_text(funds: float, parts: dict[str, float] | None) -> str:
    shown = [f"{k.removesuffix('指标')}{v:g}" for k, v in (parts or {}).items()]
    return "/".join([*shown, f"预算执行{funds:g}"])


@check(
    "weights.default_split",
    reads=(*columns_of("fund_lines", "weight"), *columns_of("indicators", "level1", "weight")),
)
def weights_default_split(ctx: Context, name: str) -> pl.DataFrame:
    rules = ctx.rules
    split = (
        ctx.indicators.with_columns(_level1_key(rules).alias("category"))
        .group_by("form_id", "category", maintain_order=True)
        .agg(col("weight").sum().alias("w"), col("level1_weight").drop_nulls().first().alias("declared"))
        .group_by("form_id", maintain_order=True)
        .agg(pl.struct("category", "w", "declared").alias("parts"))
    )
    frame = ctx.totals.join(split, on="form_id", how="inner")

    def judge(row: dict) -> dict:
        got = {p["category"]: p["w"] for p in row["parts"]}
        declared = {p["category"]: p["declared"] for p in row["parts"] if p["declared"] is not None}
        funds, parts = _expected_split(rules, row["template"], declared)
        differs = row["funds_weight"] is not None and abs(row["funds_weight"] - funds) > rules.epsilon
        if parts is not None:
            differs = differs or set(got) != set(parts) or any(
                abs((got.get(k) or 0) - v) > rules.epsilon for k, v in parts.items())
        found = "/".join(f"{k.removesuffix('指标')}{round(v or 0, 2):g}" for k, v in got.items())
        found += f"/预算执行{round(row['funds_weight'], 2):g}" if row["funds_weight"] is not None else "/预算执行?"
        return {"differs": differs, "expected": _split_text(funds, parts), "found": found}

    frame = frame.with_columns(
        pl.struct("parts", "funds_weight", "template")
        .map_elements(judge, return_dtype=pl.Struct({"differs": pl.Boolean, "expected": pl.String, "found": pl.String}))
        .alias("split")
    ).unnest("split")
    return _emit(
        frame, name, "info",
        col("differs"),
        lit("form"),
        col("expected"), col("found"),
        pl.format("一级指标权重为{}，与默认的{}不同（允许调整，仅供参考）", col("found"), col("expected")),
        col("confidence"), ctx.rules,
    )


def _declared_groups(ctx: Context, check: str, group: str, declared: str, what: pl.Expr) -> pl.DataFrame:
    """Rows grouped under a label that declares their weight must add up to it."""
    if declared not in ctx.indicators.columns:  # a dataset from before the column
        return ctx.indicators.clear().select("form_id")
    groups = (
        ctx.indicators.filter(col(declared).is_not_null())
        .group_by("form_id", group, maintain_order=True)
        .agg(col(declared).first().alias("declared"), col("weight").sum().alias("sum"),
             col("weight").is_null().any().alias("gap"), col("confidence").min().alias("confidence"),
             col("decimals").struct.field("weight").max().alias("weight_decimals"))
    )
    return _emit(
        groups, check, "error",
        ~col("gap") & ((col("sum") - col("declared")).abs() > half_unit(col("weight_decimals")) + ctx.rules.epsilon),
        lit("form"),
        fmt(col("declared")), fmt(col("sum")),
        pl.format("{}标注{}分，其下三级指标分值合计为{}", what, fmt(col("declared")), fmt(col("sum"))),
        col("confidence"), ctx.rules,
    )


@check("weights.level1_declared", reads=columns_of("indicators", "level1", "weight"))
def weights_level1_declared(ctx: Context, name: str) -> pl.DataFrame:
    """Anhui prints each first-level category's weight in its label (产出指标(50分))."""
    return _declared_groups(ctx, name, "level1", "level1_weight",
                            pl.format("一级指标「{}」", col("level1")))


@check("weights.goal_declared", reads=columns_of("indicators", "weight"))
def weights_goal_declared(ctx: Context, name: str) -> pl.DataFrame:
    """Hubei prints each goal block's weight in its label (年度绩效目标1(40分))."""
    return _declared_groups(ctx, name, "goal_index", "goal_weight",
                            pl.format("年度绩效目标{}", col("goal_index")))


@check("form.unmapped_labels")
def form_unmapped_labels(ctx: Context, name: str) -> pl.DataFrame:
    """Header labels the lexicon does not know: their columns were not read. Add them to
    extract/segment/lexicon.toml (README) and ingest again."""
    if "unmapped_labels" not in ctx.forms.columns:
        return ctx.forms.clear().select(col("form_id"))
    frame = ctx.forms.filter(col("unmapped_labels").list.len() > 0).with_columns(
        col("unmapped_labels").list.join("、").alias("labels"))
    return _emit(
        frame, name, "info",
        lit(True),
        lit("form"),
        lit(None, dtype=pl.String), col("labels"),
        pl.format("表头标签未能识别：{}（该列未读取；可在 lexicon.toml 中补充）", col("labels")),
        lit(1.0), ctx.rules,
    ).with_columns(lit("extraction").alias("source"))


@check("weights.missing_level1", reads=columns_of("indicators", "level1"))
def weights_missing_level1(ctx: Context, name: str) -> pl.DataFrame:
    stems = ctx.rules.required_level1
    present = ctx.indicators.group_by("form_id").agg(
        [col("level1").str.contains(stem, literal=True).any().alias(f"has_{i}") for i, stem in enumerate(stems)]
    )
    missing = pl.concat_str(
        [pl.when(~col(f"has_{i}")).then(lit(stem + "、")).otherwise(lit("")) for i, stem in enumerate(stems)]
    ).str.strip_chars_end("、")
    frame = ctx.forms.join(present, on="form_id", how="inner").with_columns(missing.alias("missing"))
    return _emit(
        frame, name, "warning",
        col("missing") != "",
        lit("form"),
        lit("、".join(stems)), col("missing"),
        pl.format("缺少一级指标：{}", col("missing")),
        col("confidence"), ctx.rules,
    )


# -- indicators --------------------------------------------------------------------------------
def _ind_emit(ctx: Context, check: str, severity: str, fires: pl.Expr, expected: pl.Expr, found: pl.Expr,
              message: pl.Expr, frame: pl.DataFrame | None = None) -> pl.DataFrame:
    return _emit(
        ctx.indicators if frame is None else frame, check, severity, fires,
        pl.format("indicators[{}]", col("indicator_index")), expected, found, message,
        col("confidence"), ctx.rules, indicator_index=col("indicator_index"),
    )


@check("score.exceeds_weight", reads=columns_of("indicators", "weight", "score"), marks=("weight", "score"))
def score_exceeds_weight(ctx: Context, name: str) -> pl.DataFrame:
    return _ind_emit(
        ctx, name, "error",
        col("score") > col("weight") + ctx.rules.epsilon,
        fmt(col("weight")), fmt(col("score")),
        pl.format("「{}」得分{}超过分值{}", col("level3"), fmt(col("score")), fmt(col("weight"))),
    )


@check("score.met_not_full", reads=QUANTITATIVE_COLUMNS, marks=_QUANT_FIELDS)
def score_met_not_full(ctx: Context, name: str) -> pl.DataFrame:
    return _ind_emit(
        ctx, name, "error",
        col("met") & (col("score") < col("weight") - ctx.rules.epsilon),
        fmt(col("weight")), fmt(col("score")),
        pl.format("「{}」已达成目标（实际{}，目标{}）但得分{}低于分值{}", col("level3"), col("actual"), col("target"),
                  fmt(col("score")), fmt(col("weight"))),
    )


@check("score.unmet_full", reads=QUANTITATIVE_COLUMNS, marks=_QUANT_FIELDS)
def score_unmet_full(ctx: Context, name: str) -> pl.DataFrame:
    return _ind_emit(
        ctx, name, "warning",
        col("missed") & (col("score") >= col("weight") - ctx.rules.epsilon),
        lit("< ") + fmt(col("weight")), fmt(col("score")),
        pl.format("「{}」未达成目标（实际{}，目标{}）却得满分{}", col("level3"), col("actual"), col("target"), fmt(col("score"))),
    )


@check("score.not_proportional", reads=QUANTITATIVE_COLUMNS, marks=_QUANT_FIELDS)
def score_not_proportional(ctx: Context, name: str) -> pl.DataFrame:
    w, a, t, s = col("weight"), col("actual_value"), col("target_value"), col("score")
    tol = half_unit(col("decimals").struct.field("score")) + ctx.rules.epsilon
    positive = w * a / t
    reverse_new = pl.max_horizontal(w * (1 - (a - t) / t), lit(0.0))
    reverse_old = w * t / a
    expected = pl.when(col("reverse")).then(reverse_new).otherwise(positive)
    ok = pl.when(col("reverse")).then(((s - reverse_new).abs() <= tol) | ((s - reverse_old).abs() <= tol)).otherwise(
        (s - positive).abs() <= tol
    )
    frame = ctx.indicators.filter(col("missed") & (t > 0) & (a > 0) & s.is_not_null() & w.is_not_null())
    return _ind_emit(
        ctx, name, "warning",
        (s < w - ctx.rules.epsilon) & ~ok,
        fmt(expected), fmt(s),
        pl.format("「{}」未达成目标，得分{}与按比例计算的{}不符", col("level3"), fmt(s), fmt(expected)),
        frame=frame,
    )


@check(
    "note.missing_reason",
    reads=columns_of("indicators", "weight", "score", "deviation_note"),
    marks=("score", "deviation_note"),
)
def note_missing_reason(ctx: Context, name: str) -> pl.DataFrame:
    return _ind_emit(
        ctx, name, "warning",
        (col("score") < col("weight") - ctx.rules.epsilon)
        & (col("deviation_note").is_null() | (col("deviation_note").str.strip_chars() == "")),
        lit("偏差原因"), lit(""),
        pl.format("「{}」得分{}低于分值{}，但未填写偏差原因", col("level3"), fmt(col("score")), fmt(col("weight"))),
    )


@check(
    "score.qualitative_band",
    reads=columns_of("indicators", "actual", "weight", "score"),
    marks=("actual", "weight", "score"),
)
def score_qualitative_band(ctx: Context, name: str) -> pl.DataFrame:
    rules = ctx.rules
    achieved = pl.any_horizontal([col("actual").str.contains(w, literal=True) for w in rules.achieved_words])
    negated = pl.any_horizontal([col("actual").str.contains(n, literal=True) for n in rules.negations])
    floor = col("weight") * rules.achieved_min_share
    return _ind_emit(
        ctx, name, "warning",
        (col("kind") == "qualitative") & achieved & ~negated & (col("score") < floor - rules.epsilon),
        lit(">= ") + fmt(floor), fmt(col("score")),
        pl.format("「{}」定性指标已达成（{}），得分{}却低于分值的{}%", col("level3"), col("actual"), fmt(col("score")),
                  lit(f"{rules.achieved_min_share * 100:g}")),
    )


@check("indicator.overachieved", reads=columns_of("indicators", "target", "actual"), marks=("target", "actual"))
def indicator_overachieved(ctx: Context, name: str) -> pl.DataFrame:
    ratio = ctx.rules.overachieved_ratio
    return _ind_emit(
        ctx, name, "info",
        col("comparable") & col("target_op").is_in([">=", ">"]) & (col("target_value") > 0)
        & (col("actual_value") >= ratio * col("target_value") - ctx.rules.epsilon),
        lit(">= ") + fmt(col("target_value") * ratio), col("actual"),
        pl.format("「{}」实际值{}达到目标{}的{}%以上，超额完成宜说明原因", col("level3"), col("actual"), col("target"),
                  lit(f"{ratio * 100:g}")),
    )


@check("indicator.rate_disagrees", reads=(*RATE_COLUMNS, *columns_of("indicators", "actual")), marks=("actual",))
def indicator_rate_disagrees(ctx: Context, name: str) -> pl.DataFrame:
    rules = ctx.rules
    is_rate = pl.any_horizontal([col("level3").str.contains(lbl, literal=True) for lbl in rules.rate_indicator_labels])
    return _ind_emit(
        ctx, name, "info",
        is_rate & col("actual_value").is_not_null() & col("rate_exact").is_not_null()
        & (col("actual_unit").is_null() | (col("actual_unit") == "%"))
        & ((col("actual_value") - col("rate_exact")).abs() > rules.rate_disagrees_points + rules.epsilon),
        fmt(col("rate_exact")), fmt(col("actual_value")),
        pl.format("「{}」实际值{}%与按资金计算的执行率{}%相差超过{}个百分点", col("level3"), fmt(col("actual_value")),
                  fmt(col("rate_exact")), lit(f"{rules.rate_disagrees_points:g}")),
    )


# -- grade -------------------------------------------------------------------------------------
@check("grade.mismatch", reads=("form.total_score",), marks=("total_score", "grade"))
def grade_mismatch(ctx: Context, name: str) -> pl.DataFrame:
    rules = ctx.rules
    expected = lit(rules.grades[-1][0])
    for grade, bound in reversed(rules.grades[:-1]):
        expected = pl.when(col("total_score") >= bound - rules.epsilon).then(lit(grade)).otherwise(expected)
    printed = col("grade").replace(rules.grade_aliases)
    return _emit(
        ctx.forms, name, "error",
        col("grade").is_not_null() & col("total_score").is_not_null() & (printed != expected),
        lit("form"),
        expected, col("grade"),
        pl.format("评分等级印为{}，按总分{}应为{}", col("grade"), fmt(col("total_score")), expected),
        col("confidence"), rules,
    )


# -- reading confidence ------------------------------------------------------------------------
@check("extraction.low_confidence")
def extraction_low_confidence(ctx: Context, name: str) -> pl.DataFrame:
    low = ctx.rules.low_confidence
    parts = [
        _emit(ctx.lines, name, "warning", col("confidence") < low,
              pl.format("fund_lines[{}]", col("line_index")), lit(f">= {low:g}"), fmt(col("confidence")),
              pl.format("项目资金「{}」识别置信度低（{}），涉及它的核查结果可能是识别错误", col("label"), fmt(col("confidence"))),
              lit(1.0), ctx.rules),
        _emit(ctx.indicators, name, "warning", col("confidence") < low,
              pl.format("indicators[{}]", col("indicator_index")), lit(f">= {low:g}"), fmt(col("confidence")),
              pl.format("指标「{}」识别置信度低（{}），涉及它的核查结果可能是识别错误", col("level3"), fmt(col("confidence"))),
              lit(1.0), ctx.rules, indicator_index=col("indicator_index")),
    ]
    # The source of these is the reading itself.
    return pl.concat(parts).with_columns(lit("extraction").alias("source"))




def blame_unread(findings: pl.DataFrame, forms: pl.DataFrame) -> pl.DataFrame:
    """Findings whose check reads a column their form did not read surely: source extraction,
    and an error a warning (the form is not accused of what may be a misreading)."""
    if "unread_columns" not in forms.columns:
        return findings
    depends = pl.DataFrame([(name, column) for name, c in REGISTRY.items() for column in c.reads],
                           schema={"check": pl.String, "column": pl.String}, orient="row")
    unread = forms.select("form_id", col("unread_columns").alias("column")).explode("column").drop_nulls()
    doubtful = unread.join(depends, on="column").select("form_id", "check").unique().with_columns(
        lit(True).alias("doubtful"))
    marked = findings.join(doubtful, on=["form_id", "check"], how="left").with_columns(col("doubtful").fill_null(False))
    return marked.with_columns(
        pl.when(col("doubtful") & (col("severity") == "error")).then(lit("warning")).otherwise(col("severity")).alias("severity"),
        pl.when(col("doubtful")).then(lit("extraction")).otherwise(col("source")).alias("source"),
    ).drop("doubtful")


CHECKS: dict[str, Check] = {name: c for name, c in REGISTRY.items() if not name.startswith("consistency.")}
