"""Regional variants of the form (DOMAIN.md, "Variants seen in real forms"): one document
per family, rendered to fixtures/variants/text/ and scanned to fixtures/variants/scans/.

Each family is a layout spec (layout.py) plus forms written as printed. Amounts, rates and
scores follow the scoring rules (helpers in common.py); a missed target scores
分值 × actual / target with a deviation note. One fault is planted on purpose (the pre-2020
central form whose 执行率 was computed on 年初预算数) and named in its "planted_errors".

Truth conventions the extractor is built to (make_fixtures.truth_form):
- Form.template: the family (central_pre2020, sichuan, yunnan, hubei, anhui, dept_overall;
  the form with unknown columns is mof2020, its extra labels in unmapped_labels);
- a split target (指标性质 | 指标值 | 度量单位) reads as the three cells concatenated, 定性 rows
  as the 指标值 alone; a bare number in 实际完成值 takes the row's 度量单位 as actual_unit;
- Hubei: the block weight comes from its label "(20分)", goal_planned joins the goal blocks'
  texts, indicator rows carry goal_index; Anhui: level1 without its "(50分)", level1_weight.
"""

from __future__ import annotations

from decimal import Decimal

from .common import NATIONAL, OPS, Q, T, V, d2, fmt, fund_block, labels, rate
from .layout import Col, Funds, Goals, Indicators, Layout, national

# --------------------------------------------------------------------------- helpers


def _ind(l3, target, actual, weight, score, note=None, **kw):
    d = dict(l3=l3, target=target, actual=actual, weight=weight, score=score, **kw)
    if note:
        d["note"] = note
    return d


def _l1(name: str, weight: str) -> dict:
    """Anhui: a first-level label printed with its weight, "产出指标(50分)"."""
    return dict(l1=name, l1_printed=f"{name}({weight}分)", l1_weight=float(weight))


def _prop(weight: str, actual, target, decimals: int = 2) -> str:
    """The score of a missed positive target: 分值 × actual / target."""
    return fmt(Decimal(weight) * Decimal(str(actual)) / Decimal(str(target)), decimals)


def _totals(form: dict, weight_decimals: int = 2, score_decimals: int = 2) -> tuple[str, str]:
    """(总分 分值, 总分 得分): the funds line's plus the indicators'."""
    total = form["fund_lines"][0][2]
    w, s = Decimal(total[3]), Decimal(total[5])
    for ind in form["indicators"]:
        if not ind.get("blank"):
            w += Decimal(ind["weight"])
            s += Decimal(ind["score"])
    return fmt(w, weight_decimals), fmt(s, score_decimals)


def _grade(total_score: str) -> str:
    s = Decimal(total_score)
    return "优" if s >= 90 else "良" if s >= 80 else "中" if s >= 60 else "差"


def _check(form: dict) -> dict:
    """The record's own arithmetic: rates, funds score, totals, grade, indicator scores."""
    planted = set(form.get("planted_errors", []))
    cells = form["fund_lines"][0][2]
    full, execd = Decimal(cells[1].replace(",", "")), Decimal(cells[2].replace(",", ""))
    r = rate(execd, full)
    if "funds.rate_mismatch" not in planted:
        assert Decimal(cells[4].rstrip("%")) == r, (form["project_name"], cells[4], r)
    w = Decimal(cells[3])
    assert Decimal(cells[5]) == d2(w * min(Decimal(cells[4].rstrip("%")), Decimal(100)) / 100), cells
    for ind in form["indicators"]:
        tg, ac = ind["target"], ind["actual"]
        weight, score = Decimal(ind["weight"]), Decimal(ind["score"])
        assert score <= weight, ind["l3"]
        if tg["value"] is not None and ac["value"] is not None:
            a, t = Decimal(str(ac["value"])), Decimal(str(tg["value"]))
            met = {">=": a >= t, ">": a > t, "<=": a <= t, "<": a < t, "=": a == t}[tg["op"]]
            if met:
                assert score == weight, ind["l3"]
            else:
                assert score < weight and ind.get("note"), ind["l3"]
                if tg["op"] in (">=", ">", "=") and a < t:
                    digits = -score.as_tuple().exponent
                    assert score == Decimal(_prop(ind["weight"], a, t, digits)), (ind["l3"], score)
    tw, ts = _totals(form, *form.get("total_decimals", (2, 2)))
    assert (Decimal(form["total"][0]), Decimal(form["total"][1])) == (Decimal(tw), Decimal(ts)), form["total"]
    if form.get("grade"):
        assert form["grade"] == _grade(form["total"][1]), form["grade"]
    return form


