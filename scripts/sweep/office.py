"""LibreOffice as a second, independent typesetter: the same logical tables written as a
Word document (python-docx: merged cells, East Asian font) or an Excel sheet (openpyxl:
several forms one after another, rows never split), converted with
`soffice --headless --convert-to pdf` (many files per call).

LibreOffice paginates, so the truth's page numbers are not known beforehand: they are
located afterwards by searching each form's own texts (title, project name, third-level
indicators, total score) in order through the PDF's text. A form whose texts cannot be
found in order keeps its fields but drops its page fields from the comparison. A PDF whose
text layer does not hold exactly the characters written (text clipped or repeated by the
office program) is skipped, as the truth would not be readable from it.
"""

from __future__ import annotations

import collections
import os
import random
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from .fonts import FONTS, SkipVariation, page_chars
from .generate import Rendered, font_for
from .measure import wrap
from .params import FormChoice, form_choice
from .records import RECORDS, FormTable, build_table, truth

LO_FAMILY = {
    "uming": "AR PL UMing CN", "ukai": "AR PL UKai CN", "wqy_microhei": "WenQuanYi Micro Hei",
    "wqy_zenhei": "WenQuanYi Zen Hei", "noto_sans_sc": "Noto Sans CJK SC", "noto_serif_sc": "Noto Serif CJK SC",
}


def soffice_path() -> str | None:
    return shutil.which("soffice")


@dataclass(frozen=True)
class OfficeVariation:
    index: int
    seed: int
    attempt: int
    kind: str  # docx | xlsx
    forms: tuple[FormChoice, ...]
    font: str
    latin_font: str | None  # docx: digits and Latin in another font (Word's ascii/hAnsi), None: the CJK one
    fs: float
    orientation: str
    margins: tuple[float, float, float, float]  # top, bottom, left, right (pt)
    lead: int  # blank paragraphs (docx) / rows (xlsx) above the first form: moves the breaks
    row_split: bool  # docx: rows may break across pages
    valign: str
    title_style: str
    title_delta: float
    grade_label: str
    gap: int  # blank paragraphs / rows between forms
    mode: str = "office"

    @property
    def records(self) -> tuple[str, ...]:
        return tuple(f.record for f in self.forms)


def sample_office(seed: int, index: int, attempt: int) -> OfficeVariation:
    rng = random.Random(f"jixiao-sweep-office:{seed}:{index}:{attempt}")
    kind = rng.choice(["docx", "xlsx"])
    names = sorted(RECORDS)
    n = 1 if kind == "docx" and rng.random() < 0.8 else rng.choice([1, 2, 3])
    forms = [form_choice(rng, rng.choice(names))[0]]
    for _ in range(n - 1):
        # a sheet has one column grid: the forms after the first share its number of columns;
        # no record twice (its texts would be found twice when locating pages)
        fc = form_choice(rng, rng.choice(names))[0]
        if len(fc.col_factors) == len(forms[0].col_factors) and fc.record not in {f.record for f in forms}:
            forms.append(fc)
    # LibreOffice embeds and subsets fonts itself: every installed CJK font will do
    fonts = [f.key for f in FONTS if f.key in LO_FAMILY and Path(f.path).exists()]
    return OfficeVariation(
        index=index, seed=seed, attempt=attempt, kind=kind, forms=tuple(forms),
        font=rng.choice(fonts), latin_font=rng.choice([None, "DejaVu Serif", "DejaVu Sans"]) if kind == "docx" else None,
        fs=rng.choice([9, 9.5, 10, 10.5, 11, 12]),
        orientation="landscape" if rng.random() < 0.3 else "portrait",
        margins=(round(rng.uniform(40, 80)), round(rng.uniform(40, 80)), *(2 * (round(rng.uniform(36, 64)),))),
        lead=rng.randrange(0, 40), row_split=rng.random() < 0.7, valign=rng.choice(["center", "top"]),
        title_style="inline" if rng.random() < 0.25 else "separate", title_delta=rng.choice([4, 6, 8]),
        grade_label=rng.choice(["评分等级：", "自评等级："]), gap=rng.choice([1, 2, 3]),
    )


def _tables(v: OfficeVariation) -> list[FormTable]:
    return [build_table(RECORDS[fc.record], fc.grade_style, dict(fc.spellings), v.title_style, v.grade_label, fc.under)
            for fc in v.forms]


def _widths(table: FormTable, factors: tuple[float, ...], total: float) -> list[float]:
    w = [b * f for b, f in zip(table.cols, factors)]
    return [x * total / sum(w) for x in w]


