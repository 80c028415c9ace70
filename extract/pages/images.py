"""Page images for OCR: the scan itself where a page is one image, else a rendering; and the
pixel clean-ups every later step wants (grey, seal removed, fields of specks cleared, deskewed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymupdf

# A single image covering this share of the page is the page's scan.
_SCAN_COVERAGE = 0.85
# Above this resolution a scan is rendered down: more pixels cost OCR time, not accuracy.
_MAX_NATIVE_DPI = 320
# A page image is never larger than this (an A4 page at 400 dpi is 15.5 M pixels); a
# 12000 × 12000 scan is rendered down to it rather than held at 432 MB.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class PageImage:
    """A page as pixels (H×W×3 uint8, BGR) and how pixels map to page points: as rendered or
    scanned (the upright, level image is ocr/types.py `UprightScan`)."""

    pixels: np.ndarray
    scale: float  # page points per pixel

    @property
    def dpi(self) -> float:
        return 72.0 / self.scale


def _to_bgr(pix: pymupdf.Pixmap) -> np.ndarray:
    if pix.alpha:
        pix = pymupdf.Pixmap(pix, 0)
    if pix.colorspace is None or pix.n not in (1, 3):
        pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
    arr = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)
    if pix.n == 1:
        return np.repeat(arr, 3, axis=2)
    return np.ascontiguousarray(arr[:, :, ::-1])


def page_image(page: pymupdf.Page, dpi: int) -> PageImage:
    """The scan at its own resolution if the page is one image, else the page rendered at dpi."""
    infos = [i for i in page.get_image_info(xrefs=True) if i.get("xref")]
    area = abs(page.rect)
    if len(infos) == 1 and area > 0:
        info = infos[0]
        bbox = pymupdf.Rect(info["bbox"]) & page.rect
        native_dpi = info["width"] / max(bbox.width, 1) * 72
        axis_aligned = abs(info["transform"][1]) < 1e-3 and abs(info["transform"][2]) < 1e-3
        small_enough = native_dpi <= _MAX_NATIVE_DPI and info["width"] * info["height"] <= MAX_PIXELS
        if abs(bbox) >= _SCAN_COVERAGE * area and axis_aligned and small_enough:
            pix = pymupdf.Pixmap(page.parent, info["xref"])
            return PageImage(_to_bgr(pix), scale=page.rect.width / pix.width)
    area_px = (page.rect.width * dpi / 72) * (page.rect.height * dpi / 72)
    if area_px > MAX_PIXELS:
        dpi = int(dpi * (MAX_PIXELS / area_px) ** 0.5)
    pix = page.get_pixmap(dpi=dpi)
    return PageImage(_to_bgr(pix), scale=72.0 / dpi)


# (b + g + r) // 3 for every sum a pixel can have: the channels' mean, truncated.
_THIRD = (np.arange(3 * 255 + 1) // 3).astype(np.uint8)


def grey(pixels: np.ndarray) -> np.ndarray:
    """The channels' mean, truncated (pixels.mean(axis=2) gives the same, four times slower)."""
    if pixels.ndim != 3:
        return pixels
    import cv2

    wide = [c.astype(np.uint16) for c in cv2.split(pixels)]
    return _THIRD[cv2.add(cv2.add(wide[0], wide[1]), wide[2])]


def remove_red(pixels: np.ndarray, margin: int = 25, min_red: int = 170) -> np.ndarray:
    """Paint red ink (a seal) white: red is never the colour of a form's own text or rules.
    The margin is low enough to catch the pink fringe JPEG chroma subsampling leaves; a dark
    pixel stays, whatever its tint, for there the seal lies over black print."""
    import cv2

    b, g, r = cv2.split(pixels)
    # cv2.subtract saturates at 0, so "r - g > margin" reads the same on uint8, without widening.
    red = (cv2.subtract(r, g) > margin) & (cv2.subtract(r, b) > margin) & (r >= min_red)
    if not red.any():
        return pixels
    out = pixels.copy()
    out[red] = 255
    return out


# A binarised copy of an unevenly lit page turns the shade into a field of specks (dither),
# dense enough towards a dark edge that the print and rules inside it are lost to the text
# detector and the rule finder alike. A field is where specks (blobs under SPECK_PT points
# across, dark on light or, in the darkest part, light on dark) cover SPECKLE_FIELD_SHARE of a
# FIELD_PT window. Measured on 80 sweep pages: print and scan noise reach 0.04 at most, the
# fields 0.13–0.18.
SPECK_PT = 0.8
FIELD_PT = 20
SPECKLE_FIELD_SHARE = 0.07
FIELD_GAP_PT = 60
# Inside a field the page is blurred (the dither back to the shade it stood for) and set
# against its local mean: lighter than FIELD_PAPER_SHARE of it is paper, darker than
# FIELD_INK_SHARE is print, in between is stretched. A stroke of print, darker than its field
# by far, stays dark; the field turns white.
FIELD_BLUR_PT = 0.6
FIELD_MEAN_PT = 10
FIELD_PAPER_SHARE = 0.85
FIELD_INK_SHARE = 0.5
# A field's part this black (share of ink) holds nothing legible: it is cleared to paper.
FIELD_BLACK_SHARE = 0.95


