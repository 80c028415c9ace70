"""Records of reading a scan, stage to stage (extract/ocr/page.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from extract.ocr.convert import Rect
from extract.pages.types import Word


@dataclass(frozen=True)
class UprightScan:
    """A scan ready to read: red ink painted out, levelled, turned upright; with the text
    boxes the detector found on it (pixels). `skew` and `turns` say what was done, for the
    page's frame (the overlay and the crops draw on the same pixels)."""

    pixels: np.ndarray
    scale: float  # page points per pixel
    skew: float
    turns: int
    boxes: list[Rect]


@dataclass(frozen=True, slots=True)
class CellWords:
    """One cell of a scan's table (its box in page points) and the words read inside it, as a
    settling stage leaves them. Every cell has one, an empty one too: a stage may find a dash
    the detector missed. Stages return new ones; the grid's cells are never written."""

    x0: float
    y0: float
    x1: float
    y1: float
    words: tuple[Word, ...] = ()

    def holding(self, words) -> CellWords:
        return replace(self, words=tuple(words))
