"""The audit on the fixture corpus: every planted fault found, no error on a clean form."""

from collections import Counter

import polars as pl
import pytest

from conftest import truth_cases
from extract.audit import audit_dataset
from extract.dataset import to_frames
from extract.document import process_document

CASES = [c for c in truth_cases("text") + truth_cases("variants/text") if c.values[1]["forms"]]


@pytest.mark.parametrize("pdf, truth", CASES)
def test_error_findings_are_exactly_the_planted_faults(pdf, truth):
    res = process_document(pdf, pdf.name)
    findings = audit_dataset(to_frames([res]))
    errors = findings.filter(pl.col("severity") == "error")
    assert len(res.forms) == len(truth["audit_errors"]) > 0, "every form found, or the pairing below proves nothing"
    for form, planted in zip(res.forms, truth["audit_errors"], strict=True):
        form_id = f"{res.doc_id}:{form.form_index}"
        found = Counter(errors.filter(pl.col("form_id") == form_id)["check"].to_list())
        assert found == Counter(planted), f"form {form.form_index} ({form.project_name})"


def test_corpus_plants_every_error_check():
    planted = {c for case in CASES for form in case.values[1]["audit_errors"] for c in form}
    error_checks = {
        "funds.rate_mismatch", "funds.score_mismatch", "funds.lines_sum", "weights.total",
        "score.exceeds_weight", "score.total_mismatch", "score.met_not_full", "grade.mismatch",
    }
    assert error_checks <= planted
