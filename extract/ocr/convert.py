"""Raw engine output → `Word` records in page points. Pure functions, tested on recorded
output (tests/data/): boxes are cut at the table's rules so no word straddles two cells."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import replace
from collections.abc import Sequence

import numpy as np

from extract.grid import Grid
from extract.ocr.recognizer import Reading
from extract.pages.types import Word

# Detection boxes are padded around the ink (DB unclip); the font size is about this share
# of the box height (measured on rendered pages: 10 pt text, 14–15 pt boxes).
FONT_SHARE_OF_BOX = 0.7
# A rule cuts a box only where it lies this far (points) inside it: a box merely touching
# a border is not split.
CUT_MARGIN = 2.0

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels


def crop(pixels: np.ndarray, rect: Rect) -> np.ndarray:
    """The pixels of a rect (at least one pixel each way)."""
    x0, y0, x1, y1 = (int(round(v)) for v in rect)
    return pixels[max(0, y0):max(y0 + 1, y1), max(0, x0):max(x0 + 1, x1)]


def quad_to_rect(quad: np.ndarray, width: int, height: int) -> Rect:
    xs, ys = quad[:, 0], quad[:, 1]
    return (max(0.0, float(xs.min())), max(0.0, float(ys.min())), min(float(width), float(xs.max())), min(float(height), float(ys.max())))


def _vertical_rules_through(grid: Grid, x0: float, x1: float, y: float, vlines) -> list[float]:
    lo, hi = bisect_right(grid.xs, x0 + CUT_MARGIN), bisect_left(grid.xs, x1 - CUT_MARGIN)
    cuts = []
    for x in grid.xs[lo:hi]:
        if any(abs(v.pos - x) <= 2.0 and v.start <= y <= v.end for v in vlines):
            cuts.append(x)
    return cuts


def untangle(rects: Sequence[Rect]) -> list[Rect]:
    """Text boxes with the overlap of two boxes on one line given to the first: the detector
    now and then boxes a line's end twice ("…管理规定，" and "，工"), and each box read alone
    would print the overlap twice. A box lying wholly inside another on its line is dropped;
    one the overlap would leave too narrow to read (a lone "≥" whose padding reaches into its
    neighbour's box) is kept whole."""
    out: list[Rect] = []
    kept: dict[int, Rect] = {}  # input index → the box kept for it (the input's order is kept:
    # the recogniser packs neighbouring short crops, and its readings depend on the packing)
    for k in sorted(range(len(rects)), key=lambda k: (rects[k][0], rects[k][1])):
        r = rects[k]
        x0, y0, x1, y1 = r
        h = y1 - y0
        inside = False
        for a0, b0, a1, b1 in out:
            if min(y1, b1) - max(y0, b0) < 0.6 * min(h, b1 - b0) or not (a0 <= x0 < a1 - 2):
                continue
            inside = inside or x1 <= a1
            x0 = max(x0, a1)
        if x1 - x0 >= 0.5 * h:
            kept[k] = (x0, y0, x1, y1)
        elif not inside:
            kept[k] = r
        if k in kept:
            out.append(kept[k])
    return [kept[k] for k in sorted(kept)]


# Two boxes of one line that overlap by this share of their height part it inside a glyph.
CUT_THROUGH_OVERLAP = 0.3


def cut_through(rects: Sequence[Rect]) -> list[Rect]:
    """The unions of box pairs that `untangle` parts inside a character ("…万条，报" and
    "报汛到报率" each holding half of 报): boxes of one line's height overlapping by more than a
    stroke. Each half read alone may drop the character both hold."""
    out = []
    ordered = sorted(rects, key=lambda r: (r[0], r[1]))
    for i, (x0, y0, x1, y1) in enumerate(ordered):
        h = y1 - y0
        for a0, b0, a1, b1 in ordered[i + 1:]:
            if a0 >= x1:
                break  # (ordered by left edge: no box further on reaches back into this one)
            hb = b1 - b0
            same_line = min(y1, b1) - max(y0, b0) >= 0.75 * max(h, hb)
            if same_line and x0 < a0 and x1 - a0 >= CUT_THROUGH_OVERLAP * min(h, hb) and a1 > x1:
                out.append((x0, min(y0, b0), a1, max(y1, b1)))
    return out


_PUNCTUATION = frozenset("，,。、；;：:．.")


def drop_doubled_marks(words: list[Word]) -> list[Word]:
    """Where two boxes of one line meet inside a punctuation mark, each reads it: the second
    loses its copy ("…规定，" + "，工" → "工")."""
    out = sorted(words, key=lambda w: (round(w.cy), w.x0))
    for i, w in enumerate(out):
        prev = next((p for p in reversed(out[:i]) if abs(p.cy - w.cy) < 0.5 * (w.y1 - w.y0)), None)
        if (prev is not None and abs(w.x0 - prev.x1) < 0.5 * (w.y1 - w.y0) and len(w.text) > 1
                and w.text[0] in _PUNCTUATION and _nfkc(w.text[0]) == _nfkc(prev.text[-1])):
            out[i] = replace(w, text=w.text[1:])
    return out


def split_at_rules(rect: Rect, scale: float, grids: Sequence[Grid], vlines) -> list[Rect]:
    """Cut a box (pixels) where a drawn vertical rule of a table crosses it."""
    x0, y0, x1, y1 = (v * scale for v in rect)
    yc = (y0 + y1) / 2
    for grid in grids:
        gx0, gy0, gx1, gy1 = grid.bbox
        if gy0 <= yc <= gy1 and x1 > gx0 and x0 < gx1:
            cuts = _vertical_rules_through(grid, x0, x1, yc, vlines)
            if cuts:
                edges = [x0] + cuts + [x1]
                return [(a / scale, rect[1], b / scale, rect[3]) for a, b in zip(edges, edges[1:]) if b - a > CUT_MARGIN]
    return [rect]


# "0.9%0", "0.9%o": how both recognisers read a small ‰ (a % then a stray 0 or o), after
# its number or alone in a 度量单位 cell. Print never puts a 0 or an o right after a %: the
# reading is taken as the ‰ it is, in doubt until a second reading says ‰ too (ocr/second.py).
_PER_MILLE_MISREAD = re.compile(r"(?:(?<=\d)|^)%[0oO](?![\d.])")
# Confidence left to a text that shows that pattern: low enough to send it to review.
PER_MILLE_DOUBT = 0.6


def as_per_mille(text: str) -> str:
    """A reading with its ‰ read as "%0" / "%o" put right: "≤0.9%0" → "≤0.9‰"."""
    return _PER_MILLE_MISREAD.sub("‰", text)


# Marks a speck of dust or noise (or a broken rule's stub: "|") is read as. Print never puts one of them before a Chinese
# character or a number, nor after one at the end of a cell's run ("。" and "，" are the
# Chinese stops; "," is kept: NFKC folds "，" to it).
_SPECK_MARKS = ".·`'‘’!:;*■★•・▪|"
_CJK_OR_DIGIT = re.compile(r"[\u3400-\u9fff0-9]")
# "10:00", "≤4:80万元", "95:3%": a decimal point under a speck, in a value (an operator, a
# number, a unit or % at most; a time in a sentence is left alone).
_COLON_DECIMAL = re.compile(r"^([≥≤<>=≧≦]?\d+)[:：](\d{1,2}(?:%|[\u3400-\u9fff]{1,3})?)$")
# At a run's end ":" and ";" are print ("年度资金总额：", a clause's "；" before a line break).
_TRAILING_SPECKS = frozenset(_SPECK_MARKS) - {":", ";"}
_ENDS_PRINT = re.compile(r"[\u3400-\u9fff0-9%‰)]")  # what a speck may follow at a run's end
_SPECK_CLASS = "[" + re.escape(_SPECK_MARKS) + "]"
_LEADING_SPECKS = re.compile(rf"^(?:{_SPECK_CLASS}\s*)+(?=[\u3400-\u9fff0-9])"
                             rf"|^(?:[{re.escape(_SPECK_MARKS)},、]\s*)+(?=[≥≤<>=≧≦═])")  # nor before an operator
# After print at a run's end: a gap and specks ("29.10 :"), or specks straight after it;
# ":" and ";" are print after a Chinese character ("年度资金总额：") or a clause ("96.2%;"), but
# not straight after a number's digit ("20.00:").
_TRAILING_CLASS = "[" + re.escape("".join(sorted(_TRAILING_SPECKS))) + "]"
_TRAILING_SPECK_RUN = re.compile(
    rf"(?<=[\u3400-\u9fff0-9%‰)])\s+(?:{_SPECK_CLASS}\s*)+$"
    rf"|(?<=[\u3400-\u9fff0-9%‰)]){_TRAILING_CLASS}(?:{_SPECK_CLASS}|\s)*$"
    rf"|(?<=[0-9])[:;](?:{_SPECK_CLASS}|\s)*$")
_LIST_NUMBER = re.compile(r"^\d{1,2}[.．]$")
# "=.100%": a speck between an operator and its number (print writes "=0.5", never "=.5").
_SPECK_AFTER_OPERATOR = re.compile(r"(?<=^[≥≤<>=≧≦═])[.·`'](?=\d)")
# Confidence left to a reading whose edges were cleaned: a doubt until a second reading agrees.
SPECK_DOUBT = 0.8
# Readings print does not make, whatever the recogniser's score: "°" after a Chinese
# character (a 。 half lost), a list number with a comma ("4,消除"), a doubled stop (a speck
# beside a comma), a letter or a lone digit stuck before a number ("S93.00", "2 1.00(场)": a
# seal's stroke, a ≥), a slash before a Chinese character ("／系统持续稳定运行": a stroke; "/"
# alone is print, the placeholder of a cell that does not apply). A doubt two agreeing
# readings do not settle (their errors are alike here), only a reading without it.
_NOT_PRINT = re.compile(r"(?<![0-9])°|^\d[,，](?=[\u3400-\u9fff]|$)|[,，]{2}|。。|^[A-Za-z](?=\d)|^\d (?=\d)"
                        r"|^[/／](?=[\u3400-\u9fff])")
# Readings print seldom makes: a list number without its stop ("3投诉" — or a count that
# starts a line: "2个标段"), a colon between Chinese characters (a ； misread), a number with
# three decimals ("3.450人次": a thousands comma read as a point). A doubt the second reading
# settles when it agrees.
_UNLIKELY = re.compile(r"^\d(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])[:：](?=[\u3400-\u9fff])"
                       r"|(?<![\d.])\d{1,3}\.\d{3}(?!\d)")


def not_print(text: str) -> bool:
    """Whether a reading shows what print does not make (see _NOT_PRINT)."""
    return bool(_NOT_PRINT.search(text))


# A radical that looks like the enumeration comma and is never printed as itself in prose.
_LOOKALIKES = str.maketrans({"丶": "、"})


def _nfkc(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def is_speck_reading(text: str) -> bool:
    """A reading made only of the marks a speck is read as (":" beside "社会效益指标")."""
    return bool(text) and all(_nfkc(ch) in _SPECK_MARKS for ch in text)


def without_specks(text: str) -> str:
    """A reading without the speck marks at its edges: ".校舍安全" → "校舍安全",
    "1430.50." → "1430.50", "·分值" → "分值", "10:00" → "10.00"."""
    out = text.translate(_LOOKALIKES)
    if _LIST_NUMBER.match(out):
        return out  # "2.": a list's number boxed apart from its item, or a speck after a score (ocr/page.py settle_list_numbers)
    # Matched on the characters as NFKC folds them one by one (a full-width "．" is a "."),
    # cut from the reading as read.
    folded = "".join(f if len(f := _nfkc(ch)) == 1 else ch for ch in out)
    # A run of specks (and the gaps between them) before print: ". 10.00", ".·52.36", ": 100.00".
    lead = _LEADING_SPECKS.match(folded)
    if lead and not (lead.group(0) == "." and "." not in folded[1:] and folded[1:2].isdigit()):
        out, folded = out[lead.end():], folded[lead.end():]  # (".5" may be a number whose 0 was lost)
    # ... and after it at the run's end: "29.10 :", "12.50 ·.".
    if trail := _TRAILING_SPECK_RUN.search(folded):
        out = out[:trail.start()]
    out = _SPECK_AFTER_OPERATOR.sub("", out)
    if m := _COLON_DECIMAL.match(out):
        out = f"{m.group(1)}.{m.group(2)}"
    return out


def is_list_number(text: str) -> bool:
    """"2.": a numbered item's number and stop, or a bare number and a speck."""
    return bool(_LIST_NUMBER.match(text))


# A glyph read less surely than this keeps the recogniser's runner-up for it (second.py).
UNSURE_GLYPH = 0.9


def to_words(rects: Sequence[Rect], recognized: Sequence[Reading], scale: float, min_score: float,
             passed_over: Sequence[int] | None = None) -> list[Word]:
    """Recognised text of each box as a Word in page points (empty or hopeless reads dropped);
    `passed_over`: how many characters each reading passed over (Reading.passed_over)."""
    words = []
    for (x0, y0, x1, y1), reading, passed in zip(rects, recognized, passed_over or [0] * len(rects)):
        reading = reading.stripped()
        text, score = reading.text, reading.score
        if not text or score < min_score:
            continue
        if _PER_MILLE_MISREAD.search(text):
            text, score = as_per_mille(text), min(score, PER_MILLE_DOUBT)
        cleaned = without_specks(text)
        if cleaned != text or _UNLIKELY.search(cleaned) or _NOT_PRINT.search(cleaned):
            text, score = cleaned, min(score, SPECK_DOUBT)
        word = rect_word(text, (x0, y0, x1, y1), scale, score, min(score, reading.weakest))
        words.append(replace(word, passed_over=passed, unsure_glyphs=reading.unsure_glyphs(UNSURE_GLYPH)))
    return words


def rect_word(text: str, rect: Rect, scale: float, confidence: float, weakest: float | None = None) -> Word:
    """A reading of a pixel rect as a Word in page points (the rect's middle as baseline)."""
    x0, y0, x1, y1 = rect
    return Word(text=text, x0=x0 * scale, y0=y0 * scale, x1=x1 * scale, y1=y1 * scale, baseline=(y0 + y1) / 2 * scale,
                size=(y1 - y0) * scale * FONT_SHARE_OF_BOX, confidence=confidence,
                weakest=confidence if weakest is None else weakest)


# A CJK stop or comma is inked in the left half of its em: a box that ends on one ends half an
# em short of where the character does, and its line's room for the next word looks wider.
_LEFT_INKED_MARKS = frozenset("。，、；：")
_LEFT_INKED_SHARE = 0.5


def to_em_box(word: Word) -> Word:
    """The word's box reaching to the end of its last character's em, as a text layer's is
    (an ink box's otherwise, which every OCR stage before the page is done works on)."""
    if word.text[-1:] not in _LEFT_INKED_MARKS:
        return word
    return replace(word, x1=word.x1 + _LEFT_INKED_SHARE * word.size)