def _finish(form: dict, weight_decimals: int = 2, score_decimals: int = 2) -> dict:
    form.setdefault("year", 2024)
    form["total_decimals"] = (weight_decimals, score_decimals)
    form["total"] = _totals(form, weight_decimals, score_decimals)
    return _check(form)


def _no_cells(lines, *keys, keep_total=()):
    """Drop printed cells a layout has no column for (None: not printed, null in truth);
    keep_total: keys the 年度资金总额 line keeps."""
    idx = {"initial": 0, "full": 1, "executed": 2, "weight": 3, "rate": 4, "score": 5}
    out = []
    for i, (canon, label, cells, *extra) in enumerate(lines):
        cells = list(cells)
        for k in keys:
            if not (i == 0 and k in keep_total):
                cells[idx[k]] = None
        out.append((canon, label, cells, *extra))
    return out


assert OPS["═"] == "=" and OPS["≧"] == ">="

# --------------------------------------------------------------------------- 1. pre-2020 central

CENTRAL_LABELS = labels(
    {**NATIONAL,
     "fund_header": ["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"],
     "goal_planned": "年初设定目标", "goal_actual": "年度总体目标完成情况综述"},
    target="年度指标值（A）", actual="全年实际值（B）", note="未完成原因分析",
)
CENTRAL_LAYOUT = national(CENTRAL_LABELS, ("weight", "target", "actual", "score", "note"), "central_pre2020")

_C_SUBS = ("当年财政拨款", "其中：财政拨款"), ("其他资金", "其他资金")

C1 = _finish(dict(
    layout=CENTRAL_LAYOUT, year=2019,
    title="项目支出绩效自评表", year_line="（2019年度）", unit_note="单位：万元",
    funds_label="项目资金（万元）", funds_unit="万元",
    project_name="国家水文监测站网运行维护", department="国家江河流域管理局",
    implementing_unit="国家江河流域管理局水文局",
    fund_lines=fund_block([(*_C_SUBS[0], 2860.00, 2914.36, 2851.09), (*_C_SUBS[1], 120.00, 120.00, 96.40)],
                          total_label="年度资金总额", dash="—"),
    goal_planned=[
        "1．保障流域内1,286处国家基本水文站、水位站和雨量站全年正常运行，水文测报设施设备完好率达到95%以上；",
        "2．完成年度水文测验任务和水文资料整编，按时汇交水文年鉴资料，资料整编合格率达到98%以上；",
        "3．汛期实时报送雨水情信息，报汛到报率达到99%，为流域防汛抗旱调度提供及时准确的决策支撑。",
    ],
    goal_actual=[
        "1．全年保障1,292处测站正常运行，新增自动雨量站6处，设施设备完好率96.8%；",
        "2．完成水文测验任务和水文资料整编，资料整编合格率99.2%，按时汇交2019年水文年鉴资料；",
        "3．汛期共报送雨水情信息2,150万条，报汛到报率99.6%。受野外测站通信链路改造影响，部分站点巡检频次未达计划，巡检覆盖率为92%；其他资金中的横向合作经费因合同未到结算期，执行率偏低。",
    ],
    indicators=[
        _ind("运行维护测站数量", V("1286", "处", "≥"), V("1292", "处"), "10", "10",
             l1="产出指标", l2="数量指标"),
        _ind("水文资料整编站年", V("1200", "站年", "≥"), V("1236", "站年"), "10", "10"),
        _ind("测站巡检覆盖率", V("100", "%", "＝"), V("92", "%"), "10", _prop("10", 92, 100, 1),
             "通信链路改造期间部分偏远站点无法到达，巡检覆盖率未达目标；下年度汛前完成全部站点巡检。"),
        _ind("设施设备完好率", V("95", "%", "≥"), V("96.8", "%"), "10", "10", l2="质量指标"),
        _ind("资料整编合格率", V("98", "%", "≥"), V("99.2", "%"), "10", "10"),
        _ind("报汛到报率", V("99", "%", "≥"), V("99.6", "%"), "10", "10", l2="时效指标"),
        _ind("为流域防汛抗旱调度提供决策支撑", Q("有效支撑"), Q("达到预期目标"), "15", "15",
             l1="效益指标", l2="社会效益指标"),
        _ind("水文监测站网长期稳定运行", Q("稳定运行"), Q("达到预期目标"), "5", "5", l2="可持续影响指标"),
        _ind("防汛部门及社会公众满意度", V("90", "%", "≥"), V("94", "%"), "10", "10",
             l1="满意度指标", l2="服务对象满意度指标"),
    ],
), 2, 2)

