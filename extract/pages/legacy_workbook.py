"""An Excel 97–2003 workbook (.xls) read as it is, with xlrd: each sheet → the `Page` record
pages/workbook.py makes of an .xlsx (cells, merges and borders; values under their number
format), for the same layout recovery and segmenter.
"""

from __future__ import annotations

from pathlib import Path

from extract.errors import CorruptDocument, EncryptedDocument
from extract.pages.types import Page, Segment, Word
from extract.pages.workbook import DEFAULT_FONT_PT, DEFAULT_ROW_PT, MAX_CELLS, cell_words, range_edges, shown

# xlrd's column widths are in 1/256 of the "0" character's width; a character ~7 px, 0.75 pt a px.
_PT_PER_WIDTH_UNIT = 7.0 * 0.75 / 256
_TWIPS_PER_PT = 20.0


def read_xls(path: Path) -> tuple[list[Page], list[str]]:
    """One Page per sheet that holds anything, and the notes of the reading."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as exc:
        text = str(exc)
        if "encrypt" in text.lower() or "password" in text.lower():
            raise EncryptedDocument("a password-protected .xls workbook: save it without a password") from exc
        raise CorruptDocument(f"not a readable .xls workbook ({text})") from exc
    except (OSError, ValueError, AssertionError, IndexError) as exc:
        raise CorruptDocument(f"not a readable .xls workbook ({type(exc).__name__}: {exc})") from exc
    pages = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.nrows * sheet.ncols > MAX_CELLS:
                raise CorruptDocument(f"sheet {sheet.name!r} spans {sheet.nrows:,} rows × {sheet.ncols:,} columns: more "
                                      f"than {MAX_CELLS:,} cells, not read (a form is a few hundred)")
            page = _sheet_page(book, sheet, index + 1)
            if page is not None:
                pages.append(page)
    finally:
        book.release_resources()
    return pages, []


def _sheet_page(book, sheet, number: int) -> Page | None:
    import xlrd

    xs = [0.0]
    for c in range(sheet.ncols):
        info = sheet.colinfo_map.get(c)
        width = info.width if info is not None else sheet.defcolwidth * 256 if sheet.defcolwidth else 2340
        xs.append(xs[-1] + width * _PT_PER_WIDTH_UNIT + 5 * 0.75)
    ys = [0.0]
    for r in range(sheet.nrows):
        info = sheet.rowinfo_map.get(r)
        ys.append(ys[-1] + (info.height / _TWIPS_PER_PT if info is not None and info.height else DEFAULT_ROW_PT))
    merged: dict[tuple[int, int], tuple[int, int] | None] = {}
    for r0, r1, c0, c1 in sheet.merged_cells:  # half-open ranges
        for r in range(r0, r1):
            for c in range(c0, c1):
                merged[(r, c)] = None
        merged[(r0, c0)] = (r1 - 1, c1 - 1)
    words: list[Word] = []
    segments: list[Segment] = []
    cells: dict[tuple[float, float, float, float], str] = {}
    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            span = merged.get((r, c), (r, c))
            if span is None:
                continue
            r1, c1 = span
            box = (xs[c], ys[r], xs[c1 + 1], ys[r1 + 1])
            cells[box] = f"{sheet.name}!{xlrd.cellname(r, c)}"
            segments += range_edges(lambda row, col, side: _drawn(book, sheet, row, col, side), r, c, r1, c1, box)
            cell = sheet.cell(r, c)
            value = cell.value
            if cell.ctype == xlrd.XL_CELL_EMPTY or cell.ctype == xlrd.XL_CELL_BLANK:
                continue
            xf = book.xf_list[cell.xf_index]
            fmt = book.format_map[xf.format_key].format_str if xf.format_key in book.format_map else "General"
            if cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            text = shown(value, fmt)
            if text.strip():
                font = book.font_list[xf.font_index]
                size = font.height / _TWIPS_PER_PT if font.height else DEFAULT_FONT_PT
                words += cell_words(text, box, size)
    if not words:
        return None
    return Page(number=number, width=xs[-1], height=ys[-1], method="native", words=words, segments=segments,
                cells=cells)


def _drawn(book, sheet, row: int, col: int, side: str) -> bool:
    if row >= sheet.nrows or col >= sheet.ncols:
        return False
    border = book.xf_list[sheet.cell_xf_index(row, col)].border
    return getattr(border, f"{side}_line_style", 0) != 0
