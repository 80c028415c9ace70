"""A workbook (.xlsx) read as it is: each sheet → the same `Page` record a text PDF gives —
its cells' texts as words where the cells lie, its cell borders as ruling segments — so the
one `recover_layout` and the one segmenter read it. No page breaks, no OCR.

Geometry comes from the sheet: column widths and row heights in points (Excel's defaults
where unset), a merged range one box. A value is shown as the form shows it: its number
format applied (110 with `0.00` → "110.00", `0.00%` → "97.64%", `#,##0.00` → "4,310.00"); a
formula's cached value (a formula never calculated is said, never shown as its text). Hidden
rows and columns are read like the others; text outside the ruled table (the title, 金额单位)
becomes free text, as on a page.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from extract.errors import CorruptDocument, EncryptedDocument
from extract.pages.types import Page, Segment, Word

# Excel's defaults: a column of 8.43 characters (64 px), a row of 15 pt.
DEFAULT_COLUMN_CHARS = 8.43
DEFAULT_ROW_PT = 15.0
DEFAULT_FONT_PT = 11.0
# A character of the default font is ~7 px wide, plus 5 px of padding per column; 0.75 pt a px.
_PX_PER_CHAR, _PAD_PX, _PT_PER_PX = 7.0, 5.0, 0.75
# A sheet larger than this many cells is not read (a form is a few hundred): a reason, not an hour.
MAX_CELLS = 200_000
# The zip limits of archives apply to a workbook's parts too (it is a zip).
MAX_UNPACKED_BYTES = 256 * 2**20
MAX_RATIO = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx, or a legacy .xls
_DECIMALS = re.compile(r"0\.(0+)")
WRAP_FREE_SHARE = 0.45


def check_office_zip(path: Path, kind: str = "workbook", legacy: str = ".xls", suffix: str = ".xlsx",
                     unreadable: str = "not a readable workbook") -> None:
    """An Office Open XML file (.xlsx, .docx) checked before it is opened: an OLE file is a
    password-protected one (or an old binary one renamed), a broken zip is not readable, and
    one that inflates past the archive limits is a zip bomb. Raises BadInput subclasses."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise EncryptedDocument(f"a password-protected {kind} (or an old {legacy} saved as {suffix}): "
                                "save it without a password")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except zipfile.BadZipFile as exc:
        raise CorruptDocument(f"{unreadable} ({exc})") from exc
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise CorruptDocument(f"a {kind} that unpacks to {unpacked / 2**20:.0f} MB ({unpacked / packed:.0f}:1): "
                              "refused as a zip bomb")


