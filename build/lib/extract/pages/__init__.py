"""Reading pages: a document becomes typed page records (words with boxes, ruling segments)."""

# First: PyMuPDF loads without its unused layout add-on before any module here imports it.
from extract.pages import mupdf  # noqa: F401
from extract.pages.reader import open_pdf, read_pdf_page
from extract.pages.types import Page, Segment, Word

__all__ = ["Page", "Segment", "Word", "open_pdf", "read_pdf_page"]
