"""Building blocks for fixture form records.

A record describes what is *printed* on a form, cell by cell, from components whose
meaning is known (operator symbol, number, unit), so the truth of every parsed field
(target_op, target_value, target_unit, ...) comes from the structure, never from
parsing rendered text.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# printed operator -> canonical operator
OPS = {
    "≥": ">=", "≧": ">=", ">=": ">=", "不少于": ">=", "不低于": ">=", "以上": ">=",
    "≤": "<=", "≦": "<=", "<=": "<=", "不超过": "<=", "不高于": "<=", "以内": "<=",
    ">": ">", "＞": ">", "<": "<", "＜": "<", "=": "=", "＝": "=", "═": "=",
}
POST_OPS = {"以上", "以内"}


def V(num: str | None = None, unit: str = "", op: str = "", text: str | None = None) -> dict:
    """A printed target/actual value.

    Quantitative: V("90.00", "(百分比)", ">") prints ">90.00(百分比)"; a post operator
    (以上/以内) prints after the unit: V("5", "天", "以内") -> "5天以内".
    Qualitative: V(text="达成指标").
    """
    if text is not None:
        return {"printed": text, "op": None, "value": None, "unit": None}
    assert num is not None
    if op in POST_OPS:
        printed = f"{num}{unit}{op}"
    else:
        printed = f"{op}{num}{unit}"
    u = unit.strip()
    if u.startswith(("(", "（")) and u.endswith((")", "）")):
        u = u[1:-1]
    if u in ("百分比", "％"):
        u = "%"
    return {
        "printed": printed,
        "op": OPS[op] if op else None,
        "value": float(num.replace(",", "")),
        "unit": u or None,
    }


def Q(text: str) -> dict:
    """A qualitative printed value."""
    return V(text=text)


def T(nature: str, value: str, unit: str = "") -> dict:
    """A target printed in three cells, 指标性质 | 指标值 | 度量单位 (Sichuan, Yunnan).

    T("≥", "95", "%") prints ≥ | 95 | %: the target reads "≥95%", op >=, value 95, unit %.
    T("定性", "有效") prints 定性 | 有效 | (empty): the target is the 指标值 alone, qualitative.
    """
    if nature == "定性":
        return {"cells": (nature, value, unit), "printed": value, "op": None, "value": None, "unit": None}
    v = V(value, unit, nature)
    v["cells"] = (nature, value, unit)
    return v


def d2(x) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def fmt(x, decimals: int = 2, thousands: bool = False) -> str:
    q = Decimal(str(x)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{q:,.{decimals}f}" if thousands else f"{q:.{decimals}f}"


def rate(executed, full) -> Decimal:
    if Decimal(str(full)) == 0:
        return Decimal("0.00")
    return d2(Decimal(str(executed)) / Decimal(str(full)) * 100)


def funds_score(weight, rate_pct) -> Decimal:
    r = min(Decimal(str(rate_pct)), Decimal(100))
    return d2(Decimal(str(weight)) * r / 100)


def fund_block(
    sub_lines,
    *,
    total_label: str,
    weight="10",
    decimals: int = 2,
    thousands: bool = False,
    pct_sign: str = "",
    dash: str = "—",
    sub_rates: bool = True,
    weight_decimals: int = 2,
):
    """Consistent 项目资金 block from its 其中 lines.

    sub_lines: [(canonical, label, initial, full, executed)] with amounts as numbers or
    None (printed as `dash`, null in truth). The 年度资金总额 line is their sum; its 执行率
    and 得分 follow the scoring rules. Returns the printed lines
    [(canonical, label, [年初, 全年, 执行, 分值, 执行率, 得分])].
    """
    tot = [Decimal(0)] * 3
    out = []
    for canon, label, *amts in sub_lines:
        cells = []
        for i, a in enumerate(amts):
            if a is None:
                cells.append(dash)
            else:
                tot[i] += Decimal(str(a))
                cells.append(fmt(a, decimals, thousands))
        if sub_rates and amts[1] is not None and amts[2] is not None:
            r = fmt(rate(amts[2], amts[1])) + pct_sign
        else:
            r = dash
        cells += [dash, r, dash]
        out.append((canon, label, cells))
    r = rate(tot[2], tot[1])
    w = Decimal(str(weight))
    total = (
        "年度资金总额",
        total_label,
        [fmt(t, decimals, thousands) for t in tot]
        + [fmt(w, weight_decimals), fmt(r) + pct_sign, fmt(funds_score(w, r))],
    )
    return [total] + out


def _total(fund_lines, indicators, cell: int, key: str) -> str:
    s = Decimal(fund_lines[0][2][cell])
    for ind in indicators:
        if not ind.get("blank"):
            s += Decimal(ind[key])
    return fmt(s)


def total_score(fund_lines, indicators) -> str:
    """funds 得分 + Σ indicator 得分, printed with 2 decimals."""
    return _total(fund_lines, indicators, 5, "score")


def total_weight(fund_lines, indicators) -> str:
    """funds 分值 + Σ indicator 分值, printed with 2 decimals."""
    return _total(fund_lines, indicators, 3, "weight")


# Label sets ---------------------------------------------------------------

SHANGHAI = {
    "project_name": "项目名称",
    "department": "主管部门",
    "implementing_unit": "实施单位",
    "fund_header": ["年初预算数", "全年预算数", "全年执行数", "分数", "执行率(%)", "得分"],
    "goals": "年度总体目标",
    "goal_planned": "预期目标",
    "goal_actual": "实际完成情况",
    "ind": {
        "l1": "一级指标", "l2": "二级指标", "l3": "三级指标", "target": "年度指标值",
        "actual": "实际完成值", "weight": "分值", "score": "得分", "note": "偏差原因分析及改进措施",
    },
    "total": "总分",
    "grade": "评分等级",
}

# The national template's labels: the Shanghai printing's, but 分值 and a bare 执行率.
NATIONAL = {**SHANGHAI, "fund_header": ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]}


def labels(base: dict, **ind_overrides) -> dict:
    out = dict(base)
    out["ind"] = dict(base["ind"], **ind_overrides)
    return out