def _page(v: OfficeVariation) -> tuple[float, float]:
    return (595.28, 841.89) if v.orientation == "portrait" else (841.89, 595.28)


# --------------------------------------------------------------------------- Word


def write_docx(v: OfficeVariation, tables: list[FormTable], path: Path) -> list[str]:
    """The document; returns every string written (for the text-layer check)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    written: list[str] = []
    doc = Document()
    sec = doc.sections[0]
    w, h = _page(v)
    sec.orientation = WD_ORIENT.PORTRAIT if v.orientation == "portrait" else WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Pt(w), Pt(h)
    top, bottom, left, right = v.margins
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Pt(top), Pt(bottom), Pt(left), Pt(right)
    cjk = LO_FAMILY[v.font]
    latin = v.latin_font or cjk
    normal = doc.styles["Normal"]
    normal.font.name = latin
    normal.font.size = Pt(v.fs)
    fonts = normal.element.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), cjk)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    align = {"c": WD_ALIGN_PARAGRAPH.CENTER, "l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT}

    def para(text: str, al: str = "l", size: float | None = None, bold: bool = False) -> None:
        p = doc.add_paragraph()
        p.alignment = align[al]
        if text:
            run = p.add_run(text)
            run.bold = bold
            if size:
                run.font.size = Pt(size)
            written.append(text)

    for _ in range(v.lead):
        para("")
    content = w - left - right
    for i, (t, fc) in enumerate(zip(tables, v.forms)):
        if i:
            for _ in range(v.gap):
                para("")
        para(t.title, "c", v.fs + v.title_delta, True)
        if t.year_line:
            para(t.year_line, "c", v.fs + 1)
        if t.unit_note:
            para(t.unit_note, "r")
        ncols = len(t.cols)
        table = doc.add_table(rows=t.nrows, cols=ncols)
        table.style = "Table Grid"
        table.autofit = False
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = _widths(t, fc.col_factors, content * 0.98)
        for k, col in enumerate(table.columns):
            col.width = Pt(widths[k])
            for cell in col.cells:
                cell.width = Pt(widths[k])
        if not v.row_split:
            for row in table.rows:
                row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for c in t.cells:
            cell = table.cell(c.r, c.c)
            if c.rs > 1 or c.cs > 1:
                cell = cell.merge(table.cell(c.r + c.rs - 1, c.c + c.cs - 1))
            for extra in cell.paragraphs[1:]:
                extra._element.getparent().remove(extra._element)
            paras = c.paras or [""]
            cell.paragraphs[0].text = paras[0]
            cell.paragraphs[0].alignment = align[c.align]
            for ptext in paras[1:]:
                p = cell.add_paragraph(ptext)
                p.alignment = align[c.align]
            written += [p for p in c.paras if p]
            # rows that may split are top-aligned (a centred split row has no settled look)
            va = "center" if c.rs > 1 or c.label else ("top" if v.row_split else v.valign)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER if va == "center" else WD_ALIGN_VERTICAL.TOP
        for line in t.under:
            para(line)
    doc.save(path)
    return written


# --------------------------------------------------------------------------- Excel


def write_xlsx(v: OfficeVariation, tables: list[FormTable], path: Path) -> list[str]:
    """Forms one after another on one sheet, fitted to the page width; row heights set from
    the font's metrics (Calc does not grow a row for a merged cell's text), generously."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    written: list[str] = []
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = v.orientation
    top, bottom, left, right = v.margins
    ws.page_margins.top, ws.page_margins.bottom = top / 72, bottom / 72
    ws.page_margins.left, ws.page_margins.right = left / 72, right / 72
    ws.page_margins.header = ws.page_margins.footer = 0.2
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_options.horizontalCentered = True
    family = LO_FAMILY[v.font]
    metrics = font_for(v.font)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ncols = max(len(t.cols) for t in tables)
    w, _ = _page(v)
    content = w - left - right
    # one column grid for the sheet: the widest form's; other forms fit it by scaling
    base = _widths(tables[0], v.forms[0].col_factors, content)
    if len(base) < ncols:
        base += [base[-1]] * (ncols - len(base))
    for k, wpt in enumerate(base):
        ws.column_dimensions[get_column_letter(k + 1)].width = wpt / 5.6
    row = 1
    for _ in range(v.lead):
        ws.row_dimensions[row].height = v.fs * 1.4
        row += 1
    va = "center" if v.valign == "center" else "top"

    def line(text: str, size: float, al: str, bold: bool = False, merge: bool = True) -> None:
        nonlocal row
        cell = ws.cell(row, 1, text)
        cell.font = Font(name=family, size=size, bold=bold)
        cell.alignment = Alignment(horizontal={"c": "center", "l": "left", "r": "right"}[al], vertical="center")
        if merge:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        ws.row_dimensions[row].height = size * 1.7
        written.append(text)
        row += 1

    for i, (t, fc) in enumerate(zip(tables, v.forms)):
        if i:
            row += v.gap
        line(t.title, v.fs + v.title_delta, "c", True)
        if t.year_line:
            line(t.year_line, v.fs + 1, "c")
        if t.unit_note:
            line(t.unit_note, v.fs, "r")
        if len(t.cols) != len(base):
            raise SkipVariation("forms on one sheet need the same column grid")
        heights = _row_heights(t, base, metrics, v.fs)
        r0 = row
        for c in t.cells:
            r, k = r0 + c.r, c.c + 1
            cell = ws.cell(r, k, "\n".join(c.paras) if c.paras else None)
            if c.paras:
                cell.data_type = "s"  # "=100%" is a target, not a formula
            cell.font = Font(name=family, size=v.fs)
            cell.alignment = Alignment(horizontal={"c": "center", "l": "left", "r": "right"}[c.align],
                                       vertical="center" if (c.rs > 1 or c.label) else va, wrap_text=True)
            for rr in range(r, r + c.rs):
                for kk in range(k, k + c.cs):
                    ws.cell(rr, kk).border = border
            if c.rs > 1 or c.cs > 1:
                ws.merge_cells(start_row=r, start_column=k, end_row=r + c.rs - 1, end_column=k + c.cs - 1)
            written += [p for p in c.paras if p]
        for j, hgt in enumerate(heights):
            ws.row_dimensions[r0 + j].height = hgt
        row = r0 + t.nrows
        for text in t.under:
            line(text, v.fs, "l", merge=False)
    wb.save(path)
    return written


