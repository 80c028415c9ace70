"""Typesetting a FormTable in an unpaginated strip: column widths, line breaking with the
font's metrics, row heights, and where each line of each cell sits.

The line breaker is greedy, as Word's and Calc's are: a line ends only where the next
unit does not fit. Units are what a Chinese line breaker keeps together: one CJK
character, a Latin/number run, with the punctuation that may not start a line (，。）%…)
pulled back and an opening bracket (（“) carried forward. A paragraph's end must be
readable as one: either the next paragraph's first unit would have fitted on the line
(so only a hard break explains the early end), or it opens with an enumerator after a
sentence end. Where neither holds, the inner padding grows a point at a time (another
plausible cell inset); if no inset works, the variation is skipped as ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .fonts import LoadedFont, SkipVariation
from .records import FormTable, GCell

_RUN = re.compile(r"[A-Za-z0-9.,%‰+\-/×:]")
NO_START = frozenset("。，、；：？！）》」』】〕”’%,.;:?!)]}‰")
NO_END = frozenset("（《「『【〔“‘([{")
_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}\s*[、.．)）]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]{1,2}\s*、)")
_SENTENCE_END = tuple("。；;.!！?？:：")


def units(text: str) -> list[str]:
    """The unbreakable units of a paragraph; " " is a break opportunity of its own."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == " ":
            out.append(" ")
            i += 1
            continue
        j = i + 1
        if _RUN.match(text[i]):
            while j < n and _RUN.match(text[j]):
                j += 1
        while j < n and text[j] in NO_START:
            j += 1
        out.append(text[i:j])
        i = j
    glued: list[str] = []
    for u in out:
        if glued and glued[-1] != " " and u != " " and glued[-1][-1] in NO_END:
            glued[-1] += u
        else:
            glued.append(u)
    return glued


def wrap(text: str, font: LoadedFont, fs: float, width: float) -> list[str]:
    """Greedy line breaking; a line never starts or ends with a space."""
    lines: list[str] = []
    cur, cur_w, space = "", 0.0, False
    for u in units(text):
        if u == " ":
            space = bool(cur)
            continue
        uw = font.width(u, fs)
        sw = font.width(" ", fs) if space else 0.0
        if cur and cur_w + sw + uw > width:
            lines.append(cur)
            cur, cur_w, space, sw = "", 0.0, False, 0.0
        if not cur and uw > width:
            # a unit wider than the column: broken by characters, as Word does
            for ch in u:
                cw = font.width(ch, fs)
                if cur and cur_w + cw > width:
                    lines.append(cur)
                    cur, cur_w = "", 0.0
                cur += ch
                cur_w += cw
            space = False
            continue
        cur += (" " if space and cur else "") + u
        cur_w += sw + uw
        space = False
    if cur:
        lines.append(cur)
    return lines


@dataclass(frozen=True)
class Metrics:
    fs: float
    lh: float  # line height
    pad_y: float
    pad_x: float


@dataclass
class CellLayout:
    cell: GCell
    padx: float
    lines: list[tuple[str, float]] = field(default_factory=list)  # (text, width)
    vtops: list[float] = field(default_factory=list)  # strip y of each line's top


@dataclass
class StripTable:
    """A table typeset in an unpaginated strip: V[r] is the top of row r."""

    table: FormTable
    metrics: Metrics
    X: list[float]  # column edges, from 0 at the table's left
    V: list[float]
    cells: list[CellLayout]
    own_lines: list[int]  # per row: most lines of a one-row cell
    valign: str

    @property
    def width(self) -> float:
        return self.X[-1]

    def height(self, r: int) -> float:
        return self.V[r + 1] - self.V[r]


def fit_columns(table: FormTable, font: LoadedFont, m: Metrics, factors: list[float], target_width: float) -> list[float]:
    """Base widths × jitter factors, scaled to the target width, then widened where a number
    must stay on one line or a column could not hold two characters a line (the header labels
    then wrap as they do in real forms: 一级/指标)."""
    w = [b * f for b, f in zip(table.cols, factors)]
    scale = target_width / sum(w)
    w = [x * scale for x in w]
    floor = [2 * m.fs + 2 * m.pad_x + 1.0] * len(w)
    spans: list[tuple[int, int, float]] = []
    for c in table.cells:
        if c.nowrap and c.paras:
            need = max(font.width(p, m.fs) for p in c.paras) + 2 * m.pad_x + 2.0
            spans.append((c.c, c.cs, need))
    for _ in range(30):
        changed = False
        for i in range(len(w)):
            if w[i] < floor[i] - 1e-6:
                w[i] = floor[i]
                changed = True
        for c0, cs, need in spans:
            have = sum(w[c0 : c0 + cs])
            if have < need - 1e-6:
                for i in range(c0, c0 + cs):
                    w[i] += (need - have) / cs
                changed = True
        total = sum(w)
        if total > target_width + 1e-6:
            # give back the excess from columns with room above their floors and spans
            fixed = _pinned(w, spans, floor)
            slack = [0.0 if fixed[i] else w[i] - floor[i] for i in range(len(w))]
            room = sum(slack)
            if room <= 1e-6:
                raise SkipVariation("table does not fit the page width at this type size")
            excess = min(total - target_width, room)
            w = [w[i] - excess * slack[i] / room for i in range(len(w))]
            changed = True
        if not changed:
            return w
    raise SkipVariation("column widths did not settle")


