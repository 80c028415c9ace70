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


# What a misreading adds to a printed number with decimals or makes of its point, never print
# in a number cell: marks or a seal's characters beside it ("99.17丨", "628.70计", ".10:00"),
# a point read as a comma or a colon ("10,00", "98: 55": a thousands comma has three digits
# after it). Letters, brackets and dashes are not taken away: "l", "i", "o", "s" may be a digit
# misread, "30.10)" an unread "(", and "100.00 -" two cells' values, the rule between them lost.
_BESIDE = r"[^\w\d()（）\s\-—–一－]|[\u3400-\u4dff\u4e01-\u9fff]"
_MISREAD_NUMBER = re.compile(rf"^(?:{_BESIDE})*(\d+[.,:]\d{{1,2}}%?)(?:{_BESIDE})*$")


def misread_number(text: str | None) -> ParsedNumber | None:
    """The number a reading that is not one shows once what a misreading added is taken
    away, or None: "10,00" → 10.00, "99.17丨" → 99.17. A value in doubt, never a sure one."""
    m = _MISREAD_NUMBER.match(compact(text or ""))
    if not m:
        return None
    parsed = parse_number(re.sub(r"[,:]", ".", m.group(1)))
    return parsed if parsed.readable and parsed.value is not None else None
