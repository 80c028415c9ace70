"""Values a misreading left marks on, on real PDFs: a measure with specks at its edges
(".93%"), a number with a seal's character or a comma for its point ("45.0计", "10,00"), a
grade with specks beside it ("...优"). Each is read without them and stays in doubt; what
may be a misread digit ("l0.00") stays unread."""

from __future__ import annotations

import pytest

from extract.document import process_document
from test_glued_labels import FUNDS_HEADING, INDICATOR_HEADING, PROJECT_ROWS, form_pdf


def test_marks_at_a_value_s_edges_are_specks_dropped_in_doubt(tmp_path):
    """".93%", "≥90%\"" and "97(%):": no printed measure starts or ends with a mark. The
    values are read without them, the form in doubt for each; a qualitative one keeps its stop."""
    rows = [
        *PROJECT_ROWS,
        INDICATOR_HEADING,
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ('≥90%"', 3, 1), (".93%", 4, 1),
         ("50", 5, 1), ("50", 6, 1), ("", 7, 1)],
        [("效益指标", 0, 1), ("社会效益指标", 1, 1), ("培训合格率", 2, 1), ("≥95(%)", 3, 1), ("97(%):", 4, 1),
         ("40", 5, 1), ("40", 6, 1), ("", 7, 1)],
        [("效益指标", 0, 1), ("可持续影响指标", 1, 1), ("群众反映", 2, 1), ("良好", 3, 1), ("良好。", 4, 1),
         ("10", 5, 1), ("10", 6, 1), ("", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("100", 6, 1), ("", 7, 1)],
    ]
    path = form_pdf(tmp_path / "edge_marks.pdf", rows)
    form = process_document(path, "edge_marks.pdf").forms[0]
    assert [(i.target, i.actual, i.actual_value, i.actual_unit) for i in form.indicators] == [
        ("≥90%", "93%", 93.0, "%"), ("≥95(%)", "97(%)", 97.0, "%"), ("良好", "良好。", None, None)]
    reasons = [r for r in form.review_reasons if "marks at its edges" in r]
    assert len(reasons) == 3 and form.needs_review


def test_a_number_a_misreading_added_marks_to_is_read_without_them_in_doubt(tmp_path):
    """"10,00" (a point read as a comma), "9.70丨" (a rule's stub), "45.0计" (a seal's
    character): the numbers, each named in the form's reasons; "l0.00" (a letter that may be
    a digit) stays unread."""
    rows = [
        *PROJECT_ROWS,
        FUNDS_HEADING,
        [("年度资金总额", 0, 2), ("100.00", 2, 1), ("100.00", 3, 1), ("97.00", 4, 1), ("10,00", 5, 1), ("97.00", 6, 1),
         ("9.70丨", 7, 1)],
        INDICATOR_HEADING,
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("50.00", 5, 1), ("45.0计", 6, 1), ("报名不足", 7, 1)],
        [("效益指标", 0, 1), ("社会效益指标", 1, 1), ("群众满意度", 2, 1), ("≥90%", 3, 1), ("95%", 4, 1),
         ("l0.00", 5, 1), ("40.00", 6, 1), ("", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("95", 6, 1), ("", 7, 1)],
    ]
    path = form_pdf(tmp_path / "misread_numbers.pdf", rows)
    form = process_document(path, "misread_numbers.pdf").forms[0]
    assert (form.funds_weight, form.funds_score) == (10.0, 9.7)
    assert [(i.weight, i.score) for i in form.indicators] == [(50.0, 45.0), (None, 40.0)]
    assert form.needs_review
    assert sum("taken for" in r for r in form.review_reasons) == 3
    assert any("not a number: 'l0.00'" in r for r in form.review_reasons)


@pytest.mark.parametrize("printed, grade, reason", [
    ("优", "优", None), ("...优", "优", "marks beside it taken for specks"), ("优+.", "优", "marks beside it taken for specks"),
    ("忧", "忧", "not a grade"), ("—", None, None),  # a dash: no grade printed
])
def test_a_grade_is_one_the_lexicon_knows_specks_beside_it_dropped_in_doubt(tmp_path, printed, grade, reason):
    rows = [
        *PROJECT_ROWS,
        INDICATOR_HEADING,
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("120人次", 4, 1),
         ("100", 5, 1), ("100", 6, 1), ("", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("100", 6, 1), ("", 7, 1)],
        [("评分等级", 0, 2), (printed, 2, 6)],
    ]
    path = form_pdf(tmp_path / "grade.pdf", rows)
    form = process_document(path, "grade.pdf").forms[0]
    assert form.grade == grade
    assert any(reason in r for r in form.review_reasons) if reason else not any("评分等级" in r for r in form.review_reasons)