def _pinned(w: list[float], spans, floor) -> list[bool]:
    """Columns that a one-line number needs at their current width."""
    pinned = [False] * len(w)
    for c0, cs, need in spans:
        if sum(w[c0 : c0 + cs]) <= need + 0.5:
            for i in range(c0, c0 + cs):
                pinned[i] = True
    return pinned


def layout_strip(table: FormTable, font: LoadedFont, m: Metrics, widths: list[float], valign: str,
                 min_row: float, own_top: bool) -> StripTable:
    """Wrap every cell, size the rows, place every line. own_top: one-row cells are
    top-aligned (a Word table whose rows may split), merged cells keep `valign`."""
    X = [0.0]
    for w in widths:
        X.append(X[-1] + w)
    grid: dict[tuple[int, int], GCell] = {}
    for c in table.cells:
        for r in range(c.r, c.r + c.rs):
            for k in range(c.c, c.c + c.cs):
                if (r, k) in grid:
                    raise SkipVariation(f"cells overlap at {r},{k}")
                grid[(r, k)] = c
    missing = font.missing("".join("".join(c.paras) for c in table.cells))
    if missing:
        raise SkipVariation(f"font {font.spec.key} lacks {''.join(sorted(missing))}")
    layouts = [_wrap_cell(c, font, m, X[c.c + c.cs] - X[c.c]) for c in table.cells]
    n = table.nrows
    lh, pad = m.lh, m.pad_y
    h = [max(min_row, lh + 2 * pad)] * n
    own = [0] * n
    for cl in layouts:
        if cl.cell.rs == 1:
            h[cl.cell.r] = max(h[cl.cell.r], len(cl.lines) * lh + 2 * pad)
            own[cl.cell.r] = max(own[cl.cell.r], len(cl.lines))
    for cl in sorted(layouts, key=lambda cl: cl.cell.rs):
        c = cl.cell
        if c.rs > 1:
            need = len(cl.lines) * lh + 2 * pad
            have = sum(h[c.r : c.r + c.rs])
            if need > have:
                h[c.r + c.rs - 1] += need - have
    V = [0.0]
    for x in h:
        V.append(V[-1] + x)
    for cl in layouts:
        c = cl.cell
        top, bottom = V[c.r], V[c.r + c.rs]
        k = len(cl.lines)
        va = "top" if (own_top and c.rs == 1) else (c.valign or valign)
        y = top + pad if va == "top" else top + (bottom - top - k * lh) / 2
        cl.vtops = [y + i * lh for i in range(k)]
    return StripTable(table, m, X, V, layouts, own, valign)


def _wrap_cell(c: GCell, font: LoadedFont, m: Metrics, full: float) -> CellLayout:
    if c.nowrap:
        lines = [(p, font.width(p, m.fs)) for p in c.paras]
        if any(w > full - 2 * m.pad_x + 0.01 for _, w in lines):
            raise SkipVariation(f"number {c.paras} does not fit its column")
        return CellLayout(c, m.pad_x, lines)
    for extra in range(0, int(2 * m.fs) + 1):
        padx = m.pad_x + extra
        inner = full - 2 * padx
        if inner < m.fs:
            break
        paras = [wrap(p, font, m.fs, inner) for p in c.paras]
        if c.label or _paragraphs_readable(c.paras, paras, font, m.fs, inner):
            return CellLayout(c, padx, [(ln, font.width(ln, m.fs)) for pl in paras for ln in pl])
    raise SkipVariation(f"paragraph ends not readable in a {full:.0f} pt column: {c.paras[0][:20]}…")


def _paragraphs_readable(texts: list[str], paras: list[list[str]], font: LoadedFont, fs: float, inner: float) -> bool:
    for i in range(len(paras) - 1):
        last = paras[i][-1] if paras[i] else ""
        nxt = texts[i + 1]
        first = next((u for u in units(nxt) if u != " "), "")
        room = inner - font.width(last, fs)
        if room >= font.width(first, fs) + 1.0 * fs:
            continue  # the next paragraph would have fitted here: the early end is a hard break
        if _ENUMERATOR.match(nxt) and texts[i].rstrip().endswith(_SENTENCE_END):
            continue
        return False
    return True
