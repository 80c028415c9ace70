"""Degraded page images to files: image-only PDFs (a page sized to its image at the scan's
dpi, so a turned page is landscape), multi-page TIFF, PNG, JPEG."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pymupdf

from scan_fixtures import _encode_jpeg
from scan_sweep.params import ScanParams


def _pil(img: np.ndarray, bilevel: bool):
    from PIL import Image

    image = Image.fromarray(img if img.ndim == 2 else img[:, :, ::-1])
    return image.convert("1") if bilevel else image


def _lossless(img: np.ndarray, bilevel: bool) -> bytes:
    buf = io.BytesIO()
    _pil(img, bilevel).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def write(images: list[np.ndarray], scan: ScanParams, path: Path) -> Path:
    bilevel = scan.binarise is not None
    if scan.kind == "pdf":
        doc = pymupdf.open()
        for img in images:
            h, w = img.shape[:2]
            page = doc.new_page(width=w * 72 / scan.dpi, height=h * 72 / scan.dpi)
            data = _encode_jpeg(img, scan.quality) if scan.lossy else _lossless(img, bilevel)
            page.insert_image(page.rect, stream=data)
        doc.save(path, garbage=4, deflate=True, no_new_id=True)
        return path
    dpi = (scan.dpi, scan.dpi)
    if scan.kind == "tiff":
        first, *rest = [_pil(img, bilevel) for img in images]
        if bilevel:
            first.save(path, save_all=True, append_images=rest, compression="group4", dpi=dpi)
        else:
            first.save(path, save_all=True, append_images=rest, compression="jpeg", quality=scan.quality, dpi=dpi)
    elif scan.kind == "png":
        assert len(images) == 1, "a PNG holds one page"
        _pil(images[0], bilevel).save(path, dpi=dpi, optimize=True)
    else:
        assert len(images) == 1, "a JPEG holds one page"
        _pil(images[0], False).save(path, quality=scan.quality, dpi=dpi)
    return path
