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


# A run inside a seal is a rule only if one outside the seal lies on the same line (within
# this many pixels): the table's borders run on past the seal, its ring and strokes do not.
# Pieces of a broken rule are told the same way.
_COLLINEAR_PX = 4


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: adaptive so uneven scan lighting does not swallow faint rules."""
    import cv2

    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def line_masks(ink: np.ndarray, em_px: float, text: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rule pixels of an ink mask, for text `em_px` pixels high.

    The opening comes first, so that the strokes of neighbouring characters are never
    joined into a line; the closing then bridges breaks in what survived. A rule broken
    into pieces shorter than the opening's length (a photocopy's dropouts across a one-line
    row's border) survives where its pieces lie on the line of a rule that did survive,
    outside the text boxes (`text`: 255 where text was detected), whose characters' strokes
    may lie on such a line where a merged cell's border is not drawn.
    """
    import cv2

    gap = max(3, int(MAX_GAP_EMS * em_px))
    masks = []
    for ems, horizontal in ((MIN_H_RULE_EMS, True), (MIN_V_RULE_EMS, False)):
        length = max(15, int(ems * em_px))
        shape_open = (length, 1) if horizontal else (1, length)
        shape_close = (gap, 1) if horizontal else (1, gap)
        opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape_open))
        short = max(5, int(PIECE_EMS * em_px))
        pieces = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(
            cv2.MORPH_RECT, (short, 1) if horizontal else (1, short)))
        if text is not None:
            pieces[text > 0] = 0
        opened |= collinear_pieces(pieces, opened, horizontal)
        masks.append(cv2.morphologyEx(opened, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, shape_close)))
    return masks[0], masks[1]


# Pieces of a broken rule are kept down to this length (ems): longer than any stroke of a
# character lying across the rule's line, which the cells' padding keeps off it anyway.
PIECE_EMS = 0.5


def collinear_pieces(pieces: np.ndarray, rules: np.ndarray, horizontal: bool) -> np.ndarray:
    """The runs of `pieces` that lie on the line of a run of `rules` (within _COLLINEAR_PX)."""
    import cv2

    def centres(mask: np.ndarray):
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        pos = stats[1:n, 1] + stats[1:n, 3] / 2 if horizontal else stats[1:n, 0] + stats[1:n, 2] / 2
        length = np.maximum(1, stats[1:n, 2] if horizontal else stats[1:n, 3])
        thin = stats[1:n, 4] / length <= 2 * _COLLINEAR_PX
        return labels, pos, thin

    _, rule_pos, rule_thin = centres(rules)
    lines = np.sort(rule_pos[rule_thin])
    if not len(lines):
        return np.zeros_like(pieces)
    labels, pos, thin = centres(pieces)
    i = np.clip(np.searchsorted(lines, pos), 1, len(lines) - 1) if len(lines) > 1 else np.zeros(len(pos), int)
    near = np.minimum(np.abs(lines[i] - pos), np.abs(lines[np.maximum(i - 1, 0)] - pos))
    keep = np.concatenate([[False], thin & (near <= _COLLINEAR_PX)])
    return np.where(keep[labels], np.uint8(255), np.uint8(0))


Circle = tuple[float, float, float]  # x, y, radius in pixels


def _inside_any(x: int, y: int, w: int, h: int, circles: list[Circle]) -> bool:
    """Whether a box lies within one of the circles (grown by a fifth: a ring's outer strokes
    lie past the radius found for it)."""
    for cx, cy, r in circles:
        R = 1.2 * r
        corners = ((x, y), (x + w, y), (x, y + h), (x + w, y + h))
        if all((px - cx) ** 2 + (py - cy) ** 2 <= R * R for px, py in corners):
            return True
    return False



# A run wider than a rule's stroke (a residual skew, a character touching it) is measured
# along its length if it is at least this many times longer than wide.
_MIN_LINE_SHAPE = 4


def _rule_line(labels: np.ndarray, i: int, x: int, y: int, w: int, h: int, horizontal: bool,
               scale: float) -> float | None:
    """Where (pixels across the line) a run of rule pixels lies, if it is thin enough for a
    rule: its box; or, where a fraction of a degree of skew left by deskewing or the strokes
    of characters touching it widen the box, its stroke along most of its length (a blot is
    wide all along)."""
    across, along = (h, w) if horizontal else (w, h)
    if across * scale <= MAX_RULE_THICKNESS_PT:
        return (y + h / 2) if horizontal else (x + w / 2)
    if along < _MIN_LINE_SHAPE * across:
        return None
    own = labels[y:y + h, x:x + w] == i
    widths = own.sum(axis=0 if horizontal else 1)
    if float(np.median(widths[widths > 0])) * scale > MAX_RULE_THICKNESS_PT:
        return None
    rows, cols = np.nonzero(own)
    return float(np.median(rows) + y + 0.5) if horizontal else float(np.median(cols) + x + 0.5)


