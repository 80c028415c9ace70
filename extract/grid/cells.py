"""Snapped lines → tables → base grid → cells with spans.

The chain (each step a plain function, intermediates kept for `show --overlay`):
lines are grouped into tables by touching; each table's line positions give the base
rows and columns; neighbouring base cells whose shared border is not drawn are one cell.
A table's cells are rectangles: where undrawn borders leave an L-shaped cell, a rule was
lost (a broken or faded scan), and the page's text says which (`restore_lost_rules`).
"""

from __future__ import annotations

from bisect import bisect_left

from extract.grid.types import Cell, Grid, Line
from extract.pages.types import Word
from extract.settings import GridSettings

# A border between two base cells: ("v", r, c) between (r, c) and (r, c + 1); ("h", r, c)
# between (r, c) and (r + 1, c).
Border = tuple[str, int, int]


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


def build_grid(page: int, hlines: list[Line], vlines: list[Line], settings: GridSettings,
               words: tuple[Word, ...] | list[Word] = ()) -> Grid:
    """Cells with spans for one table: base cells merge across undrawn borders."""
    xs = boundaries(vlines, settings)
    ys = boundaries(hlines, settings)
    n_r, n_c = len(ys) - 1, len(xs) - 1
    need = settings.min_border_coverage
    v_at, h_at = _lines_at(vlines, xs), _lines_at(hlines, ys)

    undrawn: set[Border] = set()
    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and _coverage(v_at[c + 1], ys[r], ys[r + 1]) < need:
                undrawn.add(("v", r, c))
            if r + 1 < n_r and _coverage(h_at[r + 1], xs[c], xs[c + 1]) < need:
                undrawn.add(("h", r, c))
    if words:
        undrawn = restore_lost_rules(undrawn, xs, ys, words)

    parent = list(range(n_r * n_c))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for kind, r, c in undrawn:
        union(r * n_c + c, r * n_c + c + 1 if kind == "v" else (r + 1) * n_c + c)

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


def _beyond(kind: str, r: int, c: int) -> tuple[int, int]:
    return (r, c + 1) if kind == "v" else (r + 1, c)


def _components(cells: set[tuple[int, int]], undrawn: set[Border]) -> list[set[tuple[int, int]]]:
    """The cells joined across undrawn borders, as groups."""
    links: dict[tuple[int, int], list[tuple[int, int]]] = {cell: [] for cell in cells}
    for kind, r, c in undrawn:
        a, b = (r, c), _beyond(kind, r, c)
        if a in links and b in links:
            links[a].append(b)
            links[b].append(a)
    seen: set[tuple[int, int]] = set()
    groups = []
    for start in cells:
        if start in seen:
            continue
        group, todo = {start}, [start]
        seen.add(start)
        while todo:
            for nxt in links[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    group.add(nxt)
                    todo.append(nxt)
        groups.append(group)
    return groups


def _rectangular(group: set[tuple[int, int]]) -> bool:
    rows = [r for r, _ in group]
    cols = [c for _, c in group]
    return len(group) == (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)


# A restored border may not run through a word; a word's box is taken this share in from
# each side, for an OCR box often takes in a stroke of the rule beside it.
_WORD_INSET = 0.25


def restore_lost_rules(undrawn: set[Border], xs: list[float], ys: list[float],
                       words: tuple[Word, ...] | list[Word]) -> set[Border]:
    """The undrawn borders less those a lost rule should have drawn.

    Merged across its undrawn borders, a group of base cells that is not a rectangle
    (an L) is not a cell: one of its inner borders was drawn and lost. Grown into its
    bounding box it would swallow its neighbours (a header's 年度指标值 and 实际完成值 with
    the sub-columns under them, when the rule between the two faded). The border restored
    is the one that parts the group's texts: of its inner borders through no word, the one
    after whose restoring the most parts hold text, then the most parts are rectangles. A
    group no border parts that way is left to grow, as before.
    """
    holding: set[tuple[int, int]] = set()
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
        c, r = bisect_left(xs, cx) - 1, bisect_left(ys, cy) - 1
        if 0 <= r < len(ys) - 1 and 0 <= c < len(xs) - 1:
            holding.add((r, c))
    if not holding:
        return undrawn

    def through_word(kind: str, r: int, c: int) -> bool:
        for w in words:
            dx, dy = _WORD_INSET * (w.x1 - w.x0), _WORD_INSET * (w.y1 - w.y0)
            if kind == "v":
                x, lo, hi = xs[c + 1], ys[r], ys[r + 1]
                if w.x0 + dx < x < w.x1 - dx and w.y0 + dy < hi and w.y1 - dy > lo:
                    return True
            else:
                y, lo, hi = ys[r + 1], xs[c], xs[c + 1]
                if w.y0 + dy < y < w.y1 - dy and w.x0 + dx < hi and w.x1 - dx > lo:
                    return True
        return False

    def texts(groups: list[set[tuple[int, int]]]) -> int:
        return sum(bool(g & holding) for g in groups)

    undrawn = set(undrawn)
    every = {(r, c) for r in range(len(ys) - 1) for c in range(len(xs) - 1)}
    for _ in range(len(undrawn)):
        restored = False
        for group in _components(every, undrawn):
            if len(group) < 3 or _rectangular(group):
                continue
            inner = sorted(b for b in undrawn
                           if (b[1], b[2]) in group and _beyond(*b) in group and not through_word(*b))
            best, best_score, before = None, (0, 0), texts([group])
            for border in inner:
                parts = _components(group, undrawn - {border})
                score = (texts(parts), sum(_rectangular(part) for part in parts))
                if score[0] > before and score > best_score:
                    best, best_score = border, score
            if best is not None:
                undrawn.discard(best)
                restored = True
        if not restored:
            break
    return undrawn


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


def find_grids(page: int, hlines: list[Line], vlines: list[Line], settings: GridSettings,
               words: tuple[Word, ...] | list[Word] = ()) -> list[Grid]:
    """Every ruled table of a page, top to bottom (`words`: the page's text, to tell where a
    rule was lost; see `restore_lost_rules`)."""
    grids = []
    for hs, vs in group_tables(hlines, vlines, settings):
        grid = build_grid(page, hs, vs, settings, words)
        if grid.n_rows >= 1 and len(grid.xs) >= 3 and grid.xs[-1] - grid.xs[0] >= settings.min_table_width:
            grids.append(grid)
    return grids
