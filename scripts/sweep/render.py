"""Drawing a Plan with PyMuPDF: ruling, cell text, title and free lines, footers.

Where a break cuts a merged cell (一级指标, 项目资金, 年度总体目标 …):
- "cut": its text lines stay where the whole merged area puts them, each on the page its
  centre falls on (Word; and Calc, which prints a merged cell's text once, centred over
  the whole area, so it lands on one page or is cut between lines);
- "repeat": the text printed again, centred, in the fragment on every page (WPS-like;
  only where it fits, else "cut").
Borders at a break are drawn on both sides ("closed", Word) or left open under and over a
cut merged cell ("open", Calc).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import pymupdf

from .fonts import LoadedFont, SkipVariation, TextLayer, finish_pdf
from .measure import StripTable
from .pager import FormFlow, PageGeom, Plan, Seg, TextBlockLine


@dataclass(frozen=True)
class DrawStyle:
    ruling: str  # lines | rects | filled
    lw: float
    merged_text: str  # cut | repeat
    merged_border: str  # closed | open
    footer: str  # labels.FOOTERS entry
    table_align: str = "center"  # center | left


class Canvas:
    def __init__(self, geom: PageGeom, pages: int, font: LoadedFont):
        self.geom = geom
        self.doc = pymupdf.open()
        for _ in range(pages):
            self.doc.new_page(width=geom.width, height=geom.height)
        self.font = font
        self.layer = TextLayer()
        # one TextWriter per page and weight: far faster than page.insert_text per line
        self.writers: dict[tuple[int, bool], pymupdf.TextWriter] = {}
        self.edges: dict[int, list[tuple]] = collections.defaultdict(list)

    def text(self, pno: int, x: float, top: float, lh: float, s: str, fs: float, bold: bool = False) -> None:
        if not s.strip():
            return
        tw = self.writers.get((pno, bold))
        if tw is None:
            tw = self.writers[(pno, bold)] = pymupdf.TextWriter(self.doc[pno].rect)
        baseline = top + (lh - fs) / 2 + fs * self.font.ascent
        tw.append((x, baseline), s, font=self.font.font, fontsize=fs)
        self.layer.add(pno, s, self.font)

    def write_text(self) -> None:
        for (pno, bold), tw in sorted(self.writers.items()):
            tw.write_text(self.doc[pno], color=(0, 0, 0), render_mode=2 if bold else 0)

    def line_at(self, pno: int, y: float, ln: TextBlockLine, x0: float, x1: float) -> None:
        w = self.font.width(ln.text, ln.fs)
        x = {"c": (x0 + x1 - w) / 2, "l": x0, "r": x1 - w}[ln.align]
        self.text(pno, x, y, ln.height, ln.text, ln.fs, ln.bold)


def render(plan: Plan, forms: list[FormFlow], geom: PageGeom, font: LoadedFont, style: DrawStyle,
           letter_fs: float) -> tuple[bytes, list[tuple[int, str, str]]]:
    """The PDF, and how each merged cell cut by a break printed its text:
    (form, l1 | l2 | funds_label | goals_label …, split | one page | repeated)."""
    cv = Canvas(geom, plan.pages, font)
    cuts: list[tuple[int, str, str]] = []
    for pno, y, ln in plan.letterhead:
        cv.line_at(pno, y, ln, geom.left, geom.right)
    for i, (fp, f) in enumerate(zip(plan.forms, forms)):
        st = f.strip
        x0 = geom.left + ((geom.content_width - st.width) / 2 if style.table_align == "center" else 0.0)
        for pno, y, ln in fp.title:
            if ln.align == "r":
                cv.line_at(pno, y, ln, x0, x0 + st.width)
            else:
                cv.line_at(pno, y, ln, geom.left, geom.right)
        cuts += [(i, name, how) for name, how in _draw_table(cv, st, fp.segs, x0, style)]
        for pno, y, ln in fp.under:
            cv.line_at(pno, y, ln, x0, x0 + st.width)
    _draw_footers(cv, plan.pages, style.footer, letter_fs)
    cv.write_text()
    _draw_rules(cv, style)
    return finish_pdf(cv.doc, cv.layer), cuts


def _draw_footers(cv: Canvas, pages: int, footer: str, fs: float) -> None:
    if footer == "none":
        return
    g = cv.geom
    for p in range(pages):
        text = footer.format(n=p + 1, total=pages)
        y = g.bottom + (g.height - g.bottom - fs * 1.2) / 2
        cv.line_at(p, y, TextBlockLine(text, fs * 0.9, fs * 1.2), g.left, g.right)


def _draw_table(cv: Canvas, st: StripTable, segs: list[Seg], x0: float, style: DrawStyle) -> list[tuple[str, str]]:
    m = st.metrics
    cuts: list[tuple[str, str]] = []
    by_row: dict[int, list[Seg]] = collections.defaultdict(list)
    copies: dict[tuple[int, int], Seg] = {}  # (page, row) -> a repeated header row
    for s in segs:
        if s.copy:
            copies[(s.page, s.row)] = s
        else:
            by_row[s.row].append(s)
    for cl in st.cells:
        c = cl.cell
        rows = range(c.r, c.r + c.rs)
        cell_segs = [s for r in rows for s in by_row[r]]
        pages = sorted({s.page for s in cell_segs})
        X0, X1 = x0 + st.X[c.c], x0 + st.X[c.c + c.cs]
        frags = {}
        for p in pages:
            ss = [s for s in cell_segs if s.page == p]
            frags[p] = (min(s.y0 for s in ss), max(s.y1 for s in ss))
        cut_merged = c.rs > 1 and len(pages) > 1
        for p, (y0, y1) in frags.items():
            open_top = cut_merged and style.merged_border == "open" and p != pages[0]
            open_bot = cut_merged and style.merged_border == "open" and p != pages[-1]
            cv.edges[p].append((X0, y0, X1, y1, open_top, open_bot))
        placed = _place_lines(cl, cell_segs, frags, m.lh, style.merged_text if cut_merged else "cut")
        if cut_merged and cl.lines:
            how = ("repeated" if len(placed) == len(frags) > 1 and style.merged_text == "repeat"
                   else "split" if len(placed) > 1 else "one page")
            cuts.append((st.table.merged_name(c), how))
        for p, items in placed.items():
            _draw_lines(cv, p, items, cl, X0, X1, m)
        # repeated header rows: the cell again, whole, on each page that repeats its rows
        for p in sorted({p for (p, r) in copies if r == c.r}):
            ss = [copies.get((p, r)) for r in rows]
            if any(s is None for s in ss):
                continue
            y0, y1 = min(s.y0 for s in ss), max(s.y1 for s in ss)
            cv.edges[p].append((X0, y0, X1, y1, False, False))
            items = [(s_.y_of(vt), txt, w) for (txt, w), vt in zip(cl.lines, cl.vtops)
                     for s_ in [next(s for s in ss if s.s0 <= vt + m.lh / 2 < s.s1 + 1e-6)]]
            _draw_lines(cv, p, items, cl, X0, X1, m)
    return cuts


def _place_lines(cl, segs: list[Seg], frags: dict[int, tuple[float, float]], lh: float, how: str):
    """Page → [(top y, text, width)] for one cell's lines, kept inside each fragment."""
    out: dict[int, list[list]] = collections.defaultdict(list)
    if not cl.lines:
        return out
    if how == "repeat":
        n = len(cl.lines)
        if all(y1 - y0 >= n * lh + 1.0 for y0, y1 in frags.values()):
            for p, (y0, y1) in frags.items():
                top = y0 + (y1 - y0 - n * lh) / 2
                out[p] = [[top + i * lh, txt, w] for i, (txt, w) in enumerate(cl.lines)]
            return out
    for (txt, w), vt in zip(cl.lines, cl.vtops):
        centre = vt + lh / 2
        seg = next((s for s in segs if s.s0 - 1e-6 <= centre < s.s1 + 1e-6), None)
        if seg is None:  # the centre fell in the blank of a continuation: the nearest piece
            seg = min(segs, key=lambda s: min(abs(centre - s.s0), abs(centre - s.s1)))
        out[seg.page].append([seg.y_of(vt), txt, w])
    for p, items in out.items():
        y0, y1 = frags[p]
        lo = min(i[0] for i in items)
        hi = max(i[0] for i in items) + lh
        inset = min(1.5, (y1 - y0 - (hi - lo)) / 2)
        if inset < 0:
            raise SkipVariation(f"text of {cl.cell.paras[0][:12]!r} does not fit its fragment")
        shift = max(0.0, y0 + inset - lo) - max(0.0, hi - (y1 - inset))
        for i in items:
            i[0] += shift
    return out


