"""Forms that arrive as the workbook or document they were typed in (.xlsx, .docx), read as they are: every field of
every native fixture against its truth, the bad workbooks refused with their reason, and a
mixed archive in one run."""

import json
import shutil
import time
import zipfile

import polars as pl
import pytest
from typer.testing import CliRunner

from compare import form_differences
from conftest import FIXTURES, truth_cases
from extract.cli.main import app
from extract.document import process_document
from extract.pages.workbook import shown

pytest.importorskip("openpyxl")
pytest.importorskip("docx")
pytest.importorskip("xlrd")
runner = CliRunner()
BAD = FIXTURES / "native" / "bad"


@pytest.mark.parametrize("xlsx, truth", truth_cases("native"))
def test_native_fixture_matches_truth(xlsx, truth):
    res = process_document(xlsx, xlsx.name)
    assert res.status == truth["status"], res.error
    assert res.method == "native" and res.pages == truth["pages"]
    assert len(res.forms) == len(truth["forms"])
    diffs = [d for form, want in zip(res.forms, truth["forms"]) for d in form_differences(form, want)]
    assert not diffs, "\n".join(diffs)
    assert not any(f.needs_review for f in res.forms)  # a typed form is read surely


@pytest.mark.parametrize("value, fmt, text", [
    (110, "0.00", "110.00"), (4310.5, "#,##0.00", "4,310.50"), (0.9764, "0.00%", "97.64%"), (0.5, "0%", "50%"),
    (12, "General", "12"), (97.14, "General", "97.14"), ("=0次", "@", "=0次"), (3200, "#,##0", "3,200"),
])
def test_a_value_is_shown_as_its_number_format_shows_it(value, fmt, text):
    assert shown(value, fmt) == text


@pytest.mark.parametrize("name, reason", [
    ("truncated.xlsx", "not a readable workbook"),
    ("password.xlsx", "a password-protected workbook"),
    ("huge_sheet.xlsx", "spans 1,048,576 rows × 16,384 columns"),
    ("zip_bomb.xlsx", "a workbook that unpacks to"),
    ("truncated.docx", "not a readable .docx"),
    ("password.docx", "a password-protected document"),
    ("truncated.xls", "not a readable .xls workbook"),
])
def test_a_bad_workbook_fails_with_its_reason_quickly(name, reason, monkeypatch):
    import extract.pages.office as office

    monkeypatch.setattr(office, "soffice", lambda: None)  # the reasons without LibreOffice (it is optional)
    started = time.perf_counter()
    res = process_document(BAD / name, name)
    assert res.status == "failed" and reason in res.error and "\n" not in res.error
    assert time.perf_counter() - started < 30  # bounded: nothing of it is loaded (a generous, load-proof bound)


@pytest.mark.parametrize("name", ["no_table.xlsx", "no_table.docx"])
def test_a_workbook_or_document_without_a_form_is_no_form(name):
    res = process_document(BAD / name, name)
    assert res.status == "no_form" and res.forms == []


def test_a_formula_never_calculated_is_a_doubt_not_its_text(tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(FIXTURES / "native" / "anhui.xlsx")
    sheet = book.worksheets[0]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == 9.68)  # the 资金得分
    cell.value = "=ROUND(F7/100*10,2)"  # written by a program: no value calculated
    path = tmp_path / "formula.xlsx"
    book.save(path)
    res = process_document(path, path.name)
    form = res.forms[0]
    assert form.needs_review and any("no calculated value" in r and cell.coordinate in r for r in form.review_reasons)
    assert form.funds_score is None and "ROUND" not in json.dumps([str(v) for v in vars(form).values()])


