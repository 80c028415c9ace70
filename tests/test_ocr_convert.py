"""The OCR adapter's pure half on recorded engine output: boxes → words → cells.

tests/data/ocr_two_forms_turned.json holds what PaddleOCR read on one scanned page (the
page's rules as segments, the text boxes, and the recogniser's text and score for each).
No engine runs here; the test checks that conversion puts every reading in its cell.
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from extract.grid import PageLayout
from extract.grid.cells import find_grids
from extract.grid.lines import snap_segments
from extract.grid.text import assign_words, free_lines
from extract.ocr.convert import split_at_rules, to_words
from extract.ocr.recognizer import Reading
from extract.pages.types import Page, Segment
from extract.segment import load_lexicon, segment_layouts
from extract.settings import DEFAULT_SETTINGS as S
from extract.values.form import to_form

def _readings(pairs) -> list[Reading]:
    return [Reading.scored(text, score) for text, score in pairs]


DATA = json.loads((Path(__file__).parent / "data" / "ocr_two_forms_turned.json").read_text(encoding="utf-8"))


def _layout():
    segments = [Segment(*s) for s in DATA["segments"]]
    hl, vl = snap_segments(segments, S.grid)
    grids = find_grids(1, hl, vl, S.grid)
    words = to_words(DATA["read"]["rects"], _readings(DATA["read"]["recognized"]), DATA["scale"], 0.3)
    outside = assign_words(grids, words, S.text)
    page = Page(1, 595, 842, "ocr", words, segments)
    return PageLayout(page, hl, vl, grids, free_lines(outside, S.text)), words


def test_words_are_in_page_points():
    _, words = _layout()
    assert all(0 <= w.x0 < w.x1 <= 600 and 0 <= w.y0 < w.y1 <= 850 for w in words)
    assert all(0.3 <= w.confidence <= 1 for w in words)


def test_recorded_page_segments_into_its_two_forms():
    layout, _ = _layout()
    lex = load_lexicon()
    forms = [to_form(seg, i, "ocr", lex) for i, seg in enumerate(segment_layouts([layout], lex))]
    assert [f.project_name for f in forms] == ["社区文化活动补助项目", "非遗保护传承专项"]
    first = forms[0]
    assert (first.budget_full_year, first.executed, first.execution_rate_pct, first.funds_score) == (30.0, 29.1, 97.0, 9.7)
    assert (first.total_weight, first.total_score, first.grade) == (100.0, 99.7, "优")
    assert [i.level3 for i in first.indicators] == ["举办社区文化活动", "活动安全事故", "群众参与人次", "参与群众满意度"]


def test_a_box_across_a_rule_is_cut_in_two():
    layout, _ = _layout()
    grid = layout.grids[0]
    # A made-up box spanning the 分值 and 执行率 cells of the 年度资金总额 line.
    row = next(r for r in range(grid.n_rows) if any(c.text.startswith("年度资金总额") for c in grid.row_cells(r)))
    cells = [c for c in grid.row_cells(row) if c.row == row]
    left, right = cells[-3], cells[-2]  # 分值 | 执行率
    scale = DATA["scale"]
    box = ((left.x0 + 5) / scale, (left.y0 + 3) / scale, (right.x1 - 5) / scale, (left.y1 - 3) / scale)
    parts = split_at_rules(box, scale, layout.grids, layout.vlines)
    assert len(parts) == 2
    assert abs(parts[0][2] * scale - left.x1) < 3 and abs(parts[1][0] * scale - right.x0) < 3


def test_speck_marks_at_a_reading_s_edges_are_dropped_and_the_reading_doubted():
    from extract.ocr.convert import SPECK_DOUBT, without_specks

    cases = {".校舍安全隐患消除率": "校舍安全隐患消除率", "1430.50.": "1430.50", "·分值": "分值", "10:00": "10.00",
             "≤4:80万元": "≤4.80万元", "95:3%": "95.3%", "江城市教育局.": "江城市教育局", "≥90%.": "≥90%", "|可持续影响指标": "可持续影响指标",
             # specks a gap parts from the number, runs of them, a colon after a number
             ". 10.00": "10.00", ".·52.36": "52.36", ": 100.00": "100.00", "29.10 :": "29.10",
             "12.50 ·.": "12.50", "20.00:": "20.00",
             ".≥90%": "≥90%", "=.100%": "=100%", ",=100%": "=100%", "、≤3天": "≤3天",  # nor before an operator
             "标．": "标",  # a full-width stop is a speck's reading too
             # print that only looks like specks stays
             "1.完成36所": "1.完成36所", ".5": ".5", "-": "-", "12,860公里": "12,860公里", "(万平方米)": "(万平方米)",
             "年度资金总额:": "年度资金总额:", "资金;": "资金;", "更新及时率96.2%;": "更新及时率96.2%;"}
    assert {t: without_specks(t) for t in cases} == cases
    words = to_words([(0, 0, 50, 10), (60, 0, 70, 10), (80, 0, 120, 10), (130, 0, 160, 10)],
                     _readings([("1430.50.", 0.99), ("·", 0.95), ("10.00", 0.99), ("3.450人次", 0.99)]), 1.0, 0.3)
    assert [(w.text, w.confidence) for w in words] == [("1430.50", SPECK_DOUBT), ("·", 0.95), ("10.00", 0.99),
                                                       ("3.450人次", SPECK_DOUBT)]


def test_a_line_end_boxed_twice_is_read_once():
    from extract.ocr.convert import drop_doubled_marks, untangle

    # the detector boxes "…规定，" and, overlapping it, "，工"; a box inside another goes
    assert untangle([(300, 0, 400, 20), (10, 0, 200, 20), (190, 1, 230, 21), (320, 2, 350, 18)]) == [
        (300, 0, 400, 20), (10, 0, 200, 20), (200, 1, 230, 21)]  # in the order given
    words = to_words([(10, 0, 200, 20), (200, 1, 230, 21)], _readings([("管理规定，", 0.99), ("，工", 0.98)]), 1.0, 0.3)
    assert [w.text for w in drop_doubled_marks(words)] == ["管理规定，", "工"]


def test_a_list_number_boxed_apart_keeps_its_stop_and_a_speck_after_a_score_goes():
    from extract.ocr.convert import SPECK_DOUBT
    from extract.ocr.page import settle_list_numbers
    from extract.ocr.types import CellWords

    # "2." boxed apart from "守牢食品安全底线，"; "5." alone in a 得分 cell
    words = to_words([(85, 244, 97, 252), (100, 242, 185, 254), (400, 244, 412, 252)],
                     _readings([("2.", 0.999), ("守牢食品安全底线，", 0.997), ("5.", 0.99)]), 1.0, 0.3)
    item = CellWords(80, 240, 270, 260, tuple(words[:2]))
    score = CellWords(390, 240, 430, 260, (words[2],))
    settled = settle_list_numbers([item, score])
    assert [w.text for w in settled[0].words] == ["2.", "守牢食品安全底线，"]
    assert [(w.text, w.confidence) for w in settled[1].words] == [("5", SPECK_DOUBT)]


def test_unread_ink_a_seal_edge_across_a_rule_is_not_print_a_stroke_or_a_lost_value_is():
    """Ink no text box covered: the edge of a seal reaching into a cell across its rule (long
    along the edge, shallow) is not print; a "1" the detector left beside the cell's edge, and
    a character's worth of ink in an empty cell (a value under a seal), are."""
    import numpy as np

    from extract.ocr.page import doubt_unread_ink
    from extract.ocr.types import CellWords
    from extract.pages.types import Word

    ink = np.zeros((200, 400), np.uint8)
    word = Word("受益农村人口", 40, 20, 160, 44, 40, 24, 0.99)  # pixels = points (scale 1)
    ink[24:40, 44:156] = 255  # the word's own ink
    ink[50:55, 60:140] = 255  # a seal's rim, 5 px deep, across the bottom rule (cell 10..60)
    seal = CellWords(10, 0, 300, 60, (word,))
    ink[74:96, 15:18] = 255  # a "1" at the left edge of the next cell, 3 px wide
    one = CellWords(10, 70, 300, 100, (replace(word, y0=72, y1=96, baseline=92),))
    ink[135:155, 60:76] = 255  # a character in an empty cell
    empty = CellWords(10, 110, 300, 170, ())
    rects = [(40, 20, 160, 44), (40, 72, 160, 96)]
    assert sorted(doubt_unread_ink([seal, one, empty], ink, rects, 1.0)) == [1, 2]


