"""The corrections journal on real documents: `jixiao correct` / `confirm`, every reader
applying it, re-ingests keeping it, two writers losing nothing."""

import multiprocessing
import shutil
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from extract.cli.main import app
from extract.dataset import read_dataset
from extract.dataset.corrections import Correction, read_journal, record

runner = CliRunner()


def _ingest(files: list[Path], out: Path):
    result = runner.invoke(app, ["ingest", *map(str, files), "--out", str(out), "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def _findings(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "findings.parquet")


@pytest.fixture()
def planted(tmp_path, fixtures_dir):
    """audit_planted_faults.pdf ingested, with the form whose 资金得分 is printed wrong."""
    src = tmp_path / "in" / "audit_planted_faults.pdf"
    src.parent.mkdir()
    shutil.copy(fixtures_dir / "text" / "audit_planted_faults.pdf", src)
    out = _ingest([src], tmp_path / "out")
    hit = _findings(out).filter(pl.col("check") == "funds.score_mismatch")
    assert hit.height == 1 and hit["source"][0] == "form"
    return src, out, hit.row(0, named=True)


def test_a_correction_clears_the_planted_finding_and_survives_a_reingest(planted):
    src, out, finding = planted
    form_id, subject = finding["form_id"], finding["subject"]
    result = runner.invoke(app, ["correct", str(out), "--form", form_id, "--subject", subject, "--field", "score",
                                 "--value", finding["expected"], "--note", "the rule gives this", "--reviewer", "li"])
    assert result.exit_code == 0, result.output
    journal = read_journal(out)
    assert journal.select("form_id", "subject", "field", "old", "new", "action", "reviewer").row(0) == (
        form_id, subject, "score", finding["found"], finding["expected"], "correct", "li")
    assert runner.invoke(app, ["audit", str(out)]).exit_code == 0
    assert _findings(out).filter((pl.col("check") == "funds.score_mismatch") & (pl.col("form_id") == form_id)).is_empty()
    # The extraction tables still hold the reading; every reader sees the correction.
    raw = pl.read_parquet(out / "fund_lines.parquet").filter((pl.col("form_id") == form_id) & (pl.col("line_index") == 0))
    assert raw["score"][0] == float(finding["found"])
    read = read_dataset(out)
    line = read["fund_lines"].filter((pl.col("form_id") == form_id) & (pl.col("line_index") == 0))
    assert line["score"][0] == float(finding["expected"]) and line["corrected"][0].to_list() == ["score"]
    form = read["forms"].filter(pl.col("form_id") == form_id)
    assert form["funds_score"][0] == float(finding["expected"])  # the form's figure is its total line's
    # Ingesting the same file over the same --out again: the correction still applies.
    _ingest([src], out)
    assert runner.invoke(app, ["audit", str(out)]).exit_code == 0
    assert _findings(out).filter((pl.col("check") == "funds.score_mismatch") & (pl.col("form_id") == form_id)).is_empty()
    # ... and after the tables were removed and the file read afresh (same content hash, same form_id).
    for path in out.glob("*.parquet"):
        path.unlink()
    _ingest([src], out)
    assert _findings(out).filter((pl.col("check") == "funds.score_mismatch") & (pl.col("form_id") == form_id)).is_empty()
    assert read_dataset(out, raw=True)["fund_lines"].filter(
        (pl.col("form_id") == form_id) & (pl.col("line_index") == 0))["score"][0] == float(finding["found"])


def test_exports_mark_corrected_cells_and_raw_shows_the_reading(planted, tmp_path):
    _, out, finding = planted
    assert runner.invoke(app, ["correct", str(out), "--form", finding["form_id"], "--subject", finding["subject"],
                               "--field", "score", "--value", finding["expected"]]).exit_code == 0
    book = tmp_path / "corrected.xlsx"
    assert runner.invoke(app, ["export", str(out), "--out", str(book)]).exit_code == 0
    wb = openpyxl.load_workbook(book, read_only=True)
    assert "corrections" in wb.sheetnames
    rows = list(wb["fund_lines"].iter_rows(values_only=True))
    head = rows[0]
    marked = [r for r in rows[1:] if r[head.index("corrected")]]
    assert len(marked) == 1 and marked[0][head.index("corrected")] == "score"
    assert marked[0][head.index("score")] == float(finding["expected"])
    csv_dir = tmp_path / "raw"
    assert runner.invoke(app, ["export", str(out), "--format", "csv", "--out", str(csv_dir), "--raw"]).exit_code == 0
    lines = pl.read_csv(csv_dir / "fund_lines.csv").filter(
        (pl.col("form_id") == finding["form_id"]) & (pl.col("line_index") == 0))
    assert lines["score"][0] == float(finding["found"])
    findings = pl.read_csv(csv_dir / "findings.csv")  # the audit of the reading, not of the correction
    assert findings.filter(pl.col("check") == "funds.score_mismatch").height == 1


@pytest.mark.parametrize("args, message", [
    (["--form", "nope:0", "--subject", "form", "--field", "funds_score", "--value", "1"], "no form"),
    (["--subject", "indicators[99]", "--field", "score", "--value", "1"], "has no indicators[99]"),
    (["--subject", "fund_lines[0]", "--field", "colour", "--value", "1"], "no field 'colour'"),
    (["--subject", "fund_lines[0]", "--field", "score", "--value", "九点三"], "is not a number"),
    (["--subject", "form", "--field", "year", "--value", "24"], "is not a year"),
    (["--subject", "rows[1]", "--field", "score", "--value", "1"], "expected form, fund_lines[N] or indicators[N]"),
])
def test_a_correction_the_dataset_cannot_take_is_a_one_line_usage_error(planted, args, message):
    _, out, finding = planted
    if "--form" not in args:
        args = ["--form", finding["form_id"], *args]
    result = runner.invoke(app, ["correct", str(out), *args])
    assert result.exit_code == 2
    assert message in result.output and result.output.count("\n") == 1, result.output
    assert read_journal(out).is_empty()


def test_a_form_doubted_as_a_whole_leaves_review_when_a_reviewer_has_checked_it(tmp_path, fixtures_dir):
    out = _ingest([fixtures_dir / "variants" / "text" / "unknown_labels.pdf"], tmp_path / "out")
    form = read_dataset(out)["forms"].row(0, named=True)
    assert form["needs_review"] and form["doubts"] == ["form"] and form["doubts_open"] == ["form"]
    result = runner.invoke(app, ["correct", str(out), "--form", form["form_id"], "--subject", "form",
                                 "--field", "needs_review", "--value", "false", "--note", "labels checked by eye"])
    assert result.exit_code == 0 and "not under review" in result.output
    after = read_dataset(out)["forms"].row(0, named=True)
    assert not after["needs_review"] and after["doubts_open"] == [] and after["confidence"] == 1.0
    assert read_dataset(out, raw=True)["forms"]["needs_review"][0]  # the reading is unchanged
    # Sent back to review by a second reviewer: the latest entry wins.
    assert runner.invoke(app, ["correct", str(out), "--form", form["form_id"], "--subject", "form",
                               "--field", "needs_review", "--value", "true"]).exit_code == 0
    assert read_dataset(out)["forms"]["needs_review"][0]


def _write_many(out: str, form_id: str, who: str, n: int) -> None:
    for i in range(n):
        record(Path(out), [Correction(form_id, "form", "project_name", "x", f"{who}-{i}", reviewer=who)])


def test_two_writers_at_once_lose_nothing_and_the_latest_wins(planted):
    _, out, finding = planted
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_many, args=(str(out), finding["form_id"], who, 25)) for who in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    journal = read_journal(out)
    assert journal.height == 50 and set(journal["new"]) == {f"{w}-{i}" for w in "ab" for i in range(25)}
    last = journal.sort("at")["new"][-1]
    form = read_dataset(out)["forms"].filter(pl.col("form_id") == finding["form_id"])
    assert form["project_name"][0] == last
    indicators = read_dataset(out)["indicators"].filter(pl.col("form_id") == finding["form_id"])
    assert set(indicators["project_name"]) == {last}  # carried to its rows too


def test_a_correction_made_on_another_reading_says_so(planted):
    _, out, finding = planted
    record(out, [Correction(finding["form_id"], finding["subject"], "score", "9.99", finding["expected"])])
    result = runner.invoke(app, ["audit", str(out)])
    assert result.exit_code == 0
    assert f"was made on '9.99'; the reading now reads '{finding['found']}'" in result.output
