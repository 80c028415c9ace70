"""Printed numbers: thousands separators, any decimals, a trailing %, dashes for none."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.values.text import compact

# What forms print for "no value" (after NFKC: full-width "－" is "-"). OCR reads a printed
# dash as the character 一 ("one") as often as not; alone in a number cell it is a dash.
EMPTY_MARKS = frozenset({"", "-", "—", "——", "–", "/", "\\", "无", "-/-", "一"})
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")


@dataclass(frozen=True)
class ParsedNumber:
    value: float | None
    readable: bool  # False: text was printed but it is not a number (the field needs review)
    decimals: int = 0  # digits printed after the point: the printing precision


def parse_number(text: str | None) -> ParsedNumber:
    """`110.00` → 110.0, `215,457.6` → 215457.6, `93.27%` → 93.27, `—` → None."""
    s = compact(text or "")
    if s in EMPTY_MARKS or set(s) <= {"-", "—", "/"}:
        return ParsedNumber(None, True)
    if _NUMBER.match(s):
        digits = s.rstrip("%")
        decimals = len(digits) - digits.index(".") - 1 if "." in digits else 0
        return ParsedNumber(float(digits.replace(",", "")), True, decimals)
    return ParsedNumber(None, False)
