"""A form's tables over its pages → one logical table, every cell cut by a page break whole again.

Office software prints a table that outruns its page in two ways. Word and WPS split the
row that does not fit: its cells' text runs on at the top of the next page (a repeated
header row may stand between the halves). Excel keeps rows whole but cuts merged cells:
the 一级指标 cell over eight rows becomes two, its name printed on one side, or cut in two.
Either way one cell of the form is printed as two fragments, one each side of the break.

Here each such pair becomes one cell again, whatever block it belongs to (header, 项目资金,
goals, indicators, total): the fragments' words are laid end to end and the cell's lines
rebuilt, so a paragraph cut mid-sentence joins without a break and one cut between two
paragraphs keeps its "\\n". A row is split when the rows either side of the break read as
one (their values complement each other, text runs on, no label opens the second); a cut
merged cell joins its other half when one half is empty or the two read as one name.
The walker then reads one table, row by row, and never sees a page break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from extract.grid import Grid
from extract.grid.text import _first_unit_width, build_lines, join_lines
from extract.grid.types import TextLine
from extract.pages.types import Word
from extract.segment.lexicon import Lexicon
from extract.settings import DEFAULT_SETTINGS, TextSettings
from extract.values.measures import parse_measure
from extract.values.numbers import EMPTY_MARKS, parse_number
from extract.values.text import compact

# Two fragments are one column when they overlap by this share of the narrower.
_MIN_OVERLAP = 0.5
# A label is short: longer cell texts are values or prose.
_MAX_LABEL_LENGTH = 20
_SUBTOTAL = re.compile(r"^其中:?")
# A bracketed note after a name: "(30分)".
_DECLARED_NOTE = re.compile(r"\([^()]*\)$")
# A cell's padding, at most (in ems of its text): office software pads cells by 1–5 pt.
_MAX_INSET_EM = 0.6
# Points between two fragments' words when laid end to end (more than a line's leading).
_JOIN_GAP = 20.0


@dataclass
class LogicalCell:
    """A cell of the form's one table: logical rows row..row+rowspan-1, printed on `page`
    (its first fragment's page and box; later fragments add their words)."""

    row: int
    rowspan: int
    x0: float
    y0: float
    x1: float
    y1: float
    page: int
    words: list[Word] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    fragments: int = 1

    @cached_property
    def text(self) -> str:
        return join_lines(self.lines)

    @cached_property
    def confidence(self) -> float:
        return min((ln.confidence for ln in self.lines), default=1.0)

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1


@dataclass
class LogicalTable:
    """The rows of a form's tables read as one: `rows[r]` lists the cells crossing row r,
    left to right (a cell spanning rows appears in each)."""

    rows: list[list[LogicalCell]]

    def starting(self, r: int) -> list[LogicalCell]:
        return [c for c in self.rows[r] if c.row == r]


def _grid_rows(grid: Grid) -> list[list[LogicalCell]]:
    made: dict[int, LogicalCell] = {}
    rows = []
    for r in range(grid.n_rows):
        row = []
        for cell in grid.row_cells(r):
            if id(cell) not in made:
                made[id(cell)] = LogicalCell(cell.row, cell.rowspan, cell.x0, cell.y0, cell.x1, cell.y1, grid.page,
                                             list(cell.words), list(cell.lines))
            row.append(made[id(cell)])
        rows.append(row)
    return rows


def _distinct(rows: list[list[LogicalCell]]) -> list[LogicalCell]:
    return list({id(c): c for row in rows for c in row}.values())


def stitch(grids: list[Grid], lex: Lexicon, settings: TextSettings = DEFAULT_SETTINGS.text) -> LogicalTable:
    rows: list[list[LogicalCell]] = []
    for i, grid in enumerate(grids):
        new = _grid_rows(grid)
        at_break = bool(rows) and grid.page > grids[i - 1].page
        # A header row repeated on the new page is dropped, so that the rows either side of
        # it meet; unless the page ended on a block's label row (年度绩效目标2): then the
        # header is that block's own.
        if at_break and not _opens_block(rows[-1], lex):
            new = _drop_repeated_header(new, rows)
        if not new:
            continue
        offset = len(rows)
        for cell in _distinct(new):
            cell.row += offset
        rows.extend(new)
        if at_break:
            _join_at_break(rows, offset, lex, settings)
    return LogicalTable(rows)


def _drop_repeated_header(new: list[list[LogicalCell]], before: list[list[LogicalCell]]) -> list[list[LogicalCell]]:
    """Leading rows that repeat a row printed before (a header row repeated on every page)."""
    seen = {_row_key(row) for row in before}
    keep = 0
    while keep < len(new) and any(key := _row_key(new[keep])) and key in seen:
        keep += 1
    if keep == 0:
        return new
    rest = new[keep:]
    for cell in _distinct(rest):
        if cell.row < keep:  # a cell reaching into the dropped rows begins below them now
            cell.rowspan -= keep - cell.row
            cell.row = keep
        cell.row -= keep
    return rest


def _row_key(row: list[LogicalCell]) -> tuple[str, ...]:
    return tuple(compact(c.text) for c in row)


# -- the break --------------------------------------------------------------------------------
def _join_at_break(rows: list[list[LogicalCell]], b: int, lex: Lexicon, settings: TextSettings) -> None:
    """Rows b-1 (the last before the break) and b (the first after it): join what was cut."""
    t = b - 1
    if _opens_with_label(rows[b], lex):
        # A new row, and a new block's cells; but a block label cut out of its first rows
        # (项目资金 over the header row above the break, its text below it) is whole again.
        x, y = min(rows[t], key=lambda c: c.x0), min(rows[b], key=lambda c: c.x0)
        if not _column_pairs([x], [y]):
            return
        if _repeated(x, y):
            _merge(rows, x, y, settings, repeat=True)  # printed on both pages: one cell
        elif _cut_label(x, y, lex) or (not x.text and (x.rowspan > 1 or y.rowspan > 1
                                                        or _header_row_lacking_label(rows[t], x, lex))):
            _merge(rows, x, y, settings)
        else:
            return
        # The label crosses the break now; the rows beside it may be one row cut in two.
    for x, y in _column_pairs(rows[t], rows[b]):
        if _repeated(x, y):  # a merged cell whose text each page repeats
            _merge(rows, x, y, settings, repeat=True)
        elif _cut_label(x, y, lex):  # first, so that the header row reads as one
            _merge(rows, x, y, settings)
    pairs = _column_pairs(rows[t], rows[b])
    if _row_is_split(rows[t], rows[b], pairs, lex, settings):
        for x, y in pairs:
            _merge(rows, x, y, settings)
        _merge_rows(rows, t, b)
        return
    for x, y in pairs:
        merged_cell = x.rowspan > 1 or y.rowspan > 1
        if (merged_cell and _one_name(x, y, lex, settings)) or _cut_name(x, y, lex):
            _merge(rows, x, y, settings)


def _column_pairs(top: list[LogicalCell], bottom: list[LogicalCell]) -> list[tuple[LogicalCell, LogicalCell]]:
    """The cells either side of the break that stand in one column."""
    pairs = []
    for y in bottom:
        best, best_overlap = None, 0.0
        for x in top:
            overlap = min(x.x1, y.x1) - max(x.x0, y.x0)
            narrower = min(x.x1 - x.x0, y.x1 - y.x0)
            if narrower > 0 and overlap >= _MIN_OVERLAP * narrower and overlap > best_overlap:
                best, best_overlap = x, overlap
        if best is not None and all(best is not p[0] for p in pairs):
            pairs.append((best, y))
    return pairs


def _atomic(text: str) -> bool:
    """A value printed whole or not at all: a number, a dash, a measure ("≥95%", "8场")."""
    t = compact(text)
    if not t:
        return False
    if t in EMPTY_MARKS or parse_number(t).value is not None:
        return True
    measure = parse_measure(t)
    return measure is not None and measure.value is not None and len(t) <= 12


def _is_label(text: str, lex: Lexicon, strict: bool = False) -> bool:
    """A label of the lexicon (`strict`: as printed, without the allowances made for OCR; a
    text made by joining two fragments must be a label as printed)."""
    t = compact(text)
    if not t or len(t) > _MAX_LABEL_LENGTH:
        return False
    if lex.is_title(t) or t in lex.level1_names or t in lex.level2_names:
        return False  # names are data of the rows, not labels that open one
    tables = ("blocks", "header", "funds_columns", "goals_columns", "indicator_columns")
    return any(lex.match(table, t, strict) for table in tables)


def _opens_with_label(row: list[LogicalCell], lex: Lexicon) -> bool:
    """Whether the row's first printed cell is a label (项目资金, 年度总体目标, 一级指标, 总分 …);
    a label further right may be a value's fragment ("达到" + "预期目标")."""
    first = next((c for c in sorted(row, key=lambda c: c.x0) if c.text), None)
    return first is not None and _is_label(first.text, lex)


def _header_row_lacking_label(row: list[LogicalCell], first: LogicalCell, lex: Lexicon) -> bool:
    """A header row (预期目标 | 实际完成情况) whose block label (年度总体目标) is blank here."""
    rest = [c for c in row if c is not first and c.text]
    return bool(rest) and all(_is_label(c.text, lex) for c in rest)


def _opens_block(row: list[LogicalCell], lex: Lexicon) -> bool:
    """Whether the row's first cell is a block label that starts its row (年度绩效目标2)."""
    first = min(row, key=lambda c: c.x0)
    return first.row == min(c.row for c in row) and first.rowspan == 1 and bool(lex.match("blocks", first.text))


def _room(x: LogicalCell) -> tuple[float, float]:
    """The width x's text may take and its last line's: the cell less its inset on both
    sides. The inset is what the lines show on the left, but no more than _MAX_INSET_EM: a
    short centred line shows its centring, not the cell's padding."""
    em = max(ln.size for ln in x.lines)
    pad = min(max(0.0, min(ln.x0 for ln in x.lines) - x.x0), _MAX_INSET_EM * em)
    return x.x1 - x.x0 - 2 * pad, x.lines[-1].x1 - x.lines[-1].x0


def _first_line_words(y: LogicalCell) -> list[Word]:
    first = y.lines[0]
    return sorted((w for w in y.words if abs(w.baseline - first.baseline) <= 0.5 * first.size), key=lambda w: w.x0)


def _one_value(x: LogicalCell, y: LogicalCell) -> bool:
    """A number broken where it met a narrow column's edge, then cut by the break ("10.0" +
    "0"): the halves make one value that would not have fitted on one line."""
    if not (x.lines and y.lines and _atomic(x.text + y.text)):
        return False
    inner, last = _room(x)
    return last + (y.lines[0].x1 - y.lines[0].x0) > inner


def _runs_on(x: LogicalCell, y: LogicalCell, settings: TextSettings) -> bool:
    """Whether x's last line is a wrap into y's first: the first unit of y's text would not
    have fitted after it (the rule build_lines applies inside a cell)."""
    if not x.lines or not y.lines:
        return False
    words = _first_line_words(y)
    if not words:
        return False
    inner, last = _room(x)
    return inner - last < _first_unit_width(words) + settings.wrap_tolerance_em * x.lines[-1].size


def _laid_end_to_end(x: LogicalCell, y: LogicalCell) -> list[Word]:
    """y's words moved under x's, as if the cell had not been cut."""
    if not y.words:
        return list(x.words)
    bottom = max((w.y1 for w in x.words), default=x.y0)
    dy = bottom + _JOIN_GAP - min(w.y0 for w in y.words)
    dx = x.x0 - y.x0
    moved = [replace(w, x0=w.x0 + dx, x1=w.x1 + dx, y0=w.y0 + dy, y1=w.y1 + dy, baseline=w.baseline + dy)
             for w in y.words]
    return [*x.words, *moved]


def _known_name(text: str, lex: Lexicon) -> bool:
    """A first- or second-level name of the lexicon, maybe with its points ("效益指标(30分)")."""
    t = _DECLARED_NOTE.sub("", compact(text))
    return t in lex.level1_names or t in lex.level2_names


def _whole_name(text: str, lex: Lexicon) -> bool:
    """A name that is complete as printed: a level name, or a line of the 项目资金 block
    ("其中：当年财政拨款", "上年结转资金")."""
    return _known_name(text, lex) or lex.match("funds_lines", _SUBTOTAL.sub("", compact(text))) is not None


def _one_name(x: LogicalCell, y: LogicalCell, lex: Lexicon, settings: TextSettings) -> bool:
    """Whether the halves of a cut merged cell are one cell: one half blank (its name stands
    on the other side), or the two read as one name ("效益" + "指标")."""
    a, b = compact(x.text), compact(y.text)
    if not a or not b:
        return True
    if _is_label(a, lex) or _is_label(b, lex):
        return False
    if _known_name(a + b, lex):
        return True
    if _known_name(a, lex) or _known_name(b, lex):
        return False
    return _runs_on(x, y, settings)


def _repeated(x: LogicalCell, y: LogicalCell) -> bool:
    """A merged cell cut by the break with its text printed again on the next page."""
    return x is not y and (x.rowspan > 1 or y.rowspan > 1) and bool(x.text) and compact(x.text) == compact(y.text)


def _cut_label(x: LogicalCell, y: LogicalCell, lex: Lexicon) -> bool:
    """A label cut in two ("项目资" + "金（万元）", "年度" + "总体目标", "项目资金" + "(万元)")."""
    a, b = x.text, y.text
    if not (a and b) or x is y or _atomic(b) or not _is_label(a + b, lex, strict=True):
        return False
    return not (_is_label(a, lex) and _is_label(b, lex))  # two labels are two cells


def _cut_name(x: LogicalCell, y: LogicalCell, lex: Lexicon) -> bool:
    """A merged cell of one row each side: known only when the halves make a known name, or
    one is blank and the other a known name (its text printed wholly on one side)."""
    a, b = compact(x.text), compact(y.text)
    if a and b:
        return _known_name(a + b, lex) and not _known_name(b, lex)
    return not a and _known_name(b, lex)


def _row_is_split(top: list[LogicalCell], bottom: list[LogicalCell], pairs, lex: Lexicon,
                  settings: TextSettings) -> bool:
    """Whether the rows either side of the break are one row cut in two."""
    t_cells = [c for c in top if c.rowspan == 1]
    b_cells = [c for c in bottom if c.rowspan == 1]
    single = [(x, y) for x, y in pairs if x in t_cells and y in b_cells]
    if all(_is_label(c.text, lex) for c in top if c.text):
        # A header row ends the page: split only where what follows finishes its labels
        # ("偏差原因分析" + "及改进措施"), else the rows after it are its data.
        rest = [(x, y) for x, y in single if y.text]
        return bool(rest) and len(rest) == len([c for c in b_cells if c.text]) and all(
            _is_label(x.text + y.text, lex, strict=True) and not _atomic(y.text) for x, y in rest)
    if any(_atomic(x.text) and _atomic(y.text) and not _one_value(x, y) for x, y in single):
        return False  # a value each side in one column: two rows
    top_values = any(_atomic(c.text) for c in t_cells)
    bottom_values = any(_atomic(c.text) for c in b_cells)
    both_text = [(x, y) for x, y in single if x.text and y.text]
    if any(_whole_name(x.text, lex) and _whole_name(y.text, lex) for x, y in both_text):
        return False
    if not top_values and bottom_values:
        return any(c.text for c in t_cells)  # the text above, its values below
    if any(_runs_on(x, y, settings) for x, y in both_text):
        return True
    if top_values and not bottom_values and both_text:
        # Only text below, each piece under text above: what did not fit, run on.
        texts_above = {id(x) for x, y in single if x.text}
        paired = {id(y) for _, y in single}
        return all(id(x) in texts_above for x, y in single if y.text) and all(
            id(c) in paired for c in b_cells if c.text)
    return False


def _merge(rows: list[list[LogicalCell]], x: LogicalCell, y: LogicalCell, settings: TextSettings,
           repeat: bool = False) -> None:
    """y becomes part of x: x spans on to y's last row and holds y's words after its own
    (`repeat`: y's text is x's printed again, and is not added)."""
    if x is y:
        return
    original = y
    if repeat:
        y = replace(y, words=[], lines=[])
    words = _laid_end_to_end(x, y)
    # The text of a cell is its lines, rebuilt over the words laid end to end; its page and
    # boxes are the first fragment's that holds text (words keep their own page's places).
    x.lines = build_lines(words, x.x0, x.x1, settings) if words else []
    if not x.words and y.words:
        x.page, x.x0, x.y0, x.x1, x.y1 = y.page, y.x0, y.y0, y.x1, y.y1
        x.fragments = 0  # the ink on its page is all of it
    x.words = [*x.words, *y.words]
    x.__dict__.pop("text", None)
    x.__dict__.pop("confidence", None)
    last = y.last_row
    x.rowspan = max(x.last_row, last) - x.row + 1
    x.fragments += y.fragments
    for row in rows:
        for i, cell in enumerate(row):
            if cell is original:
                row[i] = x


def _merge_rows(rows: list[list[LogicalCell]], t: int, b: int) -> None:
    """A split row is one row: the cells of row b join row t, and the rows below move up."""
    row_t = rows[t]
    for cell in rows[b]:
        if all(cell is not c for c in row_t):
            row_t.append(cell)
    row_t.sort(key=lambda c: c.x0)
    del rows[b]
    for cell in _distinct(rows):
        if cell.row > t:
            cell.row -= 1
        elif cell.last_row >= b:
            cell.rowspan -= 1
