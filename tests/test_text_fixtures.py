"""Every field of every text fixture form against the truth it was rendered from."""

import pytest

from compare import form_differences
from conftest import truth_cases
from extract.document import process_document


@pytest.mark.parametrize("pdf, truth", truth_cases("text"))
def test_text_fixture_matches_truth(pdf, truth):
    res = process_document(pdf, pdf.name)
    assert res.status == truth["status"], res.error
    assert res.pages == truth["pages"]
    assert len(res.forms) == len(truth["forms"])
    diffs = [d for form, want in zip(res.forms, truth["forms"]) for d in form_differences(form, want)]
    assert not diffs, "\n".join(diffs)
