"""A Word document (.docx) read as it is: its body → one `Page` record, as a text PDF's page
gives, for the one `recover_layout` and the one segmenter. Paragraphs become lines of free
text where they stand; a table's cells become words in their boxes and its cell edges ruling
segments, the boxes laid out from the table's own grid (tblGrid column widths, gridSpan across
columns, vMerge down rows). No page breaks: a form that Word would print on two pages is one
table here.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from extract.errors import CorruptDocument
from extract.pages.types import Page, Segment, Word
from extract.pages.workbook import cell_words, check_office_zip

FONT_PT = 10.5  # Word's 五号
LINE_PT = FONT_PT * 1.6
PAGE_WIDTH_PT = 595.0
# A document larger than this many table cells is not read (a form is a few hundred).
MAX_CELLS = 20_000


def read_docx(path: Path) -> list[Page]:
    """The document's body as one Page (none if it holds no text). Raises BadInput subclasses."""
    check_office_zip(path, "document", ".doc", ".docx", "not a readable .docx")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise CorruptDocument(f"not a readable .docx ({type(exc).__name__}: {exc})") from exc
    words: list[Word] = []
    segments: list[Segment] = []
    addresses: dict[tuple[float, float, float, float], str] = {}
    y, width, cells = 20.0, PAGE_WIDTH_PT, 0
    tables = 0
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in el.iter() if t.tag.endswith("}t"))
            if text.strip():
                words += cell_words(text, (20.0, y, width - 20.0, y + LINE_PT), FONT_PT, wrap_free=False)
            y += LINE_PT
        elif tag == "tbl":
            tables += 1
            y, n = _table(el, y, words, segments, addresses, tables)
            cells += n
            if cells > MAX_CELLS:
                raise CorruptDocument(f"more than {MAX_CELLS:,} table cells: not read (a form is a few hundred)")
            y += LINE_PT
    if not words:
        return []
    return [Page(number=1, width=width, height=y + 20.0, method="native", words=words, segments=segments,
                 cells=addresses)]


def _table(tbl, top: float, words: list[Word], segments: list[Segment], addresses: dict, number: int) -> tuple[float, int]:
    """One table laid out from `top`: its words, edges and cell addresses ("表格2 第5行第3列")
    added; the y below it, its cell count."""
    from docx.shared import Length

    grid = [Length(int(col.get(_qn("w:w")) or 0) * 635).pt for col in tbl.iter(_qn("w:gridCol"))]
    grid = [w if w > 0 else 60.0 for w in grid] or [60.0]
    x0 = max(20.0, (PAGE_WIDTH_PT - sum(grid)) / 2)
    xs = [x0]
    for w in grid:
        xs.append(xs[-1] + w)
    rows = [tr for tr in tbl.iterchildren() if tr.tag == _qn("w:tr")]
    # First pass: each row's cells as (first grid column, span, vMerge, text).
    laid: list[list[tuple[int, int, str | None, str]]] = []
    for tr in rows:
        col, out = 0, []
        for tc in tr.iterchildren(_qn("w:tc")):
            pr = tc.find(_qn("w:tcPr"))
            span = int(pr.find(_qn("w:gridSpan")).get(_qn("w:val"))) if pr is not None and pr.find(_qn("w:gridSpan")) is not None else 1
            vm = pr.find(_qn("w:vMerge")) if pr is not None else None
            vmerge = None if vm is None else (vm.get(_qn("w:val")) or "continue")
            paras = ["".join(t.text or "" for t in p.iter(_qn("w:t"))) for p in tc.iterchildren(_qn("w:p"))]
            out.append((col, span, vmerge, "\n".join(paras).strip("\n")))
            col += span
        laid.append(out)
    heights = [max([LINE_PT * max(1, text.count("\n") + 1) + 4 for _, _, vm, text in row if vm is None] or [LINE_PT + 4])
               for row in laid]
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    count = 0
    for r, row in enumerate(laid):
        for col, span, vmerge, text in row:
            if vmerge == "continue":
                continue
            r1 = r
            if vmerge == "restart":  # down while the rows below continue this column's merge
                while r1 + 1 < len(laid) and any(c == col and vm == "continue" for c, _, vm, _ in laid[r1 + 1]):
                    r1 += 1
            box = (xs[col], ys[r], xs[min(col + span, len(xs) - 1)], ys[r1 + 1])
            addresses[box] = f"表格{number} 第{r + 1}行第{col + 1}列"
            segments += [Segment(box[0], box[1], box[2], box[1]), Segment(box[0], box[3], box[2], box[3]),
                         Segment(box[0], box[1], box[0], box[3]), Segment(box[2], box[1], box[2], box[3])]
            if text.strip():
                words += cell_words(text, box, FONT_PT)
            count += 1
    return ys[-1], count


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)
