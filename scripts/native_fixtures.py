"""Native fixtures: forms written as the workbook they were typed in (openpyxl), from the same
records and table model as the text PDFs (make_fixtures.build_form_table), with their truth.

    python scripts/native_fixtures.py [--out fixtures/native]

Each document of DOCUMENTS becomes one .xlsx: its forms one per sheet (`per_sheet`) or all
on one sheet, a blank row between them, each headed by its title, year line and unit note as
unbordered cells above its bordered table. Numbers are written as numbers with the printed
number format ("#,##0.00", "0.00%") where the form prints them so, else as the printed text.
Truth is the text fixture's, with pages as sheets.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures as mf  # noqa: E402
from fixture_records import documents, variants  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "fixtures" / "native"
# (document name in fixture_records, one form per sheet?)
DOCUMENTS = [("seed_hongqiao", True), ("two_forms_one_page", False), ("dept_final_accounts", True),
             ("anhui", False), ("hubei", True)]
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")
PT_PER_CHAR = 5.25  # the reader's inverse: (chars × 7 + 5) px × 0.75


def _spec(name: str) -> dict:
    for spec in [*documents.DOCUMENTS, *variants.DOCUMENTS]:
        if spec["name"] == name:
            return spec
    raise KeyError(name)


def _typed(text: str):
    """A printed number as the number and its format; anything else as text."""
    s = text.strip()
    if not _NUMBER.match(s):
        return text, None
    digits = s.rstrip("%")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = float(digits.replace(",", ""))
    body = ("#,##0" if "," in digits else "0") + ("." + "0" * decimals if decimals else "")
    if s.endswith("%"):
        return value / 100, body + "%"
    return value, body


def write_workbook(name: str, per_sheet: bool, outdir: Path) -> dict:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    spec = _spec(name)
    style = mf.Style(**spec["style"])
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    book = Workbook()
    book.remove(book.active)
    sheet, row0 = None, 1
    truths = []
    forms = [b for b in spec["blocks"] if b["type"] == "form"]
    for k, block in enumerate(forms):
        if sheet is None or per_sheet:
            sheet, row0 = book.create_sheet(f"表{len(book.worksheets) + 1}"), 1
        form = block["form"]
        t, rows = mf.build_form_table(form, dataclasses.replace(style, **block.get("style", {})))
        ncols = len(t.cols)
        for c, width in enumerate(t.cols, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = round(width / PT_PER_CHAR, 2)
        for text, size in [(form["title"], 16), (form["year_line"], 11)] + (
                [(form["unit_note"], 10)] if form.get("unit_note") else []):
            sheet.merge_cells(start_row=row0, start_column=1, end_row=row0, end_column=ncols)
            cell = sheet.cell(row0, 1, text)
            cell.font = Font(size=size, bold=size > 11)
            cell.alignment = Alignment(horizontal="center" if size != 10 else "right")
            row0 += 1
        nrows = max(c.r + c.rs for c in t.cells)
        for c in t.cells:
            r, col = row0 + c.r, 1 + c.c
            text = "\n".join(c.paras)
            value, fmt = _typed(text) if len(c.paras) == 1 else (text, None)
            cell = sheet.cell(r, col, value)
            if isinstance(value, str) and value.startswith("="):  # "=0次" typed as text, not a formula
                cell.data_type = "s"
            if fmt:
                cell.number_format = fmt
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if c.rs > 1 or c.cs > 1:
                sheet.merge_cells(start_row=r, start_column=col, end_row=r + c.rs - 1, end_column=col + c.cs - 1)
            for rr in range(r, r + c.rs):
                for cc in range(col, col + c.cs):
                    sheet.cell(rr, cc).border = box
        for r in range(nrows):  # rows tall enough for their longest text (as typed)
            lines = max([len(c.paras) or 1 for c in t.cells if c.r == r and c.rs == 1] or [1])
            sheet.row_dimensions[row0 + r].height = max(18, 15 * lines)
        sheet_no = len(book.worksheets)
        n_ind = len(form.get("indicators", []))
        truths.append(dataclasses.replace(mf.truth_form(form, k, sheet_no, sheet_no, [sheet_no] * n_ind), method="native"))
        row0 += nrows + 2
    path = outdir / f"{name}.xlsx"
    book.save(path)
    truth = {"file": path.name, "pages": len(book.worksheets), "status": "ok" if truths else "no_form",
             "forms": [mf.form_to_json(f) for f in truths]}
    mf.write_json(outdir / f"{name}.json", truth)
    return truth


WORD_DOCUMENTS = ["seed_hongqiao", "two_forms_one_page", "hubei"]


def write_docx(name: str, outdir: Path) -> dict:
    """The document's forms as Word tables, each under its title, year and unit paragraphs."""
    import docx
    from docx.shared import Pt

    spec = _spec(name)
    style = mf.Style(**spec["style"])
    document = docx.Document()
    truths = []
    forms = [b for b in spec["blocks"] if b["type"] == "form"]
    for k, block in enumerate(forms):
        form = block["form"]
        t, _ = mf.build_form_table(form, dataclasses.replace(style, **block.get("style", {})))
        for text in [form["title"], form["year_line"]] + ([form["unit_note"]] if form.get("unit_note") else []):
            document.add_paragraph(text)
        nrows = max(c.r + c.rs for c in t.cells)
        table = document.add_table(rows=nrows, cols=len(t.cols))
        table.style = "Table Grid"
        for i, width in enumerate(t.cols):
            table.columns[i].width = Pt(width)
        for c in t.cells:
            cell = table.cell(c.r, c.c)
            if c.rs > 1 or c.cs > 1:
                cell = cell.merge(table.cell(c.r + c.rs - 1, c.c + c.cs - 1))
            cell.text = "\n".join(c.paras)
            if len(c.paras) > 1:  # a paragraph each, as typed
                cell.text = c.paras[0]
                for para in c.paras[1:]:
                    cell.add_paragraph(para)
        document.add_paragraph("")
        n_ind = len(form.get("indicators", []))
        truths.append(dataclasses.replace(mf.truth_form(form, k, 1, 1, [1] * n_ind), method="native"))
    path = outdir / f"{name}.docx"
    document.save(path)
    truth = {"file": path.name, "pages": 1, "status": "ok" if truths else "no_form",
             "forms": [mf.form_to_json(f) for f in truths]}
    mf.write_json(outdir / f"{name}_docx.json", truth)
    return truth


