"""Words → cells, and a cell's words → its printed lines, ordered by baseline.

Cell text is rebuilt from characters rather than taken from a table extractor: some CJK
fonts put digits and punctuation in spans of their own, which span-ordered extraction
scrambles ("110 00\\n." for 110.00). Ordering by baseline, then x, is immune to that.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from extract.grid.types import Grid, TextLine
from extract.pages.types import Word
from extract.settings import TextSettings

# A line that opens with an enumerator starts a paragraph when the line before ended a sentence.
_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}\s*[、.．)）]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]{1,2}\s*、)")
_SENTENCE_END = tuple("。；;.!！?？:：")
# Characters a Chinese line may not start with: line breaking (禁则) carries the character
# before them down with them, so they belong to the unit that opens a line.
_NO_LINE_START = frozenset("。，、；：？！）》」』】〕”’%,.;:?!)]}")
# Punctuation that may not end a line (it opens what follows).
_NO_LINE_END = frozenset("（《「『【〔“‘([{")
# Runs a line breaker keeps together: Latin words and numbers ("99.5%", "7×24").
_UNBREAKABLE = re.compile(r"[A-Za-z0-9.,%‰+\-/×:]")


def _first_unit_width(row: list[Word]) -> float:
    """Width of the unit that opens a line: a CJK character or a Latin/number run, together
    with the punctuation that may not start a line. OCR runs are split evenly into characters."""
    chars: list[tuple[str, float, float]] = []
    for w in row:
        if w.text:
            step = (w.x1 - w.x0) / len(w.text)
            chars += [(ch, w.x0 + k * step, w.x0 + (k + 1) * step) for k, ch in enumerate(w.text)]
    i = 0
    while i < len(chars) and chars[i][0].isspace():
        i += 1
    if i == len(chars):
        return 0.0
    j = i + 1
    while j < len(chars) and chars[j - 1][0] in _NO_LINE_END:  # "(" stays with what it opens
        j += 1
    if _UNBREAKABLE.match(chars[j - 1][0]):
        while j < len(chars) and _UNBREAKABLE.match(chars[j][0]):
            j += 1
    while j < len(chars) and chars[j][0] in _NO_LINE_START:
        j += 1
    return chars[j - 1][2] - chars[i][1]
_LATIN = re.compile(r"[A-Za-z]")


def assign_words(grids: list[Grid], words: list[Word], settings: TextSettings) -> list[Word]:
    """Put each word into the cell holding its centre; return the words outside every grid."""
    buckets, outside = bucket_words(grids, words)
    for (g_idx, cell_idx), ws in buckets.items():
        cell = grids[g_idx].cells[cell_idx]
        cell.words = ws
        cell.lines = build_lines(ws, cell.x0, cell.x1, settings)
    return outside


def bucket_words(grids: list[Grid], words: list[Word]) -> tuple[dict[tuple[int, int], list[Word]], list[Word]]:
    """The words by the cell holding their centre ((grid, cell) index), and those outside every grid."""
    outside: list[Word] = []
    buckets: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
        for g_idx, grid in enumerate(grids):
            r = bisect_right(grid.ys, cy) - 1
            c = bisect_right(grid.xs, cx) - 1
            if 0 <= r < grid.n_rows and 0 <= c < len(grid.xs) - 1:
                buckets.setdefault((g_idx, grid.cell_at[r][c]), []).append(w)
                break
        else:
            outside.append(w)
    return buckets, outside


def group_by_baseline(words: list[Word], settings: TextSettings) -> list[list[Word]]:
    """The words as printed lines, top to bottom, each left to right."""
    rows: list[list[Word]] = []
    tolerance = settings.baseline_tolerance
    for w in sorted(words, key=lambda w: (w.baseline, w.x0)):
        if rows:
            last = rows[-1]
            ref = last[0]
            if abs(w.baseline - ref.baseline) <= tolerance * (ref.size if ref.size > w.size else w.size):
                last.append(w)
                continue
        rows.append([w])
    for row in rows:
        row.sort(key=lambda w: w.x0)
    return rows


def _line_text(ws: list[Word]) -> str:
    parts: list[str] = []
    prev: Word | None = None
    for w in ws:
        # A gap of a whole em or more between two runs is a space the producer did not encode
        # (OCR runs, justified Latin text); CJK characters set solid have no gap.
        if prev is not None and w.x0 - prev.x1 > 0.9 * (prev.size if prev.size > w.size else w.size) \
                and not parts[-1].endswith(" "):
            parts.append(" ")
        parts.append(w.text)
        prev = w
    return "".join(parts).strip()


def build_lines(words: list[Word], left: float, right: float, settings: TextSettings) -> list[TextLine]:
    """The printed lines of one cell, each marked as wrapped or paragraph-ending."""
    rows, texts = [], []
    for row in group_by_baseline(words, settings):
        if text := _line_text(row):
            rows.append(row)
            texts.append(text)
    if not rows:
        return []
    sizes = sorted(w.size for r in rows for w in r)
    em = sizes[len(sizes) // 2]
    # The text column's right edge: the cell's border less the padding seen on its left,
    # or, where the widest line stops short of that (a wider right inset), the widest line.
    pad = max(0.0, min(r[0].x0 for r in rows) - left)
    widest = max(w.x1 for r in rows for w in r)
    right = min(right - pad, max(widest, right - pad - 2 * em))
    lines: list[TextLine] = []
    for i, (row, text) in enumerate(zip(rows, texts)):
        x1 = max(w.x1 for w in row)
        wrapped = False
        if i + 1 < len(rows):
            # A wrap: the next line's first unbreakable unit did not fit in the room left here.
            nxt = texts[i + 1]
            room = right - x1
            fits = room >= _first_unit_width(rows[i + 1]) + settings.wrap_tolerance_em * em
            enumerated = _ENUMERATOR.match(nxt) is not None and text.endswith(_SENTENCE_END)
            wrapped = not fits and not enumerated
        lines.append(
            TextLine(
                text=text,
                x0=row[0].x0,
                x1=x1,
                baseline=sum(w.baseline for w in row) / len(row),
                size=max(w.size for w in row),
                confidence=min(w.confidence for w in row),
                wrapped=wrapped,
            )
        )
    return lines


def join_lines(lines: list[TextLine]) -> str:
    """Lines → text: wraps joined (a space only between two Latin letters), paragraphs by "\\n"."""
    out: list[str] = []
    for i, ln in enumerate(lines):
        if i:
            prev = lines[i - 1]
            if not prev.wrapped:
                out.append("\n")
            elif _LATIN.match(prev.text[-1:]) and _LATIN.match(ln.text[:1]):
                out.append(" ")
        out.append(ln.text)
    return "".join(out)


def free_lines(words: list[Word], settings: TextSettings) -> list[TextLine]:
    """Text outside tables (titles, year lines, unit notes), one line per baseline run.

    Runs on one baseline separated by a wide gap (a centred title and a right-aligned
    "单位：万元") are separate lines.
    """
    out: list[TextLine] = []
    for row in group_by_baseline(words, settings):
        run: list[Word] = [row[0]]
        for w in row[1:]:
            if w.x0 - run[-1].x1 > 3 * max(w.size, run[-1].size):
                out.append(_free_line(run))
                run = []
            run.append(w)
        out.append(_free_line(run))
    return [ln for ln in out if ln.text]


def _free_line(run: list[Word]) -> TextLine:
    return TextLine(
        text=_line_text(run),
        x0=run[0].x0,
        x1=max(w.x1 for w in run),
        baseline=sum(w.baseline for w in run) / len(run),
        size=max(w.size for w in run),
        confidence=min(w.confidence for w in run),
        wrapped=False,
    )