# 执行率 computed on 年初预算数 (171.00 / 200.00 = 85.50%) instead of 全年预算数 (95.00%); the
# 得分 follows the printed rate, so only funds.rate_mismatch fires.
_C2_FUNDS = fund_block([(*_C_SUBS[0], 200.00, 180.00, 171.00), (*_C_SUBS[1], None, None, None)],
                       total_label="年度资金总额", dash="—", sub_rates=False)
_C2_FUNDS[0][2][4:6] = ["85.50", "8.55"]
C2 = _finish(dict(
    layout=CENTRAL_LAYOUT, year=2019,
    title="项目支出绩效自评表", year_line="（2019年度）",
    funds_label="项目资金（万元）", funds_unit="万元",
    project_name="水文仪器设备检定校准", department="国家江河流域管理局",
    implementing_unit="国家江河流域管理局水文仪器检定中心",
    fund_lines=_C2_FUNDS,
    planted_errors=["funds.rate_mismatch"],
    goal_planned=["完成流速仪、雨量计等水文仪器检定校准3,000台（套）以上，检定证书出具合格率100%，保障水文监测数据准确可靠。"],
    goal_actual=["全年完成水文仪器检定校准3,184台（套），检定证书出具合格率100%，检定周期平均缩短2天。"],
    indicators=[
        _ind("仪器检定校准数量", V("3000", "台（套）", "≥"), V("3184", "台（套）"), "30", "30",
             l1="产出指标", l2="数量指标"),
        _ind("检定证书合格率", V("100", "%", "＝"), V("100", "%"), "20", "20", l2="质量指标"),
        _ind("水文监测数据准确可靠", Q("准确可靠"), Q("达到预期目标"), "30", "30",
             l1="效益指标", l2="社会效益指标"),
        _ind("送检单位满意度", V("90", "%", "≥"), V("95", "%"), "10", "10",
             l1="满意度指标", l2="服务对象满意度指标"),
    ],
), 2, 2)

CENTRAL_DOC = {
    "name": "central_pre2020",
    "style": dict(font="uming", fs=11, ruling="lines", lw=0.6, valign="middle", num_align="c",
                  repeat_header=False, cols=(40, 62, 62, 62, 48, 62, 58, 44, 67)),
    "blocks": [
        # the long form runs over the page break (the break falls inside its indicator
        # table, cutting the merged 产出指标 cell); the short one follows it
        {"type": "form", "form": C1, "new_page": True, "gap_after": 24},
        {"type": "form", "form": C2, "new_page": False},
    ],
}

# --------------------------------------------------------------------------- 2. Sichuan

# base columns: the indicator table's ten (偏差原因 over the last two), the funds block's
# eight values on the same grid
SICHUAN_LAYOUT = Layout(
    template="sichuan",
    cols=(36, 54, 84, 34, 46, 36, 52, 32, 36, 45, 45),
    head=(
        (Col("label", "项目名称", 2), Col("project_name", span=9)),
        (Col("label", "主管部门", 2), Col("department", span=3), Col("label", "实施单位", 2),
         Col("implementing_unit", span=4)),
    ),
    funds=Funds((Col("initial", "年初预算"), Col("full", "调整后预算数", 2), Col("executed", "预算执行数", 2),
                 Col("rate", "预算执行率", 2), Col("weight", "权重"), Col("score", "得分"))),
    goals=Goals("年度总体目标", 1, Col("planned", "预期目标", 4), Col("actual", "实际完成情况", 6)),
    ind=Indicators((Col("l1", "一级指标"), Col("l2", "二级指标"), Col("l3", "三级指标"), Col("op", "指标性质"),
                    Col("tval", "指标值"), Col("tunit", "度量单位"), Col("actual", "实际完成值"),
                    Col("weight", "权重"), Col("score", "得分"), Col("note", "偏差原因分析及改进措施", 2))),
    total_label="合计",
)

_S_FUNDS = fund_block(
    [("财政资金", "财政资金", 500.00, 520.00, 497.86), ("财政专户管理资金", "财政专户管理资金", None, None, None),
     ("单位资金", "单位资金", 30.00, 30.00, 28.50), ("其他资金", "其他资金", None, None, None)],
    total_label="总额", dash="—", pct_sign="%", weight="10", weight_decimals=0,
)

