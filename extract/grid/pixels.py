"""Ruling lines found in pixels, as the same `Segment` records the text path gets from PDF
drawings, so one grid builder serves both.

Long thin runs of ink are kept by a morphological opening with a line-shaped kernel; a
closing along the line first bridges the small breaks of faint or broken rules. A seal's
arcs and the strokes of characters are too short to survive the opening.
"""

from __future__ import annotations

import numpy as np

from extract.pages.types import Segment

# Rules are told from the strokes of characters by length, measured in text heights: a
# character's stroke is at most about one em long, a cell's border at least a few.
MIN_H_RULE_EMS = 2.5  # the narrowest column of these forms is ~3 ems wide
MIN_V_RULE_EMS = 1.3  # the lowest row is one line of text plus padding
# Breaks up to this many ems in a surviving rule are bridged (faint, broken scan lines).
MAX_GAP_EMS = 1.0
# Components thicker than this (points) are blots or bold strokes, not rules.
MAX_RULE_THICKNESS_PT = 3.0


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: adaptive so uneven scan lighting does not swallow faint rules."""
    import cv2

    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def line_masks(ink: np.ndarray, em_px: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rule pixels of an ink mask, for text `em_px` pixels high.

    The opening comes first, so that the strokes of neighbouring characters are never
    joined into a line; the closing then bridges breaks in what survived.
    """
    import cv2

    gap = max(3, int(MAX_GAP_EMS * em_px))
    masks = []
    for ems, horizontal in ((MIN_H_RULE_EMS, True), (MIN_V_RULE_EMS, False)):
        length = max(15, int(ems * em_px))
        shape_open = (length, 1) if horizontal else (1, length)
        shape_close = (gap, 1) if horizontal else (1, gap)
        opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape_open))
        masks.append(cv2.morphologyEx(opened, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, shape_close)))
    return masks[0], masks[1]


Circle = tuple[float, float, float]  # x, y, radius in pixels


def _inside_any(x: int, y: int, w: int, h: int, circles: list[Circle]) -> bool:
    """Whether a box lies within one of the circles (grown by a tenth)."""
    for cx, cy, r in circles:
        R = 1.1 * r
        corners = ((x, y), (x + w, y), (x, y + h), (x + w, y + h))
        if all((px - cx) ** 2 + (py - cy) ** 2 <= R * R for px, py in corners):
            return True
    return False


# A run inside a seal is a rule only if one outside the seal lies on the same line (within
# this many pixels): the table's borders run on past the seal, its ring and strokes do not.
_COLLINEAR_PX = 4


def mask_segments(mask: np.ndarray, horizontal: bool, scale: float, seals: list[Circle] | None = None) -> list[Segment]:
    """One segment per connected run of rule pixels, in page points. Runs wholly inside a
    seal are kept only where they continue a rule seen outside it (and erased from `mask`)."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[Segment] = []
    comps = [(i, x, y, w, h) for i, (x, y, w, h, _a) in enumerate(stats[1:n], start=1)
             if (h if horizontal else w) * scale <= MAX_RULE_THICKNESS_PT]
    inside = {i for i, x, y, w, h in comps if seals and _inside_any(x, y, w, h, seals)}
    lines_outside = [(y + h / 2) if horizontal else (x + w / 2) for i, x, y, w, h in comps if i not in inside]
    for i, x, y, w, h in comps:
        if i in inside:
            pos = (y + h / 2) if horizontal else (x + w / 2)
            if not any(abs(pos - p) <= _COLLINEAR_PX for p in lines_outside):
                mask[labels == i] = 0
                continue
        if horizontal:
            yc = (y + h / 2) * scale
            out.append(Segment(x * scale, yc, (x + w) * scale, yc))
        else:
            xc = (x + w / 2) * scale
            out.append(Segment(xc, y * scale, xc, (y + h) * scale))
    return out


def pixel_segments(
    grey: np.ndarray, scale: float, em_px: float, seals: list[Circle] | None = None
) -> tuple[list[Segment], np.ndarray]:
    """Ruling segments (page points) of a level page image, and the rule pixels."""
    hmask, vmask = line_masks(ink_mask(grey), em_px)
    segments = mask_segments(hmask, True, scale, seals) + mask_segments(vmask, False, scale, seals)
    return segments, hmask | vmask
