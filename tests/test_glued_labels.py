"""A header label glued to its neighbour by a rule the table lost ("得分偏差原因分析及改进措施"
in one cell) heads both columns: the cell is cut where the row below starts a cell inside it,
so the scores are scores and the notes notes."""

from __future__ import annotations

import pytest

from extract.document import process_document
from extract.pages.mupdf import pymupdf

COLS = [40, 90, 150, 250, 320, 390, 430, 470, 560]  # x of the column rules
ROW_H = 24


def _row(page, y, cells, rules=True):
    """cells: (text, first column, span); a vertical rule left of every cell and at the end."""
    for text, c, span in cells:
        x0, x1 = COLS[c], COLS[c + span]
        fits = page.insert_textbox(pymupdf.Rect(x0 + 2, y + 5, x1 - 2, y + ROW_H), text, fontname="china-s", fontsize=7)
        assert fits >= 0, f"{text!r} does not fit its cell: the page would not print it"
        page.draw_line((x0, y), (x0, y + ROW_H), width=0.6)
        page.draw_line((x1, y), (x1, y + ROW_H), width=0.6)
    page.draw_line((COLS[0], y), (COLS[-1], y), width=0.6)
    page.draw_line((COLS[0], y + ROW_H), (COLS[-1], y + ROW_H), width=0.6)


PROJECT_ROWS = [
    [("项目名称", 0, 2), ("示例项目", 2, 6)],
    [("主管部门", 0, 2), ("示例局", 2, 3), ("实施单位", 5, 1), ("示例中心", 6, 2)],
]
FUNDS_HEADING = [("项目资金(万元)", 0, 2), ("年初预算数", 2, 1), ("全年预算数", 3, 1), ("全年执行数", 4, 1), ("分值", 5, 1),
                 ("执行率", 6, 1), ("得分", 7, 1)]
INDICATOR_HEADING = [("一级指标", 0, 1), ("二级指标", 1, 1), ("三级指标", 2, 1), ("年度指标值", 3, 1),
                     ("实际完成值", 4, 1), ("分值", 5, 1), ("得分", 6, 1), ("偏差原因分析及改进措施", 7, 1)]


def row_y(r: int) -> float:
    return 90 + r * ROW_H


