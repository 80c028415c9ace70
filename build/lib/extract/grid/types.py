"""Records of grid recovery: snapped lines, and a table grid of cells with spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from extract.pages.types import Word


@dataclass(frozen=True, slots=True)
class Line:
    """A snapped ruling line: horizontal at y=pos from start to end, or vertical at x=pos."""

    pos: float
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line of a cell's text."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    confidence: float
    wrapped: bool  # True: the text runs on into the next line (a wrap, not a paragraph end)


@dataclass
class Cell:
    """A cell of a grid: base rows row..row+rowspan-1, base columns col..col+colspan-1."""

    row: int
    col: int
    rowspan: int
    colspan: int
    x0: float
    y0: float
    x1: float
    y1: float
    words: list[Word] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """The cell's text; computed once, after the words were assigned (grid.text)."""
        from extract.grid.text import join_lines

        return join_lines(self.lines)

    @cached_property
    def confidence(self) -> float:
        return min((ln.confidence for ln in self.lines), default=1.0)


@dataclass
class Grid:
    """One ruled table on one page. `xs`/`ys` are the base column/row boundaries."""

    page: int
    xs: list[float]
    ys: list[float]
    cells: list[Cell]
    # cell_at[r][c] is the index into `cells` of the cell covering base cell (r, c).
    cell_at: list[list[int]]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    def row_cells(self, r: int) -> list[Cell]:
        """The distinct cells crossing base row r, left to right."""
        seen: list[int] = []
        for idx in self.cell_at[r]:
            if idx not in seen:
                seen.append(idx)
        return [self.cells[i] for i in seen]
