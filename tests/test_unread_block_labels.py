"""A form's structure where a scan lost or added to it, on real PDFs: a block or column whose
label went unread (a seal over 项目资金(万元) or 一级指标) is found by its column labels or the
names in it, the lost label named; a row of specks and a rule drawn part-way make no row."""

from __future__ import annotations

from extract.document import process_document
from test_glued_labels import COLS, FUNDS_HEADING, INDICATOR_HEADING, PROJECT_ROWS, ROW_H, form_pdf, row_y

# Rows several of these forms print as they are.
TOTAL_FUNDS_LINE = [("年度资金总额", 0, 2), ("100.00", 2, 1), ("100.00", 3, 1), ("90.00", 4, 1), ("10", 5, 1), ("90.00", 6, 1),
                    ("9.00", 7, 1)]
ONE_INDICATOR = [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
                 ("90", 5, 1), ("81", 6, 1), ("报名不足", 7, 1)]
TOTAL_ROW = [("总分", 0, 5), ("100", 5, 1), ("90", 6, 1), ("", 7, 1)]


def test_the_funds_block_is_opened_by_its_column_labels_where_its_own_label_is_unread(tmp_path):
    rows = [
        *PROJECT_ROWS,
        [("", 0, 2), ("年初预算数", 2, 1), ("全年预算数", 3, 1), ("全年执行数", 4, 1), ("分值", 5, 1),
         ("执行率", 6, 1), ("得分", 7, 1)],
        TOTAL_FUNDS_LINE,
        INDICATOR_HEADING,
        ONE_INDICATOR,
        TOTAL_ROW,
    ]
    path = form_pdf(tmp_path / "unlabelled_funds.pdf", rows)
    form = process_document(path, "unlabelled_funds.pdf").forms[0]
    assert (form.budget_initial, form.budget_full_year, form.executed, form.funds_score) == (100.0, 100.0, 90.0, 9.0)
    assert [ln.line for ln in form.fund_lines] == ["年度资金总额"]
    assert form.needs_review and any("万元 assumed" in r for r in form.review_reasons)


def test_blocks_whose_labels_are_lost_are_opened_by_column_labels_misread_as_well(tmp_path):
    """A binarised copy's dark edge over the first column: 项目资金 read "自资万as", 全年执行数
    with a speck in it, 年度总体目标 read "积" and its 实际 heading behind a stray quote. Three
    funds labels as printed still open the funds block, one goal label as printed the goals
    block: the goal texts are goals, not 项目资金 lines."""
    rows = [
        *PROJECT_ROWS,
        [("自资万as", 0, 2), ("年初预算数", 2, 1), ("全年预算数(A)", 3, 1), ("全年执:行数", 4, 1), ("分值", 5, 1),
         ("执行率", 6, 1), ("得分", 7, 1)],
        TOTAL_FUNDS_LINE,
        [("积", 0, 2), ("年初设定目标", 2, 3), ("“年度总体目标完成情况综述", 5, 3)],
        [("", 0, 2), ("培训100人次", 2, 3), ("培训90人次", 5, 3)],
        INDICATOR_HEADING,
        ONE_INDICATOR,
        TOTAL_ROW,
    ]
    path = form_pdf(tmp_path / "dark_edge.pdf", rows)
    form = process_document(path, "dark_edge.pdf").forms[0]
    assert (form.budget_initial, form.budget_full_year, form.executed, form.funds_score) == (100.0, 100.0, 90.0, 9.0)
    assert [ln.line for ln in form.fund_lines] == ["年度资金总额"]
    assert (form.goal_planned, form.goal_actual) == ("培训100人次", "培训90人次")
    assert form.needs_review


