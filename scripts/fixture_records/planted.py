"""Forms with one planted arithmetic fault each: the audit must find every one of them,
and nothing else of error severity. Each form names its fault in "planted_errors".

All start from one consistent base; `_plant` changes printed cells, and the other printed
values are kept consistent with the change so only the planted check can fire.
"""

from __future__ import annotations

from decimal import Decimal

from .common import NATIONAL, SHANGHAI, Q, V, fund_block, total_score, total_weight


def _ind(l3, target, actual, weight, score, note=None, **kw):
    d = dict(l3=l3, target=target, actual=actual, weight=weight, score=score, **kw)
    if note:
        d["note"] = note
    return d


def _base(name: str, labels=NATIONAL, funds_label="项目资金（万元）", amounts=((110.00, 110.00, 102.60), (0, 0, 0))):
    subs = [("当年财政拨款", "其中：当年财政拨款", *amounts[0]), ("上年结转资金", "上年结转资金", *amounts[1])]
    form = dict(
        title="项目支出绩效自评表", year_line="（2024年度）", year=2024,
        labels=labels, funds_label=funds_label, funds_unit="元" if "（元）" in funds_label else "万元",
        project_name=name, department="江城市审计测试局", implementing_unit="江城市审计测试中心",
        fund_lines=fund_block(subs, total_label="年度资金总额", thousands="（元）" in funds_label, dash="—"),
        goal_planned=["完成年度各项工作任务，保障项目按计划实施。"],
        goal_actual=["年度工作任务基本完成，项目按计划实施。"],
        indicators=[
            _ind("培训场次", V("4", "场", "≥"), V("4", "场"), "20.00", "20.00", l1="产出指标", l2="数量指标"),
            _ind("培训合格率", V("90", "%", "≥"), V("95", "%"), "20.00", "20.00", l2="质量指标"),
            _ind("按期完成率", Q("按期完成"), Q("达成指标"), "10.00", "10.00", l2="时效指标"),
            _ind("群众知晓度", Q("显著提升"), Q("达成预期指标"), "30.00", "30.00", l1="效益指标", l2="社会效益指标"),
            _ind("学员满意度", V("90", "%", "≥"), V("92", "%"), "10.00", "10.00", l1="满意度指标",
                 l2="服务对象满意度指标"),
        ],
        grade="优",
    )
    return form


def _finish(form: dict, planted: list[str]) -> dict:
    """Totals from the printed cells (unless the fault is in them) and the grade from the total."""
    form.setdefault("total", (total_weight(form["fund_lines"], form["indicators"]),
                              total_score(form["fund_lines"], form["indicators"])))
    form["planted_errors"] = planted
    return form


def _set_funds_cells(form: dict, line: int, **cells) -> None:
    index = {"initial": 0, "full": 1, "executed": 2, "weight": 3, "rate": 4, "score": 5}
    canon, label, printed = form["fund_lines"][line]
    printed = list(printed)
    for key, value in cells.items():
        printed[index[key]] = value
    form["fund_lines"][line] = (canon, label, printed)


# funds.rate_mismatch — the example: 215,457.60 / 250,000.00 = 86.183 %, printed 86.19.
# The score follows the printed rate (10 × 86.19 % = 8.62), so only the rate is wrong.
P_RATE = _base("执行率计算错误示例项目", funds_label="项目资金（元）",
               amounts=((250000.00, 250000.00, 215457.60), (0, 0, 0)))
_set_funds_cells(P_RATE, 0, rate="86.19", score="8.62")
_set_funds_cells(P_RATE, 1, rate="86.19")
P_RATE = _finish(P_RATE, ["funds.rate_mismatch", "funds.rate_mismatch"])

# funds.score_mismatch — a misread-looking digit: 10 × 93.27 % = 9.33, printed 9.38.
P_SCORE = _base("资金得分错误示例项目")
_set_funds_cells(P_SCORE, 0, score="9.38")
P_SCORE = _finish(P_SCORE, ["funds.score_mismatch"])

# funds.lines_sum — 年度资金总额 全年执行数 102.60, but its 其中 lines add up to 101.60.
P_SUM = _base("资金合计错误示例项目", amounts=((100.00, 100.00, 92.60), (10.00, 10.00, 10.00)))
_set_funds_cells(P_SUM, 1, executed="91.60", rate="91.60")
P_SUM = _finish(P_SUM, ["funds.lines_sum"])

# weights.total — indicator weights add to 95 + 10, the 总分 row prints 100.00.
P_WEIGHTS = _base("分值合计错误示例项目")
P_WEIGHTS["indicators"][2] = _ind("按期完成率", Q("按期完成"), Q("达成指标"), "15.00", "15.00", l2="时效指标")
P_WEIGHTS["total"] = ("100.00", total_score(P_WEIGHTS["fund_lines"], P_WEIGHTS["indicators"]))
P_WEIGHTS = _finish(P_WEIGHTS, ["weights.total"])

# score.exceeds_weight — 12 points on a 10-point indicator.
P_EXCEEDS = _base("得分超分值示例项目")
P_EXCEEDS["indicators"][4] = _ind("学员满意度", V("90", "%", "≥"), V("92", "%"), "10.00", "12.00",
                                  l1="满意度指标", l2="服务对象满意度指标")
P_EXCEEDS = _finish(P_EXCEEDS, ["score.exceeds_weight"])  # the total, 101.33, is still 优

# score.total_mismatch — the 总分 得分 printed 98.33 where the parts add to 99.33.
P_TOTAL = _base("总分合计错误示例项目")
P_TOTAL["total"] = (total_weight(P_TOTAL["fund_lines"], P_TOTAL["indicators"]), "98.33")
P_TOTAL = _finish(P_TOTAL, ["score.total_mismatch"])

# score.met_not_full — 5 场 against ≥4 场, scored 16 of 20 (with a note, so no missing reason).
P_MET = _base("达标未满分示例项目", labels=SHANGHAI, funds_label="项目资金 (万元)")
P_MET["indicators"][0] = _ind("培训场次", V("4.00", "(场)", "≥"), V("5.00", "(场)"), "20.00", "16.00",
                              "培训组织评分扣减。", l1="产出指标", l2="数量指标")
P_MET = _finish(P_MET, ["score.met_not_full"])

# grade.mismatch — 总分 85.33 graded 优 (优 needs 90).
P_GRADE = _base("评分等级错误示例项目")
P_GRADE["indicators"][3] = _ind("群众知晓度", Q("显著提升"), Q("部分达成"), "30.00", "16.00",
                                "宣传覆盖面不足，知晓度提升有限。", l1="效益指标", l2="社会效益指标")
P_GRADE = _finish(P_GRADE, ["grade.mismatch"])

FORMS = [P_RATE, P_SCORE, P_SUM, P_WEIGHTS, P_EXCEEDS, P_TOTAL, P_MET, P_GRADE]
assert Decimal(P_GRADE["total"][1]) < 90, P_GRADE["total"]

PLANTED_DOC = {
    "name": "audit_planted_faults",
    "style": dict(font="wqy", fs=9, ruling="lines", lw=0.6, valign="middle", num_align="c",
                  repeat_header=False, cols=(40, 66, 60, 60, 62, 58, 44, 44, 71)),
    "blocks": [{"type": "form", "form": f, "new_page": i % 2 == 0, "gap_after": 24} for i, f in enumerate(FORMS)],
}
