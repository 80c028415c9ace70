"""Pages → form regions: which titles open a form, and which tables belong to it.

A form opens at a title line (or a table whose first cell is the title). The tables after it
belong to it, on its page and on the following pages, until the next title — but a table
on a later page joins only while the form is still open and the table looks like its
continuation, so an unrelated table after the form is not swallowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.grid import Grid, PageLayout, TextLine
from extract.segment.lexicon import Lexicon
from extract.values.text import compact

_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})\s*年\s*度?")
# Share of a continuation table's column borders that must line up with the form's last
# table (office software repeats the column widths on every page of one table).
_MIN_COLUMN_ALIGNMENT = 0.5
_ALIGN_TOLERANCE = 3.0


@dataclass
class FormRegion:
    """The title and tables of one form, possibly over several pages."""

    title: str
    title_page: int
    year: int | None = None
    grids: list[Grid] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines between title and table ("金额单位：万元")
    # Lines under its tables, with their page ("评分等级：优", "其他需要说明事项：…").
    after: list[tuple[int, TextLine]] = field(default_factory=list)

    @property
    def pages(self) -> tuple[int, int]:
        pages = [self.title_page] + [g.page for g in self.grids]
        return min(pages), max(pages)


def _grid_labels(grid: Grid, lex: Lexicon, skip_rows: int = 0) -> set[str]:
    """Which block labels (and the indicator header) the table holds (below `skip_rows`)."""
    found: set[str] = set()
    for cell in grid.cells:
        if cell.row < skip_rows:
            continue
        text = cell.text
        if not text or len(text) > 20:
            continue
        block = lex.match("blocks", text)
        if block:
            found.add(block)
        elif lex.match("indicator_columns", text) in ("level1", "level3"):
            found.add("indicators")
    return found


def _aligned(grid: Grid, previous: Grid) -> bool:
    inner = grid.xs[1:-1] or grid.xs
    hits = sum(any(abs(x - p) <= _ALIGN_TOLERANCE for p in previous.xs) for x in inner)
    return hits >= _MIN_COLUMN_ALIGNMENT * len(inner)


def _title_in_grid(grid: Grid, lex: Lexicon) -> str | None:
    for cell in grid.row_cells(0):
        if lex.is_title(cell.text):
            return cell.text
    return None


def _opens_with_header(grid: Grid, lex: Lexicon) -> bool:
    """A table whose first row names the project (or, on a 部门整体 form, the department): a
    form's top, whatever its title said."""
    first = [c for c in grid.row_cells(0) if c.text]
    if any(lex.match("header", c.text) == "project_name" for c in first if len(c.text) <= 10):
        return True
    # 部门 | name, alone on the first row: the department form's top (主管部门 | … | 实施单位 is a
    # project form's second row, and a table headed 部门 alone is no form: MIN_BLOCKS decides).
    return len(first) == 2 and lex.match("header", first[0].text) == "department" and compact(first[0].text) == "部门"


def find_regions(layouts: list[PageLayout], lex: Lexicon) -> list[FormRegion]:
    regions: list[FormRegion] = []
    current: FormRegion | None = None
    labels_seen: set[str] = set()

    for layout in layouts:
        items: list[tuple[float, int, object]] = [(ln.baseline, 0, ln) for ln in layout.free_text]
        items += [(g.ys[0], 1, g) for g in layout.grids]
        items.sort(key=lambda it: (it[0], it[1]))
        first_on_page = True
        year_above: int | None = None  # a "(2024年度)" line above the next table
        for _, kind, item in items:
            if kind == 0:
                line: TextLine = item  # type: ignore[assignment]
                if lex.is_title(line.text):
                    # The year in the title itself: "2024年度项目支出绩效自评表".
                    current = FormRegion(title=line.text, title_page=layout.page.number, year=parse_year(line.text))
                    regions.append(current)
                    labels_seen = set()
                    first_on_page = False
                else:
                    year_above = parse_year(line.text) or year_above
                    if current is not None and not current.grids:
                        current.notes.append(line.text)
                        if current.year is None:
                            current.year = year_above
                    elif current is not None:
                        current.after.append((layout.page.number, line))
                continue
            grid: Grid = item  # type: ignore[assignment]
            title = _title_in_grid(grid, lex)
            if title is None and _opens_with_header(grid, lex) and (current is None or current.grids):
                title = ""  # the title line was not readable (a seal over it, a cut-off scan)
            if title is not None:
                year = _grid_year(grid) or (year_above if not title else None)
                current = FormRegion(title=title, title_page=layout.page.number, year=year)
                regions.append(current)
                labels_seen = set()
            elif current is None:
                continue
            else:
                last_page = current.grids[-1].page if current.grids else current.title_page
                if grid.page != last_page and not (first_on_page and _continues(current, grid, labels_seen, lex)):
                    current = None
                    continue
                if grid.page == last_page and _closed(current, grid, labels_seen, lex):
                    current = None  # a form ends at its closing rows: what follows is not its
                    continue
            year_above = None
            current.grids.append(grid)
            labels_seen |= _grid_labels(grid, lex)
            first_on_page = False
    return [r for r in regions if r.grids]


def _closed(region: FormRegion, grid: Grid, seen: set[str], lex: Lexicon) -> bool:
    """Whether the form was closed by its last rows (评分等级; or 总分, with the grade not yet
    come) before a table further down its page: a table after them is another form's (one
    whose title was not read), not this one's."""
    if "grade" in seen:
        return True
    return "total" in seen and _grid_labels(grid, lex) != {"grade"}


def _continues(region: FormRegion, grid: Grid, seen: set[str], lex: Lexicon) -> bool:
    """Whether a table at the top of a new page carries on the open form."""
    if "grade" in seen:
        return False
    labels = _grid_labels(grid, lex, _repeated_rows(grid, region))
    if "total" in seen:
        return "grade" in labels and len(labels) == 1
    if "indicators" not in seen or labels & {"indicators", "total", "grade"}:
        return True
    return bool(region.grids) and _aligned(grid, region.grids[-1])


def _row_texts(grid: Grid, r: int) -> tuple[str, ...]:
    return tuple(compact(c.text) for c in grid.row_cells(r))


def _repeated_rows(grid: Grid, region: FormRegion) -> int:
    """How many of the table's first rows repeat rows printed before (a header row repeated
    on every page): they say nothing of where the form goes on."""
    before = {_row_texts(g, r) for g in region.grids for r in range(g.n_rows)}
    n = 0
    while n < grid.n_rows and any(_row_texts(grid, n)) and _row_texts(grid, n) in before:
        n += 1
    return n


def parse_year(text: str) -> int | None:
    m = _YEAR.search(compact(text)) if "年" in text else None
    return int(m.group(1)) if m else None


def _grid_year(grid: Grid) -> int | None:
    for r in range(min(2, grid.n_rows)):
        for cell in grid.row_cells(r):
            year = parse_year(cell.text)
            if year:
                return year
    return None