def test_a_slash_before_a_chinese_character_is_no_print_and_a_lone_one_is():
    from extract.ocr.convert import not_print

    assert not_print("／系统持续稳定运行") and not_print("/系统持续稳定运行")
    assert not not_print("/") and not not_print("系统/平台")


def test_a_line_parted_inside_a_character_is_found_and_touching_boxes_are_not():
    from extract.ocr.convert import cut_through

    # "…万条，报" (277–471) and "报汛到报率" (465–522): 6 of 12 px overlap, inside 报
    assert cut_through([(277, 393, 471, 408), (465, 394, 522, 406)]) == [(277, 393, 522, 408)]
    # boxes that touch, or meet inside a comma's width, or lie on two lines, are not
    assert cut_through([(10, 0, 200, 20), (199, 0, 260, 20)]) == []
    assert cut_through([(10, 0, 200, 20), (196, 1, 230, 21)]) == []
    assert cut_through([(10, 0, 200, 20), (150, 12, 300, 32)]) == []


def test_a_cell_too_narrow_to_hold_print_is_passed_over():
    """A rule drawn twice makes a cell a few pixels wide: no ink is sought in it (it once
    stopped a document: OpenCV will not combine empty arrays)."""
    import numpy as np

    from extract.ocr.page import doubt_unread_ink
    from extract.ocr.types import CellWords

    ink = np.zeros((100, 100), np.uint8)
    assert doubt_unread_ink([CellWords(10, 10, 15, 90, ()), CellWords(10, 10, 90, 13, ())], ink, [], 1.0) == {}


