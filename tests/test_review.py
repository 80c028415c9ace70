"""`jixiao review` on a scanned fixture: a reviewer corrects one field by keyboard in headless
Chromium; the journal, the export and the audit have it after a reload. And `confirm`
settles a doubt of a scanned form. Real PaddleOCR, real Chromium."""

from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from conftest import browser_check

from extract.audit import audit
from extract.cli.main import app
from extract.dataset import read_dataset
from extract.dataset.corrections import read_journal

runner = CliRunner()
@pytest.fixture(scope="module")
def scanned(tmp_path_factory, fixtures_dir):
    pytest.importorskip("paddleocr", reason="the OCR extra is not installed")
    out = tmp_path_factory.mktemp("review") / "out"
    result = runner.invoke(app, ["ingest", str(fixtures_dir / "scans" / "long_forms_multipage.tiff"), "--out", str(out),
                                 "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def _check_review():
    return browser_check("check_review", "check_review", "starlette")


@pytest.mark.ocr
def test_a_field_corrected_by_keyboard_reaches_the_journal_the_export_and_the_audit(scanned, tmp_path):
    check_review = _check_review()
    forms = read_dataset(scanned)["forms"]
    doubted = forms.filter(pl.col("doubts").list.contains("indicators[0].score"))
    assert doubted.height == 1  # the seal over 15.07 (read "13.07,": taken for 13.07, in doubt)
    form_id = doubted["form_id"][0]
    result = check_review(scanned, "15.07", tmp_path / "review.png", target="indicators[0].score")
    assert result["item"] == {"subject": "indicators[0]", "field": "score", "value": "13.07"}
    assert result["refused"] == {"page": 403, "queue": 403, "entry": 403}  # no token, no page and no change
    assert result["errors"] == [] and result["dialogs"] == [] and result["foreign_requests"] == []
    assert result["crop_ok"] and result["settled"] == 1 and result["before"] != result["after"]
    journal = read_journal(scanned)
    assert journal.select("form_id", "subject", "field", "old", "new", "action", "reviewer").rows() == [
        (form_id, "indicators[0]", "score", "13.07", "15.07", "correct", "browser-test")]
    indicator = read_dataset(scanned)["indicators"].filter(
        (pl.col("form_id") == form_id) & (pl.col("indicator_index") == 0)).row(0, named=True)
    assert indicator["score"] == 15.07 and indicator["corrected"] == ["score"]
    assert indicator["decimals"]["score"] == 2
    # The audit the page ran after the change is the audit of the corrected dataset.
    on_disk = pl.read_parquet(scanned / "findings.parquet")
    assert on_disk.drop("message").equals(audit(read_dataset(scanned)).findings.drop("message"))
    book = tmp_path / "out.xlsx"
    assert runner.invoke(app, ["export", str(scanned), "--out", str(book)]).exit_code == 0
    sheet = list(openpyxl.load_workbook(book, read_only=True)["indicators"].iter_rows(values_only=True))
    head = sheet[0]
    row = next(r for r in sheet[1:] if r[head.index("form_id")] == form_id and r[head.index("indicator_index")] == 0)
    assert row[head.index("score")] == 15.07 and row[head.index("corrected")] == "score"


@pytest.mark.ocr
def test_confirming_every_doubt_of_a_scanned_form_takes_it_out_of_review(scanned):
    forms = read_dataset(scanned)["forms"]
    form = forms.filter(pl.col("doubts") == ["form.goal_actual"]).row(0, named=True)
    assert form["needs_review"]
    result = runner.invoke(app, ["confirm", str(scanned), "--form", form["form_id"], "--subject", "form",
                                 "--field", "goal_actual", "--reviewer", "li"])
    assert result.exit_code == 0, result.output
    after = read_dataset(scanned)["forms"].filter(pl.col("form_id") == form["form_id"]).row(0, named=True)
    assert not after["needs_review"] and after["doubts_open"] == [] and after["confirmed"] == ["goal_actual"]
    assert after["goal_actual"] == form["goal_actual"]  # confirmed: the reading stands


def test_markup_printed_in_a_form_stays_text_on_the_review_page(tmp_path, fixtures_dir):
    """The report's markup fixture (a <script> in the project name, markup in cells), sent to
    review by a reviewer: the page shows it as text and runs none of it."""
    check_review = _check_review()
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", str(fixtures_dir / "text" / "markup_in_cells.pdf"), "--out", str(out),
                               "--quiet"]).exit_code == 0
    form_id = read_dataset(out)["forms"]["form_id"][0]
    assert runner.invoke(app, ["correct", str(out), "--form", form_id, "--subject", "form", "--field", "needs_review",
                               "--value", "true"]).exit_code == 0
    result = check_review(out, "false")  # the whole form checked: out of review again
    assert result["item"]["field"] == "needs_review"
    assert result["markup"] == {"scripts": 1, "as_text": result["markup"]["as_text"]} and result["markup"]["as_text"] >= 1
    assert result["dialogs"] == [] and result["errors"] == [] and result["foreign_requests"] == []
    assert not read_dataset(out)["forms"]["needs_review"][0]
