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
# Forms print these for the operator whose shape they share (the shapes tell ≥ from ≤, not
# ≥ from ≧): a reading of one of them is kept as read where its shape agrees.
_VARIANTS = {"≧": "≥", "≦": "≤", "═": "=", "＞": ">", "＜": "<", "＝": "="}


def shows(sign: str, reading: str) -> bool:
    """Whether a glyph read as `reading` is the operator its ink's shape `sign` shows."""
    return reading == sign or _VARIANTS.get(reading) == sign


def operator_of(sign: str) -> str:
    """The operator a printed sign means: ≧ is ≥, ＝ is =."""
    return _VARIANTS.get(sign, sign)


# A row of ink this wide (share of the glyph's width) is a bar, not part of a chevron.
_BAR_SHARE = 0.75
_BAR_SIDE = 0.15  # ...and reaches this near both sides
# The chevron's ends sit on one side of the glyph, its apex on the other.
_END_SIDE, _APEX_SIDE = 0.4, 0.6


def _runs(row: np.ndarray, min_gap: int = 2) -> int:
    """Separate strokes a row of ink crosses (gaps narrower than min_gap do not part them)."""
    xs = np.nonzero(row)[0]
    return 0 if not len(xs) else 1 + int(np.sum(np.diff(xs) > min_gap))


# A blob this small against the line's tallest is a speck, not a glyph.
_SPECK_SHARE = 0.4


def leading_glyph(ink: np.ndarray) -> np.ndarray | None:
    """The first glyph of a line's ink: the leftmost stroke and the strokes under or over
    it (a chevron and its bars), up to the first stroke that starts to their right. None
    if the glyph runs into the next one."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats((ink > 0).astype(np.uint8), connectivity=8)
    if n < 2:
        return None
    # Specks beside the glyph (a dot of noise before a ≥, a tick over it) are not part of it:
    # blobs small against the tallest (a digit's or the chevron's height).
    speck = _SPECK_SHARE * int(stats[1:n, 3].max())
    kept = [i for i in range(1, n) if stats[i, 4] >= 4 and max(stats[i, 2], stats[i, 3]) >= speck]
    if len(kept) < n - 1:
        ink = np.where(np.isin(labels, kept), ink, 0).astype(ink.dtype)
    blobs = sorted((tuple(int(v) for v in stats[i]) for i in kept), key=lambda st: st[0])
    if len(blobs) < 2:
        return None  # one blob: a lone glyph (another path), or glyphs run together
    x0, x1 = blobs[0][0], blobs[0][0] + blobs[0][2]
    for bx, _, bw, _, _ in blobs[1:]:
        if bx >= x1 - 1:
            break
        x1 = max(x1, bx + bw)
    else:
        return None
    glyph = ink[:, x0:x1]
    rows = np.nonzero(glyph.any(axis=1))[0]
    if not len(rows):
        return None
    h = rows[-1] - rows[0] + 1
    if x1 - x0 > 1.3 * h:
        cut = _bar_joint(glyph, h)  # a blurred ≤'s bar run into the digit after it
        return glyph[:, :cut] if cut else None
    return glyph


# Where a glyph's bar runs into the next glyph, the columns between them hold the bar alone:
# at most this share of the glyph's height in ink, between these shares of it from its left.
_JOINT_INK, _JOINT_FROM, _JOINT_TO = 0.25, 0.45, 1.1


def _bar_joint(ink: np.ndarray, h: int) -> int | None:
    """The column where a leading glyph's bar joins the glyph after it, or None."""
    counts = (ink > 0).sum(axis=0)
    lo, hi = int(_JOINT_FROM * h), min(len(counts), int(_JOINT_TO * h) + 1)
    if hi <= lo:
        return None
    c = lo + int(np.argmin(counts[lo:hi]))
    return c if counts[c] <= _JOINT_INK * h else None


# A stroke is part of a lone glyph where it lies over or under the glyph's middle stroke
# (≥'s bar under its chevron, ='s two bars), this near (share of that stroke's larger side)
# and overlapping it across half its own width.
_STACK_GAP, _STACK_OVERLAP = 0.6, 0.5