def _row_heights(t: FormTable, widths: list[float], font, fs: float) -> list[float]:
    """Generous row heights: wrapped at 85% of the column width, 1.45 lines of leading."""
    lh = fs * 1.45
    h = [fs * 1.8] * t.nrows
    need = []
    for c in t.cells:
        inner = sum(widths[c.c : c.c + c.cs]) * 0.85 - 6
        n = sum(max(1, len(wrap(p, font, fs, max(inner, fs)))) for p in c.paras) if c.paras else 0
        need.append((c, n * lh + 6))
    for c, hh in need:
        if c.rs == 1:
            h[c.r] = max(h[c.r], hh)
    for c, hh in need:
        if c.rs > 1 and sum(h[c.r : c.r + c.rs]) < hh:
            h[c.r + c.rs - 1] += hh - sum(h[c.r : c.r + c.rs])
    if max(h) > 400:
        raise SkipVariation("an Excel row cannot be taller than 409 pt")
    return [round(x, 1) for x in h]


# --------------------------------------------------------------------------- conversion and pages


def convert(files: list[Path], outdir: Path) -> None:
    profile = Path(tempfile.gettempdir()) / f"lo-sweep-{os.getpid()}"
    cmd = [soffice_path() or "soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    subprocess.run(cmd, capture_output=True, text=True, timeout=60 + 20 * len(files))


_WS = re.compile(r"\s+")
_NOT_KEY = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]+")


def _compact(s: str) -> str:
    return _WS.sub("", s)


def _key(s: str) -> str:
    """Ideographs, letters and digits only: LibreOffice sets punctuation on baselines of its
    own, so a cell's text comes back with "215 4 , 57 60 ." for 215,457.60."""
    return _NOT_KEY.sub("", s)


def check_text_layer(pdf: Path, written: list[str]) -> None:
    want = collections.Counter(ch for s in written for ch in s if not ch.isspace())
    got: collections.Counter = collections.Counter()
    with pymupdf.open(pdf) as doc:
        for page in doc:
            got += page_chars(page)
    if got != want:
        diff = dict(list(((got - want) + (want - got)).items())[:8])
        raise SkipVariation(f"office text layer differs from what was written: {diff}")


