"""Raw engine output → `Word` records in page points. Pure functions, tested on recorded
output (tests/data/): boxes are cut at the table's rules so no word straddles two cells."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np

from extract.grid import Grid
from extract.pages.types import Word

# Detection boxes are padded around the ink (DB unclip); the font size is about this share
# of the box height (measured on rendered pages: 10 pt text, 14–15 pt boxes).
FONT_SHARE_OF_BOX = 0.7
# A rule cuts a box only where it lies this far (points) inside it: a box merely touching
# a border is not split.
CUT_MARGIN = 2.0

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels


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


# "0.9%0": how the recogniser reads a small ‰ inside a line (a % then a stray 0).
_PER_MILLE_MISREAD = re.compile(r"\d%0(?![\d.])")
# Confidence left to a text that shows that pattern: low enough to send it to review.
PER_MILLE_DOUBT = 0.6


def to_words(rects: Sequence[Rect], recognized: Sequence[tuple[str, float]], scale: float, min_score: float) -> list[Word]:
    """Recognised text of each box as a Word in page points (empty or hopeless reads dropped)."""
    words = []
    for (x0, y0, x1, y1), (text, score) in zip(rects, recognized):
        text = text.strip()
        if not text or score < min_score:
            continue
        if _PER_MILLE_MISREAD.search(text):
            score = min(score, PER_MILLE_DOUBT)
        h = (y1 - y0) * scale
        words.append(Word(
            text=text, x0=x0 * scale, y0=y0 * scale, x1=x1 * scale, y1=y1 * scale,
            baseline=(y0 + y1) / 2 * scale, size=h * FONT_SHARE_OF_BOX, confidence=score,
        ))
    return words
