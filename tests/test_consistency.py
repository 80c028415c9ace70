"""The audit across projects, on an archive rendered from records (fixtures/consistency/:
departments over two years, each consistency check planted at least twice beside clean
departments), read through the real ingest: every planted case fires on exactly its forms,
and nothing fires on a clean department."""

from __future__ import annotations

import json
from collections import defaultdict

import polars as pl
import pytest

from conftest import FIXTURES
from extract.audit import CONSISTENCY, audit_dataset
from extract.batch import IngestConfig, ingest
from extract.dataset import read_dataset

ARCHIVE = FIXTURES / "consistency"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("consistency")
    summary = ingest([ARCHIVE], out, IngestConfig(workers=2))
    assert summary.failed == 0 and summary.needs_review == 0, summary.failures
    return out


@pytest.fixture(scope="module")
def expected():
    return json.loads((ARCHIVE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def form_ids(dataset):
    forms = pl.read_parquet(dataset / "forms.parquet")
    return {(r["path"], r["form_index"]): r["form_id"] for r in forms.iter_rows(named=True)}


@pytest.fixture(scope="module")
def findings(dataset):
    f = pl.read_parquet(dataset / "findings.parquet")
    return f.filter(pl.col("check").str.starts_with("consistency."))


def test_the_archive_reads_whole(form_ids, expected):
    planted = {tuple(f) for case in expected["cases"] for f in case["forms"]}
    assert planted <= set(form_ids), planted - set(form_ids)
    assert len(form_ids) >= 30


def test_every_planted_case_fires_on_exactly_its_forms(findings, expected, form_ids):
    cases = defaultdict(list)
    for case in expected["cases"]:
        cases[case["check"]].append(case)
    assert set(cases) == {f"consistency.{c}" for c in (
        "same_indicator_diff_score", "duplicate_project", "target_lowered", "boilerplate_text",
        "department_inflation", "funds_weight_varies")}
    for check, planted in cases.items():
        assert len(planted) >= 2, check
        want = {(form_ids[tuple(f)], case["severity"]) for case in planted for f in case["forms"]}
        got = set(findings.filter(pl.col("check") == check).select("form_id", "severity").iter_rows())
        assert got == want, f"{check}: extra {got - want}, missing {want - got}"


def test_related_forms_name_the_other_forms(findings, expected, form_ids):
    for case in expected["cases"]:
        ids = {form_ids[tuple(f)] for f in case["forms"]}
        related = {form_ids[tuple(f)] for f in case.get("related", [])}
        rows = findings.filter((pl.col("check") == case["check"]) & pl.col("form_id").is_in(list(ids)))
        for row in rows.iter_rows(named=True):
            others = set(row["related_forms"])
            assert row["form_id"] not in others
            assert others <= (ids | related) - {row["form_id"]}, (case["check"], case["note"])
            assert others, case["check"]
        assert all("「" in m or "年度" in m for m in rows["message"]), "a Chinese message naming the project"


def test_no_finding_falls_on_a_clean_department(dataset, findings, expected):
    forms = pl.read_parquet(dataset / "forms.parquet")
    clean = forms.filter(pl.col("department").is_in(expected["clean_departments"]))["form_id"]
    assert clean.len() >= 4
    assert findings.filter(pl.col("form_id").is_in(clean.to_list())).height == 0


def test_the_department_table(dataset, expected):
    table = pl.read_parquet(dataset / "consistency.parquet")
    assert table.schema == pl.Schema(CONSISTENCY)
    assert table.select("department", "year").is_unique().all()
    inflated = table.filter(pl.col("department_inflation") > 0)
    assert inflated.height >= 2
    assert table.filter(pl.col("department").is_in(expected["clean_departments"]))["findings"].sum() == 0


def test_a_reading_in_doubt_makes_the_finding_the_extraction_s(dataset):
    """A cross-project finding that rests on an uncertain reading says so (source
    extraction), as the per-form checks do."""
    tables = read_dataset(dataset)
    findings = audit_dataset(tables)
    hit = findings.filter(pl.col("check") == "consistency.duplicate_project").row(0, named=True)
    tables["forms"] = tables["forms"].with_columns(
        pl.when(pl.col("form_id") == hit["form_id"]).then(0.5).otherwise(pl.col("confidence")).alias("confidence"))
    again = audit_dataset(tables).filter(pl.col("check") == "consistency.duplicate_project")
    involved = [hit["form_id"], *hit["related_forms"]]
    assert set(again.filter(pl.col("form_id").is_in(involved))["source"]) == {"extraction"}
    assert set(again.filter(~pl.col("form_id").is_in(involved))["source"]) <= {"form"}


def test_a_project_published_many_times_lists_a_bounded_number_of_others(dataset):
    """One form printed 2,000 times in an archive: each of its findings names at most
    MAX_RELATED others (listing all would be n², 2 GB there), and says how many there are."""
    from extract.audit.consistency import MAX_RELATED

    tables = read_dataset(dataset)
    hit = audit_dataset(tables).filter(pl.col("check") == "consistency.duplicate_project").row(0, named=True)
    copies = MAX_RELATED + 20
    one = tables["forms"].filter(pl.col("form_id") == hit["form_id"])
    many = pl.concat([one.with_columns(pl.lit(f"copy{i:03}:0").alias("form_id")) for i in range(copies)])
    tables["forms"] = pl.concat([tables["forms"].filter(pl.col("form_id") != hit["form_id"]), many])
    again = audit_dataset(tables).filter(pl.col("check") == "consistency.duplicate_project"
                                         ).filter(pl.col("form_id").str.starts_with("copy"))
    assert again.height == copies
    for row in again.iter_rows(named=True):
        assert len(row["related_forms"]) == MAX_RELATED and row["form_id"] not in row["related_forms"]
        assert f"{copies + len(hit['related_forms'])}份" in row["message"]