S1 = _finish(dict(
    layout=SICHUAN_LAYOUT,
    title="部门预算项目支出绩效自评表", year_line="（2024年度）",
    funds_label="项目资金（万元）", funds_unit="万元",
    project_name="高标准农田建设项目", department="锦江市农业农村局", implementing_unit="锦江市农业技术推广站",
    fund_lines=_S_FUNDS,
    goal_planned=["新建高标准农田2.5万亩，配套建设高效节水灌溉0.8万亩，工程验收合格率100%，项目区粮食产能每亩提高100公斤以上，建立工程长效管护机制。"],
    goal_actual=["建成高标准农田2.62万亩、高效节水灌溉0.85万亩，工程验收全部合格；项目区粮食产能每亩提高105公斤。受汛期降雨影响，2个标段延期完工，完工及时率92%。"],
    indicators=[
        _ind("新建高标准农田面积", T("≥", "2.5", "万亩"), V("2.62"), "15", "15", l1="产出指标", l2="数量指标"),
        _ind("高效节水灌溉面积", T("≥", "0.8", "万亩"), V("0.85"), "10", "10"),
        _ind("工程验收合格率", T("＝", "100", "%"), V("100", "%"), "10", "10", l2="质量指标"),
        _ind("项目完工及时率", T("≥", "95", "%"), V("92", "%"), "10", _prop("10", 92, 95),
             "受汛期持续降雨影响，2个标段延期完工。今后将合理安排施工工期，避开主汛期。", l2="时效指标"),
        _ind("亩均建设成本", T("≤", "1800", "元"), V("1750"), "10", "10", l2="成本指标"),
        _ind("项目区粮食产能提升", T("≥", "100", "公斤/亩"), V("105"), "10", "10",
             l1="效益指标", l2="经济效益指标"),
        _ind("带动农户增收", T("定性", "明显"), Q("明显"), "10", "10", l2="社会效益指标"),
        _ind("工程长效管护机制", T("定性", "健全"), Q("健全"), "5", "5", l2="可持续影响指标"),
        _ind("受益农户满意度", T("≥", "90", "百分比"), V("94", "%"), "10", "10",
             l1="满意度指标", l2="服务对象满意度指标"),
    ],
    grade=None,  # no 评分等级 row
), 0, 2)

SICHUAN_DOC = {
    "name": "sichuan",
    "style": dict(font="wqy", fs=9, ruling="rects", lw=0.5, valign="middle", num_align="r",
                  repeat_header=False),
    "blocks": [{"type": "form", "form": S1, "new_page": True}],
}

# --------------------------------------------------------------------------- 3. Yunnan

YUNNAN_LAYOUT = Layout(
    template="yunnan",
    cols=(36, 54, 84, 34, 46, 36, 52, 32, 36, 45, 45),
    head=(
        (Col("label", "项目名称", 2), Col("project_name", span=9)),
        (Col("label", "主管部门", 2), Col("department", span=3), Col("label", "实施单位", 2),
         Col("implementing_unit", span=4)),
    ),
    funds=Funds((Col("initial", "年初预算数"), Col("full", "全年预算数", 2), Col("executed", "全年执行数", 2),
                 Col("weight", "分值"), Col("rate", "执行率", 2), Col("score", "得分"))),
    goals=Goals("年度总体目标", 1, Col("planned", "预期目标", 4), Col("actual", "实际完成情况", 6)),
    ind=Indicators(
        (Col("l1", "一级指标"), Col("l2", "二级指标"), Col("l3", "三级指标"), Col("op", "指标性质"),
         Col("tval", "指标值"), Col("tunit", "度量单位"), Col("actual", "实际完成值"), Col("weight", "分值"),
         Col("score", "得分"), Col("note", "偏差原因分析及改进措施", 2)),
        group=("年度指标值", ("op", "tval", "tunit")),
    ),
    total_label="总分",
    grade_label=None,  # 总分 | 100 | 98.53 | 优
)

