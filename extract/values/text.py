"""Text normalisation shared by every stage."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Chinese characters and punctuation: a space beside one is typesetting, not content
# ("共计 8 场" and "共计8场" say the same), and a scan cannot see it.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff"
_SPACE_BY_CJK = re.compile(f"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
# A space between a comparison and its number is typesetting ("≥ 90%" = "≥90%").
_SPACE_AFTER_OPERATOR = re.compile(r"(?<=[≥≤<>=])[ \t]+(?=[\d.])")
# Curly quotes fold to straight ones: their direction is lost in print at small sizes.
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2018": "'", "\u2019": "'"})


def normalize(text: str) -> str:
    """The dataset's text: NFKC, straight quotes, no spaces beside Chinese characters or
    after a comparison operator, other runs of spaces folded to one, line ends trimmed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    lines = (_SPACE_AFTER_OPERATOR.sub("", _SPACE_BY_CJK.sub("", _SPACES.sub(" ", ln))).strip()
             for ln in text.split("\n"))
    return "\n".join(lines).strip()


def compact(text: str) -> str:
    """NFKC without any whitespace: the key labels are matched on ("年度 指标值" = "年度指标值")."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


_LIST_ITEM = re.compile(r"^(\d{1,2})([.、．])(?!\d)")  # "99.5%。" on its own line opens no item
_LOST_STOP = re.compile(r"^(\d{1,2})(?=[\u3400-\u9fff])")


def list_stop(line: str) -> str | None:
    """The stop after a numbered item's number ("." in "2.完成", "、" in "3、推进"), or None."""
    m = _LIST_ITEM.match(line)
    return m.group(2) if m else None


def lost_list_stops(lines: list[str]) -> set[int]:
    """Which of a text's lines open a numbered item whose stop was lost to a scan's reading
    ("3全年实施" among "1." "2." …): both recognisers drop it alike, so their agreement does not
    clear it. Items numbered 1, 2 … with every stop lost are a list too; a line that starts
    with a count ("2座,") and follows no item 1 is left alone. Where items 2 and 3 are
    numbered and no line is item 1, the first line lost its number."""
    numbers = {int(m.group(1)) for ln in lines if (m := _LIST_ITEM.match(ln))}
    bare = {i: int(m.group(1)) for i, ln in enumerate(lines) if (m := _LOST_STOP.match(ln))}
    if not (numbers or {1, 2} <= set(bare.values())):
        return set()
    known = numbers | set(bare.values())
    lost = {i for i, n in bare.items() if n not in numbers and (n - 1 in known or n == 1)}
    # Items 2, 3 … numbered and no item 1: the first line's number went with a speck ("1." read ".").
    if {2, 3} <= numbers and 1 not in known and lines and not re.match(r"\d", lines[0]):
        lost.add(0)
    return lost


_ITEM_STOPS = "。；;"


def unended_items(lines: list[str]) -> set[int]:
    """Which of a numbered list's lines end an item without the stop (。 or ；) its other
    items all end with: a scan's reading drops a final 。 at high scores, and the two
    recognisers alike. Lines ending an item: the one before the next item's number, and the last."""
    first = next((i for i, ln in enumerate(lines) if _LIST_ITEM.match(ln)), None)
    if first is None:
        return set()
    ends = [i for i in range(first, len(lines)) if i == len(lines) - 1 or _LIST_ITEM.match(lines[i + 1])]
    stopped = [i for i in ends if lines[i].rstrip()[-1:] in _ITEM_STOPS]
    if len(stopped) < 2:
        return set()
    return {i for i in ends if i not in stopped and re.search(r"[\u3400-\u9fff\d%)）]$", lines[i].rstrip())}


_ITEM_END = re.compile(r"[;；:：]$")


def item_end_colons(lines: list[str]) -> list[str]:
    """A numbered list's lines with an item's closing colon made the semicolon the list's
    other items close with: at a scan's resolution ； reads as ： ("三年合计8份:" over
    "2、…"), and no list closes one item with a colon and another with a semicolon."""
    first = next((i for i, ln in enumerate(lines) if _LIST_ITEM.match(ln)), len(lines))
    ends = [i for i in range(first, len(lines) - 1) if _LIST_ITEM.match(lines[i + 1]) and _ITEM_END.search(lines[i])]
    semis = [lines[i][-1] for i in ends if lines[i][-1] in ";；"]
    if not semis:
        return lines
    out = list(lines)
    for i in ends:
        if out[i][-1] in ":：":
            out[i] = out[i][:-1] + semis[0]
    return out