def stacked_glyph(ink: np.ndarray, centre: tuple[float, float]) -> np.ndarray:
    """A lone glyph's ink without the strokes beside it: the stroke nearest `centre` (x, y:
    its text box's middle), the largest where several cover it, and the strokes stacked over
    or under that one. A rule's remains or a seal's edge in the corner of a cell is not part
    of the operator printed in it."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats((ink > 0).astype(np.uint8), connectivity=8)
    if n < 3:
        return ink
    cx, cy = centre

    def away(i: int) -> tuple[float, int]:
        bx, by, bw, bh, area = (int(v) for v in stats[i])
        return (max(bx - cx, cx - (bx + bw), 0) ** 2 + max(by - cy, cy - (by + bh), 0) ** 2, -area)

    k = min(range(1, n), key=away)
    x, y, w, h = (int(v) for v in stats[k, :4])
    reach = _STACK_GAP * max(w, h)
    keep = [k]
    for i in range(1, n):
        bx, by, bw, bh = (int(v) for v in stats[i, :4])
        overlap = min(x + w, bx + bw) - max(x, bx)
        gap = max(by - (y + h), y - (by + bh), 0)
        if i != k and overlap >= _STACK_OVERLAP * bw and gap <= reach:
            keep.append(i)
    return np.where(np.isin(labels, keep), ink, 0).astype(ink.dtype)


def ink_touching(ink: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The strokes of `ink` that reach into `box` (pixels: x0, y0, x1, y1), each whole: one
    glyph's ink as its text box locates it, without a clipped bar or the stray ink (a rule's
    remains, a shadow) elsewhere in its cell."""
    import cv2

    n, labels, _, _ = cv2.connectedComponentsWithStats((ink > 0).astype(np.uint8), connectivity=8)
    x0, y0, x1, y1 = (max(0, v) for v in box)
    hit = np.unique(labels[y0:y1, x0:x1])
    keep = np.zeros(n, dtype=bool)
    keep[hit[hit > 0]] = True
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _equals(crop: np.ndarray, bar: np.ndarray, inked: np.ndarray) -> str | None:
    """Bars only, shaped as =: one thick bar (a blurred =) or two of one length, close; "═"
    where the two lie closer than any = sets them."""
    h, w = crop.shape
    groups, start = [], None
    for r in range(h + 1):
        if r < h and inked[r]:
            start = r if start is None else start
        elif start is not None:
            groups.append((start, r))
            start = None
    if len(groups) == 1:
        return "=" if h <= 0.8 * w else None
    if len(groups) != 2:
        return None
    (a0, a1), (b0, b1) = groups
    lengths = [int(crop[a0:a1].any(axis=0).sum()), int(crop[b0:b1].any(axis=0).sum())]
    if not (min(lengths) >= 0.9 * max(lengths) and (b0 - a1) <= 0.7 * h):  # 二: short top, wide gap
        return None
    return "═" if ((b0 + b1) - (a0 + a1)) / 2 <= _DOUBLE_BAR_SPACING * w else "="


# ═'s bars lie this near (centre to centre, share of the glyph's width) or nearer; ='s and
# ＝'s lie farther apart (measured: the droid, wqy and uming faces at 150–300 dpi, blurred,
# noised and JPEG'd, 60 of each: ═ 0.08–0.29, = and ＝ 0.29–0.55; a ═ whose blurred bars
# merge is taken for =, the same operator). scripts/bench_glyphs.py: = and ＝ never taken for ═;
# ═ told 44 of 432 renderings (none before), the rest = or undecided.
_DOUBLE_BAR_SPACING = 0.25


# Where blur joins a small ≥'s lower arm to its bar, only the upper arm lies above the bar:
# it starts this near one side and runs, row by row, to the apex on the other.
_ARM_START, _ARM_APEX = 0.3, 0.65


