"""A form region's rows → the form's parts (header, funds, goals, indicators, total, grade).

The region's tables are first read as one logical table (stitch.py: what a page break cut
is whole again), then its rows top to bottom. A row is classified by the labels its cells
carry (lexicon.toml); the value cells of a block are mapped to fields by the horizontal
overlap with that block's header labels — never by column position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.pages.types import Word
from extract.segment.lexicon import RULE_STUBS, Lexicon
from extract.segment.regions import FormRegion
from extract.segment.stitch import LogicalCell as Cell
from extract.segment.stitch import LogicalTable, stitch
from extract.segment.types import Field, RawFundLine, RawIndicator, SegmentedForm
from extract.values.numbers import EMPTY_MARKS
from extract.values.text import compact

# A value cell belongs to the header column it overlaps most, if that overlap is at least
# this share of the narrower of the two (a cell straddling two columns is ambiguous).
_MIN_OVERLAP = 0.5
# Columns every variant of the form has; one not found means values were not read.
_REQUIRED_FUNDS_COLUMNS = ("budget_full_year", "executed")
_REQUIRED_INDICATOR_COLUMNS = ("level1", "level3", "target", "actual", "weight", "score")
_REQUIRED_COLUMNS = {"funds_columns": _REQUIRED_FUNDS_COLUMNS, "indicator_columns": _REQUIRED_INDICATOR_COLUMNS}
# A header cell read as letters or digits and no Chinese character: a label misread, not printed so.
_MISREAD_LABEL = re.compile(r"[^\u3400-\u9fff]*[0-9A-Za-z][^\u3400-\u9fff]*")
_VALUE_KEYS = ("weight", "score")
# What a value cell's reading looks like: a number, misread or not ("200.(0"), or a dash.
_VALUE_TEXT = r"[\d.,:()%\-—]*\d[\d.,:()%\-—]*|[-—–~]+"
_VALUE_LIKE = re.compile(rf"(?:{_VALUE_TEXT})")
# A label read in one run with the value past its lost rule: "年度资金总额200.00".
_LABEL_THEN_VALUE = re.compile(rf"(.*[\u3400-\u9fff):：])\s*({_VALUE_TEXT})")
# A value apart from its line's label stands this many ems clear of it (the two cells' margins).
_SPILT_GAP_EMS = 0.5
_ONLY_MARKS = re.compile(r"^[^\w\u3400-\u9fff]+$")
# What specks of a scan's noise are read as; a row holding only these holds nothing printed
# (a dash or a slash is print: the mark of a value that does not apply).
_ONLY_SPECKS = re.compile(r"^[.·`'‘’!:;*•・,，。、\s]+$")
# A header cell longer than this is text, not a column label.
_MAX_LABEL_LENGTH = 20
# Points a label declares: "(20分)", "(20分*执行率)".
_DECLARED_POINTS = re.compile(r"(\d+(?:\.\d+)?)分")


@dataclass(frozen=True)
class Column:
    key: str
    x0: float
    x1: float


class _Span:
    """Part of a header cell, as wide as the columns one of its glued labels heads."""

    def __init__(self, cell, x0: float, x1: float) -> None:
        self.cell, self.x0, self.x1 = cell, x0, x1
        self.text = ""  # the label is known; no text of its own to note


def _map_cell(cell: Cell, columns: list[Column]) -> str | None:
    best, best_overlap = None, 0.0
    x0, x1 = cell.x0, cell.x1
    for col in columns:  # (conditional expressions, not min/max: this runs for every cell and column)
        overlap = (x1 if x1 < col.x1 else col.x1) - (x0 if x0 > col.x0 else col.x0)
        if overlap <= best_overlap:
            continue
        narrower = x1 - x0 if x1 - x0 < col.x1 - col.x0 else col.x1 - col.x0
        if narrower > 0 and overlap >= _MIN_OVERLAP * narrower:
            best, best_overlap = col.key, overlap
    return best


def _value_past_label(cell: Cell, col: Column) -> tuple[list[Word], str] | None:
    """The words of a label cell standing in value column `col`, and their text, if they read
    as a value: read apart, clear of the label (no gap is one text run on across the column's
    edge), or as the end of one run with the label that stops inside the column."""
    inside = [w for w in cell.words if col.x0 <= w.cx <= col.x1]
    if inside:
        before = [w for w in cell.words if w.cx < col.x0 and w.text.strip()]
        if before and min(w.x0 for w in inside) - max(w.x1 for w in before) < _SPILT_GAP_EMS * max(
                w.size for w in inside):
            return None
        text = "".join(w.text for w in inside)
        return (inside, text) if _VALUE_LIKE.fullmatch(text) else None
    runs = [(w, m) for w in cell.words
            if w.cx < col.x0 < w.x1 <= col.x1 + 2 and (m := _LABEL_THEN_VALUE.fullmatch(w.text))]
    return ([runs[0][0]], runs[0][1].group(2)) if len(runs) == 1 else None


@dataclass
class _Name:
    """A first/second-level name shared by the rows of one merged cell."""

    field: Field | None


@dataclass
class _IndicatorRow:
    page: int
    cells: dict[str, Cell]
    level1: _Name | None = None
    level2: _Name | None = None
    goal: int = 0  # how many goal blocks came before the row


class _Walker:
    def __init__(self, region: FormRegion, lex: Lexicon) -> None:
        self.lex = lex
        start, end = region.pages
        labels = [c.text for g in region.grids for c in g.cells if 0 < len(compact(c.text)) <= _MAX_LABEL_LENGTH]
        self.form = SegmentedForm(region.title, start, end, region.year, lex.family(region.title, labels),
                                  notes=list(region.notes))
        self.state: str | None = None
        self.funds_columns: list[Column] = []
        self.goals_columns: list[Column] = []
        self.indicator_columns: list[Column] = []
        self.rows: list[_IndicatorRow] = []
        self.funds_label_cell: Cell | None = None
        self.goal_blocks = 0
        self.goal_weights: dict[int, float] = {}  # goal block → the points its label declares
        self.rows_at_header = 0  # rows read when the last indicator header was
        # The indicator columns each row was read with (a header repeated on a later page
        # may be misread under a seal: the rows under it lose a column).
        self.columns_read: list[frozenset[str]] = []

    # -- classification -------------------------------------------------------------------
    def walk(self, region: FormRegion) -> SegmentedForm:
        table = stitch(region.grids, self.lex)
        for r in range(len(table.rows)):
            self._row(table, r)
        if self.form.grade is None:
            self.form.grade = self._grade_line(region)
            if self.form.grade is not None:  # the line may stand alone on the next page
                self.form.page_end = max(self.form.page_end, self.form.grade.page)
        goals = self.goal_weights if self.goal_blocks > 1 else None
        self.form.indicators = _resolve_indicators(self.rows, self.lex, goals, self.form.problems)
        self._check_blocks()
        return self.form

    def _row(self, table: LogicalTable, r: int) -> None:
        self._below = table.rows[r + 1] if r + 1 < len(table.rows) else []
        cells = table.rows[r]
        starting = table.starting(r)
        texts = [c.text for c in starting]
        if not any(texts):
            return
        if any(self.lex.is_title(t) for t in texts):
            return
        page = min(c.page for c in starting)
        if self._header_row(starting, page):
            return
        blocks = {self.lex.match("blocks", c.text): c for c in starting if len(compact(c.text)) <= 20}
        blocks.pop(None, None)
        if self._indicator_header_row(starting):
            self.state = "indicators"
            self.rows_at_header = len(self.rows)
            return
        if self._indicator_subheader_row(starting):
            return
        if "funds" in blocks:
            if self.state == "funds" and self.funds_columns and not self._funds_heading_row(starting):
                # The block's label below the heading row that opened it (a rule a scan drew
                # through 项目资金(万元) parted it from its top): the row is one of its lines.
                self.funds_label_cell = blocks["funds"]
                self.form.funds_label = self.form.funds_label or blocks["funds"].text
                self._funds_line(starting, page)
                return
            self._funds_header(blocks["funds"], starting)
            return
        if "goals" in blocks:
            self._goals_header(blocks["goals"], starting, page)
            return
        if self.state in (None, "header") and self._funds_heading_row(starting):
            # 年初预算数 | 全年预算数 | 全年执行数 open the 项目资金 block where its label went unread
            # (a rule misread through 项目资金(万元) parts it from its text): the first cell no
            # column's label stands for it.
            label = next((c for c in starting if self._no_heading("funds_columns", c)), None)
            if label is not None:
                self._funds_header(label, starting)
                return
        if self.state != "goals" and self._goals_heading_row(starting):
            # 预期目标 | 实际完成情况 open the goals block even where its label went unread (a
            # seal over 年度总体目标): its rows are not 项目资金 lines.
            label = next((c for c in starting if c.text and self._no_heading("goals_columns", c)), None)
            self._goals_header(label, starting, page)
            return
        if "total" in blocks:
            self._total_row(blocks["total"], starting, page)
            return
        if "grade" in blocks:
            self._grade_row(blocks["grade"], starting, page)
            return
        if self.state == "funds":
            self._funds_line(starting, page)
        elif self.state == "goals":
            self._goals_text(starting, page)
        elif self.state == "indicators":
            self._indicator_row(r, page, cells)

    # -- header -----------------------------------------------------------------------------
    def _header_row(self, starting: list[Cell], page: int) -> bool:
        keys = [self.lex.match("header", c.text) if len(compact(c.text)) <= 10 else None for c in starting]
        if not any(keys):
            return False
        for i, key in enumerate(keys):
            if key and i + 1 < len(starting) and not keys[i + 1]:
                self.form.header[key] = Field.of(starting[i + 1])
        self.state = "header"
        return True

    # -- funds ------------------------------------------------------------------------------
    def _funds_header(self, label: Cell, starting: list[Cell]) -> None:
        self.state = "funds"
        self.funds_label_cell = label
        self.form.funds_label = label.text
        self.funds_columns = self._columns("funds_columns", [c for c in starting if c is not label])
        if not any(c.key == "weight" for c in self.funds_columns):
            for text in [label.text] + [c.text for c in starting]:
                if m := _DECLARED_POINTS.search(compact(text)):
                    self.form.funds_weight_declared = float(m.group(1))
                    break

    def _columns(self, table: str, cells: list[Cell], note_unknown: bool = True) -> list[Column]:
        """Header cells → columns; a short text no spelling knows is an unmapped label."""
        cells, keys = self._unglued(table, cells)
        taken = set(keys)
        for i, cell in enumerate(cells):
            if keys[i] is None and len(compact(cell.text)) <= _MAX_LABEL_LENGTH:
                # A misread label: the one key it could be that no other label of the row has.
                left = self.lex.near(table, cell.text) - taken
                if len(left) == 1:
                    keys[i] = left.pop()
                    taken.add(keys[i])
        cells, keys = self._rejoined(table, cells, keys)
        self._by_elimination(table, cells, keys)
        columns = []
        for cell, key in zip(cells, keys):
            label = compact(cell.text)
            if key:
                columns.append(Column(key, cell.x0, cell.x1))
            elif note_unknown and 0 < len(label) <= _MAX_LABEL_LENGTH and label not in self.lex.ignored \
                    and not _ONLY_MARKS.match(label):  # a speck read alone in a header cell is no label
                self.form.unmapped_labels.append(label)
        return columns

    def _rejoined(self, table: str, cells: list, keys: list[str | None]) -> tuple[list, list[str | None]]:
        """Two neighbouring header cells no label names, whose texts together are one label
        ("得" | "分城": a seal's stroke taken for a rule through 得分), head one column."""
        out_cells, out_keys = list(cells), list(keys)
        i = 0
        while i + 1 < len(out_cells):
            a, b = out_cells[i], out_cells[i + 1]
            if out_keys[i] is None and out_keys[i + 1] is None and a.text and b.text:
                joined = compact(a.text + b.text)
                left = ({self.lex.match(table, joined)} - {None} or self.lex.near(table, joined)) - set(out_keys)
                if len(left) == 1:
                    key = left.pop()
                    out_cells[i:i + 2] = [_Span(a, a.x0, b.x1)]
                    out_keys[i:i + 2] = [key]
                    label = self.lex.tables[table][key][0]
                    self.form.problems.append(f"{label} label read across a rule: {compact(a.text)!r} | {compact(b.text)!r}")
            i += 1
        return out_cells, out_keys

    def _by_elimination(self, table: str, cells: list[Cell], keys: list[str | None]) -> None:
        """A header label read as no word at all ("4", a seal over 分值) heads the one
        column every form has that the row lacks: in doubt, the form told why."""
        missing = [k for k in _REQUIRED_COLUMNS.get(table, ()) if k not in keys]
        # (An empty cell, or one holding a speck, is no misread label: the 项目资金 header row
        # leaves one above its lines' names.)
        unread = [i for i, cell in enumerate(cells)
                  if keys[i] is None and _MISREAD_LABEL.fullmatch(compact(cell.text))]
        if len(missing) == 1 and len(unread) == 1:
            i = unread[0]
            keys[i] = missing[0]
            label = self.lex.tables[table][missing[0]][0]
            self.form.problems.append(f"{label} column named by elimination: its label read {compact(cells[i].text)!r}")

    def _unglued(self, table: str, cells: list[Cell]) -> tuple[list[Cell], list[str | None]]:
        """The header cells with their keys; a cell whose text is two labels glued together
        (a lost rule between them: "得分偏差原因分析及改进措施") is cut in two where a cell of
        the row below starts inside it."""
        out_cells: list[Cell] = []
        keys: list[str | None] = []
        for cell in cells:
            key = self.lex.match(table, cell.text)
            if key is None and (halves := self._glued_halves(table, cell)):
                for half, k in halves:
                    out_cells.append(half)
                    keys.append(k)
                continue
            out_cells.append(cell)
            keys.append(key)
        return out_cells, keys

    def _glued_halves(self, table: str, cell: Cell) -> list[tuple[Cell, str]] | None:
        text = compact(cell.text)
        inside = sorted({c.x0 for c in getattr(self, "_below", []) if cell.x0 + 2 < c.x0 < cell.x1 - 2})
        if len(inside) != 1 or len(text) > 2 * _MAX_LABEL_LENGTH:
            return None
        for i in range(2, len(text) - 1):
            # What is left of the lost rule may be read between the two ("分值「执行率").
            gaps = (0, 1) if text[i] in RULE_STUBS else (0,)
            for gap in gaps:
                left = self.lex.match(table, text[:i], strict=True)
                right = self.lex.match(table, text[i + gap:], strict=True)
                if left and right and left != right:
                    cut = inside[0]
                    return [(_Span(cell, cell.x0, cut), left), (_Span(cell, cut, cell.x1), right)]
        return None

    def _funds_line(self, starting: list[Cell], page: int) -> None:
        if not self.funds_columns:
            return
        left = min(col.x0 for col in self.funds_columns)
        label_cells = [c for c in starting if (c.x0 + c.x1) / 2 < left and c is not self.funds_label_cell]
        values: dict[str, Field] = {}
        for cell in starting:
            key = _map_cell(cell, self.funds_columns)
            if key in values and (compact(values[key].text) or not compact(cell.text)):
                continue  # the first cell holds; an empty one yields (a column a stroke parted)
            if key and cell not in label_cells:
                values[key] = Field.of(cell)
        spilt = self._spilt_numbers(label_cells, values)
        label_text = "".join(c.text for c in label_cells)
        for text in spilt:
            label_text = label_text.replace(text, "", 1).strip()
        if not label_text and not any(f.text for f in values.values()):
            return
        if not label_cells and len(values) < len(self.funds_columns) \
                and all(compact(f.text) in EMPTY_MARKS for f in values.values()):
            # Cells of a few columns only, holding dashes, and no label: the line above, parted
            # by a rule drawn part-way (a seal's stroke taken for one), not a line of its own.
            return
        label = Field.of(label_cells[0]) if label_cells else Field("", 1.0, page, (0, 0, 0, 0))
        if len(label_cells) > 1 or spilt:
            label = Field(label_text, min(c.confidence for c in label_cells), page, label.bbox, label.text_bbox)
        self.form.fund_lines.append(RawFundLine(label, values))

    def _spilt_numbers(self, label_cells: list[Cell], values: dict[str, Field]) -> list[str]:
        """A number read inside a line's label cell, standing in a value column the row has no
        cell of ("年度资金总额 200.00": the rule between them lost), is that column's value.
        Returns the texts taken out of the label."""
        taken = []
        for cell in label_cells:
            for col in self.funds_columns:
                if col.key in values and values[col.key].text.strip():
                    continue
                if found := _value_past_label(cell, col):
                    words, text = found
                    box = (min(w.x0 for w in words), min(w.y0 for w in words), max(w.x1 for w in words),
                           max(w.y1 for w in words))
                    values[col.key] = Field(text, min(w.confidence for w in words), cell.page,
                                            (col.x0, cell.y0, col.x1, cell.y1), box)
                    taken.append(text)
        return taken

    # -- goals ------------------------------------------------------------------------------
    def _funds_heading_row(self, starting: list[Cell]) -> bool:
        """Three funds column labels as printed, a budget's among them, and both the full
        year's budget and its execution at least as misread ("全年执:行数(.B)")."""
        keys = self._heading_keys("funds_columns", starting)
        if len(keys) < 3 or not keys & {"budget_initial", "budget_full_year"}:
            return False
        return {"budget_full_year", "executed"} <= keys | self._misread_keys("funds_columns", starting)

    def _goals_heading_row(self, starting: list[Cell]) -> bool:
        """预期目标 | 实际完成情况, one of them at least as printed."""
        keys = self._heading_keys("goals_columns", starting)
        both = {"planned", "actual"}
        return bool(keys & both) and both <= keys | self._misread_keys("goals_columns", starting)

    def _misread_keys(self, table: str, starting: list[Cell]) -> set[str]:
        """The column keys a row's cells spell allowing for OCR (a speck, a lost bracket)."""
        return {self.lex.match(table, c.text) for c in starting if c.text} - {None}

    def _no_heading(self, table: str, cell: Cell) -> bool:
        return self.lex.match(table, cell.text) is None and not self._glued_halves(table, cell)

    def _heading_keys(self, table: str, starting: list[Cell]) -> set[str]:
        """The column keys a row's cells spell as printed, two glued labels each giving theirs
        ("预期目标实际完成情况": a rule lost between them)."""
        keys = set()
        for cell in starting:
            if not cell.text:
                continue
            if key := self.lex.match(table, cell.text, strict=True):
                keys.add(key)
            elif halves := self._glued_halves(table, cell):
                keys.update(k for _, k in halves)
        return keys

    def _goals_header(self, label: Cell | None, starting: list[Cell], page: int) -> None:
        self.state = "goals"
        self.goal_blocks += 1
        if label is not None and (m := _DECLARED_POINTS.search(compact(label.text))):
            self.goal_weights[self.goal_blocks] = float(m.group(1))
        others = [c for c in starting if c is not label]
        # Headings (预期目标 | 实际完成情况) or the goal's text itself: known once one maps.
        self.goals_columns = self._columns("goals_columns", others, note_unknown=False)
        if self.goals_columns:
            self._columns("goals_columns", others)
        else:
            # No 预期目标 / 实际完成情况 headings: the text sits right beside the label. A
            # form with several goal blocks (年度绩效目标1, 2 …) has their texts joined.
            texts = [c for c in others if c.text]
            for key, cell in zip(("planned", "actual"), texts):
                prev = self.form.goals.get(key)
                self.form.goals[key] = prev.joined(Field.of(cell), "\n") if prev else Field.of(cell)

    def _goals_text(self, starting: list[Cell], page: int) -> None:
        for cell in starting:
            key = _map_cell(cell, self.goals_columns)
            if key and cell.text:
                prev = self.form.goals.get(key)
                self.form.goals[key] = prev.joined(Field.of(cell), "\n") if prev else Field.of(cell)

    # -- indicators -------------------------------------------------------------------------
    def _indicator_header_row(self, starting: list[Cell]) -> bool:
        keys = {self.lex.match("indicator_columns", c.text) for c in starting if len(compact(c.text)) <= 20}
        if not ({"level1", "level3"} & keys and len(keys - {None}) >= 3):
            return False
        self.indicator_columns = self._columns(
            "indicator_columns", [c for c in starting if self.lex.match("blocks", c.text) != "indicators"]
        )
        return True

    def _indicator_subheader_row(self, starting: list[Cell]) -> bool:
        """A second header row right under the first, splitting one of its columns (Yunnan:
        年度指标值 over 指标性质 | 指标值 | 度量单位): the sub-columns replace the one above."""
        if self.state != "indicators" or len(self.rows) > self.rows_at_header:
            return False
        labelled = [c for c in starting if c.text.strip()]
        if not labelled or any(self.lex.match("indicator_columns", c.text) is None for c in labelled):
            return False
        subs = self._columns("indicator_columns", labelled)
        self.indicator_columns = [
            col for col in self.indicator_columns if not any(s.x0 >= col.x0 - 1 and s.x1 <= col.x1 + 1 for s in subs)
        ] + subs
        return True

    def _indicator_row(self, r: int, page: int, cells: list[Cell]) -> None:
        mapped: dict[str, Cell] = {}
        unlabelled = {"level1", "level2"} - {c.key for c in self.indicator_columns}
        for cell in cells:
            key = _map_cell(cell, self.indicator_columns)
            if key is None and unlabelled:
                # Under a header label gone unread (a seal over 一级指标), a known name says
                # which level its column is; the form stays in doubt for the label.
                key = self._level_of(cell.text, unlabelled)
            if key is None:
                continue
            if key in mapped and (compact(mapped[key].text) or not compact(cell.text)):
                continue  # the first cell holds; an empty one yields (a column a stroke parted)
            if key in ("level1", "level2") or cell.row == r:
                mapped[key] = cell
        if mapped:
            self.rows.append(_IndicatorRow(page, mapped, goal=self.goal_blocks))
            self.columns_read.append(frozenset(c.key for c in self.indicator_columns))

    def _level_of(self, text: str, levels: set[str]) -> str | None:
        name = compact(self.lex.level_name(self.lex.weight_declared(text)[0]))
        found = [k for k, names in (("level1", self.lex.level1_names), ("level2", self.lex.level2_names))
                 if k in levels and name in names]
        return found[0] if len(found) == 1 else None

    # -- total and grade --------------------------------------------------------------------
    def _total_row(self, label: Cell, starting: list[Cell], page: int) -> None:
        self.state = "total"
        others = [c for c in starting if c is not label and c.text]
        for cell in others:
            if compact(cell.text) in self.lex.grades:
                self.form.grade = Field.of(cell)
                continue
            key = _map_cell(cell, self.indicator_columns)
            if key in _VALUE_KEYS:
                self.form.total[key] = Field.of(cell)
        if not self.indicator_columns and others:
            self.form.problems.append("总分 row read without indicator column labels")

    def _grade_row(self, label: Cell, starting: list[Cell], page: int) -> None:
        self.state = "grade"
        for cell in starting:
            if cell is not label and cell.text:
                self.form.grade = Field.of(cell)
                return

    def _grade_line(self, region: FormRegion) -> Field | None:
        """The grade printed as a line under the table: "评分等级：优"."""
        for page, line in region.after:
            text = compact(line.text)
            for spelling in self.lex.tables["blocks"]["grade"]:
                value = text[len(spelling):].lstrip(":") if text.startswith(spelling) else ""
                if value in self.lex.grades:
                    return Field(value, line.confidence, page, (line.x0, line.baseline - line.size, line.x1, line.baseline))
        return None

    def _check_blocks(self) -> None:
        f = self.form
        indicators = set.intersection(*map(set, self.columns_read)) if self.columns_read else {
            c.key for c in self.indicator_columns}
        f.columns = {"funds": {c.key for c in self.funds_columns}, "indicators": indicators}
        if f.funds_weight_declared is not None:
            f.columns["funds"].add("weight")
        for what, columns, required in (
            ("项目资金", self.funds_columns, _REQUIRED_FUNDS_COLUMNS),
            ("绩效指标", self.indicator_columns, _REQUIRED_INDICATOR_COLUMNS),
        ):
            missing = [key for key in required if not any(c.key == key for c in columns)]
            if columns and missing:
                f.problems.append(f"{what} columns not found: {', '.join(missing)}")
        if not f.fund_lines:
            f.problems.append("项目资金 block not found")
        if not f.indicators:
            f.problems.append("no indicator rows found")
        if not f.total:
            f.problems.append("总分 row not found")


def segment_region(region: FormRegion, lex: Lexicon) -> SegmentedForm:
    return _Walker(region, lex).walk(region)


# -- indicator rows across page breaks ---------------------------------------------------------
def _text(cell: Cell | None) -> str:
    return cell.text if cell is not None else ""


def _resolve_indicators(rows: list[_IndicatorRow], lex: Lexicon, goals: dict[int, float] | None,
                        problems: list[str]) -> list[RawIndicator]:
    """Fill merged names down and drop blank rows. `goals`: where a form has several goal
    blocks, the points each declares (a row records its block). A row that held only specks
    is dropped as blank and told in `problems` (a row a seal blotted out would read so too)."""
    names1: dict[int, _Name] = {}
    names2: dict[int, _Name] = {}
    prev: _IndicatorRow | None = None
    out = []
    for row in rows:
        row.level1 = _level_name(row, prev, "level1", names1, None)
        same_group = prev is not None and row.level1 is prev.level1
        row.level2 = _level_name(row, prev, "level2", names2, same_group)
        prev = row
        fields = {k: Field.of(c) for k, c in row.cells.items() if k not in ("level1", "level2")}
        texts = [fields[k].text for k in ("level3", "target", "actual", "weight", "score") if k in fields]
        if not any(texts):
            continue  # a blank row: a second-level name printed with nothing under it
        if all(not t or _ONLY_SPECKS.match(t) for t in texts):
            under = row.level2.field.text if row.level2 and row.level2.field else "?"
            specks = " ".join(t for t in texts if t)
            problems.append(f"a row under {under} held only specks ({specks!r}): taken as blank")
            continue
        out.append(
            RawIndicator(
                level1=row.level1.field if row.level1 else None,
                level2=row.level2.field if row.level2 else None,
                cells=fields,
                page=row.page,
                goal_index=row.goal if goals is not None else None,
                goal_weight=goals.get(row.goal) if goals is not None else None,
            )
        )
    return out


def _level_name(row: _IndicatorRow, prev: _IndicatorRow | None, key: str, names: dict[int, _Name],
                same_group: bool | None) -> _Name | None:
    """The name of the merged cell covering the row; an empty cell repeats the name above
    (within one first-level group, for the second level)."""
    cell = row.cells.get(key)
    if cell is not None and id(cell) in names:
        return names[id(cell)]
    if cell is None or not cell.text:
        prev_name = getattr(prev, key) if prev is not None else None
        name = prev_name if same_group is not False else _Name(None)
    else:
        name = _Name(Field.of(cell))
    if cell is not None:
        names[id(cell)] = name
    return name
