"""One document, end to end: pages → layouts → forms. The document boundary lives here:
every failure of one file becomes its `failed` row, and the batch goes on."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from extract.errors import BadInput, CorruptDocument, NotADocument
from extract.files import file_sha256
from extract.grid import PageLayout, recover_layout
from extract.pages import Page, open_pdf, read_pdf_page
from extract.pages.reader import plain_text, with_characters
from extract.pages.layer import MIN_UNMAPPED_IN_TEXT, LayerCheck, partial_layer, unmapped_in_text
from extract.pages.mupdf import pymupdf  # PyMuPDF without its unused layout add-on
from extract.records import DocumentResult, Form, PageFrame
from extract.segment import load_lexicon, segment_layouts
from extract.settings import DEFAULT_SETTINGS, Settings
from extract.values.form import to_form
from extract.values.text import compact

if TYPE_CHECKING:
    from extract.audit.rules import Rules

PDF_SUFFIXES = {".pdf"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}  # pages/workbook.py (kept here: the text path imports no openpyxl)
WORD_SUFFIXES = {".docx"}  # pages/worddoc.py
LEGACY_WORKBOOK_SUFFIXES = {".xls"}  # pages/legacy_workbook.py
OFFICE_SUFFIXES = {".doc", ".et", ".wps"}  # pages/office.py: through LibreOffice, where installed
OFFICE_FILE_SUFFIXES = WORKBOOK_SUFFIXES | WORD_SUFFIXES | LEGACY_WORKBOOK_SUFFIXES | OFFICE_SUFFIXES
IMAGE_SUFFIXES = {".tif", ".tiff", ".png", ".jpg", ".jpeg"}
# A page with fewer characters than this, but with images or drawn glyphs, is a scan.
MIN_TEXT_CHARS = 20
# Text drawn as vector outlines: a page with this many curve segments and no characters.
MIN_CURVES_FOR_DRAWN_TEXT = 200
# Share of replacement / private-use characters (fonts without a Unicode map) that makes a
# text layer unusable.
MAX_BROKEN_SHARE = 0.1
# A ruled table this large with text in fewer than this share of its cells has its text
# elsewhere (an image under the rules, or outlines).
MIN_CELLS_FOR_EMPTY_GRID = 20
MIN_FILLED_SHARE = 0.1


@dataclass
class ReadPages:
    """A document's pages after grid recovery, and what could not be read."""

    layouts: list[PageLayout]
    page_count: int
    ocr_pages: list[int]  # pages read by OCR
    unread: list[int]  # pages that needed OCR but were not read (--ocr never)
    damage: str | None  # what the reader found broken, when it had to repair the file
    # Pages read from their text layer that cannot hold a form: no layout recovered.
    skipped: list[Page] = field(default_factory=list)
    # What reading the file itself must say (a workbook formula never calculated …).
    notes: list[str] = field(default_factory=list)

    @property
    def frames(self) -> list[PageFrame]:
        read = sorted([layout.page for layout in self.layouts] + self.skipped, key=lambda p: p.number)
        return [PageFrame(p.number, p.method, p.width, p.height, p.turns, p.skew, p.dpi) for p in read]

    @property
    def method(self) -> str | None:
        if not self.layouts and not self.skipped:
            return None
        if all(layout.page.method == "native" for layout in self.layouts) and not self.skipped:
            return "native"
        if not self.ocr_pages:
            return "text"
        return "ocr" if len(self.ocr_pages) == len(self.layouts) + len(self.skipped) else "mixed"