Y1 = _finish(dict(
    layout=YUNNAN_LAYOUT,
    title="项目支出绩效自评表", year_line="（2024年度）",
    funds_label="项目资金（万元）", funds_unit="万元",
    project_name="森林草原防火专项经费", department="彩云市林业和草原局",
    implementing_unit="彩云市森林草原防火指挥中心",
    fund_lines=fund_block(
        [("当年财政拨款", "其中：当年财政拨款", 120.00, 135.00, 131.22),
         ("上年结转资金", "上年结转资金", 15.00, 15.00, 15.00),
         ("其他资金", "其他资金", None, None, None)],
        total_label="年度资金总额", dash="—", pct_sign="%"),
    goal_planned=["开展森林草原防火巡护和宣传教育，巡护里程12,000公里以上，火情处置及时率100%，森林火灾受害率控制在0.9‰以内，森林覆盖率保持在65.5%以上。"],
    goal_actual=["全年巡护12,860公里，开展防火宣传活动18次，火情全部及时处置，森林火灾受害率0.3‰，森林覆盖率65.8%，群众满意度88%。"],
    indicators=[
        _ind("防火巡护里程", T("≧", "12000", "公里"), V("12860"), "15", "15", l1="产出指标", l2="数量指标"),
        _ind("防火宣传活动", T("≥", "20", "次"), V("18", "次"), "10", _prop("10", 18, 20),
             "两次集中宣传活动因极端天气取消，改为线上宣传。"),
        _ind("森林火灾受害率", T("≤", "0.9", "‰"), V("0.3", "‰"), "10", "10", l2="质量指标"),
        _ind("火情处置及时率", T("═", "100", "%"), V("100"), "10", "10", l2="时效指标"),
        _ind("巡护人员人均补助", T("≤", "1.2", "万元"), V("1.18"), "5", "5", l2="成本指标"),
        _ind("森林火灾发生次数", T("≤", "3", "次"), V("1", "次"), "10", "10", l1="效益指标", l2="社会效益指标"),
        _ind("森林覆盖率", T("≧", "65.5", "%"), V("65.8", "%"), "10", "10", l2="生态效益指标"),
        _ind("群防群治机制", T("定性", "长效"), Q("长效"), "10", "10", l2="可持续影响指标"),
        _ind("林区群众满意度", T("≥", "90", "%"), V("88", "%"), "10", _prop("10", 88, 90),
             "部分偏远林区防火宣传覆盖不足，将增加流动宣传。", l1="满意度指标", l2="服务对象满意度指标"),
    ],
    grade="优",
), 0, 2)

YUNNAN_DOC = {
    "name": "yunnan",
    "style": dict(font="droid", fs=9, ruling="filled", lw=0.6, valign="top", num_align="c",
                  repeat_header=False),
    "blocks": [{"type": "form", "form": Y1, "new_page": True}],
}

# --------------------------------------------------------------------------- 4. Hubei

HUBEI_LAYOUT = Layout(
    template="hubei",
    cols=(40, 66, 60, 60, 62, 58, 44, 44, 71),
    head=(
        (Col("label", "项目名称", 2), Col("project_name", span=7)),
        (Col("label", "主管部门", 2), Col("department", span=2), Col("label", "实施单位", 2),
         Col("implementing_unit", span=3)),
    ),
    funds=Funds((Col("full", "预算数(A)", 2), Col("executed", "执行数(B)", 2), Col("rate", "执行率(B/A)", 2),
                 Col("score", "得分(20分*执行率)"))),
    goals=Goals(label_span=2, blocks=True),
    ind=Indicators((Col("l1", "一级指标"), Col("l2", "二级指标"), Col("l3", "三级指标", 2),
                    Col("target", "年度指标值"), Col("actual", "实际完成值"), Col("weight", "分值"),
                    Col("score", "得分"),
                    Col("note", "偏差原因分析及改进措施"))),
    total_label="总分",
)

_H_FUNDS = fund_block(
    [("当年财政拨款", "其中：财政拨款", 860.00, 860.00, 842.28), ("其他资金", "其他资金", 40.00, 40.00, 36.50)],
    total_label="年度资金总额", dash="—", pct_sign="%", weight="20")
_H_FUNDS[0][2][3] = "20"  # printed in the block label, "项目预算执行情况(20分)"
_H_FUNDS = _no_cells(_H_FUNDS, "initial", "weight", keep_total=("weight",))

