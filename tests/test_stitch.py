"""The page-break stitch on small tables built cell by cell (the sweep tests it on rendered
forms; these pin single rules, including paths the sweep rarely takes)."""

from __future__ import annotations

from extract.grid.text import build_lines
from extract.pages.types import Word
from extract.segment import load_lexicon
from extract.segment.stitch import LogicalCell, _join_at_break, _row_is_split, _column_pairs
from extract.settings import DEFAULT_SETTINGS

LEX = load_lexicon()
SIZE = 10.0


def cell(text: str, x0: float, x1: float, row: int, page: int, y0: float = 100.0, rowspan: int = 1) -> LogicalCell:
    words = [Word(ch, x0 + 2 + i * SIZE, y0 + 2, x0 + 2 + (i + 1) * SIZE, y0 + 2 + SIZE, y0 + 2 + SIZE * 0.9, SIZE)
             for i, ch in enumerate(text)]
    c = LogicalCell(row, rowspan, x0, y0, x1, y0 + 20, page, words, build_lines(words, x0, x1, DEFAULT_SETTINGS.text))
    return c


COLUMNS = [(0, 80), (80, 200), (200, 260), (260, 300), (300, 340)]  # level2 | level3 | target | weight | score


def row(texts: list[str], r: int, page: int) -> list[LogicalCell]:
    return [cell(t, x0, x1, r, page) for t, (x0, x1) in zip(texts, COLUMNS)]


def test_text_below_its_values_above_is_one_row_cut_in_two():
    top = row(["数量指标", "吸引优质企业落地", "≥95%", "10", "10"], 0, 1)
    bottom = row(["", "实现对接", "", "", ""], 1, 2)
    assert _row_is_split(top, bottom, _column_pairs(top, bottom), LEX, DEFAULT_SETTINGS.text)


def test_a_new_row_with_its_own_values_is_not_joined():
    top = row(["数量指标", "培训班次数", "≥2次", "10", "10"], 0, 1)
    bottom = row(["质量指标", "培训合格率", "≥95%", "10", "10"], 1, 2)
    assert not _row_is_split(top, bottom, _column_pairs(top, bottom), LEX, DEFAULT_SETTINGS.text)


def test_a_row_whose_only_text_below_stands_in_an_empty_column_above_is_not_joined():
    # values above, text below in a column whose cell above is blank: not a continuation
    top = row(["数量指标", "培训班次数", "≥2次", "10", "10"], 0, 1)
    bottom = [cell("", 0, 80, 1, 2), cell("", 80, 200, 1, 2), cell("", 200, 260, 1, 2), cell("", 260, 300, 1, 2),
              cell("说明", 300, 340, 1, 2)]
    top[-1] = cell("", 300, 340, 0, 1)
    assert not _row_is_split(top, bottom, _column_pairs(top, bottom), LEX, DEFAULT_SETTINGS.text)


def test_a_label_cut_in_two_is_whole_again():
    top = [cell("项目资", 0, 40, 0, 1, rowspan=2), cell("", 40, 200, 0, 1)]
    bottom = [cell("金(万元)", 0, 40, 2, 2, rowspan=3), cell("年度资金总额", 40, 200, 2, 2)]
    rows = [top, top, bottom]
    top[0].rowspan = 2
    _join_at_break(rows, 2, LEX, DEFAULT_SETTINGS.text)
    assert rows[2][0] is top[0] and top[0].text == "项目资金(万元)"
