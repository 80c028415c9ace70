#!/usr/bin/env python3
"""Render fixture PDFs of 项目支出绩效自评表 whose truth is known, plus their truth JSON.

Run from the repo root:

    python scripts/make_fixtures.py            # (re)writes fixtures/text/, bad/, scans/ and
                                               # variants/{text,scans}/
    python scripts/make_fixtures.py --check    # regenerates into a temp dir; exit 1 if any
                                               # truth JSON differs from the committed one

The records (scripts/fixture_records/) say what is printed in every cell, built from
components with known meaning, so the truth (the extract.records dataclasses, serialised
with dataclasses.asdict minus review_reasons) never comes from parsing rendered text.

The rendering imitates office software: a ruled grid of base columns with merged cells
(one builder, driven by a layout spec per family: fixture_records/layout.py; the regional
variants of fixture_records/variants.py go to fixtures/variants/), text wrapped with the
font's real metrics, rows flowing down A4 pages (a row that does not fit moves to the next
page, or, where a record asks for it, is split across the break), and three ways of
drawing the ruling (line segments per cell border, a stroked rectangle per cell, thin
filled rectangles as Word/WPS print them).

Output is deterministic: fixed metadata, no new /ID, deterministic font subsets and
ToUnicode maps rewritten from the characters actually used (so every glyph extracts as
the code point that was inserted, never as a CJK compatibility ideograph or U+00A0).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parent.parent
for p in (str(ROOT), str(ROOT / "scripts")):
    if p not in sys.path:
        sys.path.insert(0, p)

from extract.records import Form, FundLine, Indicator  # noqa: E402
from extract.values.text import normalize  # noqa: E402
from fixture_records import consistency, documents, variants  # noqa: E402
from fixture_records.layout import FUND_KEYS, form_layout  # noqa: E402
from scan_fixtures import make_scans  # noqa: E402

PAGE_W, PAGE_H = 595.0, 842.0
MARGIN_X = 45.0
TOP = 48.0
BOTTOM = PAGE_H - 48.0
CONTENT_W = PAGE_W - 2 * MARGIN_X

FONT_FILES = {
    # key: (path or None for PyMuPDF's built-in, Debian package that ships it)
    "droid": (None, "PyMuPDF built-in font china-s (Droid Sans Fallback)"),
    "wqy": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "fonts-wqy-microhei"),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming"),
}

EMPTY_CELLS = {"", "—", "-", "/", "－", "–"}


def nfkc(s: str | None) -> str | None:
    """The dataset's text normalisation (CONTRACT: NFKC; spaces beside Chinese characters and
    curly quotes are typesetting, see extract/values/text.py) applied to a printed string."""
    return None if s is None else normalize(s)


class FixtureError(RuntimeError):
    pass


# --------------------------------------------------------------------------- fonts


class FontRes:
    """A CJK font: metrics for wrapping and the bytes to embed."""

    _cache: dict[str, "FontRes"] = {}

    @classmethod
    def get(cls, key: str) -> "FontRes":
        if key not in cls._cache:
            cls._cache[key] = cls(key)
        return cls._cache[key]

    def __init__(self, key: str):
        path, pkg = FONT_FILES[key]
        if path is None:
            self.font = pymupdf.Font("china-s")
            self.buffer = self.font.buffer
        else:
            if not Path(path).exists():
                raise SystemExit(
                    f"make_fixtures: font {path} is missing; install the Debian package "
                    f"'{pkg}' (apt-get install {pkg})"
                )
            self.buffer = Path(path).read_bytes()
            self.font = pymupdf.Font(fontbuffer=self.buffer)
        self.key = key
        self.pdfname = "F" + key
        self.family = self.font.name
        self._w: dict[tuple[str, float], float] = {}

    def width(self, s: str, fs: float) -> float:
        tot = 0.0
        for ch in s:
            k = (ch, fs)
            w = self._w.get(k)
            if w is None:
                w = self._w[k] = self.font.text_length(ch, fs)
            tot += w
        return tot

    def check_glyphs(self, s: str) -> None:
        for ch in s:
            if ch != " " and not self.font.has_glyph(ord(ch)):
                raise FixtureError(f"font {self.key} has no glyph for {ch!r} (U+{ord(ch):04X})")


# --------------------------------------------------------------------------- wrapping

NUM_CH = set("0123456789.,%")
NO_LINE_START = set("，。、；：？！）)」』”’%,.;:?!")


def _good_break(text: str, j: int) -> bool:
    a, b = text[j - 1], text[j]
    if a == " " or b == " ":
        return False
    if b in NO_LINE_START:
        return False
    if a in NUM_CH and b in NUM_CH:
        return False
    if a.isascii() and a.isalnum() and b.isascii() and b.isalnum():
        return False
    return True


def wrap_para(text: str, font: FontRes, fs: float, width: float) -> list[tuple[str, float]]:
    """Greedy wrap, CJK may break anywhere; numbers and ASCII words are kept whole where
    possible; a line never starts or ends with a space."""
    out: list[tuple[str, float]] = []
    n = len(text)
    start = 0
    while start < n:
        w = 0.0
        i = start
        while i < n:
            cw = font.width(text[i], fs)
            if w + cw > width and i > start:
                break
            w += cw
            i += 1
        if i >= n:
            out.append((text[start:], font.width(text[start:], fs)))
            break
        k = i
        while k > start + 1 and not _good_break(text, k) and i - k < 8:
            k -= 1
        if not _good_break(text, k):
            k = i
            while k > start + 1 and (text[k - 1] == " " or text[k] == " "):
                k -= 1
        seg = text[start:k]
        out.append((seg, font.width(seg, fs)))
        start = k
    return out


# --------------------------------------------------------------------------- tables


@dataclass
class Cell:
    r: int
    c: int
    rs: int = 1
    cs: int = 1
    paras: list[str] = field(default_factory=list)
    align: str = "c"  # c | l | r
    nowrap: bool = False  # numbers: must fit one line
    padx: float = 2.5
    valign: str | None = None  # overrides the table's
    lines: list[tuple[str, float]] = field(default_factory=list)
    vtops: list[float] = field(default_factory=list)


@dataclass
class Seg:
    """A (piece of a) row placed on a page."""

    pno: int
    r: int
    v0: float
    v1: float
    y0: float
    top_extra: float = 0.0
    bot_extra: float = 0.0

    @property
    def height(self) -> float:
        return self.top_extra + (self.v1 - self.v0) + self.bot_extra


@dataclass
class Style:
    font: str = "droid"
    fs: float = 10.0
    ruling: str = "lines"  # lines | rects | filled
    lw: float = 0.75
    valign: str = "middle"  # middle | top
    num_align: str = "c"
    repeat_header: bool = False
    cols: tuple = (40, 66, 60, 60, 62, 58, 44, 44, 71)


class Table:
    def __init__(self, style: Style, nrows: int, cols=None):
        self.style = style
        self.font = FontRes.get(style.font)
        self.fs = style.fs
        self.lh = round(style.fs * 1.3, 3)
        self.pad = round(max(2.5, style.fs * 0.3), 3)
        self.cols = list(cols or style.cols)
        if sum(self.cols) > CONTENT_W + 0.01:
            raise FixtureError(f"columns {sum(self.cols)} wider than {CONTENT_W}")
        x = MARGIN_X + (CONTENT_W - sum(self.cols)) / 2
        self.X = [x]
        for w in self.cols:
            x += w
            self.X.append(x)
        self.cells: list[Cell] = []
        self.info: list[dict] = [dict() for _ in range(nrows)]
        self.header_row: int | None = None

    @property
    def nrows(self) -> int:
        return len(self.info)

    def new_row(self) -> int:
        """Append a row; returns its index."""
        self.info.append({})
        return len(self.info) - 1

    def add(self, r, c, cs=1, text=None, *, rs=1, paras=None, align="c", nowrap=False) -> Cell:
        if paras is None:
            paras = [] if text in (None, "") else [text]
        cell = Cell(r=r, c=c, rs=rs, cs=cs, paras=list(paras), align=align, nowrap=nowrap)
        self.cells.append(cell)
        return cell

    # -- layout in a virtual, unpaginated strip
    def layout(self) -> None:
        fs, lh, pad = self.fs, self.lh, self.pad
        grid = {}
        for cell in self.cells:
            for r in range(cell.r, cell.r + cell.rs):
                for c in range(cell.c, cell.c + cell.cs):
                    if (r, c) in grid:
                        raise FixtureError(f"cells overlap at row {r} col {c}")
                    grid[(r, c)] = cell
        missing = [(r, c) for r in range(self.nrows) for c in range(len(self.cols)) if (r, c) not in grid]
        if missing:
            raise FixtureError(f"grid positions not covered: {missing[:5]}")
        for cell in self.cells:
            for p in cell.paras:
                self.font.check_glyphs(p)
            self._wrap_cell(cell)
        h = [lh + 2 * pad] * self.nrows
        for cell in self.cells:
            if cell.rs == 1:
                h[cell.r] = max(h[cell.r], len(cell.lines) * lh + 2 * pad)
        for cell in sorted(self.cells, key=lambda c: c.rs):
            if cell.rs > 1:
                need = len(cell.lines) * lh + 2 * pad
                have = sum(h[cell.r : cell.r + cell.rs])
                if need > have:
                    h[cell.r + cell.rs - 1] += need - have
        self.h = [round(x, 3) for x in h]
        self.V = [0.0]
        for x in self.h:
            self.V.append(self.V[-1] + x)
        for cell in self.cells:
            top = self.V[cell.r]
            H = self.V[cell.r + cell.rs] - top
            n = len(cell.lines)
            if (cell.valign or self.style.valign) == "top":
                y = top + pad
            else:
                y = top + (H - n * lh) / 2
            cell.vtops = [y + i * lh for i in range(n)]

    def _wrap_cell(self, cell: Cell) -> None:
        fs = self.fs
        full = self.X[cell.c + cell.cs] - self.X[cell.c]
        # widen the inner padding step by step until wrapped lines and paragraph ends
        # are unambiguous (a wrapped line ends < 2 em before the edge; a paragraph's
        # last line, followed by another paragraph, ends >= 3 em before it)
        for extra in [0.0] + [float(i) for i in range(1, int(3 * fs) + 1)]:
            padx = cell.padx + extra
            inner = full - 2 * padx
            paras = [wrap_para(p, self.font, fs, inner) for p in cell.paras]
            ok = True
            for pi, pl in enumerate(paras):
                for li, (_, w) in enumerate(pl):
                    gap = inner - w
                    last = li == len(pl) - 1
                    if not last and gap >= 2.0 * fs:
                        ok = False
                    if last and pi < len(paras) - 1 and gap < 3.0 * fs:
                        ok = False
            if ok:
                cell.padx = padx
                cell.lines = [ln for pl in paras for ln in pl]
                break
        else:
            raise FixtureError(f"cannot wrap unambiguously: {cell.paras!r:.120}")
        if cell.nowrap and len(cell.lines) > 1:
            raise FixtureError(f"value {cell.paras!r} does not fit its column ({full:.0f} pt)")


# --------------------------------------------------------------------------- document flow


class Flow:
    """Pages, a cursor, and what was drawn (for the self-check)."""

    def __init__(self):
        self.doc = pymupdf.open()
        self.pno = -1
        self.y = TOP
        self.fonts_on_page: set[tuple[int, str]] = set()
        self.inserted: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
        self.used_chars: dict[str, set[str]] = collections.defaultdict(set)
        self.rules: dict[int, list] = collections.defaultdict(list)

    def new_page(self) -> int:
        self.doc.new_page(width=PAGE_W, height=PAGE_H)
        self.pno += 1
        self.y = TOP
        return self.pno

    def ensure(self, h: float) -> None:
        if self.pno < 0 or self.y + h > BOTTOM:
            self.new_page()

    def text(self, pno, x, baseline, s, font: FontRes, fs, bold=False) -> None:
        if not s:
            return
        page = self.doc[pno]
        if (pno, font.key) not in self.fonts_on_page:
            page.insert_font(fontname=font.pdfname, fontbuffer=font.buffer)
            self.fonts_on_page.add((pno, font.key))
        font.check_glyphs(s)
        kw = dict(render_mode=2, border_width=0.03, fill=(0, 0, 0), color=(0, 0, 0)) if bold else {}
        page.insert_text((x, baseline), s, fontname=font.pdfname, fontsize=fs, **kw)
        self.inserted[pno].update(ch for ch in s if not ch.isspace())
        self.used_chars[font.family].update(s)

    def line_text(self, pno, y_top, s, font, fs, align="c", x0=MARGIN_X, x1=PAGE_W - MARGIN_X, bold=False):
        w = font.width(s, fs)
        x = {"c": (x0 + x1 - w) / 2, "l": x0, "r": x1 - w}[align]
        self.text(pno, x, y_top + fs * 0.88, s, font, fs, bold)

    def paragraph(self, s, font, fs, indent=True) -> None:
        lh = fs * 1.6
        lines = wrap_para(("　　" if indent else "") + s, font, fs, CONTENT_W)
        for t, _ in lines:
            self.ensure(lh)
            self.line_text(self.pno, self.y, t, font, fs, "l")
            self.y += lh

    # -- tables
    def place_table(self, t: Table, keep_rows: int = 3) -> list[Seg]:
        t.layout()
        segs: list[Seg] = []
        header_done = [False]

        def new_page():
            self.new_page()
            if t.style.repeat_header and t.header_row is not None and header_done[0]:
                hr = t.header_row
                segs.append(Seg(self.pno, hr, t.V[hr], t.V[hr + 1], self.y))
                self.y += t.h[hr]

        need = sum(t.h[: min(keep_rows, t.nrows)])
        if self.pno < 0 or self.y + need > BOTTOM:
            self.new_page()
        for r in range(t.nrows):
            info = t.info[r]
            h = t.h[r]
            if info.get("break_before") and segs:
                new_page()
            k = info.get("split_after")
            if k == "auto":
                # split only if the row does not fit: keep the lines that fit on this page
                k = None
                if self.y + h > BOTTOM:
                    n_fit = int((BOTTOM - self.y - 2 * t.pad) // t.lh)
                    if n_fit >= 1:
                        k = n_fit
                    else:
                        new_page()
            if info.get("expect_split_k") is not None and k != info["expect_split_k"]:
                raise FixtureError(
                    f"row {r} splits after {k} lines (row top y={self.y:.1f}, height {h:.1f}, page bottom {BOTTOM}), the record expects {info['expect_split_k']}: "
                    "retune the document (space_before / text lengths)")
            if k is not None:
                cut = t.V[r] + t.pad + k * t.lh
                if info.get("values_second"):
                    for cell in t.cells:
                        if cell.r == r and cell.rs == 1 and cell.c >= 4 and cell.lines:
                            if any(vt + t.lh / 2 < cut for vt in cell.vtops):
                                raise FixtureError(f"row {r}: value {cell.paras!r} would stay on the first fragment")
                if not t.V[r] < cut < t.V[r + 1] - t.pad:
                    raise FixtureError(f"split_after={k} outside row {r}")
                hA = cut - t.V[r] + t.pad
                if self.y + hA > BOTTOM:
                    raise FixtureError(f"first part of split row {r} does not fit its page")
                segs.append(Seg(self.pno, r, t.V[r], cut, self.y, 0.0, t.pad))
                self.y += hA
                new_page()
                segs.append(Seg(self.pno, r, cut, t.V[r + 1], self.y, t.pad, 0.0))
                self.y += t.pad + t.V[r + 1] - cut
            else:
                # keep_with_next: True (1) or how many following rows must share the page
                extra = sum(t.h[r + 1 : r + 1 + int(info.get("keep_with_next", 0))])
                if self.y + h + extra > BOTTOM:
                    new_page()
                if self.y + h > BOTTOM:
                    raise FixtureError(f"row {r} is taller than a page")
                segs.append(Seg(self.pno, r, t.V[r], t.V[r + 1], self.y))
                self.y += h
            if r == t.header_row:
                header_done[0] = True
        self._draw_table(t, segs)
        return segs

    def _draw_table(self, t: Table, segs: list[Seg]) -> None:
        by_row: dict[int, list[Seg]] = collections.defaultdict(list)
        for s in segs:
            by_row[s.r].append(s)
        lh, pad = t.lh, t.pad
        for cell in t.cells:
            pages: dict[int, list[Seg]] = collections.defaultdict(list)
            for r in range(cell.r, cell.r + cell.rs):
                for s in by_row[r]:
                    pages[s.pno].append(s)
            x0, x1 = t.X[cell.c], t.X[cell.c + cell.cs]
            for pno, ss in pages.items():
                y0 = min(s.y0 for s in ss)
                y1 = max(s.y0 + s.height for s in ss)
                self.rules[pno].append((t.style, (x0, y0, x1, y1)))
                placed = []
                for (txt, w), vt in zip(cell.lines, cell.vtops):
                    centre = vt + lh / 2
                    for s in ss:
                        if s.v0 <= centre < s.v1:
                            placed.append([s.y0 + s.top_extra + (vt - s.v0), txt, w])
                            break
                if not placed:
                    continue
                lo = min(p[0] for p in placed)
                if lo < y0 + pad:
                    for p in placed:
                        p[0] += y0 + pad - lo
                hi = max(p[0] for p in placed) + lh
                if hi > y1 - pad:
                    for p in placed:
                        p[0] -= hi - (y1 - pad)
                if min(p[0] for p in placed) < y0 + 0.5 or max(p[0] for p in placed) + lh > y1 - 0.5:
                    raise FixtureError(f"text of cell {cell.paras!r:.60} does not fit its fragment")
                for py, txt, w in placed:
                    if cell.align == "l":
                        x = x0 + cell.padx
                    elif cell.align == "r":
                        x = x1 - cell.padx - w
                    else:
                        x = (x0 + x1 - w) / 2
                    base = py + (lh - t.fs) / 2 + t.fs * 0.88
                    self.text(pno, x, base, txt, t.font, t.fs)

    def draw_rules(self) -> None:
        for pno, items in self.rules.items():
            page = self.doc[pno]
            shape = page.new_shape()
            seen = set()
            for style, (x0, y0, x1, y1) in items:
                lw = style.lw
                if style.ruling == "lines":
                    # each border its own stroked segment (shared borders drawn twice)
                    for a, b in (((x0, y0), (x1, y0)), ((x0, y1), (x1, y1)),
                                 ((x0, y0), (x0, y1)), ((x1, y0), (x1, y1))):
                        shape.draw_line(a, b)
                        shape.finish(width=lw, color=(0, 0, 0), closePath=False)
                elif style.ruling == "rects":
                    shape.draw_rect(pymupdf.Rect(x0, y0, x1, y1))
                    shape.finish(width=lw, color=(0, 0, 0))
                elif style.ruling == "filled":
                    h = lw / 2
                    edges = [
                        (x0 - h, y0 - h, x1 + h, y0 + h), (x0 - h, y1 - h, x1 + h, y1 + h),
                        (x0 - h, y0 - h, x0 + h, y1 + h), (x1 - h, y0 - h, x1 + h, y1 + h),
                    ]
                    for e in edges:
                        key = tuple(round(v, 2) for v in e)
                        if key in seen:
                            continue
                        seen.add(key)
                        shape.draw_rect(pymupdf.Rect(*e))
                        shape.finish(fill=(0, 0, 0), color=None, width=0)
                else:
                    raise FixtureError(style.ruling)
            shape.commit()
        self.rules.clear()

    # -- finishing
    def save(self, path: Path) -> bytes:
        self.draw_rules()
        doc = self.doc
        doc.set_metadata({
            "title": "", "author": "", "subject": "", "keywords": "",
            "creator": "jixiao make_fixtures", "producer": "PyMuPDF",
            "creationDate": "D:20250301000000Z", "modDate": "D:20250301000000Z",
        })
        for page in doc:
            page.clean_contents()  # one content stream per page instead of one per text line
        doc.subset_fonts()
        self._fix_tounicode()
        data = doc.tobytes(garbage=4, deflate=True, no_new_id=True)
        path.write_bytes(data)
        self._self_check(data, path.name)
        return data

    def _fix_tounicode(self) -> None:
        """Replace each font's ToUnicode CMap with one built from the characters drawn."""
        doc = self.doc
        by_family = {}
        for key in FONT_FILES:
            f = FontRes._cache.get(key)
            if f is not None:
                by_family[f.family] = f
        for xref in range(1, doc.xref_length()):
            if doc.xref_get_key(xref, "Subtype") != ("name", "/Type0"):
                continue
            base = doc.xref_get_key(xref, "BaseFont")[1].replace("#20", " ")
            fam = next((k for k in by_family if base.endswith(k)), None)
            if fam is None:
                raise FixtureError(f"unknown font {base}")
            font = by_family[fam].font
            pairs = {}
            for ch in sorted(self.used_chars[fam]):
                gid = font.has_glyph(ord(ch))
                if gid in pairs and pairs[gid] != ch:
                    raise FixtureError(f"glyph {gid} used for {pairs[gid]!r} and {ch!r}")
                pairs[gid] = ch
            items = sorted(pairs.items())
            chunks = []
            for i in range(0, len(items), 100):
                part = items[i : i + 100]
                body = "\n".join(f"<{g:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for g, ch in part)
                chunks.append(f"{len(part)} beginbfchar\n{body}\nendbfchar")
            cmap = (
                "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                + "\n".join(chunks)
                + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
            )
            kind, val = doc.xref_get_key(xref, "ToUnicode")
            if kind != "xref":
                raise FixtureError(f"font {base} has no ToUnicode stream")
            doc.update_stream(int(val.split()[0]), cmap.encode())

    def _self_check(self, data: bytes, name: str) -> None:
        """Every inserted character must come back, with the same code point."""
        doc = pymupdf.open("pdf", data)
        for pno in range(len(doc)):
            got = collections.Counter()
            for b in doc[pno].get_text("rawdict")["blocks"]:
                for ln in b.get("lines", []):
                    for sp in ln["spans"]:
                        got.update(c["c"] for c in sp["chars"] if not c["c"].isspace())
            want = self.inserted.get(pno, collections.Counter())
            if got != want:
                diff = (got - want) + (want - got)
                raise FixtureError(f"{name} page {pno + 1}: text layer differs: {dict(list(diff.items())[:10])}")


# --------------------------------------------------------------------------- forms

def _spans(cols) -> dict[str, tuple[int, int]]:
    """Column key -> (first base column, span) for a row of Cols starting at column 0."""
    out, c = {}, 0
    for col in cols:
        out[col.key] = (c, col.span)
        c += col.span
    return out


def _row_width(cols, start: int = 0) -> int:
    return start + sum(col.span for col in cols)


def build_form_table(form: dict, style: Style) -> tuple[Table, dict]:
    """The grid of one form, drawn from its layout spec (fixture_records/layout.py; the
    national one when the record names none); returns the table and the row indices of its
    parts ("indicators": the row of each record in form["indicators"], in order)."""
    lay = form_layout(form)
    t = Table(style, 0, lay.cols or form.get("cols"))
    ncols = len(t.cols)
    na = style.num_align
    va = form.get("value_align", "c")
    rows: dict = {}

    def full(width: int, what: str) -> None:
        if width != ncols:
            raise FixtureError(f"{what} spans {width} of {ncols} base columns")

    # -- header rows (项目名称 | …)
    for head in lay.head:
        r = t.new_row()
        c = 0
        for col in head:
            if col.key == "label":
                t.add(r, c, col.span, col.label)
            else:
                t.add(r, c, col.span, form[col.key], align=va)
            c += col.span
        full(c, "header row")

    # -- funds block
    FB = lay.funds
    lines = form["fund_lines"]
    printed_keys = {col.key for col in FB.cols}
    r = t.new_row()
    rows["fund_header"] = r
    t.add(r, 0, FB.label_span, form["funds_label"], rs=1 + len(lines))
    t.add(r, FB.label_span, FB.line_span, FB.line_head)
    c0 = FB.label_span + FB.line_span
    full(_row_width(FB.cols, c0), "funds block")
    c = c0
    for col in FB.cols:
        t.add(r, c, col.span, col.label)
        c += col.span
    t.info[r]["keep_with_next"] = True
    for line in lines:
        canon, label, cells = line[:3]
        extras = line[3] if len(line) > 3 else {}
        for key, v in zip(FUND_KEYS, cells):
            # a value with no column: only the block's weight, declared in its label ("(20分)")
            in_label = key == "weight" and f"({v}分)" in form["funds_label"]
            if v is not None and key not in printed_keys and not in_label:
                raise FixtureError(f"fund line {label}: {key}={v!r} has no column")
        r = t.new_row()
        t.add(r, FB.label_span, FB.line_span, label)
        c = c0
        for col in FB.cols:
            v = extras.get(col.key[2:], "") if col.key.startswith("x:") else cells[FUND_KEYS.index(col.key)]
            t.add(r, c, col.span, v, align=na, nowrap=True)
            c += col.span

    # -- indicator tables
    IT = lay.ind
    pos = _spans(IT.cols)
    full(_row_width(IT.cols), "indicator table")
    for key in ("l1", "l2", "l3", "weight", "score"):
        if key not in pos:
            raise FixtureError(f"indicator table without a {key} column")
    mva = form.get("merged_valign")
    l3_align = form.get("l3_align", "c")
    rows["indicators"] = []

    def ind_header() -> None:
        if IT.group is None:
            hr = t.new_row()
            if t.header_row is None:
                t.header_row = hr
                rows["ind_header"] = hr
            for col in IT.cols:
                t.add(hr, pos[col.key][0], col.span, col.label)
            t.info[hr]["keep_with_next"] = True
            return
        if style.repeat_header:
            raise FixtureError("a two-row indicator header cannot repeat on continuation pages")
        glabel, gkeys = IT.group
        r1, r2 = t.new_row(), t.new_row()
        rows.setdefault("ind_header", r1)
        first = min(pos[k][0] for k in gkeys)
        width = sum(pos[k][1] for k in gkeys)
        if first + width != max(pos[k][0] + pos[k][1] for k in gkeys):
            raise FixtureError(f"group {glabel} over columns that are not adjacent")
        t.add(r1, first, width, glabel)
        for col in IT.cols:
            if col.key in gkeys:
                t.add(r2, pos[col.key][0], col.span, col.label)
            else:
                t.add(r1, pos[col.key][0], col.span, col.label, rs=2)
        t.info[r1]["keep_with_next"] = 2
        t.info[r2]["keep_with_next"] = True

    def ind_rows(inds: list[dict]) -> None:
        rr = [t.new_row() for _ in inds]
        rows["indicators"] += rr
        starts1 = [i for i, ind in enumerate(inds) if "l1" in ind] + [len(inds)]
        starts2 = sorted(set([i for i, ind in enumerate(inds) if "l2" in ind] + starts1))
        if starts1[0] != 0:
            raise FixtureError("first indicator row of a table needs l1")
        for a, b in zip(starts1, starts1[1:]):
            text = inds[a].get("l1_printed", inds[a]["l1"])
            t.add(rr[a], pos["l1"][0], pos["l1"][1], text, rs=b - a).valign = mva
        for a, b in zip(starts2, starts2[1:]):
            if a < len(inds):
                t.add(rr[a], pos["l2"][0], pos["l2"][1], inds[a]["l2"], rs=b - a).valign = mva
        for ind, r in zip(inds, rr):
            for col in IT.cols:
                key = col.key
                c, cs = pos[key]
                if key in ("l1", "l2"):
                    continue
                if ind.get("blank"):
                    t.add(r, c, cs, "")
                elif key == "l3":
                    t.add(r, c, cs, ind["l3"], align=l3_align)
                elif key in ("target", "actual"):
                    t.add(r, c, cs, ind[key]["printed"])
                elif key in ("op", "tval", "tunit"):
                    cells = ind["target"]["cells"]
                    t.add(r, c, cs, cells[("op", "tval", "tunit").index(key)], nowrap=key == "op")
                elif key in ("weight", "score"):
                    t.add(r, c, cs, ind[key], align=na, nowrap=True)
                elif key == "note":
                    paras = ind.get("note_paras") or ([ind["note"]] if ind.get("note") else [])
                    t.add(r, c, cs, paras=paras, align="l")
                elif key.startswith("x:"):
                    t.add(r, c, cs, ind.get("extra", {}).get(key[2:], ""))
                else:
                    raise FixtureError(f"unknown indicator column {key}")
            for k in ("split_after", "expect_split_k", "values_second"):
                if ind.get(k) is not None:
                    t.info[r][k] = ind[k]
            if ind.get("break_before"):
                t.info[r]["break_before"] = True

    # -- goals, and the indicators under them
    GB = lay.goals
    inds = form["indicators"]
    if not GB.blocks:
        r = t.new_row()
        rows["goals"] = r
        t.add(r, 0, GB.label_span, GB.label, rs=2)
        c = GB.label_span
        t.add(r, c, GB.planned.span, GB.planned.label)
        if GB.actual is not None:
            t.add(r, c + GB.planned.span, GB.actual.span, GB.actual.label)
        full(c + GB.planned.span + (GB.actual.span if GB.actual else 0), "goals block")
        t.info[r]["keep_with_next"] = True
        r = t.new_row()
        t.add(r, c, GB.planned.span, paras=form["goal_planned"], align="l")
        if GB.actual is not None:
            t.add(r, c + GB.planned.span, GB.actual.span, paras=form["goal_actual"], align="l")
        ind_header()
        ind_rows(inds)
    else:
        goals = [ind.get("goal") for ind in inds]
        if goals != sorted(goals) or set(goals) != set(range(1, len(form["goal_labels"]) + 1)):
            raise FixtureError(f"indicator rows must run through goal blocks 1..n in order: {goals}")
        rows["goals"] = []
        for gi, (glabel, gtext) in enumerate(zip(form["goal_labels"], form["goal_planned"]), 1):
            r = t.new_row()
            rows["goals"].append(r)
            t.add(r, 0, GB.label_span, glabel)
            t.add(r, GB.label_span, ncols - GB.label_span, paras=[gtext], align="l")
            t.info[r]["keep_with_next"] = 2 if IT.group is None else 3
            ind_header()
            ind_rows([ind for ind in inds if ind["goal"] == gi])

    # -- total and grade
    r = t.new_row()
    rows["total"] = r
    wc, sc = pos["weight"][0], pos["score"][0]
    first = min(wc, sc)
    t.add(r, 0, first, lay.total_label)
    grade_here = lay.grade_label is None and form.get("grade") is not None
    for col in IT.cols:
        c, cs = pos[col.key]
        if c < first:
            continue
        if c == wc:
            t.add(r, c, cs, form["total"][0], align=na, nowrap=True)
        elif c == sc:
            t.add(r, c, cs, form["total"][1], align=na, nowrap=True)
        elif grade_here and c > sc:
            t.add(r, c, cs, form["grade"])
            grade_here = False
        else:
            t.add(r, c, cs, "")
    if grade_here:
        raise FixtureError("no column after the total score for the grade")
    if lay.grade_label is not None and form.get("grade") is not None:
        r = t.new_row()
        rows["grade"] = r
        t.add(r, 0, lay.grade_span, lay.grade_label)
        t.add(r, lay.grade_span, ncols - lay.grade_span, form["grade"])
    return t, rows


def render_form(flow: Flow, form: dict, style: Style, new_page: bool) -> tuple[int, int, list[int]]:
    """Title block + table. Returns (page_start, page_end, page of each indicator row), 1-based."""
    font = FontRes.get(style.font)
    fs = style.fs
    t, rows = build_form_table(form, style)
    t.layout()
    title_fs = form.get("title_fs", fs + 7)
    year_fs = fs + 1
    title_h = title_fs * 1.5 + year_fs * 1.6 + (fs * 1.5 if form.get("unit_note") else 0) + 4
    keep = title_h + sum(t.h[:4])
    if new_page or flow.pno < 0 or flow.y + keep > BOTTOM:
        flow.new_page()
    page_start = flow.pno
    flow.line_text(flow.pno, flow.y, form["title"], font, title_fs, bold=True)
    flow.y += title_fs * 1.5
    flow.line_text(flow.pno, flow.y, form["year_line"], font, year_fs)
    flow.y += year_fs * 1.6
    if form.get("unit_note"):
        x0, x1 = t.X[0], t.X[-1]
        flow.line_text(flow.pno, flow.y, form["unit_note"], font, fs, "r", x0, x1)
        flow.y += fs * 1.5
    flow.y += 4
    segs = flow.place_table(t, keep_rows=0)
    first_page = {}
    for s in segs:
        first_page.setdefault(s.r, s.pno)
    page_end = max(s.pno for s in segs)
    ind_pages = [first_page[r] + 1 for r in rows["indicators"]]
    return page_start + 1, page_end + 1, ind_pages


def _num(s: str | None) -> float | None:
    if s is None or s.strip() in EMPTY_CELLS:
        return None
    return float(s.strip().replace(",", "").rstrip("%％"))


FUND_FIELDS = ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate_pct", "score")


def _digits(s: str | None) -> int | None:
    """Digits printed after the point (None for an empty cell)."""
    if s is None or s.strip() in EMPTY_CELLS:
        return None
    digits = s.strip().rstrip("%％")
    return len(digits) - digits.index(".") - 1 if "." in digits else 0


def _precision(cls, per_field: dict[str, int], names=("decimals", "total_decimals")) -> dict:
    """Printed precision as the record class declares it (the extractor's records are still
    evolving): a dict field -> {field: digits}; an int field -> the most digits; absent -> {}."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name in names:
        f = fields.get(name)
        if f is None:
            continue
        if f.default_factory is not dataclasses.MISSING and isinstance(f.default_factory(), dict):
            return {name: dict(per_field)}
        return {name: max(per_field.values()) if per_field else None}
    return {}


def _printed_digits(pairs) -> dict[str, int]:
    return {k: d for k, v in pairs if (d := _digits(v)) is not None}


def _declared_points(label: str) -> float:
    """The points a label declares: "年度绩效目标1(40分)" → 40.0."""
    return float(re.search(r"(\d+(?:\.\d+)?)分", label).group(1))


def truth_form(form: dict, index: int, page_start: int, page_end: int, ind_pages: list[int]) -> Form:
    lay = form_layout(form)
    split = any(col.key in ("op", "tval", "tunit") for col in lay.ind.cols)
    fls = []
    for i, (canon, label, cells, *_) in enumerate(form["fund_lines"]):
        fls.append(FundLine(i, canon, nfkc(label), *[_num(c) for c in cells], confidence=1.0,
                            **_precision(FundLine, _printed_digits(zip(FUND_FIELDS, cells)), ("decimals",))))
    inds = []
    l1 = l2 = l1w = None
    for ind, page in zip(form["indicators"], ind_pages):
        if "l1" in ind:
            l1, l1w = ind["l1"], ind.get("l1_weight")
        if "l2" in ind:
            l2 = ind["l2"]
        if ind.get("blank"):
            continue
        tg, ac = ind["target"], ind["actual"]
        note = "\n".join(ind["note_paras"]) if ind.get("note_paras") else ind.get("note")
        actual_unit = ac["unit"]
        if split and actual_unit is None and tg["value"] is not None and ac["value"] is not None:
            actual_unit = tg["unit"]  # a bare number in 实际完成值 is in the row's 度量单位
        inds.append(Indicator(
            indicator_index=len(inds), level1=nfkc(l1), level2=nfkc(l2), level3=nfkc(ind["l3"]),
            target=nfkc(tg["printed"]), actual=nfkc(ac["printed"]),
            weight=_num(ind["weight"]), score=_num(ind["score"]),
            deviation_note=nfkc(note) if note else None,
            kind="quantitative" if tg["value"] is not None else "qualitative",
            target_op=tg["op"], target_value=tg["value"], actual_value=ac["value"],
            target_unit=nfkc(tg["unit"]), actual_unit=nfkc(actual_unit),
            page=page, confidence=1.0,
            **_precision(Indicator, _printed_digits([("weight", ind["weight"]), ("score", ind["score"])]),
                         ("decimals",)),
            level1_weight=l1w, goal_index=ind.get("goal"),
            goal_weight=_declared_points(form["goal_labels"][ind["goal"] - 1]) if ind.get("goal") else None,
        ))
    f0 = fls[0]
    unmapped = lay.extra_labels
    return Form(
        form_index=index, page_start=page_start, page_end=page_end, method="text",
        template=lay.template, year=form["year"],
        project_name=nfkc(form.get("project_name")), department=nfkc(form["department"]),
        implementing_unit=nfkc(form.get("implementing_unit")), funds_unit=form["funds_unit"],
        budget_initial=f0.budget_initial, budget_full_year=f0.budget_full_year, executed=f0.executed,
        funds_weight=f0.weight, execution_rate_pct=f0.execution_rate_pct, funds_score=f0.score,
        goal_planned="\n".join(nfkc(p) for p in form["goal_planned"]),
        goal_actual=None if form["goal_actual"] is None else "\n".join(nfkc(p) for p in form["goal_actual"]),
        total_weight=_num(form["total"][0]), total_score=_num(form["total"][1]),
        grade=form.get("grade"),
        **_precision(Form, _printed_digits(zip(("total_weight", "total_score"), form["total"]))),
        confidence=1.0, needs_review=bool(unmapped),
        fund_lines=fls, indicators=inds, unmapped_labels=list(unmapped),
    )


def form_to_json(f: Form) -> dict:
    d = dataclasses.asdict(f)
    d.pop("review_reasons", None)
    d.pop("unread_columns", None)  # a diagnostic of the reading, as review_reasons
    d.pop("boxes", None)  # where fields were printed: a reading, not what the form says
    return d


# --------------------------------------------------------------------------- other blocks


def render_cover(flow: Flow, block: dict, style: Style) -> None:
    font = FontRes.get(style.font)
    flow.new_page()
    y = 260.0
    for text, fs in block["lines"]:
        flow.line_text(flow.pno, y, text, font, fs, bold=fs >= 18)
        y += fs * 2.2


def render_plain_table(flow: Flow, block: dict, style: Style) -> None:
    """An unrelated ruled table (收入支出决算总表 ...) with its title."""
    font = FontRes.get(style.font)
    fs = style.fs
    if block.get("new_page", True):
        flow.new_page()
    flow.line_text(flow.pno, flow.y, block["title"], font, fs + 6, bold=True)
    flow.y += (fs + 6) * 1.8
    if block.get("note"):
        flow.line_text(flow.pno, flow.y, block["note"], font, fs, "r")
        flow.y += fs * 1.6
    rows = block["rows"]
    cols = block["cols"]
    t = Table(dataclasses.replace(style, repeat_header=False), len(rows), cols)
    for r, row in enumerate(rows):
        c = 0
        for item in row:
            if isinstance(item, tuple):
                txt, cs = item
            else:
                txt, cs = item, 1
            numeric = bool(txt) and txt.replace(",", "").replace(".", "").replace("-", "").isdigit()
            t.add(r, c, cs, txt, align="r" if numeric else ("l" if c == 0 and r > 0 else "c"), nowrap=numeric)
            c += cs
    flow.place_table(t, keep_rows=3)
    flow.y += fs


def render_text(flow: Flow, block: dict, style: Style) -> None:
    font = FontRes.get(style.font)
    fs = block.get("fs", style.fs + 1)
    if block.get("new_page"):
        flow.new_page()
    if block.get("heading"):
        flow.ensure(fs * 4)
        flow.line_text(flow.pno, flow.y, block["heading"], font, fs + 3, bold=True)
        flow.y += (fs + 3) * 2
    for p in block["paras"]:
        flow.paragraph(p, font, fs)
    flow.y += fs


def render_document(doc_spec: dict, outdir: Path) -> dict:
    style = Style(**doc_spec["style"])
    flow = Flow()
    forms = []
    planted: list[list[str]] = []
    for block in doc_spec["blocks"]:
        kind = block["type"]
        flow.y += block.get("space_before", 0)
        if kind == "form":
            bstyle = dataclasses.replace(style, **block.get("style", {}))
            ps, pe, ip = render_form(flow, block["form"], bstyle, block.get("new_page", True))
            forms.append(truth_form(block["form"], len(forms), ps, pe, ip))
            planted.append(sorted(block["form"].get("planted_errors", [])))
            flow.y += block.get("gap_after", 18)
        elif kind == "cover":
            render_cover(flow, block, style)
        elif kind == "table":
            render_plain_table(flow, block, style)
        elif kind == "text":
            render_text(flow, block, style)
        else:
            raise FixtureError(kind)
    name = doc_spec["name"]
    pdf = outdir / f"{name}.pdf"
    flow.save(pdf)
    truth = {
        "file": pdf.name,
        "pages": len(flow.doc),
        "status": "ok" if forms else "no_form",
        "forms": [form_to_json(f) for f in forms],
        # Error-severity audit checks each form must fire (faults planted on purpose).
        "audit_errors": planted,
    }
    write_json(outdir / f"{name}.json", truth)
    return truth


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- bad inputs


def make_bad(textdir: Path, baddir: Path, spec: dict) -> None:
    baddir.mkdir(parents=True, exist_ok=True)
    src = (textdir / f"{spec['truncate_source']}.pdf").read_bytes()
    files = {
        "empty.pdf": b"",
        "truncated.pdf": src[: int(len(src) * 0.4)],
        "not_a_pdf.pdf": spec["html"].encode("utf-8"),
    }
    for name, data in files.items():
        (baddir / name).write_bytes(data)
    enc_src = pymupdf.open(textdir / f"{spec['encrypt_source']}.pdf")
    enc_src.save(
        baddir / "encrypted.pdf", garbage=4, deflate=True, no_new_id=True,
        encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner-secret",
    )
    for name in sorted(list(files) + ["encrypted.pdf"]):
        write_json(baddir / (name[:-4] + ".json"), {"file": name, "pages": None, "status": "failed", "forms": []})


# --------------------------------------------------------------------------- main


# output folders whose truth JSON --check compares
CHECKED_DIRS = ("text", "bad", "scans", "variants/text", "variants/scans",
                "consistency", "consistency/2023", "consistency/2024")
VARIANT_SCAN_SEED = 20250301


def generate(out_root: Path) -> list[tuple[str, dict]]:
    textdir = out_root / "text"
    baddir = out_root / "bad"
    textdir.mkdir(parents=True, exist_ok=True)
    results = []
    for spec in documents.DOCUMENTS:
        results.append((spec["name"], render_document(spec, textdir)))
    make_bad(textdir, baddir, documents.BAD)
    results += make_scans(textdir, out_root / "scans")
    # regional variants of the form (fixture_records/variants.py): text and scans
    vtext = out_root / "variants" / "text"
    vtext.mkdir(parents=True, exist_ok=True)
    for spec in variants.DOCUMENTS:
        results.append((spec["name"], render_document(spec, vtext)))
    results += make_scans(vtext, out_root / "variants" / "scans", variants.SCANS, seed=VARIANT_SCAN_SEED)
    # an archive of departments over two years for the cross-project audit
    # (fixture_records/consistency.py): <year>/<document>.pdf, and the planted cases
    cdir = out_root / "consistency"
    for sub, spec in consistency.DOCUMENTS:
        (cdir / sub).mkdir(parents=True, exist_ok=True)
        results.append((spec["name"], render_document(spec, cdir / sub)))
    write_json(cdir / "expected.json", consistency.expected())
    return results


def check() -> int:
    committed = ROOT / "fixtures"
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        bad = []
        for sub in CHECKED_DIRS:
            new_dir = Path(tmp) / sub
            for new in sorted(new_dir.glob("*.json")):
                old = committed / sub / new.name
                if not old.exists():
                    bad.append(f"{sub}/{new.name}: missing in fixtures/")
                elif json.loads(old.read_text("utf-8")) != json.loads(new.read_text("utf-8")):
                    bad.append(f"{sub}/{new.name}: differs")
            for old in sorted((committed / sub).glob("*.json")):
                if not (new_dir / old.name).exists():
                    bad.append(f"{sub}/{old.name}: no longer generated")
    for b in bad:
        print(b, file=sys.stderr)
    if not bad:
        print("fixtures: truth files up to date", file=sys.stderr)
    return 1 if bad else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="regenerate into a temp dir and compare truth JSON")
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures", help="output root (default: fixtures/)")
    args = ap.parse_args(argv)
    if args.check:
        return check()
    for name, truth in generate(args.out):
        print(f"{truth.get('file', name)}: {truth['pages']} pages, {len(truth['forms'])} forms", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
