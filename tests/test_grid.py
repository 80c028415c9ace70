"""The grid chain on hand-made strokes: each step alone, exact expectations."""

from extract.grid.cells import build_grid, find_grids, group_tables
from extract.grid.lines import snap_segments
from extract.pages.types import Segment
from extract.settings import GridSettings

S = GridSettings()


def h(y, x0, x1):
    return Segment(x0, y, x1, y)


def v(x, y0, y1):
    return Segment(x, y0, x, y1)


def test_double_drawn_borders_snap_to_one_line():
    hl, vl = snap_segments([h(10, 0, 50), h(10.4, 50, 100), h(10.2, 0, 49)], S)
    assert len(hl) == 1 and not vl
    assert hl[0].start == 0 and hl[0].end == 100


def test_gap_beyond_join_tolerance_keeps_two_lines():
    hl, _ = snap_segments([h(10, 0, 40), h(10, 60, 100)], S)
    assert [(ln.start, ln.end) for ln in hl] == [(0, 40), (60, 100)]


def _grid_2x3_with_merges():
    # 3 columns x 2 rows; top row: first two cells merged; left column merged down.
    segs = [h(0, 0, 90), h(20, 30, 90), h(40, 0, 90)]
    segs += [v(0, 0, 40), v(30, 20, 40), v(60, 0, 40), v(90, 0, 40)]
    hl, vl = snap_segments(segs, S)
    return build_grid(1, hl, vl, S)


def test_cells_with_spans():
    grid = _grid_2x3_with_merges()
    assert grid.xs == [0, 30, 60, 90] and grid.ys == [0, 20, 40]
    spans = sorted((c.row, c.col, c.rowspan, c.colspan) for c in grid.cells)
    # (0,0) spans 2 columns on top; below, (1,0) alone: the L-shape becomes its bounding box.
    assert spans == [(0, 0, 2, 2), (0, 2, 1, 1), (1, 2, 1, 1)]


def test_separate_tables_and_stray_lines():
    def table(x0, y0, w, ht):
        return [h(y0, x0, x0 + w), h(y0 + ht / 2, x0, x0 + w), h(y0 + ht, x0, x0 + w),
                v(x0, y0, y0 + ht), v(x0 + w / 2, y0, y0 + ht), v(x0 + w, y0, y0 + ht)]

    segs = table(0, 0, 100, 20) + table(0, 100, 100, 30)
    segs += [h(200, 0, 300)]  # an underline, not a table
    segs += table(300, 300, 40, 40)  # the strokes of a large scanned character (目), too small
    hl, vl = snap_segments(segs, S)
    assert len(group_tables(hl, vl, S)) == 3
    grids = find_grids(1, hl, vl, S)
    assert [g.bbox for g in grids] == [(0, 0, 100, 20), (0, 100, 100, 130)]


def _header_with_a_faded_rule():
    """A two-row header: 年度指标值 over 指标性质 | 指标值, beside 实际完成值 spanning both rows,
    with the rule between 年度指标值 and 实际完成值 lost in the top row (a faded scan)."""
    segs = [h(0, 0, 90), h(20, 0, 60), h(40, 0, 90)]
    segs += [v(0, 0, 40), v(30, 20, 40), v(60, 20, 40), v(90, 0, 40)]  # v(60, 0, 20) lost
    hl, vl = snap_segments(segs, S)
    return hl, vl


def _word(text, x0, y0, x1, y1):
    from extract.pages.types import Word

    return Word(text, x0, y0, x1, y1, baseline=y1, size=y1 - y0)


def test_a_lost_rule_between_two_labels_is_restored_by_their_text():
    hl, vl = _header_with_a_faded_rule()
    words = [_word("年度指标值", 12, 4, 48, 16), _word("实际完成值", 64, 14, 86, 26),
             _word("指标性质", 4, 24, 26, 36), _word("指标值", 34, 24, 56, 36)]
    spans = sorted((c.row, c.col, c.rowspan, c.colspan) for c in build_grid(1, hl, vl, S, words).cells)
    assert spans == [(0, 0, 1, 2), (0, 2, 2, 1), (1, 0, 1, 1), (1, 1, 1, 1)]
    # Without the text, the L grows into its box and swallows the sub-columns, as before.
    spans = sorted((c.row, c.col, c.rowspan, c.colspan) for c in build_grid(1, hl, vl, S).cells)
    assert spans == [(0, 0, 2, 3)]


def test_no_rule_is_restored_through_a_word_or_where_it_parts_no_text():
    hl, vl = _header_with_a_faded_rule()
    # One text running across where the rule would be: it is one cell's, the L grows.
    across = [_word("年度指标值实际完成值", 10, 4, 88, 16)]
    assert len(build_grid(1, hl, vl, S, across).cells) == 1
    # Text on one side only: nothing tells the lost rule apart from a merge.
    one_side = [_word("年度指标值", 12, 4, 48, 16)]
    assert len(build_grid(1, hl, vl, S, one_side).cells) == 1
