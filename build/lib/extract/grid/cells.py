"""Snapped lines → tables → base grid → cells with spans.

The chain (each step a plain function, intermediates kept for `show --overlay`):
lines are grouped into tables by touching; each table's line positions give the base
rows and columns; neighbouring base cells whose shared border is not drawn are one cell.
"""

from __future__ import annotations

from bisect import bisect_left

from extract.grid.types import Cell, Grid, Line
from extract.settings import GridSettings


def group_tables(
    hlines: list[Line], vlines: list[Line], settings: GridSettings
) -> list[tuple[list[Line], list[Line]]]:
    """Connected groups of lines that touch; groups without 2+ lines each way are dropped."""
    tol = settings.intersect_tolerance
    n_h = len(hlines)
    parent = list(range(n_h + len(vlines)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, h in enumerate(hlines):
        for j, v in enumerate(vlines):
            if v.start - tol <= h.pos <= v.end + tol and h.start - tol <= v.pos <= h.end + tol:
                parent[find(i)] = find(n_h + j)

    groups: dict[int, tuple[list[Line], list[Line]]] = {}
    for i, h in enumerate(hlines):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vlines):
        groups.setdefault(find(n_h + j), ([], []))[1].append(v)
    tables = [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]
    tables.sort(key=lambda g: (min(h.pos for h in g[0]), min(v.pos for v in g[1])))
    return tables


def boundaries(lines: list[Line], settings: GridSettings) -> list[float]:
    """Distinct line positions, closer ones merged (they are one border)."""
    out: list[float] = []
    for pos in sorted(ln.pos for ln in lines):
        if out and pos - out[-1] < settings.min_cell_size:
            continue
        out.append(pos)
    return out


def _lines_at(lines: list[Line], bounds: list[float]) -> list[list[Line]]:
    """The lines lying on each boundary (a line belongs to its nearest boundary)."""
    at: list[list[Line]] = [[] for _ in bounds]
    for ln in lines:
        i = bisect_left(bounds, ln.pos)
        if i == len(bounds) or (i > 0 and ln.pos - bounds[i - 1] < bounds[i] - ln.pos):
            i -= 1
        at[i].append(ln)
    return at


def _coverage(lines: list[Line], lo: float, hi: float) -> float:
    """Share of [lo, hi] covered by `lines` (which do not overlap one another)."""
    if hi <= lo:
        return 1.0
    covered = sum(max(0.0, min(hi, ln.end) - max(lo, ln.start)) for ln in lines)
    return min(1.0, covered / (hi - lo))


def build_grid(page: int, hlines: list[Line], vlines: list[Line], settings: GridSettings) -> Grid:
    """Cells with spans for one table: base cells merge across undrawn borders."""
    xs = boundaries(vlines, settings)
    ys = boundaries(hlines, settings)
    n_r, n_c = len(ys) - 1, len(xs) - 1
    need = settings.min_border_coverage
    v_at, h_at = _lines_at(vlines, xs), _lines_at(hlines, ys)

    parent = list(range(n_r * n_c))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and _coverage(v_at[c + 1], ys[r], ys[r + 1]) < need:
                union(r * n_c + c, r * n_c + c + 1)
            if r + 1 < n_r and _coverage(h_at[r + 1], xs[c], xs[c + 1]) < need:
                union(r * n_c + c, (r + 1) * n_c + c)

    spans = _rectangular_spans(n_r, n_c, find, union)
    cells: list[Cell] = []
    cell_at = [[-1] * n_c for _ in range(n_r)]
    for r0, c0, r1, c1 in sorted(spans):
        idx = len(cells)
        cells.append(Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                cell_at[r][c] = idx
    return Grid(page=page, xs=xs, ys=ys, cells=cells, cell_at=cell_at)


def _rectangular_spans(n_r, n_c, find, union) -> set[tuple[int, int, int, int]]:
    """Bounding boxes of the merged groups, growing any L-shaped group into its rectangle."""
    while True:
        boxes: dict[int, list[int]] = {}
        for r in range(n_r):
            for c in range(n_c):
                b = boxes.setdefault(find(r * n_c + c), [r, c, r, c])
                b[0], b[1], b[2], b[3] = min(b[0], r), min(b[1], c), max(b[2], r), max(b[3], c)
        changed = False
        for root, (r0, c0, r1, c1) in boxes.items():
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if find(r * n_c + c) != find(root):
                        union(r * n_c + c, root)
                        changed = True
        if not changed:
            return {tuple(b) for b in boxes.values()}


def find_grids(page: int, hlines: list[Line], vlines: list[Line], settings: GridSettings) -> list[Grid]:
    """Every ruled table of a page, top to bottom."""
    grids = []
    for hs, vs in group_tables(hlines, vlines, settings):
        grid = build_grid(page, hs, vs, settings)
        if grid.n_rows >= 1 and len(grid.xs) >= 3 and grid.xs[-1] - grid.xs[0] >= settings.min_table_width:
            grids.append(grid)
    return grids