def _upper_arm(centre: list[float]) -> str | None:
    """">" or "<" from the upper arm alone (rows' ink centres, 0 left to 1 right, top first)."""
    if len(centre) < 4:
        return None
    right, left = int(np.argmax(centre)), int(np.argmin(centre))
    # Rows past the apex (the lower arm's start, where blur left it apart) may turn back.
    if (right >= 3 and centre[0] <= _ARM_START and centre[right] >= _ARM_APEX
            and (np.diff(centre[:right + 1]) >= -0.02).all()):
        return ">"
    if (left >= 3 and centre[0] >= 1 - _ARM_START and centre[left] <= 1 - _ARM_APEX
            and (np.diff(centre[:left + 1]) <= 0.02).all()):
        return "<"
    return None


def _blurred_chevron(crop: np.ndarray, bar: np.ndarray, inked: np.ndarray) -> str | None:
    """≥ or ≤ where blur has joined the lower arm to the bar (and thickened the apex past
    a bar's width): the wide rows at the bottom are the bar, and above them the upper arm."""
    w = crop.shape[1]
    last = int(np.nonzero(bar)[0][-1]) if bar.any() else 0
    if inked[last + 3:].any():
        return None  # more than a blurred tail below the bar
    top = last
    while top > 0 and bar[top - 1]:
        top -= 1
    if top == last:
        return None
    rows = [r for r in range(top) if inked[r]]
    centre = [float(np.nonzero(crop[r])[0].mean()) / max(1, w - 1) for r in rows]
    return {">": "≥", "<": "≤"}.get(_upper_arm(centre) or "")


def operator_shape(ink: np.ndarray) -> str | None:
    """The operator one glyph's ink mask shows (≥ ≤ > < =, and the printed ≧ ≦ ═), or None
    if it shows none."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 12:
        return None
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1] > 0
    h, w = crop.shape
    if h < 5 or w < 5 or not 0.3 <= w / h <= 3.0:
        return None
    widths = crop.sum(axis=1)
    # A bar spans the glyph from side to side; blur thickens a chevron's apex as wide, but
    # leaves a side clear.
    first = np.where(crop.any(axis=1), np.argmax(crop, axis=1), w)
    last = np.where(crop.any(axis=1), w - 1 - np.argmax(crop[:, ::-1], axis=1), -1)
    side = _BAR_SIDE * (w - 1)
    bar = (widths >= _BAR_SHARE * w) & (first <= side) & (last >= w - 1 - side)
    inked = widths > 0
    if bar[inked].all():
        return _equals(crop, bar, inked)
    # The chevron is what lies above the first bar (serifs may trail below the bars).
    k = int(np.argmax(bar)) if bar.any() else h
    bars_below = bool(bar[k:].any())
    rows = [r for r in range(k) if inked[r]]
    if len(rows) < 4 or bar[:k].any():
        return _blurred_chevron(crop, bar, inked)  # or a bar above or inside the chevron: not an operator
    centre = [float(np.nonzero(crop[r])[0].mean()) / max(1, w - 1) for r in rows]
    apex = int(np.argmax(centre)) if centre[0] < 0.5 else int(np.argmin(centre))
    # Below the apex a ">" has one stroke per row; a slanted underline (≥ in Song faces)
    # adds a second, or, where blur joins the two, a stroke twice as thick as the arms.
    arm = float(np.median([widths[r] for r in rows[:max(1, apex - 1)]]))
    lower = rows[apex + 2:]
    underline = sum(_runs(crop[r]) >= 2 for r in lower) >= 3 or (
        len(lower) >= 3 and sorted(widths[r] for r in lower)[-2] >= 1.8 * arm)
    # With a slanted underline the chevron's middle rows hold both strokes: judge the
    # sides on the first and last rows and the apex alone.
    ends = (centre[0] + centre[-1]) / 2
    if ends < _END_SIDE and centre[apex] > _APEX_SIDE:
        op = ">"
    elif ends > 1 - _END_SIDE and centre[apex] < 1 - _APEX_SIDE:
        op = "<"
    else:
        return _blurred_chevron(crop, bar, inked) if bars_below else None
    if bars_below and (_two_bars(bar[k:], widths[k:], w) or _last_run(bar) >= _TWO_BARS_MERGED * h):
        return {">": "≧", "<": "≦"}[op]  # printed ≧ ≦
    return {">": "≥", "<": "≤"}[op] if bars_below or underline else op


# Blur may close the paper between ≧'s two bars into one thick bar: the bottom run of bar rows
# then spans this share of the glyph's height or more (a chevron's last row may be as wide as a
# bar: it is no part of the run). Measured by scripts/bench_glyphs.py (the china-s, wqy and
# uming faces, 9–12 pt, 150–300 dpi, blur up to 1.5 px): ≧ and ≦ told 792 of 864 (before:
# 346), ≥ and ≤ never taken for them.
_TWO_BARS_MERGED = 0.30


def _last_run(bar: np.ndarray) -> int:
    """How many rows the bottom run of bar rows holds."""
    rows = np.nonzero(bar)[0]
    if not len(rows):
        return 0
    breaks = np.nonzero(np.diff(rows) > 1)[0]
    return int(len(rows) - (breaks[-1] + 1 if len(breaks) else 0))


def _two_bars(bar: np.ndarray, widths: np.ndarray, w: int) -> bool:
    """Two bars under a chevron with paper between them (≧ ≦), not one bar blur or a
    chevron's tail has notched: a row between them holds almost no ink (blur may hang a
    tail under the upper one)."""
    rows = np.nonzero(bar)[0]
    if len(rows) < 2:
        return False
    gaps = np.nonzero(np.diff(rows) > 1)[0]
    if len(gaps) != 1:
        return False
    between = widths[rows[gaps[0]] + 1:rows[gaps[0] + 1]]
    return bool(len(between)) and bool((between <= 0.2 * w).any())


# A loop smaller than this share of the largest is a pinhole where strokes nearly touch.
_MIN_LOOP_SHARE = 0.2


def percent_shape(ink: np.ndarray) -> str | None:
    """% or ‰ by the loops of its ink (two or three): the recogniser reads a small ‰ as %."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 12:
        return None
    holes = _holes(ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1])
    loops = [a for a in holes if a >= _MIN_LOOP_SHARE * max(holes, default=0)]
    return {2: "%", 3: "‰"}.get(len(loops))


