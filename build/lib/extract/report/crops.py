"""The source pages of a form, cut to the form and marked: its findings numbered in red,
its uncertain fields dashed, so a reader sees the page behind each number."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pymupdf

from extract.records import PageFrame
from extract.report.views import DOUBT_COLOUR, FINDING_COLOUR, Mark, Rect, marked_page

MARGIN = 8.0  # points of page kept around the form


@dataclass(frozen=True)
class Crop:
    page: int
    jpeg: bytes
    width: int
    height: int

    @property
    def data_uri(self) -> str:
        return "data:image/jpeg;base64," + base64.b64encode(self.jpeg).decode("ascii")


def _union(rects: list[Rect]) -> Rect:
    return min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects)


def form_crops(doc: pymupdf.Document, frames: dict[int, PageFrame], extent: dict[int, list[Rect]],
               marks: dict[int, list[Mark]], dpi: float = 100.0, quality: int = 70) -> list[Crop]:
    """One JPEG per page the form covers, cut to its fields' extent (page → cell boxes)."""
    crops = []
    for page in sorted(extent):
        frame = frames.get(page)
        if frame is None or not extent[page] or page > doc.page_count:
            continue
        x0, y0, x1, y1 = _union(extent[page])
        clip = (max(0.0, x0 - MARGIN), max(0.0, y0 - MARGIN), min(frame.width, x1 + MARGIN),
                min(frame.height, y1 + MARGIN))
        pix = marked_page(doc, frame, marks.get(page, []), dpi, clip)
        crops.append(Crop(page, pix.tobytes("jpeg", jpg_quality=quality), pix.width, pix.height))
    return crops