def form_pdf(path, rows, extra=None):
    """A one-page form of `rows` (see _row) under its title, saved at `path`; `extra(page)`
    adds what a row's cells do not (text set across a lost rule)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((190, 60), "项目支出绩效自评表", fontname="china-s", fontsize=14)
    for r, cells in enumerate(rows):
        _row(page, row_y(r), cells)
    if extra is not None:
        extra(page)
    doc.save(path)
    return path


def test_a_glued_header_label_heads_both_its_columns(tmp_path):
    rows = [
        *PROJECT_ROWS,
        FUNDS_HEADING,
        [("年度资金总额", 0, 2), ("100.00", 2, 1), ("100.00", 3, 1), ("90.00", 4, 1), ("10", 5, 1), ("90.00", 6, 1),
         ("9.00", 7, 1)],
        [("一级指标", 0, 1), ("二级指标", 1, 1), ("三级指标", 2, 1), ("年度指标值", 3, 1), ("实际完成值", 4, 1),
         ("分值", 5, 1), ("得分偏差原因分析及改进措施", 6, 2)],
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("40", 5, 1), ("36", 6, 1), ("报名不足", 7, 1)],
        [("效益指标", 0, 1), ("社会效益指标", 1, 1), ("满意度", 2, 1), ("≥90%", 3, 1), ("95%", 4, 1),
         ("50", 5, 1), ("50", 6, 1), ("宣传到位", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("95", 6, 1), ("", 7, 1)],
    ]
    path = form_pdf(tmp_path / "glued.pdf", rows)
    res = process_document(path, "glued.pdf")
    assert res.status == "ok", res.error
    form = res.forms[0]
    assert [(i.weight, i.score, i.deviation_note) for i in form.indicators] == [(40.0, 36.0, "报名不足"), (50.0, 50.0, "宣传到位")]
    assert "得分偏差原因分析及改进措施" not in form.unmapped_labels


def test_a_stub_of_the_lost_rule_between_glued_labels_is_no_part_of_either(tmp_path):
    """"分值「执行率": the stub left of a broken rule is read between the two labels."""
    rows = [
        *PROJECT_ROWS,
        [("项目资金(万元)", 0, 2), ("年初预算数", 2, 1), ("全年预算数", 3, 1), ("全年执行数", 4, 1),
         ("分值「执行率", 5, 2), ("得分", 7, 1)],
        [("年度资金总额", 0, 2), ("100.00", 2, 1), ("100.00", 3, 1), ("90.00", 4, 1), ("10", 5, 1), ("90%", 6, 1),
         ("9.00", 7, 1)],
        INDICATOR_HEADING,
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("90", 5, 1), ("81", 6, 1), ("报名不足", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("90", 6, 1), ("", 7, 1)],
    ]
    path = form_pdf(tmp_path / "glued_stub.pdf", rows)
    form = process_document(path, "glued_stub.pdf").forms[0]
    assert (form.funds_weight, form.execution_rate_pct, form.funds_score) == (10.0, 90.0, 9.0)
    assert form.unmapped_labels == []


def test_glued_goal_headings_open_the_goals_block_under_a_misread_label(tmp_path):
    """"预期目标实际完成情况" in one cell and the block's label half lost ("体目标"): the
    goal texts are still goals, not 项目资金 lines."""
    rows = [
        *PROJECT_ROWS,
        FUNDS_HEADING,
        [("年度资金总额", 0, 2), ("100.00", 2, 1), ("100.00", 3, 1), ("90.00", 4, 1), ("10", 5, 1), ("90%", 6, 1),
         ("9.00", 7, 1)],
        [("体目标", 0, 2), ("预期目标实际完成情况", 2, 6)],
        [("", 0, 2), ("培训100人次", 2, 3), ("培训90人次", 5, 3)],
        INDICATOR_HEADING,
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("90", 5, 1), ("81", 6, 1), ("报名不足", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("90", 6, 1), ("", 7, 1)],
    ]
    path = form_pdf(tmp_path / "glued_goals.pdf", rows)
    form = process_document(path, "glued_goals.pdf").forms[0]
    assert (form.goal_planned, form.goal_actual) == ("培训100人次", "培训90人次")
    assert [ln.line for ln in form.fund_lines] == ["年度资金总额"]


@pytest.mark.parametrize("one_run", [False, True])
def test_a_number_in_a_funds_label_cell_that_lost_its_rule_is_the_value_of_its_column(tmp_path, one_run):
    """"年度资金总额 80.00" in one cell (the rule between label and 年初预算数 lost): 80.00 is
    the line's 年初预算数, not part of its name. Run on from the label with no gap, no part
    of it is taken for the value (the form is flagged instead)."""
    rows = [
        *PROJECT_ROWS,
        FUNDS_HEADING,
        [("年度资金总额", 0, 3), ("100.00", 3, 1), ("90.00", 4, 1), ("10", 5, 1), ("90%", 6, 1), ("9.00", 7, 1)],
        INDICATOR_HEADING,
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("90", 5, 1), ("81", 6, 1), ("报名不足", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("90", 6, 1), ("", 7, 1)],
    ]
    if one_run:  # the label and the number one word, running into the 年初预算数 column
        rows[3][0] = ("", 0, 3)
        text, at, size = "年度资金总额80.00", (COLS[0] + 2, row_y(3) + 18), 16
    else:
        text, at, size = "80.00", (COLS[2] + 20, row_y(3) + 12), 7
    path = form_pdf(tmp_path / "spilt.pdf", rows,
                    lambda page: page.insert_text(at, text, fontname="china-s", fontsize=size))
    form = process_document(path, "spilt.pdf").forms[0]
    line = form.fund_lines[0]
    if one_run:  # a text layer's characters, no gap where the rule stood: never a part taken for the number
        assert line.budget_initial is None and form.needs_review
    else:
        assert (line.line, line.budget_initial, line.budget_full_year, line.executed) == ("年度资金总额", 80.0, 100.0, 90.0)