# A slash leans: its top's middle lies right of its foot's by this share of its height or more.
# A "1" leans the other way where it leans at all (its flag pulls its top left); "l" and "|"
# stand upright.
_SLASH_LEAN = 0.25
_SLASH_STROKE = 0.35  # ...and each row crosses it once, this share of its height wide at most
_SLASH_HEIGHT_EM = 0.6  # ...and it stands most of an em tall (a "，" leans too, a third as tall)
_SLASH_SPECK_SHARE = 0.2


def is_slash(ink: np.ndarray, em_px: float) -> bool:
    """Whether one glyph's ink is a "/" (an empty value's mark, which the second recogniser
    reads as "1"): one stroke from its foot at the left to its top at the right. `em_px`:
    the font size in pixels."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats((ink > 0).astype(np.uint8), connectivity=8)
    if n < 2:
        return False
    # Specks beside it (noise, a seal's remains) do not count; a second stroke does.
    k = 1 + int(np.argmax(stats[1:n, 4]))
    if any(stats[i, 4] > _SLASH_SPECK_SHARE * stats[k, 4] for i in range(1, n) if i != k):
        return False
    ys, xs = np.nonzero(labels == k)
    if len(ys) < 12:
        return False
    crop = (labels == k)[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = crop.shape
    if h < max(6, _SLASH_HEIGHT_EM * em_px) or w > h:
        return False
    rows = [np.nonzero(r)[0] for r in crop]
    if any(_runs(row) != 1 for row in crop):
        return False
    if max(len(r) for r in rows) > _SLASH_STROKE * h + 2:
        return False
    band = max(1, h // 5)
    top = float(np.mean([r.mean() for r in rows[:band]]))
    foot = float(np.mean([r.mean() for r in rows[-band:]]))
    return top - foot >= _SLASH_LEAN * h


# A "。" is a small ring low on its line: this share of an em across (its ink's larger side),
# about as tall as wide, around a hole this share of its box at least, its middle in the lower
# part of the line; and it stands clear of the glyph before it.
_STOP_SIZE_EM = (0.15, 0.5)
_STOP_ASPECT = (0.6, 1.6)
_STOP_HOLE_SHARE = 0.08
_STOP_HOLE_EM = 0.1  # ...and this share of an em across at least (a speck's pinhole is not)
_STOP_BELOW_EM = 0.15  # its foot no lower than the line's other ink's by more than this
_STOP_LOW = 0.45  # its middle lies below this share of the line's height from the top
_STOP_NEAR_EM = 1.2  # ...and within this far of the glyph before it


def ends_in_stop(ink: np.ndarray, em_px: float) -> bool:
    """Whether a line's ink (its text box, widened rightwards) ends in a "。": the mark both
    recognisers drop at a line's end, at high scores."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats((ink > 0).astype(np.uint8), connectivity=8)
    blobs = [i for i in range(1, n) if stats[i, 4] >= 3]
    if len(blobs) < 2:
        return False
    last = max(blobs, key=lambda i: stats[i, 0] + stats[i, 2])
    x, y, w, h = (int(v) for v in stats[last, :4])
    if not (_STOP_SIZE_EM[0] * em_px <= max(w, h) <= _STOP_SIZE_EM[1] * em_px
            and _STOP_ASPECT[0] <= h / max(w, 1) <= _STOP_ASPECT[1]):
        return False
    rows = np.nonzero(ink.any(axis=1))[0]
    if y + h / 2 < rows[0] + _STOP_LOW * (rows[-1] - rows[0] + 1):
        return False
    # Clear of every other stroke (nothing above, below or over it: a ‰'s third ring, a ℃'s),
    # and near the glyph before it.
    others = [i for i in blobs if i != last]
    ends = [int(stats[i, 0] + stats[i, 2]) for i in others]
    if max(ends) > x or x - max(ends) > _STOP_NEAR_EM * em_px:
        return False
    # It sits on the line, not under it (noise below a line's end can close a loop too).
    if y + h > max(int(stats[i, 1] + stats[i, 3]) for i in others) + _STOP_BELOW_EM * em_px:
        return False
    ring = np.pad(labels[y:y + h, x:x + w] == last, 1).astype(np.uint8)
    holes = _holes(ring)
    return bool(holes) and max(holes) >= max(_STOP_HOLE_SHARE * w * h, (_STOP_HOLE_EM * em_px) ** 2)


