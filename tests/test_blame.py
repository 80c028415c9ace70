"""A misreading never becomes the form's fault: a finding whose check reads a column the
form did not read surely (a label under a seal, a block not found) is `source = extraction`
and at most a warning; and every form under review says why."""

from __future__ import annotations

import polars as pl
import pytest

from conftest import FIXTURES
from extract.audit import CHECKS, DEPENDS_ON, FINDINGS, audit_dataset
from extract.audit.checks import blame_unread
from extract.audit.consistency import CONSISTENCY_CHECKS
from extract.dataset import to_frames
from extract.dataset.schema import TABLES
from extract.document import process_document

ALL_CHECKS = [*CHECKS, *CONSISTENCY_CHECKS]


def test_every_check_says_which_columns_it_reads():
    assert set(DEPENDS_ON) == set(ALL_CHECKS)
    tables = {"fund_lines": TABLES["fund_lines"], "indicators": TABLES["indicators"], "form": TABLES["forms"]}
    for check, columns in DEPENDS_ON.items():
        for column in columns:
            table, name = column.split(".")
            assert name in tables[table], f"{check}: {column} is no column"


def _finding(check: str, severity: str) -> pl.DataFrame:
    return pl.DataFrame([{"form_id": "f:0", "check": check, "severity": severity, "subject": "form",
                          "indicator_index": None, "expected": None, "found": None, "message": "…",
                          "source": "form", "related_forms": []}], schema=FINDINGS)


@pytest.mark.parametrize("check", [c for c in ALL_CHECKS if DEPENDS_ON[c]])
def test_a_finding_on_an_unread_column_is_the_reading_s(check):
    for column in DEPENDS_ON[check]:
        forms = pl.DataFrame({"form_id": ["f:0"], "unread_columns": [[column]]})
        blamed = blame_unread(_finding(check, "error"), forms).row(0, named=True)
        assert (blamed["source"], blamed["severity"]) == ("extraction", "warning"), column
    others = [c for c in ("indicators.level2", "form.total_weight", "fund_lines.budget_initial") if c not in DEPENDS_ON[check]]
    kept = blame_unread(_finding(check, "error"), pl.DataFrame({"form_id": ["f:0"], "unread_columns": [others]}))
    assert kept.row(0, named=True)["source"] == "form"


@pytest.fixture(scope="module")
def long_forms():
    return process_document(FIXTURES / "scans" / "long_forms_multipage.tiff", "long_forms_multipage.tiff")


@pytest.mark.ocr
def test_columns_lost_under_a_seal_are_not_the_form_s_fault(long_forms):
    """The seal over the repeated header of form 1 spoils 偏差原因分析及改进措施 (and, as read
    now, 分值): those columns were not read, so every finding whose check reads one of them
    accuses the reading, not the form — a missing note, weights that do not add up."""
    form = long_forms.forms[1]
    assert "indicators.deviation_note" in form.unread_columns
    findings = audit_dataset(to_frames([long_forms]))
    on_form = findings.filter(pl.col("form_id").str.ends_with(":1"))
    reads_unread = on_form.filter(pl.col("check").map_elements(
        lambda c: bool(set(DEPENDS_ON.get(c, ())) & set(form.unread_columns)), return_dtype=pl.Boolean))
    assert reads_unread.height >= 1
    assert set(reads_unread["source"]) == {"extraction"}
    assert "error" not in set(reads_unread["severity"])


@pytest.mark.ocr
@pytest.mark.parametrize("path", ["scans/long_forms_multipage.tiff", "scans/seed_hongqiao_scan.pdf",
                                  "variants/scans/central_pre2020_scan.pdf"])
def test_every_form_under_review_says_why(path, long_forms):
    res = long_forms if path.endswith(".tiff") else process_document(FIXTURES / path, path)
    assert res.forms
    for form in res.forms:
        assert not form.needs_review or form.review_reasons, (path, form.form_index)


def test_each_check_is_named_once_in_the_code():
    """A check's code, what it reads and what a report marks for it are written once, where
    it is defined (`@check`): not again in a table of names elsewhere."""
    from pathlib import Path

    from extract.audit.checks import REGISTRY

    sources = [p.read_text(encoding="utf-8") for p in (Path(__file__).parents[1] / "extract").rglob("*.py")]
    for name in REGISTRY:
        assert sum(text.count(f'"{name}"') for text in sources) == 1, name
