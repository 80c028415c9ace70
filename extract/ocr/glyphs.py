"""Comparison operators told by the shape of their ink.

Alone in a cell (the 指标性质 column of Sichuan and Yunnan forms), ≥ ≤ > < = are one small
glyph each, and the recogniser confuses them at high scores (≤ read as "<" at 0.97, ≧ as
"=" at 0.98: measured on the variant scans). Their shapes are simple: a chevron whose apex
points right (>) or left (<), over which a bar (≥ ≤) or two (≧ ≦) may lie below; = and ═ are
bars only. Like a lone dash, the shape settles what the reading could not.
"""

from __future__ import annotations

import numpy as np

# The glyphs a recogniser returns for a lone operator (and look-alikes it prints instead).
OPERATOR_READINGS = frozenset("<>=≥≤≧≦═＜＞＝≠")
# A row of ink this wide (share of the glyph's width) is a bar, not part of a chevron.
_BAR_SHARE = 0.75
# The chevron's ends sit on one side of the glyph, its apex on the other.
_END_SIDE, _APEX_SIDE = 0.4, 0.6


def operator_shape(ink: np.ndarray) -> str | None:
    """The operator one glyph's ink mask shows (≥ ≤ > < =), or None if it shows none."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 12:
        return None
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1] > 0
    h, w = crop.shape
    if h < 5 or w < 5 or not 0.3 <= w / h <= 3.0:
        return None
    widths = crop.sum(axis=1)
    bar = widths >= _BAR_SHARE * w
    inked = widths > 0
    if bar[inked].all():
        return "="  # bars only: = (or ═, which prints the same)
    k = h
    while k > 0 and (bar[k - 1] or not inked[k - 1]):
        k -= 1
    bars_below = bool(bar[k:].any())
    rows = [r for r in range(k) if inked[r]]
    if len(rows) < 4 or bar[:k].any():
        return None  # a bar above or inside the chevron: not an operator
    centre = [float(np.nonzero(crop[r])[0].mean()) / max(1, w - 1) for r in rows]
    ends = (centre[0] + centre[-1]) / 2
    if ends < _END_SIDE and max(centre) > _APEX_SIDE:
        op = ">"
    elif ends > 1 - _END_SIDE and min(centre) < 1 - _APEX_SIDE:
        op = "<"
    else:
        return None
    return {">": "≥", "<": "≤"}[op] if bars_below else op


def percent_shape(ink: np.ndarray) -> str | None:
    """% or ‰ by the loops of its ink (two or three): the recogniser reads a small ‰ as %."""
    import cv2

    ys, xs = np.nonzero(ink)
    if len(ys) < 12:
        return None
    crop = (ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1] > 0).astype(np.uint8)
    _, hierarchy = cv2.findContours(crop, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    holes = 0 if hierarchy is None else sum(1 for h in hierarchy[0] if h[3] >= 0)
    return {2: "%", 3: "‰"}.get(holes)
