"""Seal stamps as ink masks (0..1, centred patches) and stamping them onto a page image.

The ring seal is scan_fixtures.py's own (ring, star, 江城市审计测试局 around): drawn there on a
blank canvas, its ink recovered from the canvas and re-coloured here, so the sweep's seals
look like the fixtures' but can be any colour, strength, size and place.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import scan_fixtures
from scan_sweep.params import Seal
from scan_sweep.targets import Word

RED = (40, 40, 210)  # BGR, as scan_fixtures' seal
# A seal ink this strong (before opacity) counts as covering a pixel; a word is covered
# when this share of its box is under such ink.
COVER_INK = 0.3
COVER_SHARE = 0.15


def _fixture_ring(radius_px: int, rng: np.random.Generator) -> np.ndarray:
    """scan_fixtures._seal on white: it blends min(page, red) in, so the green channel falls
    from 255 to 40 in proportion to the ink; that proportion is the mask."""
    size = int(np.ceil(radius_px / 0.09))  # _seal's radius is 0.09 of the canvas side
    canvas = np.full((size, size, 3), 255, np.uint8)
    inked = scan_fixtures._seal(canvas, rng)
    mask = np.clip((255.0 - inked[:, :, 1].astype(np.float32)) / (255 - RED[1]), 0, 1)
    ys, xs = np.nonzero(mask > 0.05)
    cy, cx = (ys.min() + ys.max()) // 2, (xs.min() + xs.max()) // 2
    half = radius_px + 6
    patch = np.zeros((2 * half + 1, 2 * half + 1), np.float32)
    crop = mask[max(cy - half, 0):cy + half + 1, max(cx - half, 0):cx + half + 1]
    patch[:crop.shape[0], :crop.shape[1]] = crop
    return patch / max(float(patch.max()), 1e-6)


def _polygon(radius_px: int, shape: str) -> np.ndarray:
    import cv2

    half = radius_px + 6
    patch = np.zeros((2 * half + 1, 2 * half + 1), np.uint8)
    if shape == "dot":
        cv2.circle(patch, (half, half), radius_px, 255, -1, lineType=cv2.LINE_AA)
    else:  # a five-pointed star, outer radius radius_px, inner 0.38 of it
        pts = []
        for k in range(10):
            r = radius_px if k % 2 == 0 else 0.38 * radius_px
            a = np.pi / 2 + k * np.pi / 5
            pts.append((half + r * np.cos(a), half - r * np.sin(a)))
        cv2.fillPoly(patch, [np.round(np.array(pts)).astype(np.int32)], 255, lineType=cv2.LINE_AA)
    return cv2.GaussianBlur(patch.astype(np.float32) / 255, (3, 3), 0.8)


@lru_cache(maxsize=64)
def seal_patch(shape: str, radius_px: int, angle: float, seed: int) -> np.ndarray:
    """The seal's ink (0..1) on a square patch centred on it, uneven as a stamp pad leaves it."""
    import cv2

    rng = np.random.default_rng(seed)
    patch = _fixture_ring(radius_px, rng) if shape == "ring" else _polygon(radius_px, shape)
    n = patch.shape[0]
    # Uneven ink: a coarse random field, smoothly enlarged.
    field = cv2.resize(rng.uniform(0.5, 1.0, (5, 5)).astype(np.float32), (n, n), interpolation=cv2.INTER_CUBIC)
    patch = patch * np.clip(field, 0.4, 1.0)
    m = cv2.getRotationMatrix2D((n / 2, n / 2), angle, 1.0)
    return cv2.warpAffine(patch, m, (n, n), flags=cv2.INTER_LINEAR, borderValue=0)


def _colour(seal: Seal) -> np.ndarray:
    if seal.colour == "red":
        return np.array(RED, np.float32)
    return np.array((95, 95, 95), np.float32)  # a seal gone grey in a greyscale copy


def patch_for(seal: Seal, scale: float) -> np.ndarray:
    """`scale`: pixels per point."""
    return seal_patch(seal.shape, max(6, round(seal.radius_pt * scale)), round(seal.angle, 1), seal.seed)


def covered(seal: Seal, words: tuple[Word, ...], scale: float) -> tuple[str, ...]:
    """The printed words the seal's ink lies over."""
    patch = patch_for(seal, scale)
    half = patch.shape[0] // 2
    cx, cy = seal.centre_pt[0] * scale, seal.centre_pt[1] * scale
    out = []
    for w in words:
        x0, y0, x1, y1 = (int(round(v * scale)) for v in w.rect)
        px0, py0 = int(x0 - cx + half), int(y0 - cy + half)
        px1, py1 = px0 + max(x1 - x0, 1), py0 + max(y1 - y0, 1)
        if px1 <= 0 or py1 <= 0 or px0 >= patch.shape[1] or py0 >= patch.shape[0]:
            continue
        box = patch[max(py0, 0):py1, max(px0, 0):px1]
        share = float((box > COVER_INK).sum()) / ((py1 - py0) * (px1 - px0))
        if share >= COVER_SHARE:
            out.append(w.text)
    return tuple(out)


def stamp(img: np.ndarray, seal: Seal, scale: float) -> np.ndarray:
    """Blend the seal in like ink (min of page and ink colour), at its opacity."""
    patch = patch_for(seal, scale) * seal.opacity
    half = patch.shape[0] // 2
    h, w = img.shape[:2]
    cx, cy = int(round(seal.centre_pt[0] * scale)), int(round(seal.centre_pt[1] * scale))
    x0, y0 = cx - half, cy - half
    ix0, iy0, ix1, iy1 = max(x0, 0), max(y0, 0), min(x0 + patch.shape[1], w), min(y0 + patch.shape[0], h)
    if ix0 >= ix1 or iy0 >= iy1:
        return img
    a = patch[iy0 - y0:iy1 - y0, ix0 - x0:ix1 - x0][:, :, None]
    region = img[iy0:iy1, ix0:ix1].astype(np.float32)
    ink = np.minimum(region, _colour(seal))
    out = img.copy()
    out[iy0:iy1, ix0:ix1] = (region * (1 - a) + ink * a).astype(np.uint8)
    return out
