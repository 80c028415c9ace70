"""A scanned page → the same PageLayout the text path produces: upright and level pixels,
the grid from the rules, PaddleOCR text cut to cells, lone dashes found from ink."""

from __future__ import annotations

import numpy as np

from extract.grid import PageLayout
from extract.grid.cells import find_grids
from extract.grid.lines import snap_segments
from extract.grid.pixels import ink_mask, pixel_segments
from extract.grid.text import assign_words, free_lines
from extract.ocr.convert import FONT_SHARE_OF_BOX, quad_to_rect, split_at_rules, to_words
from extract.ocr.engine import Engine, get_engine
from extract.pages.images import (
    PageImage, find_seals, grey, remove_grey_seals, remove_red, rotate, skew_angle, text_ink_level,
)
from extract.pages.types import Page, Word
from extract.settings import Settings

# Orientation: detection at this long side is enough to see which way text runs.
_ORIENT_SIDE = 960
# Recognition scores compared between a page and its 180° turn, on this many boxes.
_ORIENT_SAMPLES = 8
# Reads below this score are noise (stray marks, seal strokes), not text.
MIN_WORD_SCORE = 0.3
# A lone dash the detector missed: how sure we are of the ink-shape reading.
DASH_CONFIDENCE = 0.9
# Pixels around a detected rule also erased: deskewing and blur spread a rule's edge.
RULE_FRINGE_PX = 2


def _dilate(mask: np.ndarray, px: int) -> np.ndarray:
    import cv2

    return cv2.dilate(mask, np.ones((2 * px + 1, 2 * px + 1), np.uint8))


def _crop(pixels: np.ndarray, rect) -> np.ndarray:
    x0, y0, x1, y1 = (int(round(v)) for v in rect)
    return pixels[max(0, y0):max(y0 + 1, y1), max(0, x0):max(x0 + 1, x1)]


def upright_turns(engine: Engine, pixels: np.ndarray) -> int:
    """Quarter turns (counter-clockwise, np.rot90's k) that make the text upright."""
    import cv2

    h, w = pixels.shape[:2]
    f = _ORIENT_SIDE / max(h, w)
    small = cv2.resize(pixels, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA) if f < 1 else pixels
    rects = [quad_to_rect(d.quad, small.shape[1], small.shape[0]) for d in engine.detect(small)]
    wide = sum((r[2] - r[0]) > 1.5 * (r[3] - r[1]) for r in rects)
    tall = sum((r[3] - r[1]) > 1.5 * (r[2] - r[0]) for r in rects)
    base = 1 if tall > wide else 0
    turned = np.rot90(small, base)
    if base:
        rects = [quad_to_rect(d.quad, turned.shape[1], turned.shape[0]) for d in engine.detect(turned)]
    rects = sorted(rects, key=lambda r: r[2] - r[0], reverse=True)[:_ORIENT_SAMPLES]
    crops = [_crop(turned, r) for r in rects]
    if not crops:
        return base
    upright = np.mean([s for _, s in engine.recognize(crops)])
    flipped = np.mean([s for _, s in engine.recognize([np.rot90(c, 2) for c in crops])])
    return (base + 2) % 4 if flipped > upright else base


# What the recogniser makes of a printed dash: all of them mean "no value".
DASH_READINGS = frozenset("-—–一_~－")


def is_dash(ink: np.ndarray) -> bool:
    """Whether an ink mask (a cell's inside) holds one short flat stroke and nothing else."""
    import cv2

    if ink.size == 0 or not ink.any():
        return False
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = [st for st in stats[1:n] if st[4] >= 6]
    if len(blobs) != 1:
        return False
    _, _, bw, bh, _ = blobs[0]
    return bw >= 2.5 * bh and bh <= 0.3 * ink.shape[0] and bw <= 0.6 * ink.shape[1]


def _cell_ink(ink: np.ndarray, cell, scale: float, pad: int = 4) -> tuple[np.ndarray, int, int]:
    x0, y0, x1, y1 = (int(v / scale) for v in (cell.x0, cell.y0, cell.x1, cell.y1))
    return ink[y0 + pad:y1 - pad, x0 + pad:x1 - pad], x0 + pad, y0 + pad


def settle_dashes(grids, ink: np.ndarray, scale: float) -> None:
    """Dashes, read or missed: a cell whose only mark is one flat stroke holds "-".

    The recogniser scores its reading of a dash low (一, —, - at 0.3–0.8), and the
    detector often misses a lone dash altogether; the stroke's shape settles both.
    """
    for grid in grids:
        for cell in grid.cells:
            texts = [w.text for w in cell.words]
            if texts and not all(t in DASH_READINGS for t in texts):
                continue
            inside, ox, oy = _cell_ink(ink, cell, scale)
            if not is_dash(inside):
                continue
            import cv2

            _, _, stats, _ = cv2.connectedComponentsWithStats(inside, connectivity=8)
            bx, by, bw, bh, _ = max(stats[1:], key=lambda st: st[4])
            x0, y0 = (ox + bx) * scale, (oy + by) * scale
            dash = Word("-", x0, y0, x0 + bw * scale, y0 + bh * scale, y0 + bh * scale / 2, max(bw * scale, 6.0), DASH_CONFIDENCE)
            cell.words = [dash]


def ocr_layout(image: PageImage, number: int, settings: Settings) -> PageLayout:
    engine = get_engine()
    pixels = image.pixels
    image.turns = upright_turns(engine, pixels)
    if image.turns:
        pixels = np.ascontiguousarray(np.rot90(pixels, image.turns))
    # A red seal is neither text nor rule; where it covers black ink, the ink stays black.
    pixels = remove_red(pixels)
    image.skew = skew_angle(grey(pixels))
    if abs(image.skew) >= 0.05:
        pixels = rotate(pixels, image.skew)
    g = grey(pixels)
    h, w = g.shape
    scale = image.scale
    boxes = [quad_to_rect(d.quad, w, h) for d in engine.detect(pixels)]
    em_px = float(np.median([b[3] - b[1] for b in boxes])) * FONT_SHARE_OF_BOX if boxes else 12.0 / scale

    seals = find_seals(g)
    segments, rules = pixel_segments(g, scale, em_px, seals=seals)
    if seals:  # a seal scanned in grey: paint out what is as light as its ring, then read again
        pixels = remove_grey_seals(pixels, seals, text_ink_level(g, boxes, seals))
        boxes = [quad_to_rect(d.quad, w, h) for d in engine.detect(pixels)]
    text_pixels = pixels.copy()
    hlines, vlines = snap_segments(segments, settings.grid)
    grids = find_grids(number, hlines, vlines, settings.grid)

    # Rules erased from the crops (with their anti-aliased fringe): nothing is read from a line.
    text_pixels[_dilate(rules, RULE_FRINGE_PX) > 0] = 255
    rects = [part for box in boxes for part in split_at_rules(box, scale, grids, vlines)]
    recognized = engine.recognize([_crop(text_pixels, r) for r in rects])
    words = to_words(rects, recognized, scale, MIN_WORD_SCORE)

    outside = assign_words(grids, words, settings.text)
    settle_dashes(grids, ink_mask(grey(text_pixels)), scale)
    words = [word for grid in grids for cell in grid.cells for word in cell.words] + outside
    page = Page(number=number, width=w * scale, height=h * scale, method="ocr", words=words, segments=segments)
    outside = assign_words(grids, words, settings.text)  # again: lines of the settled cells
    return PageLayout(page, hlines, vlines, grids, free_lines(outside, settings.text))
