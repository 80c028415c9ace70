"""A read page as its layout sees it, drawn on: marks (boxes, outlines, labels) placed in
the layout's own coordinates over the page image, rendered to pixels."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from extract.records import PageFrame

Colour = tuple[float, float, float]
Rect = tuple[float, float, float, float]

# One meaning per colour, in the report's crops and in `show --overlay` alike: red frames a
# finding, dashed orange a reading below the review threshold.
FINDING_COLOUR: Colour = (0.84, 0.09, 0.11)
DOUBT_COLOUR: Colour = (0.95, 0.55, 0.0)


@dataclass(frozen=True)
class Mark:
    """A rectangle drawn over a page, in the page's layout points."""

    rect: Rect
    colour: Colour
    width: float = 1.0
    fill_opacity: float = 0.0  # > 0: filled with the colour, this opaque
    dashed: bool = False
    label: str | None = None  # a few characters written at the top left corner


def open_source(source: str | Path, member: str | None = None) -> pymupdf.Document:
    """The document a dataset row was read from (for a zip member: read from its archive)."""
    from extract.document import open_document

    if member is None:
        return open_document(Path(source))
    from extract.inputs import read_member

    with tempfile.NamedTemporaryFile(suffix=Path(member).suffix.lower()) as tmp:
        tmp.write(read_member(Path(source), member))
        tmp.flush()
        return open_document(Path(tmp.name))


def page_pixmap(doc: pymupdf.Document, frame: PageFrame, dpi: float) -> pymupdf.Pixmap:
    """The page's image in its layout frame: a text page unrotated (its text coordinates
    are), a scan deskewed and turned upright as OCR read it."""
    page = doc[frame.page - 1]
    if frame.method != "ocr":
        rotation = page.rotation
        page.set_rotation(0)
        try:
            return page.get_pixmap(dpi=int(dpi))
        finally:
            page.set_rotation(rotation)
    from extract.pages.images import in_layout_frame, page_image

    image = page_image(page, int(round(frame.dpi or dpi)))
    rgb = in_layout_frame(image.pixels, frame.skew, frame.turns)[:, :, ::-1].copy()
    h, w = rgb.shape[:2]
    return pymupdf.Pixmap(pymupdf.csRGB, w, h, rgb.tobytes(), 0)


class Canvas:
    """A drawing surface of page images stacked top to bottom, in points."""

    def __init__(self, width: float, height: float) -> None:
        self.doc = pymupdf.open()
        self.page = self.doc.new_page(width=width, height=height)

    def image(self, pix: pymupdf.Pixmap, top: float, frame: PageFrame) -> None:
        self.page.insert_image(pymupdf.Rect(0, top, frame.width, top + frame.height), pixmap=pix)

    def mark(self, m: Mark, dy: float = 0.0) -> None:
        x0, y0, x1, y1 = m.rect
        rect = pymupdf.Rect(x0, y0 + dy, x1, y1 + dy)
        self.page.draw_rect(rect, color=m.colour, width=m.width, dashes="[3 2] 0" if m.dashed else None,
                            fill=m.colour if m.fill_opacity else None, fill_opacity=m.fill_opacity or 1.0)
        if m.label:
            size = 7.0
            self.text(x0 + 1, y0 + dy + size, m.label, m.colour, size)

    def text(self, x: float, y: float, s: str, colour: Colour = (0, 0, 0), size: float = 8.0) -> None:
        font = "helv" if s.isascii() else "china-s"  # china-s sets Latin text wide apart
        self.page.insert_text((x, y), s, fontname=font, fontsize=size, color=colour)

    def render(self, dpi: float, clip: Rect | None = None) -> pymupdf.Pixmap:
        return self.page.get_pixmap(dpi=int(dpi), clip=pymupdf.Rect(clip) if clip else None)

    def close(self) -> None:
        self.doc.close()


def marked_page(doc: pymupdf.Document, frame: PageFrame, marks: list[Mark], dpi: float,
                clip: Rect | None = None) -> pymupdf.Pixmap:
    """One page with its marks, cut to `clip` (layout points) if given."""
    canvas = Canvas(frame.width, frame.height)
    try:
        canvas.image(page_pixmap(doc, frame, dpi), 0.0, frame)
        for m in marks:
            canvas.mark(m)
        return canvas.render(dpi, clip)
    finally:
        canvas.close()