def test_a_mixed_archive_ingests_in_one_run(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "text" / "two_forms_one_page.pdf", src)
    shutil.copy(FIXTURES / "native" / "seed_hongqiao.xlsx", src)
    shutil.copy(FIXTURES / "native" / "hubei.docx", src)
    with zipfile.ZipFile(src / "more.zip", "w") as z:
        z.write(FIXTURES / "native" / "anhui.xlsx", "附件/anhui.xlsx")
        z.write(BAD / "password.xlsx", "附件/password.xlsx")
        z.write(FIXTURES / "text" / "seed_hongqiao.pdf", "附件/seed_hongqiao.pdf")
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(src), "--out", str(out), "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    docs = pl.read_parquet(out / "documents.parquet").sort("path")
    assert docs.select("path", "status", "method").rows() == [
        ("hubei.docx", "ok", "native"),
        ("more.zip/附件/anhui.xlsx", "ok", "native"),
        ("more.zip/附件/password.xlsx", "failed", None),
        ("more.zip/附件/seed_hongqiao.pdf", "ok", "text"),
        ("seed_hongqiao.xlsx", "ok", "native"),
        ("two_forms_one_page.pdf", "ok", "text"),
    ]
    forms = pl.read_parquet(out / "forms.parquet")
    assert forms.height == 1 + 1 + 3 + 3 + 2
    # The seed forms read from the PDF and from the workbook are the same forms.
    by = {m: forms.filter(pl.col("path").str.starts_with(p)).drop("form_id", "doc_id", "path", "method", "page_start",
                                                                     "page_end", "confidence").sort("form_index")
          for m, p in (("pdf", "more.zip/附件/seed_hongqiao.pdf"), ("xlsx", "seed_hongqiao.xlsx"))}
    assert by["pdf"].equals(by["xlsx"])


def test_an_office_file_without_a_reader_says_what_to_install(tmp_path, monkeypatch):
    """A .doc (or .et, .wps) goes through LibreOffice; on a machine without it the batch
    records it as failed with a one-line reason naming what to install."""
    import extract.pages.office as office

    monkeypatch.setattr(office, "soffice", lambda: None)
    doc = tmp_path / "自评表.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    res = process_document(doc, doc.name)
    assert res.status == "failed" and res.error.startswith("a .doc file needs LibreOffice to be read (apt install")
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", str(tmp_path), "--out", str(out), "--workers", "1", "--quiet"]).exit_code == 0
    assert pl.read_parquet(out / "documents.parquet")["status"].to_list() == ["failed"]  # a row, not passed by


@pytest.mark.parametrize("name, cell", [("anhui.xlsx", "表1!C3"), ("anhui.xls", "表1!C3"), ("hubei.docx", "表格1 第1行第3列")])
def test_a_native_form_s_fields_name_the_cell_they_came_from(name, cell):
    res = process_document(FIXTURES / "native" / name, name)
    boxes = res.forms[0].boxes
    assert all(b.cell for b in boxes)
    assert next(b.cell for b in boxes if (b.subject, b.field) == ("form", "project_name")) == cell


def test_the_report_names_a_native_form_s_cells_instead_of_a_page(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", str(FIXTURES / "native" / "anhui.xlsx"), "--out", str(out), "--quiet"]).exit_code == 0
    report = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(out), "--out", str(report)])
    assert result.exit_code == 0 and "no page images" not in result.output
    html = report.read_text("utf-8")
    assert "读自原件" in html and 'title="原表单元格 表1!C3"' in html


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (an optional dependency)")
@pytest.mark.parametrize("source, fmt, truth", [
    ("hubei.docx", "doc", "hubei_docx.json"), ("anhui.xlsx", "et", "anhui.json"),
    ("anhui.xlsx", "xls:MS Excel 97", "anhui.json"),  # an .xls another program wrote, read by xlrd
])
def test_office_formats_through_libreoffice_read_exactly(tmp_path, source, fmt, truth):
    import subprocess

    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    fmt, "--outdir", str(tmp_path), str(FIXTURES / "native" / source)], check=True, capture_output=True,
                   timeout=300)
    path = next(p for p in tmp_path.iterdir() if p.is_file())
    want = json.loads((FIXTURES / "native" / truth).read_text(encoding="utf-8"))
    res = process_document(path, path.name)
    assert res.status == "ok" and res.method == "native", res.error
    diffs = [d for form, w in zip(res.forms, want["forms"]) for d in form_differences(form, w)]
    assert len(res.forms) == len(want["forms"]) and not diffs, "\n".join(diffs)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (an optional dependency)")
def test_an_xls_xlrd_cannot_read_goes_through_libreoffice_and_says_so():
    res = process_document(BAD / "truncated.xls", "truncated.xls")
    assert res.status == "failed" and "read through LibreOffice (not a readable .xls workbook" in res.error
