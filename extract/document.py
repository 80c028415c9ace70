"""One document, end to end: pages → layouts → forms. The document boundary lives here:
every failure of one file becomes its `failed` row, and the batch goes on."""

from __future__ import annotations

import hashlib
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from extract.errors import BadInput, NotADocument, OcrUnavailable
from extract.grid import PageLayout, recover_layout
from extract.pages import open_pdf, read_pdf_page
from extract.records import Form
from extract.segment import load_lexicon, segment_layouts
from extract.settings import DEFAULT_SETTINGS, Settings
from extract.values.form import to_form

PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".tif", ".tiff", ".png", ".jpg", ".jpeg"}
# A page with fewer characters than this, but with images, is a scan: its text layer is missing.
MIN_TEXT_CHARS = 20


@dataclass
class DocumentResult:
    """What one input file became: its documents.parquet row and its forms."""

    doc_id: str
    path: str
    pages: int | None = None
    status: str = "failed"
    error: str | None = None
    method: str | None = None
    seconds: float = 0.0
    forms: list[Form] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class ReadPages:
    """A document's pages after grid recovery, and what could not be read."""

    layouts: list[PageLayout]
    page_count: int
    scans: list[int]  # pages with no usable text layer (they need OCR)
    damage: str | None  # set when the reader had to repair the file


def read_layouts(path: Path, settings: Settings = DEFAULT_SETTINGS, ocr: str = "auto") -> ReadPages:
    """Every text page's layout, the page count, and the pages that need OCR.

    `ocr`: auto (OCR pages without a usable text layer), always, never. OCR is not built yet:
    pages that need it are reported, never silently skipped.
    """
    if ocr == "always":
        raise OcrUnavailable("--ocr always: OCR is not available in this build")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise OcrUnavailable("image file: scans need OCR, which this build does not have yet")
    if path.suffix.lower() not in PDF_SUFFIXES:
        raise NotADocument(f"not a PDF or image ({path.suffix or 'no extension'})")
    pymupdf.TOOLS.mupdf_warnings()  # drop warnings of earlier files
    doc = open_pdf(path)
    try:
        layouts, scans = [], []
        for page in doc:
            record = read_pdf_page(page, settings.grid)
            if len(record.words) < MIN_TEXT_CHARS and page.get_images():
                scans.append(record.number)
                continue
            layouts.append(recover_layout(record, settings))
        damage = None
        if doc.is_repaired:
            first = next((w for w in pymupdf.TOOLS.mupdf_warnings().splitlines() if w.strip()), "broken structure")
            damage = f"damaged PDF repaired by the reader ({first})"
        return ReadPages(layouts, doc.page_count, scans, damage)
    finally:
        doc.close()


def extract_forms(path: Path, settings: Settings = DEFAULT_SETTINGS, ocr: str = "auto") -> tuple[list[Form], ReadPages]:
    """The forms of one document (raises `BadInput` when the file cannot be read)."""
    pages = read_layouts(path, settings, ocr)
    lex = load_lexicon()
    forms = [to_form(seg, i, "text", lex) for i, seg in enumerate(segment_layouts(pages.layouts, lex))]
    if pages.damage:
        for form in forms:
            form.needs_review = True
            form.review_reasons.append(pages.damage)
    return forms, pages


def process_document(
    path: Path, shown_path: str, settings: Settings = DEFAULT_SETTINGS, doc_id: str | None = None, ocr: str = "auto"
) -> DocumentResult:
    """Extract one file; never raises for anything the file does."""
    started = time.perf_counter()
    result = DocumentResult(doc_id=doc_id or "", path=shown_path)
    try:
        result.doc_id = result.doc_id or file_sha256(path)
        forms, pages = extract_forms(path, settings, ocr)
        result.forms, result.pages = forms, pages.page_count
        result.method = "text" if forms else None
        result.status = "ok" if forms else "no_form"
        notes = [pages.damage] if pages.damage else []
        if pages.scans:
            why = "--ocr never" if ocr == "never" else "OCR not available"
            notes.append(f"{len(pages.scans)} page(s) without a text layer not read ({why}): {_pages(pages.scans)}")
        result.error = "; ".join(notes) or None
        if notes and not forms:
            result.status = "failed"
    except BadInput as exc:
        result.status, result.error = "failed", str(exc)
    except Exception as exc:  # a bug, not the file's fault: record it and carry on
        where = traceback.extract_tb(exc.__traceback__)[-1]
        result.status = "failed"
        result.error = f"internal error {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
    result.seconds = time.perf_counter() - started
    return result


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10]))
    return shown + (" …" if len(numbers) > 10 else "")