H1 = _finish(dict(
    layout=HUBEI_LAYOUT,
    title="项目支出绩效自评表", year_line="（2024年度）", unit_note="金额单位：万元",
    funds_label="项目预算执行情况(20分)", funds_unit="万元",
    project_name="基本公共卫生服务项目", department="荆楚市卫生健康委员会",
    implementing_unit="荆楚市疾病预防控制中心",
    fund_lines=_H_FUNDS,
    goal_labels=["年度绩效目标1(40分)", "年度绩效目标2(40分)"],
    goal_planned=[
        "完成辖区常住人口居民健康档案建档和更新，规范化电子健康档案建档率达到65%以上，65岁及以上老年人健康管理率达到62%以上，居民健康素养水平达到30%。",
        "做好重点人群健康管理，高血压、2型糖尿病患者规范管理率均达到65%以上，严重精神障碍患者规范管理率达到85%以上。",
    ],
    goal_actual=None,
    indicators=[
        _ind("规范化电子健康档案建档率", V("65", "%", "≥"), V("68.2", "%"), "10.00", "10.00",
             l1="产出指标", l2="数量指标", goal=1),
        _ind("65岁及以上老年人健康管理率", V("62", "%", "≥"), V("63.5", "%"), "10.00", "10.00", goal=1),
        _ind("健康档案信息完整率", V("90", "%", "≥"), V("92", "%"), "5.00", "5.00", l2="质量指标", goal=1),
        _ind("居民健康素养水平", V("30", "%", "≥"), V("31.2", "%"), "10.00", "10.00",
             l1="效益指标", l2="社会效益指标", goal=1),
        _ind("居民满意度", V("85", "%", "≥"), V("88", "%"), "5.00", "5.00",
             l1="满意度指标", l2="服务对象满意度指标", goal=1),
        _ind("高血压患者规范管理率", V("65", "%", "≥"), V("66.8", "%"), "10.00", "10.00",
             l1="产出指标", l2="数量指标", goal=2),
        _ind("2型糖尿病患者规范管理率", V("65", "%", "≥"), V("63.7", "%"), "10.00", _prop("10", 63.7, 65),
             "部分乡镇卫生院随访人员不足，随访频次未达要求。将通过家庭医生签约服务补齐随访。", goal=2),
        _ind("严重精神障碍患者规范管理率", V("85", "%", "≥"), V("90.1", "%"), "10.00", "10.00",
             l2="质量指标", goal=2),
        _ind("慢性病患者健康状况", Q("有效改善"), Q("达成预期指标"), "5.00", "5.00",
             l1="效益指标", l2="社会效益指标", goal=2),
        _ind("重点人群满意度", V("85", "%", "≥"), V("87", "%"), "5.00", "5.00",
             l1="满意度指标", l2="服务对象满意度指标", goal=2),
    ],
    grade="优",
))

HUBEI_DOC = {
    "name": "hubei",
    "style": dict(font="droid", fs=9, ruling="lines", lw=0.6, valign="middle", num_align="c",
                  repeat_header=False),
    "blocks": [{"type": "form", "form": H1, "new_page": True}],
}

# --------------------------------------------------------------------------- 5. Anhui

ANHUI_LAYOUT = national(NATIONAL, template="anhui")

A1 = _finish(dict(
    layout=ANHUI_LAYOUT,
    title="项目支出绩效自评表", year_line="（2024年度）",
    funds_label="项目资金（万元）", funds_unit="万元",
    project_name="家庭经济困难学生资助项目", department="新安市教育局", implementing_unit="新安市学生资助管理中心",
    fund_lines=fund_block(
        [("当年财政拨款", "其中：本年财政拨款", 600.00, 650.00, 628.70),
         ("上年结转资金", "上年结转资金", 25.00, 25.00, 25.00),
         ("其他资金", "其他资金", None, None, None)],
        total_label="年度资金总额", dash="—"),
    goal_planned=["落实学生资助政策，资助家庭经济困难学生3,200人次以上，资助对象认定准确率达到99.5%，资助资金按时足额发放，实现应助尽助。"],
    goal_actual=["全年资助家庭经济困难学生3,356人次，资助资金全部按时足额发放；资助对象认定准确率99.2%，受助学生满意度93%。"],
    indicators=[
        _ind("资助学生人次", V("3200", "人次", "≥"), V("3356", "人次"), "15.00", "15.00",
             **_l1("产出指标", "50"), l2="数量指标"),
        _ind("资助政策宣传覆盖学校", V("120", "所", "≥"), V("126", "所"), "15.00", "15.00"),
        _ind("资助对象认定准确率", V("99.5", "%", "≥"), V("99.2", "%"), "10.00", _prop("10", 99.2, 99.5),
             "个别学生家庭经济状况变化未及时申报，已完成动态调整。", l2="质量指标"),
        _ind("资助资金发放及时率", V("100", "%", "＝"), V("100", "%"), "10.00", "10.00", l2="时效指标"),
        _ind("家庭经济困难学生应助尽助", Q("应助尽助"), Q("达成指标"), "20.00", "20.00",
             **_l1("效益指标", "30"), l2="社会效益指标"),
        _ind("学生资助长效机制", Q("健全"), Q("健全"), "10.00", "10.00", l2="可持续影响指标"),
        _ind("受助学生满意度", V("90", "%", "≥"), V("93", "%"), "10.00", "10.00",
             **_l1("满意度指标", "10"), l2="服务对象满意度指标"),
    ],
    grade="优",
))