def test_unread_ink_lighter_than_half_way_from_print_to_white_is_no_print():
    """A faint grey stamp's stroke beside a cell's text (at 0.55 of the way from the page's
    print to white) is not print that went unread; a comma as dark as print is."""
    import numpy as np

    from extract.ocr.page import doubt_unread_ink, faint_limit
    from extract.ocr.types import CellWords
    from extract.pages.types import Word

    level = 135.0
    g = np.full((120, 400), 255, np.uint8)
    ink = np.zeros_like(g)
    cells, rects = [], []
    for k, shade in enumerate((level + 0.55 * (255 - level), level)):
        y = 10 + 50 * k
        g[y + 4:y + 20, 44:156] = int(level)  # the word's own ink
        ink[y + 4:y + 20, 44:156] = 255
        g[y + 8:y + 20, 170:176] = int(shade)  # a stamp's stroke, or a comma
        ink[y + 8:y + 20, 170:176] = 255
        word = Word("受益农村人口", 40, y, 160, y + 24, y + 20, 24, 0.99)
        cells.append(CellWords(10, y - 5, 300, y + 40, (word,)))
        rects.append((40, y, 160, y + 24))
    assert faint_limit(level) > level + 0.55 * (255 - level)  # lighter ink still passes for a seal word's
    assert sorted(doubt_unread_ink(cells, ink, rects, 1.0, g, level)) == [1]


def test_a_box_that_ends_on_a_stop_reaches_to_the_end_of_its_em():
    # 。 is inked in the left half of its em: the line's room for the next word is half an em less
    # than its ink box says (fixtures/lying/permuted_split_row.pdf: a wrapped line taken for a paragraph)
    from extract.ocr.convert import to_em_box

    words = to_words([(0, 0, 100, 20)] * 3, _readings([("管护机制已建立。", 0.99), ("管护机制已建立", 0.99), ("改造，", 0.99)]),
                     1.0, 0.3)
    assert {w.x1 for w in words} == {100}  # the OCR stages work on ink boxes
    em = words[0].size
    assert [to_em_box(w).x1 for w in words] == [pytest.approx(100 + em / 2), 100, pytest.approx(100 + em / 2)]


def test_dust_clear_of_the_print_is_no_unread_ink_a_wrapped_stop_and_a_comma_are():
    """Toner dust near a cell's text survives despeckling: a solid dot on no line of the cell,
    or before its text, is dust; a "。" wrapped onto a line of its own (a loop) and a comma
    just past the text are print the boxes missed, and keep the cell in doubt."""
    import cv2
    import numpy as np

    from extract.ocr.page import doubt_unread_ink, drop_dust
    from extract.ocr.types import CellWords
    from extract.pages.types import Word

    ink = np.zeros((240, 400), np.uint8)
    word = Word("受益农村人口", 40, 20, 160, 44, 40, 24, 0.99)  # pixels = points (scale 1)
    ink[24:40, 44:156] = 255
    cv2.circle(ink, (100, 75), 3, 255, -1)  # dust under the line
    cv2.circle(ink, (22, 32), 3, 255, -1)  # dust before the text, on its line
    cv2.circle(ink, (60, 95), 4, 255, 1)  # a wrapped 。
    ink[34:44, 163:167] = 255  # a comma after the text
    text = CellWords(10, 0, 300, 110, (word,))
    dusty = CellWords(10, 120, 300, 230, (replace(word, y0=140, y1=164, baseline=160),))
    ink[144:160, 44:156] = 255
    cv2.circle(ink, (120, 200), 3, 255, -1)  # only dust beside this cell's text
    rects = [(40, 20, 160, 44), (40, 140, 160, 164)]
    unread = doubt_unread_ink([text, dusty], ink, rects, 1.0)
    assert sorted(unread) == [0, 1] and len(unread[0]) == 4
    kept = drop_dust([text, dusty], unread, ink, 1.0)
    assert list(kept) == [0]
    assert sorted((int(b[0]), int(b[1])) for b in kept[0]) == [(56, 91), (163, 34)]