# A list number's stop: a small mark (this share of an em at most) low on the line, between
# the digit and the glyph after it.
_LIST_STOP_EM = 0.3
_LIST_STOP_LOW = 0.55  # its middle below this share of the line's height from the top


def stop_after_digit(ink: np.ndarray, em_px: float) -> bool:
    """Whether a line's ink that opens with one digit ("1全年…" as read) holds a mark after
    it — the "." or "、" of a list number both recognisers dropped — before the next glyph."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats((ink > 0).astype(np.uint8), connectivity=8)
    blobs = sorted((tuple(int(v) for v in stats[i]) for i in range(1, n) if stats[i, 4] >= 2), key=lambda b: b[0])
    if len(blobs) < 3:
        return False
    rows = np.nonzero(ink.any(axis=1))[0]
    top, height = int(rows[0]), int(rows[-1] - rows[0] + 1)
    digit, mark, after = blobs[0], blobs[1], blobs[2]
    if digit[3] < 0.5 * height or mark[0] < digit[0] + digit[2] or mark[0] + mark[2] > after[0]:
        return False  # not a digit first, or the mark overlaps a glyph
    if max(mark[2], mark[3]) > _LIST_STOP_EM * em_px or mark[3] >= 0.5 * height:
        return False
    return mark[1] + mark[3] / 2 >= top + _LIST_STOP_LOW * height


def solid(ink: np.ndarray) -> bool:
    """Whether a mark's ink (a crop around it, a pixel of paper each side) holds no loop: a
    dot or a blot, not a "。" or an "o"."""
    return bool(ink.any()) and not _holes(ink)


def _holes(ink: np.ndarray) -> list[float]:
    """The areas of the paper an ink mask encloses (its strokes' width counted half in)."""
    import cv2

    contours, hierarchy = cv2.findContours((ink > 0).astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return []
    return [cv2.contourArea(c) + len(c) / 2 for c, h in zip(contours, hierarchy[0]) if h[3] >= 0]
