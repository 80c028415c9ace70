"""Targets and actuals: an operator, a number and a unit, or qualitative text.

The operator vocabulary is data (`OPERATORS`); a new regional spelling is one entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.values.text import compact

# Printed operator → canonical, longest spellings first so "≥" inside ">=" never wins early.
OPERATORS: dict[str, str] = {
    "大于等于": ">=", "大于或等于": ">=", "不少于": ">=", "不低于": ">=", "不小于": ">=",
    "小于等于": "<=", "小于或等于": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=", "不多于": "<=",
    ">=": ">=", "≥": ">=", "≧": ">=", "⩾": ">=",
    "<=": "<=", "≤": "<=", "≦": "<=", "⩽": "<=",
    "大于": ">", "高于": ">", "超过": ">", ">": ">",
    "小于": "<", "低于": "<", "<": "<",
    "等于": "=", "==": "=", "=": "=", "═": "=",
}
# Words after the number that carry the operator ("90%以上").
SUFFIX_OPERATORS: dict[str, str] = {"以上": ">=", "及以上": ">=", "以内": "<=", "以下": "<=", "及以下": "<="}
# Unit spellings that mean another unit.
UNIT_ALIASES: dict[str, str] = {"百分比": "%", "％": "%", "百分点": "%"}

_OPS = sorted(OPERATORS, key=len, reverse=True)
_SUFFIXES = sorted(SUFFIX_OPERATORS, key=len, reverse=True)
_NUM_UNIT = re.compile(r"^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(.*)$")
# A unit is short and has no digits; anything longer is prose that happens to hold a number.
_UNIT = re.compile(r"^[^\d]{0,6}$")
# Marks a speck or a rule's stub is read as at a value's edges; no printed measure starts or
# ends with one (".93%", "≥90%\"", "97(%):", "95.3%`,").
_EDGE_MARKS = ".·`'\":;,+、。，：；‘’“”|"
_EDGES = re.compile(rf"^[{re.escape(_EDGE_MARKS)}\s]+|[{re.escape(_EDGE_MARKS)}\s]+$")


@dataclass(frozen=True)
class Measure:
    op: str | None
    value: float
    unit: str | None


def without_edge_marks(text: str) -> str:
    """A measure read with specks at its edges, without them (".93%" → "93%"); any other
    text as it is. (".5" may be a 0.5 whose 0 was lost: the caller keeps it in doubt.)"""
    core = _EDGES.sub("", text)
    if core == text or not core or (m := parse_measure(core)) is None:
        return text
    return core if not (m.unit and set(m.unit) & set(_EDGE_MARKS)) else text


def parse_measure(text: str | None) -> Measure | None:
    """`≥4.00(份)` → (>=, 4.0, 份); `>90.00(百分比)` → (>, 90.0, %); `有效` → None."""
    s = compact(text or "")
    op = None
    for spelling in _OPS:
        if s.startswith(spelling):
            op, s = OPERATORS[spelling], s[len(spelling):]
            break
    m = _NUM_UNIT.match(s)
    if not m:
        return None
    number, rest = m.groups()
    for spelling in _SUFFIXES:
        if rest.endswith(spelling):
            op = op or SUFFIX_OPERATORS[spelling]
            rest = rest[: -len(spelling)]
            break
    unit = rest.strip()
    if unit.startswith("(") and unit.endswith(")"):
        unit = unit[1:-1]
    if not _UNIT.match(unit):
        return None
    unit = UNIT_ALIASES.get(unit, unit) or None
    return Measure(op, float(number.replace(",", "")), unit)