def _speck_density(blobs: np.ndarray, pt: float, cell: int, shape: tuple[int, int]) -> np.ndarray:
    """The share of each `cell`-pixel square covered by specks of `blobs` (counted at their
    centres: a speck is far smaller than a cell)."""
    import cv2

    n, _, stats, centres = cv2.connectedComponentsWithStats(blobs, connectivity=8)
    small = np.flatnonzero(stats[1:n, 4] < max(3.0, (SPECK_PT * pt) ** 2)) + 1
    rows, cols = shape
    cy = np.minimum((centres[small, 1] // cell).astype(int), rows - 1)
    cx = np.minimum((centres[small, 0] // cell).astype(int), cols - 1)
    area = np.bincount(cy * cols + cx, weights=stats[small, 4], minlength=rows * cols)
    return (area / cell ** 2).reshape(rows, cols).astype(np.float32)


def speckle_fields(grey_pixels: np.ndarray, scale: float) -> np.ndarray:
    """0..1 per pixel: how far inside a field of specks (float32, 1 = wholly; all 0 where the
    page has none)."""
    import cv2

    pt = 1.0 / scale
    h, w = grey_pixels.shape
    cell = max(4, int(round(FIELD_PT * pt / 4)))  # a window is 4 × 4 cells
    shape = (-(-h // cell), -(-w // cell))
    ink = (grey_pixels < 128).astype(np.uint8)

    def fields(blobs: np.ndarray) -> np.ndarray:
        return cv2.blur(_speck_density(blobs, pt, cell, shape), (4, 4)) >= SPECKLE_FIELD_SHARE

    field = fields(ink)
    if not field.any():
        return np.zeros((h, w), np.float32)
    # In a field's darkest part the specks are paper on ink.
    field = (field | fields(1 - ink)).astype(np.uint8)
    # Where the dither is near half dark, its specks join into large blobs both ways: the
    # field's lighter and darker parts are joined across it.
    gap = max(3, int(round(FIELD_GAP_PT * pt / cell)) | 1)
    field = cv2.morphologyEx(field, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, gap)))
    # Beyond its darkest specks the shade is solid black: that joins the field too (cleared, it
    # turns to paper), or its edge would be read as a rule.
    black = (cv2.resize(ink.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
             >= FIELD_BLACK_SHARE).astype(np.uint8)
    _, parts = cv2.connectedComponents(black, connectivity=8)
    beside = np.unique(parts[(cv2.dilate(field, np.ones((3, 3), np.uint8)) > 0) & (black > 0)])
    field = field | np.isin(parts, beside[beside > 0]).astype(np.uint8)
    weight = cv2.blur(field.astype(np.float32), (5, 5), borderType=cv2.BORDER_REPLICATE)
    return cv2.resize(weight, (shape[1] * cell, shape[0] * cell), interpolation=cv2.INTER_LINEAR)[:h, :w]


def clear_speckle_fields(pixels: np.ndarray, grey_pixels: np.ndarray, scale: float) -> np.ndarray:
    """The page with its fields of specks turned to paper and the print in them kept, in
    grey (a copy where there are fields; `pixels` itself where there are none)."""
    import cv2

    weight = speckle_fields(grey_pixels, scale)
    if not weight.any():
        return pixels
    pt = 1.0 / scale
    blurred = cv2.GaussianBlur(grey_pixels.astype(np.float32), (0, 0), FIELD_BLUR_PT * pt)
    window = int(round(FIELD_MEAN_PT * pt)) | 1
    mean = cv2.blur(blurred, (window, window))
    low = mean * FIELD_INK_SHARE
    cleared = np.clip((blurred - low) * 255.0 / np.maximum(mean * FIELD_PAPER_SHARE - low, 1.0), 0, 255)
    # Solid black holds nothing legible: paper, with the rim where the mean's window still
    # reached lighter ground (stretched, that rim would stay a black line, read as a rule).
    solid = (mean < 255 * (1 - FIELD_BLACK_SHARE)).astype(np.uint8)
    cleared[cv2.dilate(solid, cv2.getStructuringElement(cv2.MORPH_RECT, (window, window))) > 0] = 255
    out = (grey_pixels * (1 - weight) + cleared * weight).astype(np.uint8)
    return cv2.cvtColor(out, cv2.COLOR_GRAY2BGR) if pixels.ndim == 3 else out


# A skew below this (degrees) is left alone: rotating costs more than it brings.
MIN_SKEW_DEGREES = 0.05


def in_layout_frame(pixels: np.ndarray, skew: float, turns: int) -> np.ndarray:
    """A scan as its layout sees it: deskewed, then turned upright (as ocr/page.py `make_upright` does)."""
    if abs(skew) >= MIN_SKEW_DEGREES:
        pixels = rotate(pixels, skew)
    return np.ascontiguousarray(np.rot90(pixels, turns)) if turns % 4 else pixels


def rotate(pixels: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre, keeping the size, filling with white."""
    import cv2

    h, w = pixels.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(pixels, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def skew_angle(grey_pixels: np.ndarray, max_degrees: float = 3.0) -> float:
    """The rotation (degrees) that makes the ruling lines level: the angle whose row profile
    of ink is sharpest (ruled tables give tall, narrow peaks when level)."""
    import cv2

    h, w = grey_pixels.shape
    factor = 1000 / max(h, w)
    small = cv2.resize(grey_pixels, (int(w * factor), int(h * factor)), interpolation=cv2.INTER_AREA) if factor < 1 else grey_pixels
    ink = (small < 128).astype(np.float32)
    sh, sw = ink.shape

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D((sw / 2, sh / 2), angle, 1.0)
        rows = cv2.warpAffine(ink, m, (sw, sh), flags=cv2.INTER_NEAREST, borderValue=0).sum(axis=1)
        return float(np.var(rows))

    best = max(np.arange(-max_degrees, max_degrees + 1e-9, 0.25), key=sharpness)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    return float(max(fine, key=sharpness))


# A seal's ring: dark along at least this share of its circumference.
_RING_COVERAGE = 0.6
# Seal ink must be at least this much lighter (grey levels) than the print's text strokes to
# be told apart in a greyscale scan; a black stamp is left alone.
_SEAL_CONTRAST = 8
# Inside a seal, ink lighter than the text strokes by this much is the seal's (the ring is
# its darkest part; its characters and star, lighter, must go too).
_SEAL_CUT_ABOVE_TEXT = 25


def find_seals(grey_pixels: np.ndarray) -> list[tuple[float, float, float]]:
    """Round seals (x, y, radius in pixels): circles whose ring is inked nearly all round."""
    import cv2

    h, w = grey_pixels.shape
    f = 800 / max(h, w)
    small = cv2.medianBlur(cv2.resize(grey_pixels, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA), 5)
    found = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1.5, minDist=80, param1=100, param2=50,
                             minRadius=int(0.04 * small.shape[1]), maxRadius=int(0.16 * small.shape[1]))
    seals = []
    dark = small < 200
    for x, y, r in (found[0] if found is not None else []):
        coverage, (x, y, r) = _ring_fit(dark, x, y, r)
        if coverage >= _RING_COVERAGE and coverage - _coverage(dark, x, y, r + _RING_CLEARANCE) >= _RING_CONTRAST:
            seals.append((x / f, y / f, r / f))
    return seals


_ANGLES = np.linspace(0, 2 * np.pi, 180, endpoint=False)
# How far (pixels of the 800-pixel image) the ring is looked for around the circle fitted:
# the ring has a width; and two seals stamped over each other pull the fit between them,
# where no ring lies on it.
_RADIUS_SLACK, _CENTRE_SLACK = 2, 4
# A ring is dark against the paper just outside it: a circle as dark there too lies in a
# field of print or shade (an unevenly lit page's dark edge, a block of dense text). Measured
# on the scan sweep (seed 11): rings 0.57–0.61 darker than 5 pixels outside; such fields 0.08–0.12.
_RING_CLEARANCE = 5
_RING_CONTRAST = 0.3


def _coverage(dark: np.ndarray, x: float, y: float, r: float) -> float:
    """The share of a circle's circumference that is dark."""
    h, w = dark.shape
    xs = np.clip((x + r * np.cos(_ANGLES)).astype(int), 0, w - 1)
    ys = np.clip((y + r * np.sin(_ANGLES)).astype(int), 0, h - 1)
    return float(dark[ys, xs].mean())


def _ring_fit(dark: np.ndarray, x: float, y: float, r: float) -> tuple[float, tuple[float, float, float]]:
    """The circle dark along the most of its circumference, and that share: the one fitted
    (its radius give or take the ring's width) where it is a ring; else the best near it."""
    def best_of(centres) -> tuple[float, tuple[float, float, float]]:
        circles = [(cx, cy, r + dr) for cx, cy in centres for dr in range(-_RADIUS_SLACK, _RADIUS_SLACK + 1)]
        return max(((_coverage(dark, *c), c) for c in circles), key=lambda fit: fit[0])

    fitted = best_of([(x, y)])
    if fitted[0] >= _RING_COVERAGE:
        return fitted
    steps = range(-_CENTRE_SLACK, _CENTRE_SLACK + 1, 2)
    return best_of([(x + dx, y + dy) for dx in steps for dy in steps])


def _ring_level(g: np.ndarray, x: float, y: float, r: float) -> float:
    """The grey of a seal's ring: its darkest band (the fitted radius may miss the middle)."""
    angles = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    levels = []
    for rr in np.arange(r - 0.08 * r, r + 0.08 * r + 1, 2.0):
        xs = np.clip((x + rr * np.cos(angles)).astype(int), 0, g.shape[1] - 1)
        ys = np.clip((y + rr * np.sin(angles)).astype(int), 0, g.shape[0] - 1)
        levels.append(float(np.median(g[ys, xs])))
    return min(levels)


def remove_grey_seals(pixels: np.ndarray, seals: list[tuple[float, float, float]], text_level: float) -> np.ndarray:
    """In a greyscale scan a red seal is mid-grey: inside each seal, paint white what is as
    light as the seal's ring. Print under the seal stays where its ink is clearly darker
    (`text_level`: the grey of the page's text strokes); a seal as dark as the print is left."""
    if not seals:
        return pixels
    g = grey(pixels)
    out = pixels.copy()
    for x, y, r in seals:
        seal_level = _ring_level(g, x, y, r)
        if seal_level - text_level < _SEAL_CONTRAST:
            continue
        cut = max((text_level + seal_level) / 2, text_level + _SEAL_CUT_ABOVE_TEXT)
        R = int(r * 1.08) + 2
        y0, y1, x0, x1 = max(0, int(y) - R), min(g.shape[0], int(y) + R), max(0, int(x) - R), min(g.shape[1], int(x) + R)
        yy, xx = np.ogrid[y0:y1, x0:x1]
        inside = (yy - y) ** 2 + (xx - x) ** 2 <= R * R
        out[y0:y1, x0:x1][inside & (g[y0:y1, x0:x1] > cut)] = 255
    return out


def text_ink_level(grey_pixels: np.ndarray, boxes, seals) -> float:
    """The grey of text strokes: the median, over text boxes clear of seals, of each box's
    darkest pixels."""
    levels = []
    for x0, y0, x1, y1 in boxes:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if any((cx - sx) ** 2 + (cy - sy) ** 2 <= (1.2 * r) ** 2 for sx, sy, r in seals):
            continue
        crop = grey_pixels[int(y0):int(y1) + 1, int(x0):int(x1) + 1]
        if crop.size:
            levels.append(float(np.percentile(crop, 5)))
    return float(np.median(levels)) if levels else 0.0


# Specks (a photocopy's toner dust, a binarised page's noise) are read as "." "·" "'" beside
# the text they fall near. A blob of ink smaller than SPECK_EMS of an em each way, with no
# larger ink within SPECK_CLEARANCE_EMS, is a speck: print's own dots (a decimal point, 。,
# 、) sit beside the characters they belong to, well within that reach.
SPECK_EMS = 0.22
SPECK_CLEARANCE_EMS = 0.7


def despeckle(pixels: np.ndarray, em_px: float) -> np.ndarray:
    """The page with its isolated specks painted paper white (a copy; `pixels` unchanged)."""
    import cv2

    from extract.grid.pixels import ink_mask

    ink = ink_mask(grey(pixels))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small_area = max(4.0, (SPECK_EMS * em_px) ** 2)
    extent = np.maximum(stats[1:n, 2], stats[1:n, 3])
    small = np.concatenate([[False], (stats[1:n, 4] < small_area) & (extent < SPECK_EMS * em_px)])
    if not small.any():
        return pixels
    # Paper 255, larger ink 0: each pixel's distance to the nearest larger ink, in one pass
    # over the page (dilating by the reach took ~60 ms a page).
    not_big = np.where(small[labels] | (labels == 0), np.uint8(255), np.uint8(0))
    reach = max(1, int(round(SPECK_CLEARANCE_EMS * em_px)))
    near_big = cv2.distanceTransform(not_big, cv2.DIST_L2, cv2.DIST_MASK_PRECISE) <= reach
    # A small blob is kept if any of its pixels lies near larger ink.
    touching = np.zeros(n, bool)
    touching[np.unique(labels[near_big & small[labels]])] = True
    speck = small & ~touching
    if not speck.any():
        return pixels
    out = pixels.copy()
    out[speck[labels]] = 255
    return out