def shown(value: object, number_format: str) -> str:
    """A cell's value as the sheet shows it under its number format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, (int, float)):
        return str(value)
    fmt = (number_format or "General").split(";")[0]
    if fmt == "General" or fmt == "@":
        text = f"{value:.10f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        return text
    percent = "%" in fmt
    number = value * 100 if percent else value
    m = _DECIMALS.search(fmt)
    decimals = len(m.group(1)) if m else 0
    text = f"{number:,.{decimals}f}" if "," in fmt else f"{number:.{decimals}f}"
    return text + ("%" if percent else "")


def _check_extent(probe) -> None:
    """Refuse a workbook with a sheet of more than MAX_CELLS cells, from the extent each sheet
    declares (read without loading it): a form is a few hundred cells, and loading millions
    would take minutes and gigabytes."""
    try:
        for sheet in probe.worksheets:
            rows, cols = sheet.max_row or 0, sheet.max_column or 0
            if rows * cols > MAX_CELLS:
                raise CorruptDocument(f"sheet {sheet.title!r} spans {rows:,} rows × {cols:,} columns: more than "
                                      f"{MAX_CELLS:,} cells, not read (a form is a few hundred)")
    finally:
        probe.close()


def _column_points(sheet, col: int) -> float:
    from openpyxl.utils import get_column_letter

    dim = sheet.column_dimensions.get(get_column_letter(col))
    chars = dim.width if dim is not None and dim.width else DEFAULT_COLUMN_CHARS
    return (chars * _PX_PER_CHAR + _PAD_PX) * _PT_PER_PX


def _row_points(sheet, row: int) -> float:
    dim = sheet.row_dimensions.get(row)
    return dim.height if dim is not None and dim.height else DEFAULT_ROW_PT


def read_workbook(path: Path) -> tuple[list[Page], list[str]]:
    """One Page per sheet that holds anything (number: the sheet's 1-based index), and the
    notes of the reading. Raises BadInput subclasses for a file that is no readable workbook."""
    check_office_zip(path)
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        _check_extent(openpyxl.load_workbook(path, read_only=True))
        book = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise CorruptDocument(f"not a readable workbook ({type(exc).__name__}: {exc})") from exc
    notes = []
    pages = []
    for index, sheet in enumerate(book.worksheets, start=1):
        page = _sheet_page(sheet, formulas.worksheets[index - 1], index, notes)
        if page is not None:
            pages.append(page)
    return pages, notes


def _sheet_page(sheet, formula_sheet, number: int, notes: list[str]) -> Page | None:
    rows, cols = sheet.max_row, sheet.max_column
    xs = [0.0]
    for c in range(1, cols + 1):
        xs.append(xs[-1] + _column_points(sheet, c))
    ys = [0.0]
    for r in range(1, rows + 1):
        ys.append(ys[-1] + _row_points(sheet, r))
    merged = {}  # top-left (row, col) → (last row, last col); other cells of a range → None
    for rng in sheet.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = None
        merged[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)
    words: list[Word] = []
    segments: list[Segment] = []
    cells: dict[tuple[float, float, float, float], str] = {}
    uncached = []
    for row in sheet.iter_rows(min_row=1, max_row=rows, max_col=cols):
        for cell in row:
            r, c = cell.row, cell.column
            span = merged.get((r, c), (r, c))
            if span is None:
                continue  # inside a merged range: its top-left cell speaks for it
            r1, c1 = span
            box = (xs[c - 1], ys[r - 1], xs[c1], ys[r1])
            cells[box] = f"{sheet.title}!{cell.coordinate}"
            segments += range_edges(lambda row, col, side: _drawn(sheet, row, col, side), r, c, r1, c1, box)
            text = shown(cell.value, cell.number_format)
            if cell.value is None:
                f = formula_sheet.cell(r, c).value
                if isinstance(f, str) and f.startswith("="):
                    uncached.append(cell.coordinate)
            if text.strip():
                size = float(cell.font.sz) if cell.font is not None and cell.font.sz else DEFAULT_FONT_PT
                words += cell_words(text, box, size)
    if uncached:
        notes.append(f"sheet {sheet.title!r}: formula(s) with no calculated value in {', '.join(uncached[:5])}"
                     + (" …" if len(uncached) > 5 else "") + ": open and save the workbook in Excel")
    if not words:
        return None
    return Page(number=number, width=xs[-1], height=ys[-1], method="native", words=words, segments=segments,
                cells=cells)


def range_edges(drawn, r: int, c: int, r1: int, c1: int, box) -> list[Segment]:
    """The drawn edges of a cell spanning rows r..r1 and columns c..c1 (a merged range: an edge
    is drawn where any of its outer cells draws it). `drawn(row, col, side)`: whether that cell
    draws its top, bottom, left or right border."""
    x0, y0, x1, y1 = box
    out = []
    if any(drawn(r, cc, "top") for cc in range(c, c1 + 1)):
        out.append(Segment(x0, y0, x1, y0))
    if any(drawn(r1, cc, "bottom") for cc in range(c, c1 + 1)):
        out.append(Segment(x0, y1, x1, y1))
    if any(drawn(rr, c, "left") for rr in range(r, r1 + 1)):
        out.append(Segment(x0, y0, x0, y1))
    if any(drawn(rr, c1, "right") for rr in range(r, r1 + 1)):
        out.append(Segment(x1, y0, x1, y1))
    return out


def _drawn(sheet, row: int, col: int, side: str) -> bool:
    border = sheet.cell(row, col).border
    edge = getattr(border, side, None) if border is not None else None
    return edge is not None and edge.style is not None


def cell_words(text: str, box, size: float, wrap_free: bool = True) -> list[Word]:
    """The cell's text, a word per line, set inside its box from the top left (print's place
    matters only as far as the cell that holds it). `wrap_free`: each line a paragraph's end
    (the text of a cell typed in a sheet or a Word table)."""
    x0, y0, x1, y1 = box
    lines = [ln for ln in text.replace("\r\n", "\n").split("\n")]
    line_h = size * 1.3
    top = y0 + max(1.0, ((y1 - y0) - line_h * len(lines)) / 2)
    words = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        # At most under half the cell's width: a line of a sheet's cell ends where its text has a
        # newline, never by wrapping, and the layout's wrap test (grid/text.py) must see room left.
        natural = max(size * 0.6, size * sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) / 2)
        width = min((WRAP_FREE_SHARE if wrap_free else 1.0) * (x1 - x0 - 2), natural)
        wy0 = top + i * line_h
        words.append(Word(text=line.strip(), x0=x0 + 1, y0=wy0, x1=x0 + 1 + width, y1=wy0 + size,
                          baseline=wy0 + size * 0.88, size=size))
    return words
