"""Every audit check: forms that must fire it, and near misses (rounding edges) that must not."""

from __future__ import annotations


import polars as pl
import pytest

from extract.audit import CHECKS, audit_dataset, load_rules
from extract.audit.rules import RulesError
from extract.dataset import to_frames
from extract.records import DocumentResult
from extract.records import Form, FundLine, Indicator
from extract.values import parse_measure


def ind(i, level1, level2, level3, target, actual, weight, score, note=None, confidence=1.0):
    t, a = parse_measure(target), parse_measure(actual)
    return Indicator(
        indicator_index=i, level1=level1, level2=level2, level3=level3, target=target, actual=actual,
        weight=weight, score=score, deviation_note=note, kind="quantitative" if t else "qualitative",
        target_op=t.op if t else None, target_value=t.value if t else None, actual_value=a.value if a else None,
        target_unit=t.unit if t else None, actual_unit=a.unit if a else None, page=1, confidence=confidence,
        decimals={"weight": 2, "score": 2},
    )


DEC = {k: 2 for k in ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate_pct", "score")}


def clean_form() -> Form:
    """Consistent in every respect: the audit finds nothing but what is said below."""
    lines = [
        FundLine(0, "年度资金总额", "年度资金总额", 100.0, 100.0, 95.0, 10.0, 95.0, 9.5, dict(DEC)),
        FundLine(1, "当年财政拨款", "其中:当年财政拨款", 80.0, 80.0, 76.0, None, 95.0, None, dict(DEC)),
        FundLine(2, "上年结转资金", "上年结转资金", 20.0, 20.0, 19.0, None, 95.0, None, dict(DEC)),
    ]
    indicators = [
        ind(0, "产出指标", "数量指标", "培训场次", "≥4场", "4场", 25.0, 25.0),
        ind(1, "产出指标", "质量指标", "培训合格率", "≥90%", "95%", 25.0, 25.0),
        ind(2, "效益指标", "社会效益指标", "群众知晓度", "显著提升", "达成预期指标", 30.0, 30.0),
        ind(3, "满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "92%", 10.0, 10.0),
    ]
    return Form(
        form_index=0, page_start=1, page_end=1, method="text", template="mof2020", year=2024,
        project_name="测试项目", department="测试部门", implementing_unit="测试单位", funds_unit="万元",
        budget_initial=100.0, budget_full_year=100.0, executed=95.0, funds_weight=10.0,
        execution_rate_pct=95.0, funds_score=9.5, total_weight=100.0, total_score=99.5, grade="优",
        decimals={"total_weight": 2, "total_score": 2}, fund_lines=lines, indicators=indicators,
    )


def run(form: Form, rules=None) -> pl.DataFrame:
    res = DocumentResult(doc_id="d", path="x.pdf", pages=1, status="ok", forms=[form])
    return audit_dataset(to_frames([res]), rules or load_rules())


def checks(form: Form, rules=None) -> set[str]:
    return set(run(form, rules)["check"])


def set_funds(form: Form, **values) -> Form:
    """Change the 年度资金总额 line and the form's copy of it together."""
    line = form.fund_lines[0]
    names = {"budget_full_year": "budget_full_year", "executed": "executed", "execution_rate_pct": "execution_rate_pct",
             "score": "funds_score", "weight": "funds_weight", "budget_initial": "budget_initial"}
    for k, v in values.items():
        setattr(line, k, v)
        setattr(form, names[k], v)
    return form


def test_clean_form_has_no_finding():
    assert checks(clean_form()) == set()


def test_every_contract_check_is_implemented():
    contract = {
        "funds.rate_mismatch", "funds.score_mismatch", "funds.lines_sum", "funds.over_execution",
        "funds.low_execution", "weights.total", "weights.default_split", "weights.missing_level1",
        "score.exceeds_weight", "score.total_mismatch", "score.met_not_full", "score.unmet_full",
        "score.not_proportional", "note.missing_reason", "grade.mismatch", "indicator.rate_disagrees",
        "indicator.overachieved", "extraction.low_confidence",
    }
    assert contract <= set(CHECKS)


# -- 执行率 at the printing precision ------------------------------------------------------------
def _rate_form(budget, executed, printed_rate, score=None, weight=10.0):
    f = clean_form()
    f.fund_lines = f.fund_lines[:1]
    set_funds(f, budget_initial=budget, budget_full_year=budget, executed=executed, execution_rate_pct=printed_rate,
              score=score, weight=weight)
    return f


def test_rate_mismatch_beyond_half_a_unit():
    # 215457.6 / 250000 = 86.183 %: 86.19 is further than 0.005 from it.
    assert "funds.rate_mismatch" in checks(_rate_form(250000.0, 215457.6, 86.19))


def test_rate_within_half_a_unit_is_right():
    # 59.99 / 60 = 99.983 %: 99.98 is the correct rounding.
    assert "funds.rate_mismatch" not in checks(_rate_form(60.0, 59.99, 99.98, score=10.0))


def test_rate_printed_with_fewer_digits_has_a_wider_tolerance():
    f = _rate_form(60.0, 59.99, 100.0, score=10.0)
    f.fund_lines[0].decimals["execution_rate_pct"] = 0  # printed "100"
    assert "funds.rate_mismatch" not in checks(f)


def test_funds_score_rounds_half_up_from_the_printed_rate():
    assert "funds.score_mismatch" not in checks(_rate_form(60.0, 59.99, 99.98, score=10.0))  # 9.998 → 10.00
    assert "funds.score_mismatch" not in checks(_rate_form(110.0, 102.6, 93.27, score=9.33))  # 9.327 → 9.33
    assert "funds.score_mismatch" in checks(_rate_form(110.0, 102.6, 93.27, score=9.32))


def test_half_up_not_bankers():
    # 执行率 12.5 %, 分值 1: 0.125 → 0.13 (banker's would give 0.12)
    f = _rate_form(100.0, 12.5, 12.5, score=0.13, weight=1.0)
    assert "funds.score_mismatch" not in checks(f)
    f = _rate_form(100.0, 12.5, 12.5, score=0.12, weight=1.0)
    assert "funds.score_mismatch" in checks(f)


def test_wrong_printed_rate_fires_rate_mismatch_alone():
    # The score follows the (wrong) printed rate: only the rate is at fault.
    found = checks(_rate_form(110.0, 102.6, 95.00, score=9.5))
    assert "funds.rate_mismatch" in found and "funds.score_mismatch" not in found


def test_score_uses_computed_rate_when_none_printed():
    assert "funds.score_mismatch" not in checks(_rate_form(110.0, 102.6, None, score=9.33))
    assert "funds.score_mismatch" in checks(_rate_form(110.0, 102.6, None, score=9.5))


def test_rate_over_100_caps_the_score_and_warns():
    found = checks(_rate_form(100.0, 105.0, 105.0, score=10.0))
    assert "funds.over_execution" in found and "funds.score_mismatch" not in found


def test_low_execution_edges():
    assert "funds.low_execution" in checks(_rate_form(100.0, 89.99, 89.99, score=9.0))
    assert "funds.low_execution" not in checks(_rate_form(100.0, 90.0, 90.0, score=9.0))


def test_lines_sum():
    f = clean_form()
    f.fund_lines[2].executed = 18.0
    f.fund_lines[2].execution_rate_pct = 90.0
    found = run(f)
    rows = found.filter(pl.col("check") == "funds.lines_sum")
    assert rows.height == 1 and rows["found"][0] == "95.0" and rows["expected"][0] == "94.0"


# -- weights and totals ------------------------------------------------------------------------
def test_weights_total():
    f = clean_form()
    f.indicators[0].weight = 20.0
    f.indicators[0].score = 20.0
    f.total_score = 94.5
    assert "weights.total" in checks(f)


def test_default_split_is_information():
    f = clean_form()
    f.indicators[0].weight, f.indicators[0].score = 30.0, 30.0
    f.indicators[2].weight, f.indicators[2].score = 25.0, 25.0
    rows = run(f).filter(pl.col("check") == "weights.default_split")
    assert rows["severity"].to_list() == ["info"]
    assert rows["found"][0] == "产出55/效益25/满意度10/预算执行10"


def test_missing_level1():
    f = clean_form()
    f.indicators = f.indicators[:2] + [ind(2, "效益指标", "社会效益指标", "群众知晓度", "显著提升", "达成预期指标", 40.0, 40.0)]
    rows = run(f).filter(pl.col("check") == "weights.missing_level1")
    assert rows["found"].to_list() == ["满意度"]


def test_score_exceeds_weight():
    f = clean_form()
    f.indicators[3].score = 10.01
    f.total_score = 99.51
    assert "score.exceeds_weight" in checks(f)


def test_total_score_mismatch():
    f = clean_form()
    f.total_score = 99.0
    assert "score.total_mismatch" in checks(f)
    f.total_score = 99.5
    assert "score.total_mismatch" not in checks(f)


# -- quantitative indicators -------------------------------------------------------------------
def _with_indicator(target, actual, weight, score, note=None):
    f = clean_form()
    f.indicators[0] = ind(0, "产出指标", "数量指标", "培训场次", target, actual, weight, score, note)
    f.total_score = 9.5 + sum(i.score for i in f.indicators)
    f.total_weight = 10 + sum(i.weight for i in f.indicators)
    return f


@pytest.mark.parametrize("target, actual", [("≥4场", "4场"), (">90%", "91%"), ("≤3天", "3天"), ("<5天", "4天"), ("=100%", "100%")])
def test_met_target_without_full_marks(target, actual):
    assert "score.met_not_full" in checks(_with_indicator(target, actual, 25.0, 24.0, "扣分说明"))


@pytest.mark.parametrize("target, actual", [(">90%", "90%"), ("≥4场", "3场"), ("<5天", "5天")])
def test_unmet_strict_targets_do_not_count_as_met(target, actual):
    found = checks(_with_indicator(target, actual, 25.0, 25.0))
    assert "score.met_not_full" not in found and "score.unmet_full" in found


def test_proportional_scores():
    ok = _with_indicator("≥4场", "3场", 20.0, 15.0, "场地不足")  # 20 × 3/4
    assert not {"score.not_proportional", "note.missing_reason"} & checks(ok)
    off = _with_indicator("≥4场", "3场", 20.0, 12.0, "场地不足")
    rows = run(off).filter(pl.col("check") == "score.not_proportional")
    assert rows["expected"].to_list() == ["15.0"]


def test_reverse_rule_accepts_either_formula():
    new = _with_indicator("≤10天", "12天", 20.0, 16.0, "延误")  # 20 × (1 − 2/10)
    old = _with_indicator("≤10天", "12天", 20.0, 16.67, "延误")  # 20 × 10/12
    wrong = _with_indicator("≤10天", "12天", 20.0, 10.0, "延误")
    assert "score.not_proportional" not in checks(new)
    assert "score.not_proportional" not in checks(old)
    assert "score.not_proportional" in checks(wrong)


def test_missing_reason():
    assert "note.missing_reason" in checks(_with_indicator("≥4场", "3场", 20.0, 15.0))
    assert "note.missing_reason" not in checks(_with_indicator("≥4场", "3场", 20.0, 15.0, "原因"))


def test_overachieved_edges():
    assert "indicator.overachieved" in checks(_with_indicator("≥4场", "4.8场", 25.0, 25.0))
    assert "indicator.overachieved" not in checks(_with_indicator("≥4场", "4.79场", 25.0, 25.0))
    assert "indicator.overachieved" not in checks(_with_indicator("≤4天", "9天", 25.0, 0.0, "x"))


def test_units_that_differ_are_not_compared():
    assert "score.unmet_full" not in checks(_with_indicator("≥4场", "3次", 25.0, 25.0))


def test_qualitative_band():
    f = clean_form()
    f.indicators[2].score = 23.0  # 达成预期指标 at 23/30 < 80 %
    f.total_score = 92.5
    assert "score.qualitative_band" in checks(f)
    f.indicators[2].score = 24.0  # exactly 80 %
    f.total_score = 93.5
    assert "score.qualitative_band" not in checks(f)


def test_rate_indicator_compared_with_computed_rate():
    f = clean_form()
    f.indicators[1] = ind(1, "产出指标", "时效指标", "预算执行率", "≥90%", "96%", 25.0, 25.0)
    assert "indicator.rate_disagrees" in checks(f)  # 96 vs 95.00
    f.indicators[1] = ind(1, "产出指标", "时效指标", "预算执行率", "≥90%", "95.5%", 25.0, 25.0)
    assert "indicator.rate_disagrees" not in checks(f)


# -- grades ------------------------------------------------------------------------------------
@pytest.mark.parametrize("score, grade, fires", [(90.0, "优", False), (89.99, "优", True), (89.99, "良", False),
                                                 (80.0, "良", False), (59.99, "中", True), (95.0, "优秀", False)])
def test_grade_bands(score, grade, fires):
    f = clean_form()
    f.total_score, f.grade = score, grade
    f.decimals = {}
    assert ("grade.mismatch" in checks(f)) is fires


def test_grade_bands_from_a_rules_file(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[grades]\n"优" = 80.0\n"良" = 70.0\n"中" = 60.0\n"差" = 0.0\n', encoding="utf-8")
    f = clean_form()
    f.total_score, f.grade = 85.0, "优"
    f.decimals = {}
    assert "grade.mismatch" in checks(f)
    assert "grade.mismatch" not in checks(f, load_rules(rules))


def test_unknown_rule_is_refused(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[execution]\nlow = 80\n", encoding="utf-8")
    with pytest.raises(RulesError, match="unknown rule execution.low"):
        load_rules(rules)


# -- source: the form, or the reading ----------------------------------------------------------
def test_low_confidence_makes_the_reading_the_suspect():
    f = clean_form()
    f.indicators[0] = ind(0, "产出指标", "数量指标", "培训场次", "≥4场", "4场", 25.0, 20.0, "x", confidence=0.5)
    f.total_score = 94.5
    rows = run(f)
    met = rows.filter(pl.col("check") == "score.met_not_full")
    assert met["source"].to_list() == ["extraction"] and met["severity"].to_list() == ["warning"]
    low = rows.filter(pl.col("check") == "extraction.low_confidence")
    assert low["subject"].to_list() == ["indicators[0]"]


def test_findings_have_the_contract_columns():
    f = clean_form()
    f.total_score = 99.0
    rows = run(f)
    assert rows.columns == ["form_id", "check", "severity", "subject", "indicator_index", "expected", "found", "message", "source",
                            "related_forms"]
    assert rows.filter(pl.col("check") == "score.total_mismatch")["message"][0].startswith("总分得分印为99.0")


def test_the_audit_doubts_what_the_forms_flag_unless_told_otherwise(tmp_path):
    """One review threshold: the audit's low confidence is the extraction's, unless a rules
    file sets its own."""
    from extract.audit import load_rules
    from extract.values.form import REVIEW_CONFIDENCE

    assert load_rules().low_confidence == REVIEW_CONFIDENCE
    own = tmp_path / "rules.toml"
    own.write_text("[confidence]\nlow = 0.9\n", encoding="utf-8")
    assert load_rules(own).low_confidence == 0.9