def test_an_indicator_row_holding_only_specks_is_blank_and_said_so(tmp_path):
    """A second-level name printed with nothing under it, where noise left ".." in a value
    cell, is no indicator: the rows after it keep their own values, and the form says why."""
    rows = [
        *PROJECT_ROWS,
        INDICATOR_HEADING,
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("50", 5, 1), ("45", 6, 1), ("报名不足", 7, 1)],
        [("产出指标", 0, 1), ("质量指标", 1, 1), ("", 2, 1), ("", 3, 1), ("..", 4, 1), ("", 5, 1), ("", 6, 1),
         ("", 7, 1)],
        [("产出指标", 0, 1), ("时效指标", 1, 1), ("完成时限", 2, 1), ("15天以内", 3, 1), ("12天", 4, 1),
         ("50", 5, 1), ("50", 6, 1), ("", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("95", 6, 1), ("", 7, 1)],
    ]
    path = form_pdf(tmp_path / "speck_row.pdf", rows)
    form = process_document(path, "speck_row.pdf").forms[0]
    assert [(i.level2, i.level3, i.target, i.actual) for i in form.indicators] == [
        ("数量指标", "培训人次", "≥100人次", "90人次"), ("时效指标", "完成时限", "15天以内", "12天")]
    assert form.needs_review and any("held only specks" in r for r in form.review_reasons)


def test_a_header_label_read_as_no_word_heads_the_one_column_the_row_lacks(tmp_path):
    """"4" where 分值 is printed (a seal over it): the weights are read, the form in doubt."""
    rows = [
        *PROJECT_ROWS,
        [("一级指标", 0, 1), ("二级指标", 1, 1), ("三级指标", 2, 1), ("年度指标值", 3, 1), ("实际完成值", 4, 1),
         ("4", 5, 1), ("得分", 6, 1), ("偏差原因分析及改进措施", 7, 1)],
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("50", 5, 1), ("45", 6, 1), ("报名不足", 7, 1)],
        [("产出指标", 0, 1), ("时效指标", 1, 1), ("完成时限", 2, 1), ("15天以内", 3, 1), ("12天", 4, 1),
         ("50", 5, 1), ("50", 6, 1), ("", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("95", 6, 1), ("", 7, 1)],
    ]
    path = form_pdf(tmp_path / "unread_weight.pdf", rows)
    form = process_document(path, "unread_weight.pdf").forms[0]
    assert [(i.weight, i.score) for i in form.indicators] == [(50.0, 45.0), (50.0, 50.0)]
    assert form.needs_review and any("分值 column named by elimination" in r for r in form.review_reasons)
    assert not any("columns not found" in r for r in form.review_reasons)


def test_a_level_column_whose_label_went_unread_is_known_by_its_names(tmp_path):
    """一级指标 under a seal, read "性标": the column's 产出指标 / 效益指标 still say it is the
    first level, and the form stays in doubt for the label."""
    rows = [
        *PROJECT_ROWS,
        [("性标", 0, 1), *INDICATOR_HEADING[1:]],
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("50", 5, 1), ("45", 6, 1), ("报名不足", 7, 1)],
        [("效益指标", 0, 1), ("社会效益指标", 1, 1), ("群众满意度", 2, 1), ("≥90%", 3, 1), ("95%", 4, 1),
         ("50", 5, 1), ("50", 6, 1), ("", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("95", 6, 1), ("", 7, 1)],
    ]
    path = form_pdf(tmp_path / "unread_level1.pdf", rows)
    form = process_document(path, "unread_level1.pdf").forms[0]
    assert [(i.level1, i.level2) for i in form.indicators] == [("产出指标", "数量指标"), ("效益指标", "社会效益指标")]
    assert form.needs_review and any("columns not found: level1" in r for r in form.review_reasons)