XLS_DOCUMENTS = ["seed_hongqiao", "anhui"]


def write_xls(name: str, outdir: Path) -> dict:
    """The document's forms in an Excel 97–2003 workbook (xlwt), one per sheet."""
    import xlwt

    spec = _spec(name)
    style = mf.Style(**spec["style"])
    book = xlwt.Workbook(encoding="utf-8")
    border = "borders: left thin, right thin, top thin, bottom thin; align: wrap on, vert centre"
    truths = []
    forms = [b for b in spec["blocks"] if b["type"] == "form"]
    for k, block in enumerate(forms):
        form = block["form"]
        sheet = book.add_sheet(f"表{k + 1}")
        t, _ = mf.build_form_table(form, dataclasses.replace(style, **block.get("style", {})))
        ncols = len(t.cols)
        for c, width in enumerate(t.cols):
            sheet.col(c).width = int(round((width - 3.75) / (7.0 * 0.75 / 256)))
        row0 = 0
        for text in [form["title"], form["year_line"]] + ([form["unit_note"]] if form.get("unit_note") else []):
            sheet.write_merge(row0, row0, 0, ncols - 1, text, xlwt.easyxf("align: horiz centre"))
            row0 += 1
        nrows = max(c.r + c.rs for c in t.cells)
        for c in t.cells:
            text = "\n".join(c.paras)
            value, fmt = _typed(text) if len(c.paras) == 1 else (text, None)
            cell_style = xlwt.easyxf(border, num_format_str=fmt) if fmt else xlwt.easyxf(border)
            sheet.write_merge(row0 + c.r, row0 + c.r + c.rs - 1, c.c, c.c + c.cs - 1, value, cell_style)
        for r in range(nrows):
            lines = max([len(c.paras) or 1 for c in t.cells if c.r == r and c.rs == 1] or [1])
            row = sheet.row(row0 + r)
            row.height_mismatch = True
            row.height = int(max(18, 15 * lines) * 20)
        n_ind = len(form.get("indicators", []))
        truths.append(dataclasses.replace(mf.truth_form(form, k, k + 1, k + 1, [k + 1] * n_ind), method="native"))
    path = outdir / f"{name}.xls"
    book.save(str(path))
    truth = {"file": path.name, "pages": len(forms), "status": "ok" if truths else "no_form",
             "forms": [mf.form_to_json(f) for f in truths]}
    mf.write_json(outdir / f"{name}_xls.json", truth)
    return truth