# Ink beside a rule (just outside its box) on both sides, as a share of its length, above which
# the run is part of a field of ink (a photocopy's black edge), not a rule on paper.
_MAX_INK_BESIDE = 0.45


def _in_ink_field(ink: np.ndarray, x: int, y: int, w: int, h: int, horizontal: bool) -> bool:
    if horizontal:
        sides = (ink[max(0, y - 4):max(0, y - 1), x:x + w], ink[y + h + 1:y + h + 4, x:x + w])
    else:
        sides = (ink[y:y + h, max(0, x - 4):max(0, x - 1)], ink[y:y + h, x + w + 1:x + w + 4])
    return all(side.size and float(side.mean()) / 255 > _MAX_INK_BESIDE for side in sides)


def _continues(rule: tuple, run: tuple, horizontal: bool, seals: list[Circle]) -> bool:
    """Whether a run inside a seal lies on the line of a rule outside it and reaches it
    within the seal's width: the rule's part the seal's ink hides, not a stroke of the
    ring that happens to fall on the line of some rule elsewhere on the page."""
    _, x, y, w, h, line = rule
    _, rx, ry, rw, rh, rline = run
    if abs(line - rline) > _COLLINEAR_PX:
        return False
    a0, a1, b0, b1 = (x, x + w, rx, rx + rw) if horizontal else (y, y + h, ry, ry + rh)
    gap = max(b0 - a1, a0 - b1, 0)
    return gap <= 2.2 * max(r for _, _, r in seals)


def mask_segments(mask: np.ndarray, horizontal: bool, scale: float, seals: list[Circle] | None = None,
                  ink: np.ndarray | None = None) -> list[Segment]:
    """One segment per connected run of rule pixels, in page points. Runs wholly inside a
    seal are kept only where they continue a rule seen outside it (and erased from `mask`);
    with the page's `ink`, runs inside a field of ink are no rules."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[Segment] = []
    comps = []
    for i, (x, y, w, h, _a) in enumerate(stats[1:n], start=1):
        line = _rule_line(labels, i, x, y, w, h, horizontal, scale)
        if line is not None and ink is not None and _in_ink_field(ink, x, y, w, h, horizontal):
            line = None
        if line is not None:
            comps.append((i, x, y, w, h, line))
    inside = {i for i, x, y, w, h, _ in comps if seals and _inside_any(x, y, w, h, seals)}
    outside = [c for c in comps if c[0] not in inside]
    for i, x, y, w, h, line in comps:
        if i in inside and not any(_continues(c, (i, x, y, w, h, line), horizontal, seals) for c in outside):
            mask[labels == i] = 0
            continue
        if horizontal:
            out.append(Segment(x * scale, line * scale, (x + w) * scale, line * scale))
        else:
            out.append(Segment(line * scale, y * scale, line * scale, (y + h) * scale))
    return out


def text_mask(shape: tuple[int, ...], boxes, inset: int = 2) -> np.ndarray:
    """255 inside the text boxes (pixel rects), each shrunk by `inset` (their padding)."""
    mask = np.zeros(shape[:2], np.uint8)
    for x0, y0, x1, y1 in boxes:
        mask[int(y0) + inset:max(int(y0) + inset, int(y1) - inset), int(x0) + inset:max(int(x0) + inset, int(x1) - inset)] = 255
    return mask


def pixel_segments(
    grey: np.ndarray, scale: float, em_px: float, seals: list[Circle] | None = None, text_boxes=None,
) -> tuple[list[Segment], np.ndarray]:
    """Ruling segments (page points) of a level page image, and the rule pixels.
    `text_boxes`: the detected text (pixel rects), where no piece of a broken rule is sought."""
    text = text_mask(grey.shape, text_boxes) if text_boxes is not None else None
    ink = ink_mask(grey)
    hmask, vmask = line_masks(ink, em_px, text)
    segments = mask_segments(hmask, True, scale, seals, ink) + mask_segments(vmask, False, scale, seals, ink)
    return segments, hmask | vmask
