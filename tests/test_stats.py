"""Cross-project aggregates: a small hand-built dataset whose answers are worked out below,
and a smoke run over a real ingested one."""

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from extract.audit import FINDINGS
from extract.batch import IngestConfig, ingest
from extract.cli.main import app
from extract.dataset.schema import TABLES
from extract.dataset.stats import (
    by_department,
    by_year,
    execution_distribution,
    full_marks,
    full_marks_by_department,
    load_stats_input,
    overview,
    score_distribution,
    stats_report,
)

runner = CliRunner()


def _frame(schema, rows):
    return pl.DataFrame(rows, schema=schema)


def _form(form_id, doc, dept, year, score, rate, grade, review):
    return {"form_id": form_id, "doc_id": doc, "department": dept, "year": year, "total_score": score,
            "execution_rate_pct": rate, "grade": grade, "needs_review": review}


def _ind(form_id, i, weight, score, level1="产出指标"):
    return {"form_id": form_id, "indicator_index": i, "level1": level1, "weight": weight, "score": score}


@pytest.fixture(scope="module")
def tables():
    """Department A (2024): a1, a2 in d1, a3 in d2 with no score, rate or grade.
    Department B: b1 (2024, graded 优秀 = 优), b2 (2023)."""
    forms = _frame(TABLES["forms"], [
        _form("a1", "d1", "A", 2024, 95.0, 100.0, "优", False),
        _form("a2", "d1", "A", 2024, 85.0, 80.0, "良", True),
        _form("a3", "d2", "A", 2024, None, None, None, False),
        _form("b1", "d3", "B", 2024, 100.0, 105.0, "优秀", False),
        _form("b2", "d4", "B", 2023, 59.5, 50.0, "差", False),
    ])
    indicators = _frame(TABLES["indicators"], [
        _ind("a1", 0, 10.0, 10.0), _ind("a1", 1, 20.0, 15.0, "效益指标"),
        _ind("a1", 2, 0.0, 0.0),      # weight 0: not judged
        _ind("a1", 3, 5.0, None),     # no score: not judged
        _ind("a2", 0, 10.0, 10.0), _ind("a2", 1, 10.0, 10.0, "效益指标"),
        _ind("a3", 0, None, 5.0),     # no weight: not judged
        _ind("b1", 0, 30.0, 30.0), _ind("b1", 1, 20.0, 20.0),
        _ind("b2", 0, 10.0, 5.0),
    ])
    documents = _frame(TABLES["documents"], [
        {"doc_id": d, "path": f"{d}.pdf", "status": s}
        for d, s in (("d1", "ok"), ("d2", "ok"), ("d3", "ok"), ("d4", "ok"), ("d5", "no_form"), ("d6", "failed"))
    ])
    findings = _frame(FINDINGS, [
        {"form_id": "a1", "check": "score.total_mismatch", "severity": "error"},
        {"form_id": "a1", "check": "grade.mismatch", "severity": "error"},
        {"form_id": "a2", "check": "note.missing_reason", "severity": "warning"},
        {"form_id": "b1", "check": "funds.rate_mismatch", "severity": "error"},
    ])
    return {"documents": documents, "forms": forms, "fund_lines": pl.DataFrame(schema=TABLES["fund_lines"]),
            "indicators": indicators, "findings": findings}


def test_by_department_and_year(tables):
    got = by_department(tables, tables["findings"])
    assert got.select("department", "year").rows() == [("A", 2024), ("B", 2023), ("B", 2024)]
    a, b23, b24 = got.to_dicts()
    assert a["forms"] == 3 and a["documents"] == 2
    # a3's missing score, rate and grade are not counted as anything
    assert (a["score_mean"], a["score_median"], a["score_min"], a["score_max"]) == (90.0, 90.0, 85.0, 95.0)
    assert a["execution_rate_mean"] == 90.0
    assert a["review_share"] == pytest.approx(1 / 3)
    assert a["indicators_scored"] == 4 and a["full_marks_share"] == 0.75  # a1: 1 of 2, a2: 2 of 2
    assert a["errors_per_form"] == pytest.approx(2 / 3)
    assert a["top_grade_share"] == 0.5  # 优 of {优, 良}
    assert b24["top_grade_share"] == 1.0  # 优秀 is 优
    assert (b24["full_marks_share"], b24["errors_per_form"], b24["execution_rate_mean"]) == (1.0, 1.0, 105.0)
    assert (b23["full_marks_share"], b23["errors_per_form"], b23["top_grade_share"]) == (0.0, 0.0, 0.0)


