"""The HTML report of a real ingested dataset: sections, crops, findings marked, escaping,
and (in headless Chromium) that it works offline and as a reader uses it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from conftest import browser_check

from extract.batch import IngestConfig, ingest
from extract.cli.main import app
from extract.dataset.load import load_tables
from extract.report import ReportOptions, ReportSummary, build_report, write_report

HOSTILE = {
    "project_name": '<script>alert("project")</script>',
    "implementing_unit": "<img src=x onerror=alert(1)>",
    "goal_planned": '"><svg onload=alert(2)>',
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, fixtures_dir):
    out = tmp_path_factory.mktemp("report") / "ds"
    inputs = tmp_path_factory.mktemp("inputs")
    for name in ("text/seed_hongqiao.pdf", "text/audit_planted_faults.pdf", "text/markup_in_cells.pdf",
                 "bad/encrypted.pdf"):
        shutil.copy(fixtures_dir / name, inputs / Path(name).name)
    ingest([inputs], out, IngestConfig(workers=1))
    return out


@pytest.fixture(scope="module")
def report(dataset, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "report.html"
    summary = write_report(dataset, path)
    return path, summary


def _hostile_tables(dataset: Path) -> dict[str, pl.DataFrame]:
    tables = load_tables(dataset)
    first = tables["forms"]["form_id"][0]
    tables["forms"] = tables["forms"].with_columns(
        [pl.when(pl.col("form_id") == first).then(pl.lit(v)).otherwise(pl.col(k)).alias(k) for k, v in HOSTILE.items()])
    tables["indicators"] = tables["indicators"].with_columns(
        pl.lit("<iframe src=javascript:alert(3)>").alias("deviation_note"))
    return tables


def test_report_has_every_section_and_a_page_per_form(report, dataset):
    path, summary = report
    html = path.read_text("utf-8")
    forms = pl.read_parquet(dataset / "forms.parquet")
    assert summary.forms == forms.height == 3 + 8 + 1  # seed, planted faults, markup in cells
    for section in ('id="overview"', 'id="charts"', 'id="projects"', 'id="failures"', 'id="findings-by-check"'):
        assert section in html
    assert html.count('class="form-page"') == forms.height
    assert html.count("<svg") >= 4  # score, execution, full marks, findings charts
    assert "encrypted.pdf" in html and "password" in html  # the failed document and its reason


def test_report_is_self_contained(report):
    html = report[0].read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert html.count("<script>") == 1  # the table sorter, allowed by its hash


def test_every_form_shows_its_source_pages(report, dataset):
    path, summary = report
    forms = pl.read_parquet(dataset / "forms.parquet")
    pages = (forms["page_end"] - forms["page_start"] + 1).sum()
    assert summary.crops == pages and not summary.missing_sources
    assert path.read_text("utf-8").count('src="data:image/jpeg;base64,') == pages


def test_findings_are_marked_on_the_extracted_form(report, dataset):
    """The planted 总分 分值 error is numbered in the findings list and on its cell."""
    html = report[0].read_text("utf-8")
    findings = pl.read_parquet(dataset / "findings.parquet")
    wrong_total = findings.filter(pl.col("check") == "weights.total", pl.col("source") == "form")
    assert wrong_total.height == 1
    forms = pl.read_parquet(dataset / "forms.parquet").sort("path", "form_index")
    anchor = f'form-{forms["form_id"].to_list().index(wrong_total["form_id"][0]) + 1}'
    page = html.split(f'id="{anchor}"')[1].split('class="form-page"')[0]
    assert re.search(r'<td class="n f-error">[\d.]+<sup class="fn">\d+</sup></td>', page)
    assert "weights.total" in page


def test_markup_printed_in_a_form_is_shown_as_text(report):
    """fixtures/text/markup_in_cells.pdf prints <script>, <img onerror> and <svg onload> in
    its cells: the report holds them escaped, never as markup."""
    html = report[0].read_text("utf-8")
    assert "&lt;script&gt;alert(&quot;jixiao&quot;)&lt;/script&gt;社区文化活动补助项目" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&quot;&gt;&lt;svg onload=alert(2)&gt;" in html
    assert '<script>alert("jixiao")' not in html and "<img src=x" not in html and "<svg onload" not in html


def test_document_text_is_escaped(dataset):
    html = build_report(_hostile_tables(dataset), ReportOptions(crops="none"))
    for raw in ("<script>alert", "<img src=x", "<svg onload", "<iframe"):
        assert raw not in html
    assert "&lt;script&gt;alert(&quot;project&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_missing_source_file_is_said_not_fatal(dataset, tmp_path):
    tables = load_tables(dataset)
    folder = Path(tables["documents"].drop_nulls("source")["source"][0]).parent  # what ingest was given
    tables["documents"] = tables["documents"].with_columns(pl.lit(str(tmp_path / "gone.pdf")).alias("source"))
    summary = ReportSummary()
    html = build_report(tables, ReportOptions(), summary)
    assert summary.crops == 0 and len(summary.missing_sources) == 3
    assert "源文件无法打开" in html
    found = ReportSummary()  # the files moved: --sources names where they are now
    build_report(tables, ReportOptions(sources=folder), found)
    assert found.crops == (tables["forms"]["page_end"] - tables["forms"]["page_start"] + 1).sum()


def test_flagged_crops_show_only_the_forms_that_need_a_look(dataset):
    """--crops flagged (large archives): page images for forms with findings above info or
    under review; the others say why they have none."""
    tables = load_tables(dataset)
    findings, forms = tables["findings"], tables["forms"]
    flagged = set(findings.filter(pl.col("severity") != "info")["form_id"]) | set(
        forms.filter(pl.col("needs_review"))["form_id"])
    assert 0 < len(flagged) < forms.height
    summary = ReportSummary()
    html = build_report(tables, ReportOptions(crops="flagged"), summary)
    pages = forms.filter(pl.col("form_id").is_in(list(flagged))).select(pl.col("page_end") - pl.col("page_start") + 1)
    assert summary.crops == pages.to_series().sum()
    assert html.count("未附原页面") == forms.height - len(flagged)


def test_report_command(dataset, tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", str(dataset), "--out", str(out), "--crops", "none"])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("<!doctype html>")
    assert CliRunner().invoke(app, ["report", str(tmp_path)]).exit_code == 2  # no dataset there


def _browser_check():
    return browser_check("check_report", "check_report")


def test_report_in_headless_chromium(report, tmp_path):
    check_report = _browser_check()
    result = check_report(report[0], tmp_path / "shots")
    assert result["sections"] == ["overview", "charts", "projects"]
    assert result["charts"] >= 3 and result["form_pages"] == report[1].forms
    assert result["crops"] > 0 and result["crops_decoded"] == result["crops"]
    assert result["sorted_descending"] and result["form_page_opens"]
    assert result["foreign_requests"] == [] and result["dialogs"] == [] and result["errors"] == []
    assert result["scripts"] == 1 and result["markup_as_text"] >= 3  # the fixture's markup, as text
    assert all(Path(p).stat().st_size > 10_000 for p in result["screenshots"])


def test_hostile_text_stays_text_in_chromium(dataset, tmp_path):
    check_report = _browser_check()
    page = tmp_path / "hostile.html"
    page.write_text(build_report(_hostile_tables(dataset), ReportOptions(crops="none")), "utf-8")
    result = check_report(page, tmp_path / "shots")
    assert result["dialogs"] == [] and result["errors"] == [] and result["foreign_requests"] == []
    assert result["scripts"] == 1


def test_years_are_printed_as_labels_not_quantities(report):
    path, _ = report
    html = path.read_text(encoding="utf-8")
    assert re.search(r'<td class="n" data-v="2024">2024</td>', html)
    assert "2,024" not in html
