"""Pagination: strip tables flowed down pages, as Word or Calc would print them.

Modes:
- word_split: a row that does not fit is split after the lines that fit (one-row cells are
  top-aligned, their text continues on the next page; at least one line on each side);
- word_nosplit / excel: rows never split, a row that does not fit moves to the next page.
Merged cells are cut by a break in every mode; how their text and borders fall is the
renderer's business (render.py). The pager only says where every row (or piece of a row)
lies: a Seg maps a strip range [s0, s1) of a row onto a page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .fonts import SkipVariation
from .measure import StripTable

EPS = 0.01


@dataclass(frozen=True)
class PageGeom:
    width: float
    height: float
    top: float  # content box
    bottom: float
    left: float
    right: float

    @property
    def content_width(self) -> float:
        return self.right - self.left


@dataclass(frozen=True)
class Seg:
    page: int
    row: int
    s0: float
    s1: float
    y0: float
    top_pad: float = 0.0  # a continuation: blank before s0
    bot_pad: float = 0.0  # a piece that continues: blank after s1
    copy: bool = False  # a repeated header row

    @property
    def y1(self) -> float:
        return self.y0 + self.top_pad + (self.s1 - self.s0) + self.bot_pad

    def y_of(self, s: float) -> float:
        return self.y0 + self.top_pad + (s - self.s0)


@dataclass(frozen=True)
class TextBlockLine:
    text: str
    fs: float
    height: float
    align: str = "c"  # c | l | r (r: at the table's right edge)
    bold: bool = False


@dataclass
class FormFlow:
    """One form to flow: its table, the lines above it (title, year, unit) and under it."""

    strip: StripTable
    title: list[TextBlockLine]
    under: list[TextBlockLine]
    grade_line: bool  # under[0] is the grade: printed even if it must go to the next page


@dataclass
class FormPlacement:
    segs: list[Seg] = field(default_factory=list)
    title: list[tuple[int, float, TextBlockLine]] = field(default_factory=list)
    under: list[tuple[int, float, TextBlockLine]] = field(default_factory=list)
    dropped_under: int = 0

    def row_pages(self, r: int) -> list[int]:
        return sorted({s.page for s in self.segs if s.row == r and not s.copy})


@dataclass
class Plan:
    pages: int
    forms: list[FormPlacement]
    letterhead: list[tuple[int, float, TextBlockLine]]


@dataclass(frozen=True)
class FlowOptions:
    mode: str  # word_split | word_nosplit | excel
    repeat_header: bool
    gap: float  # between two forms
    under_gap: float = 4.0


class _Cursor:
    """Where the next thing goes; a new page inside a table repeats its header rows."""

    def __init__(self, geom: PageGeom, opts: FlowOptions):
        self.geom, self.opts = geom, opts
        self.page, self.y = 0, geom.top
        self.fp: FormPlacement | None = None
        self.strip: StripTable | None = None
        self.header: tuple[int, ...] | None = None  # the indicator header rows last placed

    def fits(self, h: float) -> bool:
        return self.y + h <= self.geom.bottom + EPS

    def new_page(self, next_row: int | None = None) -> None:
        self.page, self.y = self.page + 1, self.geom.top
        st = self.strip
        if (next_row is not None and self.opts.repeat_header and self.header is not None
                and st.table.roles[next_row] != "ind_header"):
            for hr in self.header:
                self.place(Seg(self.page, hr, st.V[hr], st.V[hr + 1], self.y, copy=True))

    def place(self, seg: Seg) -> None:
        self.fp.segs.append(seg)
        self.y = seg.y1


def flow(forms: list[FormFlow], geom: PageGeom, opts: FlowOptions, offset: float,
         letterhead: list[TextBlockLine]) -> Plan:
    cur = _Cursor(geom, opts)
    lh_items: list[tuple[int, float, TextBlockLine]] = []
    for ln in letterhead:
        if cur.y + ln.height > geom.top + offset - 6:
            break
        lh_items.append((0, cur.y, ln))
        cur.y += ln.height
    cur.y = geom.top + offset
    placements: list[FormPlacement] = []
    for i, f in enumerate(forms):
        fp = cur.fp = FormPlacement()
        st = cur.strip = f.strip
        cur.header = None
        placements.append(fp)
        roles = st.table.roles
        if i:
            cur.y += opts.gap
        if not cur.fits(sum(ln.height for ln in f.title)):
            cur.new_page()
        for ln in f.title:
            fp.title.append((cur.page, cur.y, ln))
            cur.y += ln.height
        for r in range(st.table.nrows):
            h = st.height(r)
            if cur.fits(h):
                cur.place(Seg(cur.page, r, st.V[r], st.V[r + 1], cur.y))
            elif opts.mode == "word_split" and st.own_lines[r] >= 2:
                _split_row(st, r, cur)
            else:
                cur.new_page(r)
                if not cur.fits(h):
                    raise SkipVariation(f"row {r} ({roles[r]}) is taller than a page")
                cur.place(Seg(cur.page, r, st.V[r], st.V[r + 1], cur.y))
            if roles[r] == "ind_header":
                cur.header = next(g for g in st.table.header_groups if r in g)
        cur.y += opts.under_gap
        for j, ln in enumerate(f.under):
            if not cur.fits(ln.height):
                if j == 0 and f.grade_line:
                    cur.new_page()
                else:
                    fp.dropped_under += 1  # a note alone on a page would blur where the form ends
                    continue
            fp.under.append((cur.page, cur.y, ln))
            cur.y += ln.height
    return Plan(cur.page + 1, placements, lh_items)


def _split_row(st: StripTable, r: int, cur: _Cursor) -> None:
    """Word's "allow row to break across pages": the lines that fit stay, the rest continue
    on the next page (repeatedly, for a row taller than a page)."""
    lh, pad = st.metrics.lh, st.metrics.pad_y
    n = st.own_lines[r]
    done, s0, first = 0, st.V[r], True
    while True:
        top_pad = 0.0 if first else pad
        if cur.fits((st.V[r + 1] - s0) + top_pad):
            cur.place(Seg(cur.page, r, s0, st.V[r + 1], cur.y, top_pad))
            return
        # lines that fit here, leaving at least one for the next page
        k = min(math.floor((cur.geom.bottom - cur.y - 2 * pad + EPS) / lh), n - done - 1)
        if k < 1:
            if not first:
                raise SkipVariation(f"row {r}: its continuation does not fit a page")
            cur.new_page(r)
            continue
        s1 = st.V[r] + pad + (done + k) * lh
        cur.place(Seg(cur.page, r, s0, s1, cur.y, top_pad, pad))
        done, s0, first = done + k, s1, False
        cur.new_page(r)


@dataclass(frozen=True)
class Break:
    form: int
    row: int  # -1: the grade line under the table
    role: str
    kind: str  # before (the row opens a page) | inside (the row is split) | grade_line
    after: str = ""  # before: the role of what ends the previous page (a row's, or "title")


def breaks(plan: Plan, forms: list[FormFlow]) -> list[Break]:
    out: list[Break] = []
    for i, (fp, f) in enumerate(zip(plan.forms, forms)):
        roles = f.strip.table.roles
        prev_last = max(p for p, _, _ in fp.title) if fp.title else None
        for r in range(len(roles)):
            pages = fp.row_pages(r)
            if prev_last is not None and pages[0] > prev_last:
                out.append(Break(i, r, roles[r], "before", roles[r - 1] if r else "title"))
            if len(pages) > 1:
                out.append(Break(i, r, roles[r], "inside"))
            prev_last = pages[-1]
        if f.grade_line and fp.under and fp.under[0][0] > prev_last:
            out.append(Break(i, -1, "grade_line", "grade_line", roles[-1]))
    return out


def choose_offset(forms: list[FormFlow], geom: PageGeom, opts: FlowOptions, letterhead: list[TextBlockLine],
                  target_form: int, target_row: int | None, pick) -> tuple[float, Plan]:
    """An offset (blank space or letterhead above the first form) that puts a page break at
    the target row of the target form (before it, or inside it when it splits); target_row
    None: no break inside that form. `pick` chooses among the offsets that work."""
    usable = geom.bottom - geom.top
    good: list[float] = []
    off = 0.0
    while off < usable - 40:
        try:
            plan = flow(forms, geom, opts, off, letterhead)
        except SkipVariation:
            plan = None
        if plan is not None:
            bs = [b for b in breaks(plan, forms) if b.form == target_form]
            if (target_row is None and not bs) or any(b.row == target_row for b in bs):
                good.append(off)
        off += 1.5
    if not good:
        raise SkipVariation("no offset puts the break at the target row")
    off = pick(good)
    return off, flow(forms, geom, opts, off, letterhead)