def test_without_findings_or_anything_to_count(tables):
    got = by_department(tables)
    assert got["errors_per_form"].to_list() == [0.0, 0.0, 0.0]
    only_a3 = {**tables, "forms": tables["forms"].filter(pl.col("form_id") == "a3")}
    row = by_department(only_a3).to_dicts()[0]
    assert row["forms"] == 1 and row["indicators_scored"] == 0
    assert row["score_mean"] is None and row["full_marks_share"] is None and row["top_grade_share"] is None


def test_by_year(tables):
    got = by_year(tables, tables["findings"])
    assert got.columns[0] == "year" and "department" not in got.columns
    assert got.select("year", "forms", "indicators_scored").rows() == [(2023, 1, 1), (2024, 4, 6)]
    assert got["full_marks_share"][1] == pytest.approx(5 / 6)


def test_full_marks(tables):
    assert full_marks_by_department(tables).rows() == [("A", 4, 3, 0.75), ("B", 3, 2, pytest.approx(2 / 3))]
    by_level1 = full_marks(tables, ("department", "level1")).filter(pl.col("department") == "A")
    assert sorted(by_level1.select("level1", "indicators_scored", "full_marks").rows()) \
        == [("产出指标", 2, 2), ("效益指标", 2, 1)]


def test_score_distribution(tables):
    got = score_distribution(tables["forms"])
    assert got.columns == ["bin", "lo", "hi", "count"]
    assert got["bin"].to_list() == ["<60", "60–70", "70–80", "80–90", "90–95", "95–100", ">100"]
    assert got["count"].to_list() == [1, 0, 0, 1, 0, 2, 0]  # 59.5, 85, 95 and 100 (the top); the null left out
    assert got["lo"][0] is None and got["hi"][-1] is None and got.row(1)[1:3] == (60.0, 70.0)
    two = score_distribution(tables["forms"], bins=(90,))
    assert two.select("bin", "count").rows() == [("<90", 2), ("≥90", 2)]


def test_execution_distribution(tables):
    got = execution_distribution(tables["forms"])
    assert got["bin"].to_list() == ["≤50", "50–80", "80–90", "90–95", "95–100", ">100"]
    assert got["count"].to_list() == [1, 1, 0, 0, 1, 1]  # 50, 80, 100 (in 95–100), 105


def test_overview(tables):
    assert overview(tables, tables["findings"]) == {
        "documents": 6, "ok": 4, "no_form": 1, "failed": 1, "forms": 5, "needs_review": 1, "documents_to_check": 0, "indicators": 10,
        "findings": 4, "error": 3, "warning": 1, "info": 0, "forms_with_errors": 2,
    }


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, fixtures_dir):
    out = tmp_path_factory.mktemp("dataset")
    ingest([fixtures_dir / "text" / f"{n}.pdf" for n in ("seed_hongqiao", "audit_planted_faults")], out,
           IngestConfig(workers=1))
    return out


def test_a_real_dataset(dataset):
    tables, findings = load_stats_input(dataset)
    report = stats_report(tables, findings)
    assert report.overview["documents"] == 2 and report.overview["forms"] == tables["forms"].height > 0
    assert report.overview["error"] > 0  # the planted faults
    assert report.groups["forms"].sum() == tables["forms"].height
    assert report.scores["count"].sum() == tables["forms"]["total_score"].drop_nulls().len()
    seed = report.groups.filter(pl.col("department") == "上海虹桥国际中央商务区管理委员会")
    assert seed["forms"].to_list() == [3] and seed["score_max"].to_list() == [100.0]


def test_cli_stats(dataset, tmp_path):
    table = runner.invoke(app, ["stats", str(dataset)], env={"COLUMNS": "240"})
    assert table.exit_code == 0, table.output
    assert "上海虹桥国际中央商务区管理委员会" in table.stdout and "full_marks_share" in table.stdout
    csv = runner.invoke(app, ["stats", str(dataset), "--by", "year", "--format", "csv"])
    assert csv.exit_code == 0 and csv.stdout.splitlines()[0].startswith("year,forms,documents,")
    js = runner.invoke(app, ["stats", str(dataset), "--format", "json"])
    data = json.loads(js.stdout)
    assert data["by"] == ["department", "year"] and data["overview"]["documents"] == 2
    assert [b["bin"] for b in data["score_distribution"]][-1] == ">100"
    empty = runner.invoke(app, ["stats", str(tmp_path)])
    assert empty.exit_code == 2 and "no dataset here" in empty.stderr and empty.stderr.count("\n") == 1