ANHUI_DOC = {
    "name": "anhui",
    "style": dict(font="uming", fs=9.5, ruling="filled", lw=0.7, valign="middle", num_align="c",
                  repeat_header=False, cols=(44, 64, 60, 60, 62, 58, 44, 44, 69)),
    "blocks": [{"type": "form", "form": A1, "new_page": True}],
}

# --------------------------------------------------------------------------- 6. 部门整体支出

DEPT_LAYOUT = national(
    labels(NATIONAL), template="dept_overall",
    head=((Col("label", "部门", 2), Col("department", span=7)),),
)

D1 = _finish(dict(
    layout=DEPT_LAYOUT,
    title="部门整体支出绩效自评表", year_line="（2024年度）",
    funds_label="预算资金（万元）", funds_unit="万元",
    project_name=None, department="江城市市场监督管理局", implementing_unit=None,
    fund_lines=fund_block(
        [("基本支出", "其中：基本支出", 2860.00, 2935.40, 2921.76),
         ("项目支出", "项目支出", 1450.00, 1628.60, 1532.07)],
        total_label="年度资金总额", dash="—"),
    goal_planned=[
        "1．深化商事制度改革，市场主体年报公示率达到90%以上；",
        "2．守牢食品安全底线，完成食品安全监督抽检4,000批次以上，不发生重大食品安全事故；",
        "3．畅通投诉举报渠道，投诉举报按时办结率98%以上，严控一般性支出。",
    ],
    goal_actual=[
        "1．市场主体年报公示率93.5%；",
        "2．完成食品安全监督抽检4,326批次，不合格食品核查处置率100%，全年未发生重大食品安全事故；",
        "3．投诉举报按时办结率99.1%，“三公”经费支出38.6万元，企业和群众满意度91.4%。",
    ],
    indicators=[
        _ind("市场主体年报公示率", V("90", "%", "≥"), V("93.5", "%"), "10.00", "10.00",
             l1="产出指标", l2="数量指标"),
        _ind("食品安全监督抽检批次", V("4000", "批次", "≥"), V("4,326", "批次"), "10.00", "10.00"),
        _ind("不合格食品核查处置率", V("100", "%", "＝"), V("100", "%"), "10.00", "10.00", l2="质量指标"),
        _ind("投诉举报按时办结率", V("98", "%", "≥"), V("99.1", "%"), "10.00", "10.00", l2="时效指标"),
        _ind("“三公”经费支出", V("45", "万元", "≤"), V("38.6", "万元"), "10.00", "10.00", l2="成本指标"),
        _ind("重大食品安全事故", V("0", "起", "＝"), V("0", "起"), "15.00", "15.00",
             l1="效益指标", l2="社会效益指标"),
        _ind("市场监管信息化水平", Q("持续提升"), Q("达成预期指标"), "15.00", "15.00", l2="可持续影响指标"),
        _ind("企业和群众满意度", V("90", "%", "≥"), V("91.4", "%"), "10.00", "10.00",
             l1="满意度指标", l2="服务对象满意度指标"),
    ],
    grade="优",
))

DEPT_DOC = {
    "name": "dept_overall",
    "style": dict(font="wqy", fs=9.5, ruling="rects", lw=0.5, valign="middle", num_align="r",
                  repeat_header=False, cols=(40, 66, 60, 60, 62, 58, 44, 44, 71)),
    "blocks": [{"type": "form", "form": D1, "new_page": True}],
}

# --------------------------------------------------------------------------- 7. columns no lexicon knows

UNKNOWN_LAYOUT = Layout(
    template="mof2020",
    cols=(38, 62, 66, 56, 56, 50, 40, 64, 73),
    head=(
        (Col("label", "项目名称", 2), Col("project_name", span=7)),
        (Col("label", "主管部门", 2), Col("department", span=2), Col("label", "实施单位", 2),
         Col("implementing_unit", span=3)),
    ),
    funds=Funds((Col("initial", "年初预算数"), Col("full", "全年预算数"), Col("executed", "全年执行数"),
                 Col("x:资金到位率", "资金到位率"), Col("weight", "分值"), Col("rate", "执行率"),
                 Col("score", "得分"))),
    goals=Goals("年度总体目标", 1, Col("planned", "预期目标", 3), Col("actual", "实际完成情况", 5)),
    ind=Indicators((Col("l1", "一级指标"), Col("l2", "二级指标"), Col("l3", "三级指标"), Col("target", "年度指标值"),
                    Col("actual", "实际完成值"), Col("weight", "分值"), Col("score", "得分"),
                    Col("x:评分依据", "评分依据"), Col("note", "偏差原因分析及改进措施"))),
)

