"""PDF pages through PyMuPDF: characters from the text layer, ruling strokes from the drawings."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extract.errors import CorruptDocument, EmptyFile, EncryptedDocument, NotADocument
from extract.pages.types import Page, Segment, Word
from extract.settings import GridSettings

PDF_MAGIC = b"%PDF-"
_TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
# Real-world PDFs sometimes carry junk before the header; PDF readers look this far.
PDF_MAGIC_WINDOW = 1024


def open_pdf(path: Path) -> pymupdf.Document:
    """Open a PDF, turning every way it can fail into a specific `BadInput`."""
    with open(path, "rb") as fh:
        head = fh.read(PDF_MAGIC_WINDOW)
    if not head:
        raise EmptyFile("empty file (0 bytes)")
    if PDF_MAGIC not in head:
        raise NotADocument(f"not a PDF (starts with {head[:16]!r})")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except (pymupdf.FileDataError, RuntimeError, ValueError) as exc:
        raise CorruptDocument(f"corrupt PDF: {_one_line(exc)}") from exc
    if doc.needs_pass:
        doc.close()
        raise EncryptedDocument("encrypted PDF: a password is needed to open it")
    if doc.page_count == 0:
        doc.close()
        raise EmptyFile("PDF with no pages")
    return doc


def read_pdf_page(page: pymupdf.Page, settings: GridSettings = GridSettings(), characters: bool = True) -> Page:
    """The page's characters and ruling segments, in unrotated page coordinates. With
    `characters=False`, the rules only (and no words): what decides whether a page can hold a
    form, at a fifth of the cost of its characters (see `plain_text`)."""
    segments, curves = _ruling_segments(page, settings)
    return Page(
        number=page.number + 1,
        width=page.cropbox.width,  # unrotated, as the coordinates are
        height=page.cropbox.height,
        method="text",
        words=_characters(page) if characters else [],
        segments=segments,
        curves=curves,
    )


def with_characters(record: Page, page: pymupdf.Page) -> Page:
    """A page read with `characters=False`, now with its characters."""
    if not record.words:
        record.words = _characters(page)
    return record


def plain_text(page: pymupdf.Page) -> str:
    """The page's characters as plain text (the same characters as its words, no boxes)."""
    return page.get_text("text", flags=_TEXT_FLAGS)


def _characters(page: pymupdf.Page) -> list[Word]:
    words: list[Word] = []
    raw = page.get_text("rawdict", flags=_TEXT_FLAGS)
    for block in raw["blocks"]:
        for line in block.get("lines", ()):
            for span in line["spans"]:
                size = span["size"]
                for ch in span["chars"]:
                    c = ch["c"]
                    if not c or c.isspace() and c != " ":
                        continue
                    x0, y0, x1, y1 = ch["bbox"]
                    words.append(Word(c, x0, y0, x1, y1, ch["origin"][1], size))
    return words


def _ruling_segments(page: pymupdf.Page, settings: GridSettings) -> tuple[list[Segment], int]:
    """Axis-parallel strokes (stroked lines and rectangles, thin filled boxes), and the
    number of curve segments drawn."""
    tol = settings.axis_tolerance
    thin = settings.max_rule_thickness
    out: list[Segment] = []

    def add_line(x0: float, y0: float, x1: float, y1: float) -> None:
        if abs(y1 - y0) <= tol:
            y = (y0 + y1) / 2
            out.append(Segment(x0, y, x1, y) if x0 <= x1 else Segment(x1, y, x0, y))
        elif abs(x1 - x0) <= tol:
            x = (x0 + x1) / 2
            out.append(Segment(x, y0, x, y1) if y0 <= y1 else Segment(x, y1, x, y0))

    def add_box(x0: float, y0: float, x1: float, y1: float, stroked: bool, filled: bool) -> None:
        w, h = x1 - x0, y1 - y0
        if filled and (w <= thin or h <= thin):
            if w <= h:
                add_line((x0 + x1) / 2, y0, (x0 + x1) / 2, y1)
            else:
                add_line(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2)
        elif stroked:
            add_line(x0, y0, x1, y0)
            add_line(x0, y1, x1, y1)
            add_line(x0, y0, x0, y1)
            add_line(x1, y0, x1, y1)

    curves = 0
    # get_cdrawings: the same paths as get_drawings as plain tuples, a third faster.
    for path in page.get_cdrawings():
        kind = path.get("type") or ""
        stroked = "s" in kind
        filled = "f" in kind
        for item in path["items"]:
            op = item[0]
            if op == "l" and stroked:
                (px, py), (qx, qy) = item[1], item[2]
                add_line(px, py, qx, qy)
            elif op == "re":
                x0, y0, x1, y1 = item[1]
                add_box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), stroked, filled)
            elif op == "qu":
                xs = [pt[0] for pt in item[1]]
                ys = [pt[1] for pt in item[1]]
                add_box(min(xs), min(ys), max(xs), max(ys), stroked, filled)
            elif op == "c":
                curves += 1
    return out, curves


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