def _draw_lines(cv: Canvas, p: int, items, cl, X0: float, X1: float, m) -> None:
    for top, txt, w in items:
        if cl.cell.align == "l":
            x = X0 + cl.padx
        elif cl.cell.align == "r":
            x = X1 - cl.padx - w
        else:
            x = (X0 + X1 - w) / 2
        cv.text(p, x, top, m.lh, txt, m.fs)


def _draw_rules(cv: Canvas, style: DrawStyle) -> None:
    lw = style.lw
    for pno, items in cv.edges.items():
        shape = cv.doc[pno].new_shape()
        seen: set[tuple] = set()
        for x0, y0, x1, y1, open_top, open_bot in items:
            edges = [((x0, y0), (x1, y0), not open_top), ((x0, y1), (x1, y1), not open_bot),
                     ((x0, y0), (x0, y1), True), ((x1, y0), (x1, y1), True)]
            if style.ruling == "rects" and not (open_top or open_bot):
                shape.draw_rect(pymupdf.Rect(x0, y0, x1, y1))
                shape.finish(width=lw, color=(0, 0, 0))
            elif style.ruling in ("lines", "rects"):
                for a, b, on in edges:
                    if on:
                        shape.draw_line(a, b)
                        shape.finish(width=lw, color=(0, 0, 0), closePath=False)
            elif style.ruling == "filled":
                h = lw / 2
                for (ax, ay), (bx, by), on in edges:
                    if not on:
                        continue
                    r = (min(ax, bx) - h, min(ay, by) - h, max(ax, bx) + h, max(ay, by) + h)
                    key = tuple(round(v, 2) for v in r)
                    if key in seen:
                        continue
                    seen.add(key)
                    shape.draw_rect(pymupdf.Rect(*r))
                    shape.finish(fill=(0, 0, 0), color=None, width=0)
            else:
                raise ValueError(style.ruling)
        shape.commit()