def write_bad(outdir: Path) -> dict[str, str]:
    """Workbooks a batch must refuse with a reason (the reason's start, for the tests)."""
    import zipfile

    from openpyxl import Workbook

    outdir.mkdir(parents=True, exist_ok=True)
    good = outdir.parent / "seed_hongqiao.xlsx"
    data = good.read_bytes()
    (outdir / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    # What Excel writes for a workbook with a password: an OLE compound file, not a zip.
    (outdir / "password.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    book = Workbook()
    book.active["A1"] = "本单位2024年度部门决算说明"
    book.active["A2"] = "一、部门职责"
    book.save(outdir / "no_table.xlsx")
    # A sheet whose extent is the whole grid (a cell written at XFD1048576): refused unread.
    book = Workbook()
    book.active["A1"] = "项目支出绩效自评表"
    book.active["XFD1048576"] = "x"
    book.save(outdir / "huge_sheet.xlsx")
    # A workbook whose sheet XML inflates 2,000:1 (a zip bomb): refused before it is unpacked.
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(outdir / "zip_bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b"</sheetData>" + b" " * (300 * 2**20), 1)
            z.writestr(item, body)
    import docx

    word = (outdir.parent / "seed_hongqiao.docx").read_bytes()
    (outdir / "truncated.docx").write_bytes(word[: len(word) // 2])
    legacy = (outdir.parent / "seed_hongqiao.xls").read_bytes()
    (outdir / "truncated.xls").write_bytes(legacy[: len(legacy) // 3])
    (outdir / "password.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    prose = docx.Document()
    prose.add_paragraph("本单位2024年度部门决算说明")
    prose.add_paragraph("一、部门职责")
    prose.save(outdir / "no_table.docx")
    return {"truncated.xlsx": "not a readable workbook", "password.xlsx": "a password-protected workbook",
            "no_table.xlsx": None, "huge_sheet.xlsx": "sheet", "zip_bomb.xlsx": "a workbook that unpacks to",
            "truncated.docx": "not a readable .docx", "password.docx": "a password-protected document",
            "no_table.docx": None, "truncated.xls": "not a readable .xls workbook"}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, per_sheet in DOCUMENTS:
        truth = write_workbook(name, per_sheet, args.out)
        print(f"{name}.xlsx: {truth['pages']} sheet(s), {len(truth['forms'])} form(s)")
    for name in XLS_DOCUMENTS:
        truth = write_xls(name, args.out)
        print(f"{name}.xls: {truth['pages']} sheet(s), {len(truth['forms'])} form(s)")
    for name in WORD_DOCUMENTS:
        truth = write_docx(name, args.out)
        print(f"{name}.docx: {len(truth['forms'])} form(s)")
    print(f"bad: {', '.join(write_bad(args.out / 'bad'))}")


if __name__ == "__main__":
    main()