def open_document(path: Path) -> pymupdf.Document:
    """A PDF, or a scan image (TIFF/PNG/JPEG, one page per frame) as a document."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        try:
            with pymupdf.open(path) as img:
                if img.page_count == 0:
                    raise CorruptDocument("image file with no frames")
                return _image_pages(img)
        except (pymupdf.FileDataError, RuntimeError, ValueError, IndexError) as exc:
            raise CorruptDocument(f"unreadable image: {' '.join(str(exc).split())}") from exc
    if suffix not in PDF_SUFFIXES:
        raise NotADocument(f"not a PDF or image ({path.suffix or 'no extension'})")
    return open_pdf(path)


def _image_pages(img: pymupdf.Document) -> pymupdf.Document:
    """An image file's frames as a PDF of one image per page, so a scan file takes the same
    road as a scanned PDF. Each frame is drawn at its own size (pixel for pixel) into an
    in-memory PDF: `convert_to_pdf` gives the same pages but deflates them on writing, 3 s for
    one colour page of 3500×2500 px."""
    doc = pymupdf.open()
    for frame in img:
        info = frame.get_image_info()[0]
        rect = frame.rect
        space = pymupdf.csGRAY if info.get("colorspace") == 1 else pymupdf.csRGB
        pix = frame.get_pixmap(matrix=pymupdf.Matrix(info["width"] / rect.width, info["height"] / rect.height), colorspace=space)
        doc.new_page(width=rect.width, height=rect.height).insert_image(rect, pixmap=pix)
    return doc


def read_office_file(path: Path, settings: Settings = DEFAULT_SETTINGS) -> ReadPages:
    """A workbook's sheets (pages/workbook.py, pages/legacy_workbook.py) or a Word document's
    body (pages/worddoc.py), a page each, read from the file itself; the formats no Python
    reader takes, through LibreOffice first (pages/office.py)."""
    suffix = path.suffix.lower()
    if suffix in OFFICE_SUFFIXES:
        return _read_converted(path, settings)
    if suffix in WORD_SUFFIXES:
        from extract.pages.worddoc import read_docx

        pages, notes = read_docx(path), []
    elif suffix in LEGACY_WORKBOOK_SUFFIXES:
        from extract.pages.legacy_workbook import read_xls
        from extract.pages.office import soffice

        try:
            pages, notes = read_xls(path)
        except CorruptDocument as exc:
            if soffice() is None:
                raise
            read = _read_converted(path, settings, "xlsx")  # an .xls xlrd cannot take (a WPS one …)
            read.notes.append(f"read through LibreOffice ({exc}): check the forms against the file")
            return read
    else:
        from extract.pages.workbook import read_workbook

        pages, notes = read_workbook(path)
    return ReadPages([recover_layout(page, settings) for page in pages], len(pages), [], [], None, notes=notes)


def needs_ocr(record: Page, page: pymupdf.Page, layout: PageLayout | None, mode: str,
              layer: LayerCheck | None = None, text: str | None = None) -> bool:
    """Whether the text layer is missing or unusable (or OCR is forced). With `layer`, also
    whether it lies (pages/layer.py: wrong characters, read back from a few cells' pixels).
    `text`: the page's plain text, for a record read without its characters."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    if text is None:
        text = [w.text for w in record.words if not w.text.isspace()]
    else:
        text = [c for c in text if not c.isspace()]
    if len(text) < MIN_TEXT_CHARS:
        return bool(page.get_images()) or record.curves >= MIN_CURVES_FOR_DRAWN_TEXT
    broken = sum(c == "\ufffd" or "\ue000" <= c <= "\uf8ff" for c in text)
    if broken > MAX_BROKEN_SHARE * len(text):
        return True
    if broken >= MIN_UNMAPPED_IN_TEXT and unmapped_in_text(text):
        return True  # fewer, but set among Chinese text: a font (the title's) without a map
    if layout is not None:
        cells = [c for g in layout.grids for c in g.cells]
        if len(cells) >= MIN_CELLS_FOR_EMPTY_GRID and sum(bool(c.words) for c in cells) < MIN_FILLED_SHARE * len(cells):
            return True  # a ruled form whose cells hold no text: the text is in an image or curves
        if partial_layer(record, page, layout):
            return True  # labels as text, values as an image or curves
        if layer is not None and layer.lies(record, page, layout):
            return True
    return False


def read_layouts(path: Path, settings: Settings = DEFAULT_SETTINGS) -> ReadPages:
    """Every page's layout, from the text layer or by OCR (settings.ocr.mode). A page that
    cannot hold a form (see `may_hold_form`) is read, but its grid and lines are not recovered.
    Workbooks and Word documents are read as they are (`read_office_file`)."""
    if path.suffix.lower() in OFFICE_FILE_SUFFIXES:
        return read_office_file(path, settings)
    pymupdf.TOOLS.mupdf_warnings()  # drop warnings of earlier files
    doc = open_document(path)
    try:
        layouts, ocr_pages, unread, skipped = [], [], [], []
        layer = LayerCheck(settings)
        titles = load_lexicon().titles
        pages = iter(doc)
        page = next(pages, None)
        # Rules first, for every page (the next page's too: see may_hold_form); characters only
        # where a layout is recovered: a page that cannot hold a form is judged by its plain text.
        record = read_pdf_page(page, settings.grid, characters=False) if page is not None else None
        previous_formlike = False
        while page is not None:
            following = next(pages, None)
            upcoming = read_pdf_page(following, settings.grid, characters=False) if following is not None else None
            text = None if record.segments else plain_text(page)
            formlike = bool(record.segments) or title_like(text, titles)
            if (settings.ocr.mode != "always" and text and not text.isspace()
                    and not may_hold_form(formlike, previous_formlike, upcoming)
                    and not needs_ocr(record, page, None, settings.ocr.mode, text=text)):
                skipped.append(record)  # no rules, so no grid: needs_ocr with its layout says the same
            else:
                record = with_characters(record, page)
                layout = recover_layout(record, settings) if record.words else None
                if needs_ocr(record, page, layout, settings.ocr.mode, layer):
                    from extract.ocr.page import read_scan  # the OCR stack loads only when needed
                    from extract.pages.images import page_image

                    # The scan's words and rules, as a Page: the same layout recovery as text.
                    record = read_scan(page_image(page, settings.ocr.dpi), record.number, settings)
                    layout = recover_layout(record, settings)
                    ocr_pages.append(record.number)
                elif layout is None:
                    if needs_ocr(record, page, None, "auto"):
                        unread.append(record.number)
                if layout is not None:
                    layouts.append(layout)
            previous_formlike = formlike
            page, record = following, upcoming
        damage = None
        if doc.is_repaired:
            first = next((w for w in pymupdf.TOOLS.mupdf_warnings().splitlines() if w.strip()), "broken structure")
            damage = first
        return ReadPages(layouts, doc.page_count, ocr_pages, unread, damage, skipped)
    finally:
        doc.close()


def _address_boxes(form: Form, cells: dict[int, dict]) -> None:
    """Each field box of a native form named by the cell of its file that holds it."""
    for i, box in enumerate(form.boxes):
        cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        for (x0, y0, x1, y1), address in cells.get(box.page, {}).items():
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                form.boxes[i] = replace(box, cell=address)
                break


def _read_converted(path: Path, settings: Settings, target: str | None = None) -> ReadPages:
    """A file LibreOffice converts into a .docx or .xlsx first (pages/office.py)."""
    import tempfile

    from extract.pages.office import converted

    with tempfile.TemporaryDirectory(prefix="jixiao-office-") as tmp:
        return read_layouts(converted(path, Path(tmp), target), settings)


def title_like(text: str, titles: tuple[str, ...]) -> bool:
    """Whether a line of the page's text could be a form title (segment/lexicon.py `is_title`),
    judged cheaply and never wrongly no: a title line matches a spelling with at most a quarter
    of its characters substituted, so the page holds all but that many of its characters."""
    present = set(compact(text)) | set(text)
    for spelling in titles:
        need = set(spelling)
        if len(need & present) >= len(need) - max(1, len(spelling) // 4):
            return True
    return False


def may_hold_form(formlike: bool, previous_formlike: bool, upcoming: Page | None) -> bool:
    """Whether a page's layout can matter to the forms. A page with ruling segments can hold a
    form's table (or its continuation), one with title-like text its title (maybe at the foot,
    the table on the next page). The page after either may hold a form's last lines ("评分等级：
    优" under a table that ended at a page foot), and the page before a ruled page the lines
    above its table (a unit, the year). Any other page — a cover, a page of prose — cannot."""
    return formlike or previous_formlike or (upcoming is not None and bool(upcoming.segments))


def extract_forms(path: Path, settings: Settings = DEFAULT_SETTINGS, *,
                  rules: Rules | None = None) -> tuple[list[Form], ReadPages]:
    """The forms of one document (raises `BadInput` when the file cannot be read). `rules`:
    the audit rules a scanned form's arithmetic is checked by (None: settings.audit_rules,
    else the defaults)."""
    pages = read_layouts(path, settings)
    lex = load_lexicon()
    forms = []
    for i, seg in enumerate(segment_layouts(pages.layouts, lex)):
        scanned = any(seg.page_start <= p <= seg.page_end for p in pages.ocr_pages)
        method = "native" if pages.method == "native" else "ocr" if scanned else "text"
        forms.append(to_form(seg, i, method, lex))
    cells = {layout.page.number: layout.page.cells for layout in pages.layouts if layout.page.cells}
    for form in forms if cells else ():
        _address_boxes(form, cells)
    if pages.notes:  # what reading the file said (a workbook's formula never calculated …)
        for form in forms:
            form.needs_review = True
            form.review_reasons += pages.notes
            form.doubts = sorted({*form.doubts, "form"})
    if pages.damage:
        for form in forms:
            form.needs_review = True
            form.review_reasons.append(f"damaged PDF, repaired by the reader ({pages.damage}): check against the file")
            form.doubts = sorted({*form.doubts, "form"})
    flag_arithmetic_doubts([f for f in forms if f.method == "ocr"], rules or settings.audit_rules)
    return forms, pages


def flag_arithmetic_doubts(forms: list[Form], rules: Rules | None = None) -> None:
    """A scanned form whose sums do not add up may hold a misread digit, however sure the
    recogniser was: it goes to review (the values stay as read; the audit says the rest).
    The audit's per-form checks (audit/checks.py), run on these forms' rows alone."""
    if not forms:
        return
    import polars as pl

    from extract.audit.checks import CHECKS, FINDINGS, blame_unread, build_context
    from extract.audit.rules import load_rules
    from extract.dataset import to_frames

    frames = to_frames([DocumentResult(doc_id="", path="", status="ok", forms=forms)])
    ctx = build_context(frames["forms"], frames["fund_lines"], frames["indicators"], rules or load_rules())
    keep = {name: FINDINGS[name] for name in ("form_id", "check", "severity", "source")}
    findings = pl.concat([check(ctx).select(list(keep)).cast(keep) for check in CHECKS.values()])
    findings = blame_unread(findings, ctx.forms)
    errors = findings.filter(pl.col("severity") == "error")
    for form in forms:
        checks = sorted(set(errors.filter(errors["form_id"] == f":{form.form_index}")["check"]))
        if checks:
            form.needs_review = True
            form.review_reasons.append("arithmetic does not add up, a misreading is possible: " + ", ".join(checks))
            form.doubts = sorted({*form.doubts, "form"})


def process_document(path: Path, shown_path: str, settings: Settings = DEFAULT_SETTINGS, doc_id: str | None = None,
                     layouts: list[PageLayout] | None = None, *, rules: Rules | None = None) -> DocumentResult:
    """Extract one file; never raises for anything the file does. Pass a list as `layouts`
    to receive the pages' recovered layouts (for overlays). `rules`: the audit rules that
    flag a scanned form whose arithmetic fails (None: settings.audit_rules, else the defaults)."""
    started = time.perf_counter()
    result = DocumentResult(doc_id=doc_id or "", path=shown_path)
    try:
        result.doc_id = result.doc_id or file_sha256(path)
        forms, pages = extract_forms(path, settings, rules=rules)
        result.forms, result.pages = forms, pages.page_count
        result.frames = pages.frames
        if layouts is not None:
            layouts.extend(pages.layouts)
        result.method = pages.method
        result.status = "ok" if forms else "no_form"
        notes = []
        if pages.damage:  # read what the repair saved; say so, and whether it held a form
            notes.append(f"damaged PDF ({pages.damage}): " + (
                "repaired by the reader, forms read from what it saved" if forms
                else "repaired by the reader, but no form could be read from what it saved"))
        if looks := unread_form_pages(pages.layouts, forms, pages.ocr_pages):
            result.needs_review = True
            notes.append(f"page(s) {_pages(looks)} hold a ruled table that looks like a 自评表 but no form was "
                         "read from it: check by eye")
        if pages.unread:
            notes.append(f"{len(pages.unread)} page(s) without a usable text layer not read (--ocr never): {_pages(pages.unread)}")
        notes += pages.notes
        result.error = "; ".join(notes) or None
        if notes and not forms and not result.needs_review:
            result.status = "failed"
    except BadInput as exc:
        result.status, result.error = "failed", str(exc)
    except Exception as exc:  # a bug, not the file's fault: record it and carry on
        where = traceback.extract_tb(exc.__traceback__)[-1]
        result.status = "failed"
        result.error = f"internal error {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
    result.seconds = time.perf_counter() - started
    return result


# A ruled page whose text names this many of the form's labels is taken for a form.
_FORM_LABELS_SEEN = 3
_FORM_LABELS = ("项目名称", "主管部门", "实施单位", "项目资金", "年度指标值", "实际完成值", "一级指标", "三级指标",
                "预算执行率", "绩效目标", "评分等级")
# A table that no form read from, on a page a form was read from, is a form's when its text
# names this many of the indicator levels (产出指标, 数量指标 …) and the closing rows (总分, 评分等级).
_FORM_NAMES_SEEN = 3
_CLOSING_NAMES = frozenset({"总分", "评分等级", "自评等级", "绩效等级"})


def unread_form_pages(layouts: list[PageLayout], forms: list[Form], ocr_pages: list[int]) -> list[int]:
    """Pages holding a ruled table no form was read from that looks like a 自评表's: a reading
    failed there (a scan too poor, a seal or a shadow over the title, a page cut) and a person
    should look, rather than trust what was read. Outside every form, a table whose words carry
    the form's title — or, on a scan, several of its labels; on a page a form was read from,
    a table none of its fields came from whose cells name indicator levels and closing rows
    (the rest of a form whose head was lost, beside one that was read)."""
    lex = load_lexicon()
    names = lex.level1_names | lex.level2_names | _CLOSING_NAMES
    out = []
    for layout in layouts:
        number = layout.page.number
        if not layout.grids:
            continue
        read_here = [f for f in forms if f.page_start <= number <= f.page_end]
        if read_here:
            boxes = [b for f in read_here for b in f.boxes if b.page == number]
            if any(_orphan_form_table(grid, boxes, names) for grid in layout.grids):
                out.append(number)
            continue
        text = compact("".join(w.text for w in layout.page.words))
        labels = sum(label in text for label in _FORM_LABELS)
        if lex.is_title(text) or (number in ocr_pages and labels >= _FORM_LABELS_SEEN):
            out.append(number)
    return out


def _orphan_form_table(grid, boxes, names: frozenset[str]) -> bool:
    x0, y0, x1, y1 = grid.bbox
    if any(x0 - 1 <= (b.x0 + b.x1) / 2 <= x1 + 1 and y0 - 1 <= (b.y0 + b.y1) / 2 <= y1 + 1 for b in boxes):
        return False
    # Named anywhere in its text: a poor scan merges cells (a shadow's edge read as a rule).
    text = compact("".join(c.text for c in grid.cells))
    return sum(name in text for name in names) >= _FORM_NAMES_SEEN


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10]))
    return shown + (" …" if len(numbers) > 10 else "")
