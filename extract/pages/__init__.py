"""Reading pages: a document becomes typed page records (words with boxes, ruling segments)."""

from extract.pages.types import Page, Segment, Word
from extract.pages.reader import open_pdf, read_pdf_page

__all__ = ["Page", "Segment", "Word", "open_pdf", "read_pdf_page"]
