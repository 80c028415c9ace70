"""Printed spellings and the free text around forms, as data: the one place to add a variant.

A spelling replaces a label cell's text in the printed table only; the truth never changes
(labels are not fields). Spellings marked `unknown=True` are ones the lexicon may not know
yet: when jixiao misses them that is a finding, not a generator bug.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Spelling:
    canonical: str  # the label as the record's layout prints it
    printed: tuple[str, ...]  # paragraphs printed instead (a tuple of 2: a hard line break)
    families: tuple[str, ...] = ()  # () = any family
    source: str = ""  # where such a spelling is seen


SPELLINGS: tuple[Spelling, ...] = (
    Spelling("偏差原因分析及改进措施", ("未完成原因分析及改进措施",), source="many provinces"),
    Spelling("偏差原因分析及改进措施", ("偏差原因分析及改进措施（如有）",), source="national notice examples"),
    Spelling("偏差原因分析及改进措施", ("偏差原因分析及", "改进措施"), source="Excel Alt+Enter"),
    Spelling("年度总体目标", ("年度目标",), families=("sichuan", "mof2020"), source="Sichuan"),
    Spelling("年度总体目标", ("年度总体", "目标"), source="Excel Alt+Enter"),
    Spelling("年度指标值", ("年度 指标值",), source="stray space"),
    Spelling("年度指标值", ("年度", "指标值"), source="line break"),
    Spelling("实际完成值", ("实际 完成值",), source="stray space"),
    Spelling("三级指标", ("三级 指标",), source="stray space"),
    Spelling("一级指标", ("一级", "指标"), source="line break"),
    Spelling("项目名称", ("项 目 名 称",), source="letter-spaced"),
    Spelling("主管部门", ("主 管 部 门",), source="letter-spaced"),
    Spelling("实施单位", ("实 施 单 位",), source="letter-spaced"),
    Spelling("总分", ("总  分",), source="letter-spaced"),
    Spelling("总分", ("合计",), families=("mof2020", "anhui", "hubei", "dept_overall"), source="Sichuan-style"),
    Spelling("评分等级", ("自评等级",), source="some cities"),
    Spelling("预期目标", ("预期 目标",), source="stray space"),
    Spelling("项目资金（万元）", ("项目资金", "（万元）"), source="line break"),
    Spelling("全年执行数", ("全年 执行数",), source="stray space"),
)

# The grade printed as a line under the table (label, separator).
GRADE_LINE_LABELS: tuple[str, ...] = ("评分等级：", "自评等级：", "评分等级: ")

# Text above the first form (a 部门决算 report's heading and narrative); {year}: the form's
# year (a report about 2024 does not carry a 2019 form). None of it may contain a title
# marker of extract/segment/lexicon.toml [titles].
LETTERHEAD_LINES: tuple[str, ...] = (
    "附件2",
    "第三部分　{year}年度项目支出绩效自评情况",
    "根据财政部门预算绩效管理工作要求，本部门对{year}年度项目支出开展了绩效自评，现将有关项目的自评结果公开如下。",
    "一、项目支出绩效自评结果",
    "（一）本部门共对12个项目开展了绩效自评，涉及资金3,215.40万元，自评结果均为优。",
)

# Lines printed under a form's table (not fields).
UNDER_TABLE_LINES: tuple[str, ...] = (
    "其他需要说明事项：无。",
    "其他需要说明事项：部分合同款项于次年一季度支付，已纳入下年度绩效跟踪管理。",
    "填报人：王某某　　联系电话：010-12345678　　填报日期：2025年3月10日",
)

# Title markers the narrative must not contain (kept in sync with the lexicon by a check).
TITLE_MARKERS: tuple[str, ...] = ("项目支出绩效自评表", "项目绩效自评表", "整体支出绩效自评表")

FOOTERS: tuple[str, ...] = ("none", "第{n}页", "- {n} -", "第 {n} 页，共 {total} 页")


def spellings_for(family: str, labels: set[str]) -> list[Spelling]:
    """The spellings that apply to a form of `family` printing `labels`."""
    return [s for s in SPELLINGS if s.canonical in labels and (not s.families or family in s.families)]


def _check() -> None:
    for text in LETTERHEAD_LINES + UNDER_TABLE_LINES:
        assert not any(m in text for m in TITLE_MARKERS), text


_check()