def test_names_that_declare_their_weight_still_name_a_level_column_whose_label_went_unread(tmp_path):
    """Anhui prints 一级 names with their weight ("产出指标(50分)"); under a lost 一级指标 label
    they still say which column is the first level, and keep their weights."""
    rows = [
        *PROJECT_ROWS,
        [("性标", 0, 1), *INDICATOR_HEADING[1:]],
        [("", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("50", 5, 1), ("45", 6, 1), ("报名不足", 7, 1)],
        [("", 0, 1), ("社会效益指标", 1, 1), ("群众满意度", 2, 1), ("≥90%", 3, 1), ("95%", 4, 1),
         ("50", 5, 1), ("50", 6, 1), ("", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("95", 6, 1), ("", 7, 1)],
    ]

    def names(page):  # two lines in a cell too narrow for one
        for r, name in ((3, "产出指标"), (4, "效益指标")):
            page.insert_text((COLS[0] + 2, row_y(r) + 10), name, fontname="china-s", fontsize=7)
            page.insert_text((COLS[0] + 2, row_y(r) + 19), "（50分）", fontname="china-s", fontsize=7)

    path = form_pdf(tmp_path / "unread_anhui_level1.pdf", rows, names)
    form = process_document(path, "unread_anhui_level1.pdf").forms[0]
    assert [(i.level1, i.level1_weight, i.level2) for i in form.indicators] == [
        ("产出指标", 50.0, "数量指标"), ("效益指标", 50.0, "社会效益指标")]
    assert form.needs_review and any("columns not found: level1" in r for r in form.review_reasons)


def test_a_rule_drawn_part_way_across_a_funds_line_does_not_make_a_line_of_its_own(tmp_path):
    """A stroke across one value cell of 其中:财政拨款 (a seal's, taken for a rule) parts that
    cell; the dash under it is still the line's, not a line without a label."""
    rows = [
        *PROJECT_ROWS,
        FUNDS_HEADING,
        TOTAL_FUNDS_LINE,
        [("其中:财政拨款", 0, 2), ("80.00", 2, 1), ("80.00", 3, 1), ("72.00", 4, 1), ("", 5, 1), ("90.00", 6, 1),
         ("", 7, 1)],
        [("其他资金", 0, 2), ("20.00", 2, 1), ("20.00", 3, 1), ("18.00", 4, 1), ("", 5, 1), ("90.00", 6, 1), ("", 7, 1)],
        INDICATOR_HEADING,
        ONE_INDICATOR,
        TOTAL_ROW,
    ]

    def stroke(page):
        y = row_y(4) + 12
        page.draw_line((COLS[5], y), (COLS[6], y), width=0.6)
        page.insert_text((COLS[5] + 15, y + 9), "-", fontname="china-s", fontsize=7)

    path = form_pdf(tmp_path / "part_way_rule.pdf", rows, stroke)
    form = process_document(path, "part_way_rule.pdf").forms[0]
    assert [(ln.line, ln.budget_initial) for ln in form.fund_lines] == [
        ("年度资金总额", 100.0), ("当年财政拨款", 80.0), ("其他资金", 20.0)]


def test_a_header_label_parted_by_a_stroke_taken_for_a_rule_heads_one_column(tmp_path):
    """A seal's stroke down through 得分 and the first row's score: the two halves ("得" |
    "分") are one label, the score under it is read from the half that holds it, and the
    form says the label was read across a rule."""
    rows = [
        *PROJECT_ROWS,
        [*INDICATOR_HEADING[:6], ("", 6, 1), INDICATOR_HEADING[7]],
        [("产出指标", 0, 1), ("数量指标", 1, 1), ("培训人次", 2, 1), ("≥100人次", 3, 1), ("90人次", 4, 1),
         ("50", 5, 1), ("", 6, 1), ("报名不足", 7, 1)],
        [("效益指标", 0, 1), ("社会效益指标", 1, 1), ("群众满意度", 2, 1), ("≥90%", 3, 1), ("95%", 4, 1),
         ("50", 5, 1), ("50", 6, 1), ("", 7, 1)],
        [("总分", 0, 5), ("100", 5, 1), ("95", 6, 1), ("", 7, 1)],
    ]

    def stroke(page):
        mid = (COLS[6] + COLS[7]) / 2
        page.draw_line((mid, row_y(2)), (mid, row_y(4)), width=0.6)
        page.insert_text((COLS[6] + 4, row_y(2) + 14), "得", fontname="china-s", fontsize=7)
        page.insert_text((mid + 4, row_y(2) + 14), "分", fontname="china-s", fontsize=7)
        page.insert_text((mid + 4, row_y(3) + 14), "45", fontname="china-s", fontsize=7)

    path = form_pdf(tmp_path / "parted_label.pdf", rows, stroke)
    form = process_document(path, "parted_label.pdf").forms[0]
    assert [(i.weight, i.score) for i in form.indicators] == [(50.0, 45.0), (50.0, 50.0)]
    assert not form.unmapped_labels
    assert form.needs_review and any("得分 label read across a rule" in r for r in form.review_reasons)


def test_the_funds_label_below_the_heading_row_that_opened_the_block_is_no_second_heading(tmp_path):
    """A rule a scan drew through 项目资金(万元) leaves its text beside 其中：当年财政拨款, below the
    heading row that opened the block (scan sweep seed 11): that row is one of the block's
    lines, and the columns stay those of the heading row."""
    rows = [
        *PROJECT_ROWS,
        [("", 0, 1), ("", 1, 1), ("年初预算数", 2, 1), ("全年预算数", 3, 1), ("全年执行数", 4, 1), ("分值", 5, 1),
         ("执行率", 6, 1), ("得分", 7, 1)],
        [("", 0, 1), ("年度资金总额", 1, 1), ("100.00", 2, 1), ("100.00", 3, 1), ("90.00", 4, 1), ("10", 5, 1),
         ("90.00", 6, 1), ("9.00", 7, 1)],
        [("项目资金", 0, 1), ("其中：财政拨款", 1, 1), ("80.00", 2, 1), ("80.00", 3, 1), ("72.00", 4, 1),
         ("-", 5, 1), ("90.00", 6, 1), ("-", 7, 1)],
        [("", 0, 1), ("其他资金", 1, 1), ("20.00", 2, 1), ("20.00", 3, 1), ("18.00", 4, 1), ("-", 5, 1),
         ("90.00", 6, 1), ("-", 7, 1)],
        INDICATOR_HEADING,
        ONE_INDICATOR,
        TOTAL_ROW,
    ]
    path = form_pdf(tmp_path / "parted_funds_label.pdf", rows)
    form = process_document(path, "parted_funds_label.pdf").forms[0]
    assert [(ln.line, ln.budget_initial, ln.executed, ln.execution_rate_pct) for ln in form.fund_lines] == [
        ("年度资金总额", 100.0, 90.0, 90.0), ("当年财政拨款", 80.0, 72.0, 90.0), ("其他资金", 20.0, 18.0, 90.0)]
    assert not form.unmapped_labels


def test_a_funds_value_beside_a_sliver_a_stroke_parted_from_its_cell_is_read(tmp_path):
    """A rule drawn through the 全年执行数 column near its edge (a seal's stroke) leaves an
    empty sliver of a cell beside the value: the value is the column's."""
    rows = [
        *PROJECT_ROWS,
        FUNDS_HEADING,
        TOTAL_FUNDS_LINE,
        INDICATOR_HEADING,
        ONE_INDICATOR,
        TOTAL_ROW,
    ]
    def sliver(page):  # a stroke through the value row of 全年执行数, 8 pt left of its right rule
        y = row_y(len(PROJECT_ROWS) + 1)
        page.draw_line((COLS[5] - 8, y), (COLS[5] - 8, y + ROW_H), width=0.6)
    path = form_pdf(tmp_path / "sliver.pdf", rows, extra=sliver)
    form = process_document(path, "sliver.pdf").forms[0]
    assert (form.budget_initial, form.budget_full_year, form.executed, form.funds_score) == (100.0, 100.0, 90.0, 9.0)