def locate(pdf: Path, tables: list[FormTable]) -> list[tuple[int, int, list[int]] | None]:
    """(page_start, page_end, page of each indicator row) per form, found in the PDF: the
    cells of each page's ruled tables (PyMuPDF find_tables) are searched, in page order, for
    the form's project name, each third-level indicator (the first page holding its cell, or
    the start of it where Word split the row), the total score and the grade; the title is
    the last title line at or before the project name. None where something is not found."""
    with pymupdf.open(pdf) as doc:
        cells: list[list[str]] = []
        lines: list[list[str]] = []
        for page in doc:
            found = []
            for tab in page.find_tables().tables:
                for row in tab.extract():
                    found += [_key(x) for x in row if x and _key(x)]
            cells.append(found)
            lines.append([_key(ln) for ln in page.get_text().splitlines() if _key(ln)])
    out = []
    cursor = 0

    def cell_page(text: str, frm: int) -> int | None:
        key = _key(text)
        for p in range(frm, len(cells)):
            if any(c == key or (key.startswith(c) and len(c) >= min(len(key), 4)) for c in cells[p]):
                return p
        return None

    def line_page(text: str, frm: int, to: int) -> int | None:
        key = _key(text)
        hits = [p for p in range(frm, min(to, len(lines) - 1) + 1) if any(key in ln for ln in lines[p])]
        return hits[-1] if hits else None

    for t in tables:
        rec = RECORDS[t.record].form
        name_page = cell_page(rec.get("project_name") or rec["department"], cursor)
        if name_page is None:
            out.append(None)
            continue
        title_page = line_page(t.title, cursor, name_page)
        ind, p, ok = [], name_page, title_page is not None
        for row in rec["indicators"]:
            if row.get("blank"):
                ind.append(0)  # not in the truth: never compared
                continue
            hit = cell_page(row["l3"], p)
            ok = ok and hit is not None
            p = hit if hit is not None else p
            ind.append(p + 1)
        last = cell_page(rec["total"][1], p)
        ok = ok and last is not None
        if ok and t.grade_line:
            g = [q for q in range(last, len(lines)) if any(_key(t.under[0]) in ln for ln in lines[q])]
            last = g[0] if g else None
        elif ok and "grade" in t.roles:
            label = next(c.paras for c in t.cells if t.roles[c.r] == "grade" and c.c == 0)
            last = cell_page("".join(label), last)
        if not ok or last is None:
            out.append(None)
            continue
        out.append((title_page + 1, last + 1, ind))
        cursor = last
    return out


def generate_office(k: int, seed: int, pdf_dir: Path, start: int) -> tuple[list[Rendered], collections.Counter]:
    """k office variations (indices start …), converted in batches of one soffice call."""
    done: list[Rendered] = []
    skipped: collections.Counter = collections.Counter()
    pending = list(range(start, start + k))
    attempts = collections.Counter()
    with tempfile.TemporaryDirectory(prefix="jixiao-office-") as tmp:
        src = Path(tmp)
        for _round in range(5):
            if not pending:
                break
            jobs = []
            for index in pending:
                v = sample_office(seed, index, attempts[index])
                attempts[index] += 1
                try:
                    tables = _tables(v)
                    path = src / f"v{index:04}.{v.kind}"
                    written = (write_docx if v.kind == "docx" else write_xlsx)(v, tables, path)
                    jobs.append((v, tables, path, written))
                except SkipVariation as exc:
                    skipped[f"office: {str(exc)[:40]}"] += 1
            convert([j[2] for j in jobs], src)
            still = []
            for v, tables, path, written in jobs:
                pdf = path.with_suffix(".pdf")
                try:
                    if not pdf.exists():
                        raise SkipVariation("soffice wrote no PDF")
                    check_text_layer(pdf, written)
                    located = locate(pdf, tables)
                except SkipVariation as exc:
                    skipped[f"office: {str(exc)[:40]}"] += 1
                    still.append(v.index)
                    continue
                truths, ignore = [], set()
                for i, (fc, t, loc) in enumerate(zip(v.forms, tables, located)):
                    if loc is None:
                        ignore.add(i)
                        loc = (0, 0, [0] * len(t.indicator_rows))
                    truths.append(truth(RECORDS[fc.record], i, loc[0], loc[1], loc[2], fc.grade_style))
                dest = pdf_dir / f"v{v.index:04}.pdf"
                shutil.move(str(pdf), dest)
                done.append(Rendered(v, None, dest, truths, kind=v.kind, ignore_pages=ignore))  # type: ignore[arg-type]
            written_ok = {x[0].index for x in jobs}
            pending = still + [j for j in pending if j not in written_ok]
    done.sort(key=lambda r: r.params.index)
    return done, skipped
