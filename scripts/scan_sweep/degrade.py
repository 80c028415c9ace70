"""A source page to a degraded scan image, in the order paper meets them: the print (broken
rules), the sheet (bleed-through), the stamps, then the scanner (light, skew, blur, noise,
grey or black-and-white, the feed's turn)."""

from __future__ import annotations

import numpy as np
import pymupdf

from scan_sweep.params import Bleed, BrokenRules, Light, PageParams, ScanParams
from scan_sweep.seals import stamp
from scan_sweep.targets import Segment


def render(page: pymupdf.Page, dpi: int) -> np.ndarray:
    """The page as BGR pixels."""
    pix = page.get_pixmap(dpi=dpi)
    rgb = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, :3]
    return np.ascontiguousarray(rgb[:, :, ::-1])


def break_rules(img: np.ndarray, rules: tuple[Segment, ...], broken: BrokenRules, scale: float,
                rng: np.random.Generator) -> np.ndarray:
    """Erase short gaps in the table's rules (paper white over the line's band only)."""
    out = img.copy()
    h, w = img.shape[:2]
    for seg in rules:
        if rng.random() >= broken.share:
            continue
        length = max(abs(seg.x1 - seg.x0), abs(seg.y1 - seg.y0))
        band = seg.width * scale / 2 + 1.5
        for _ in range(int(rng.integers(1, broken.gaps + 1))):
            # A gap takes at most 40% of a segment: a rule broken, not a rule gone.
            gap = min(rng.uniform(*broken.gap_pt), 0.4 * length)
            at = rng.uniform(0, max(length - gap, 0))
            if seg.horizontal:
                x0 = min(seg.x0, seg.x1) + at
                ys = int(seg.y0 * scale - band), int(np.ceil(seg.y0 * scale + band))
                xs = int(x0 * scale), int(np.ceil((x0 + gap) * scale))
            else:
                y0 = min(seg.y0, seg.y1) + at
                xs = int(seg.x0 * scale - band), int(np.ceil(seg.x0 * scale + band))
                ys = int(y0 * scale), int(np.ceil((y0 + gap) * scale))
            out[max(ys[0], 0):min(ys[1], h), max(xs[0], 0):min(xs[1], w)] = 255
    return out


def bleed_through(img: np.ndarray, reverse: np.ndarray, bleed: Bleed, scale: float) -> np.ndarray:
    """A faint mirrored copy of the sheet's other side, seen through the paper."""
    import cv2

    back = cv2.cvtColor(reverse, cv2.COLOR_BGR2GRAY) if reverse.ndim == 3 else reverse
    back = cv2.resize(back[:, ::-1], (img.shape[1], img.shape[0]), interpolation=cv2.INTER_AREA)
    back = cv2.GaussianBlur(back.astype(np.float32), (0, 0), bleed.blur * scale)
    factor = 1 - bleed.alpha * (1 - back / 255)
    return np.clip(img.astype(np.float32) * factor[:, :, None], 0, 255).astype(np.uint8)


def lighting(img: np.ndarray, light: Light, rng: np.random.Generator) -> np.ndarray:
    """A binding shadow darkening one edge, or uneven light across the page."""
    import cv2

    h, w = img.shape[:2]
    horizontal = light.edge in ("left", "right")
    n = w if horizontal else h
    d = np.arange(n, dtype=np.float32)
    if light.edge in ("right", "bottom"):
        d = d[::-1]
    if light.kind == "shadow":
        reach = max(light.width * n, 1.0)
        profile = 1 - light.strength * np.clip(1 - d / reach, 0, 1) ** 2
    else:
        profile = 1 - light.strength * (1 - d / n)
    factor = np.tile(profile, (h, 1)) if horizontal else np.tile(profile[:, None], (1, w))
    if light.kind == "uneven":
        blotches = cv2.resize(rng.uniform(0.9, 1.0, (4, 3)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
        factor = factor * blotches
    return np.clip(img.astype(np.float32) * factor[:, :, None], 0, 255).astype(np.uint8)


# A black-and-white page keeping less than this share of the print's ink is one no reader
# could read: the variation is skipped, not counted as a misreading. So is one whose shade
# turned more than MAX_BLACKED_OUT of the print's area solid black (a window of
# BLACKOUT_WINDOW_PT points ≥ 95% black where the print is not): the print there is gone.
MIN_INK_KEPT = 0.8
MAX_BLACKED_OUT = 0.1
BLACKOUT_WINDOW_PT = 10


def blacked_out(img: np.ndarray, print_ink: np.ndarray, dpi: int) -> float:
    """The share of the print's bounding box that a binarised page turned solid black."""
    import cv2

    window = max(3, int(BLACKOUT_WINDOW_PT * dpi / 72))
    black = cv2.blur((img == 0).astype(np.float32), (window, window))
    printed = cv2.blur(print_ink.astype(np.float32), (window, window))
    ys, xs = np.nonzero(print_ink)
    box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    return float(((black[box] >= 0.95) & (printed[box] < 0.5)).mean())


class Illegible(Exception):
    """The degradation erased the print itself."""


def scanner(img: np.ndarray, scan: ScanParams, page: PageParams, rng: np.random.Generator,
            print_ink: np.ndarray | None = None) -> np.ndarray:
    """Skew, blur, sensor noise, grey or black-and-white, the feed's quarter turn.
    `print_ink`: the clean print's ink mask, to check a binarised page keeps it."""
    import cv2

    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), page.skew, 1.0)
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    if print_ink is not None:
        print_ink = cv2.warpAffine(print_ink.astype(np.uint8), m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0) > 0
    if scan.blur > 0:
        img = cv2.GaussianBlur(img, (0, 0), scan.blur)
    if scan.noise > 0:
        img = np.clip(img.astype(np.float32) + rng.normal(0, scan.noise, img.shape), 0, 255).astype(np.uint8)
    if not scan.colour or scan.binarise:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if scan.binarise:
        img = np.where(img < scan.binarise.threshold, 0, 255).astype(np.uint8)
        if print_ink is not None and print_ink.any():
            kept = float((img[print_ink] == 0).mean())
            if kept < MIN_INK_KEPT:
                raise Illegible(f"page {page.page}: binarising kept {kept:.0%} of the print's ink")
            lost = blacked_out(img, print_ink, scan.dpi)
            if lost > MAX_BLACKED_OUT:
                raise Illegible(f"page {page.page}: binarising blacked out {lost:.0%} of the print's area")
        count = int(scan.binarise.speckle * img.size)
        ys, xs = rng.integers(0, h, count), rng.integers(0, w, count)
        for y, x, r in zip(ys, xs, rng.integers(0, 3, count)):
            cv2.circle(img, (int(x), int(y)), int(r), 0, -1)
    if page.turn:
        img = np.ascontiguousarray(np.rot90(img, -page.turn // 90))  # clockwise, as scan_fixtures
    return img


def degrade(img: np.ndarray, scan: ScanParams, page: PageParams, rules: tuple[Segment, ...],
            reverse: np.ndarray | None) -> np.ndarray:
    """`img`: the source page rendered at scan.dpi; `reverse`: the bleed's page, same dpi."""
    import cv2

    rng = np.random.default_rng(page.seed)
    scale = scan.dpi / 72
    print_ink = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) < 128 if scan.binarise else None
    if page.broken:
        img = break_rules(img, rules, page.broken, scale, rng)
    if page.bleed and reverse is not None:
        img = bleed_through(img, reverse, page.bleed, scale)
    for seal in page.seals:
        img = stamp(img, seal, scale)
    if page.light:
        img = lighting(img, page.light, rng)
    return scanner(img, scan, page, rng, print_ink)