_U_FUNDS = fund_block(
    [("当年财政拨款", "其中：当年财政拨款", 320.00, 336.00, 318.40), ("上年结转资金", "上年结转资金", None, None, None),
     ("其他资金", "其他资金", 12.00, 12.00, 12.00)],
    total_label="年度资金总额", dash="—")
_U_FUNDS = [(c, lab, cells, {"资金到位率": "—" if cells[1] == "—" else "100%"}) for c, lab, cells in _U_FUNDS]


def _basis(met: bool) -> dict:
    return {"extra": {"评分依据": "达到目标值得满分" if met else "按完成比例计分"}}


U1 = _finish(dict(
    layout=UNKNOWN_LAYOUT,
    title="项目支出绩效自评表", year_line="（2024年度）",
    funds_label="项目资金（万元）", funds_unit="万元",
    project_name="居家养老服务补贴项目", department="江城市民政局", implementing_unit="江城市养老服务指导中心",
    fund_lines=_U_FUNDS,
    goal_planned=["为经济困难的高龄、失能老年人提供居家养老服务补贴，全年服务4,500人以上，服务质量抽查合格率95%以上，补贴按月足额发放。"],
    goal_actual=["全年为4,612名老年人提供居家养老服务补贴，服务质量抽查合格率93%，补贴按月足额发放，服务对象满意度96%。"],
    indicators=[
        _ind("享受补贴老年人数", V("4500", "人", "≥"), V("4612", "人"), "20.00", "20.00",
             l1="产出指标", l2="数量指标", **_basis(True)),
        _ind("服务质量抽查合格率", V("95", "%", "≥"), V("93", "%"), "15.00", _prop("15", 93, 95),
             "新入围服务机构人员培训不到位，已开展专项培训。", l2="质量指标", **_basis(False)),
        _ind("补贴按月发放率", V("100", "%", "＝"), V("100", "%"), "15.00", "15.00", l2="时效指标", **_basis(True)),
        _ind("老年人居家生活质量", Q("明显改善"), Q("达成预期指标"), "20.00", "20.00",
             l1="效益指标", l2="社会效益指标", extra={"评分依据": "定性评价"}),
        _ind("养老服务体系可持续运行", Q("持续运行"), Q("达成预期指标"), "10.00", "10.00",
             l2="可持续影响指标", extra={"评分依据": "定性评价"}),
        _ind("服务对象满意度", V("90", "%", "≥"), V("96", "%"), "10.00", "10.00",
             l1="满意度指标", l2="服务对象满意度指标", **_basis(True)),
    ],
    grade="优",
))

UNKNOWN_DOC = {
    "name": "unknown_labels",
    "style": dict(font="droid", fs=9, ruling="lines", lw=0.6, valign="middle", num_align="c",
                  repeat_header=False),
    "blocks": [{"type": "form", "form": U1, "new_page": True}],
}

DOCUMENTS = [CENTRAL_DOC, SICHUAN_DOC, YUNNAN_DOC, HUBEI_DOC, ANHUI_DOC, DEPT_DOC, UNKNOWN_DOC]

# Scans of the variant documents (scan_fixtures.make_scans specs): 200 dpi, greyscale but for
# the one with a red seal (kept in colour so the seal stays red), skew ≤ 1.5°, one page
# turned 90°; 8 pages in all.
SCANS = [
    dict(name="central_pre2020_scan", source="central_pre2020", kind="pdf", dpi=200, colour=False,
         skew=[0.7, -0.5], seal=[], noise=4.0, blur=0.6, quality=70),
    dict(name="sichuan_scan", source="sichuan", kind="pdf", dpi=200, colour=True,
         skew=[-1.2], seal=[1], noise=4.0, blur=0.6, quality=70),
    dict(name="yunnan_scan", source="yunnan", kind="png", dpi=200, colour=False,
         skew=[0.5], seal=[], noise=0.0, blur=0.5, turn=90),
    dict(name="hubei_scan", source="hubei", kind="pdf", dpi=200, colour=False,
         skew=[1.0, -0.8], seal=[], noise=4.0, blur=0.6, quality=70),
    dict(name="anhui_scan", source="anhui", kind="jpeg", dpi=200, colour=False,
         skew=[-0.6], seal=[], noise=3.0, blur=0.5, quality=75),
    dict(name="dept_overall_scan", source="dept_overall", kind="pdf", dpi=200, colour=False,
         skew=[1.5], seal=[], noise=4.0, blur=0.6, quality=70),
    dict(name="unknown_labels_scan", source="unknown_labels", kind="tiff", dpi=200, colour=False,
         skew=[-0.9], seal=[], noise=4.0, blur=0.6, quality=70),
]
