"""One variation → a PDF and its truth; N variations → a folder of them."""

from __future__ import annotations

import collections
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import labels
from .fonts import FONTS, LoadedFont, SkipVariation, available_fonts
from .measure import Metrics, fit_columns, layout_strip, wrap
from .pager import Break, FlowOptions, FormFlow, PageGeom, TextBlockLine, breaks, choose_offset
from .params import Variation, sample
from .records import RECORDS, all_printed_chars, build_table, truth
from .render import DrawStyle, render

A4 = (595.28, 841.89)


@dataclass(frozen=True)
class Outcome:
    """What the pager did with the variation."""

    offset: float
    pages: int
    breaks: tuple[Break, ...]
    dropped_under: int
    cuts: tuple[tuple[int, str, str], ...]  # merged cells cut by a break: (form, which, how its text fell)


@dataclass
class Rendered:
    params: Variation
    outcome: Outcome | None  # None: an office rendering (its pager is LibreOffice)
    pdf: Path
    truth: list[dict]
    kind: str = "own"  # own | docx | xlsx
    ignore_pages: set[int] = field(default_factory=set)  # forms whose page fields are not compared

    def to_json(self) -> dict:
        return {"file": self.pdf.name, "kind": self.kind, "params": asdict(self.params),
                "outcome": asdict(self.outcome) if self.outcome else None}


_CHARSET: str | None = None


def font_for(key: str) -> LoadedFont:
    global _CHARSET
    if _CHARSET is None:
        _CHARSET = all_printed_chars()
    return LoadedFont.get(next(s for s in FONTS if s.key == key), _CHARSET)


def geometry(v: Variation) -> PageGeom:
    w, h = A4 if v.orientation == "portrait" else A4[::-1]
    top, bottom, left, right = v.margins
    return PageGeom(w, h, top, h - bottom, left, w - right)


def build_flows(v: Variation, geom: PageGeom, font: LoadedFont):
    fs = v.fs
    m = Metrics(fs=fs, lh=round(fs * v.line_spacing, 3), pad_y=round(max(2.0, fs * 0.3) * v.pad_scale, 3),
                pad_x=round(max(2.0, fs * 0.25) * v.pad_scale, 3))
    flows, tables = [], []
    for fc in v.forms:
        rec = RECORDS[fc.record]
        table = build_table(rec, fc.grade_style, dict(fc.spellings), v.title_style, v.grade_label, fc.under)
        widths = fit_columns(table, font, m, list(fc.col_factors), geom.content_width * v.fill)
        strip = layout_strip(table, font, m, widths, v.valign, min_row=m.lh + 2 * m.pad_y + v.row_extra,
                             own_top=v.mode == "word_split")
        title = [TextBlockLine(table.title, fs + v.title_delta, (fs + v.title_delta) * 1.5, "c", v.title_bold)]
        if table.year_line:
            title.append(TextBlockLine(table.year_line, fs + 1, (fs + 1) * 1.6))
        if table.unit_note:
            title.append(TextBlockLine(table.unit_note, fs, fs * 1.5, "r"))
        title.append(TextBlockLine("", fs, 4.0))
        under = [TextBlockLine(t, fs, fs * 1.7, "l") for t in table.under]
        for ln in title + under:
            if font.missing(ln.text):
                raise SkipVariation(f"font {font.spec.key} lacks {''.join(sorted(font.missing(ln.text)))}")
            if font.width(ln.text, ln.fs) > geom.content_width:
                raise SkipVariation("a title or note line is wider than the page")
        flows.append(FormFlow(strip, title, under, table.grade_line))
        tables.append(table)
    letter: list[TextBlockLine] = []
    if v.letterhead == "text":
        year = RECORDS[v.forms[0].record].form["year"]
        for text in (t.format(year=year) for t in labels.LETTERHEAD_LINES):
            if font.missing(text):
                raise SkipVariation(f"font {font.spec.key} lacks a letterhead glyph")
            for ln in wrap(text, font, v.letter_fs, geom.content_width):
                letter.append(TextBlockLine(ln, v.letter_fs, v.letter_fs * 1.8, "l"))
    return flows, tables, letter


def render_variation(v: Variation, outdir: Path) -> Rendered:
    geom = geometry(v)
    font = font_for(v.font)
    flows, tables, letter = build_flows(v, geom, font)
    opts = FlowOptions(mode=v.mode, repeat_header=v.repeat_header, gap=float(v.gap))
    pick_rng = random.Random(f"offset:{v.seed}:{v.index}:{v.attempt}")
    offset, plan = choose_offset(flows, geom, opts, letter, v.target_form, v.target_row, pick_rng.choice)
    style = DrawStyle(ruling=v.ruling, lw=v.lw, merged_text=v.merged_text, merged_border=v.merged_border,
                      footer=v.footer)
    data, cuts = render(plan, flows, geom, font, style, v.letter_fs)
    truths = []
    for i, (fp, fc, table) in enumerate(zip(plan.forms, v.forms, tables)):
        page_start = min(p for p, _, _ in fp.title) + 1
        pages = [s.page for s in fp.segs if not s.copy]
        if table.grade_line and fp.under:
            pages.append(fp.under[0][0])
        ind_pages = [fp.row_pages(r)[0] + 1 for r in table.indicator_rows]
        truths.append(truth(RECORDS[fc.record], i, page_start, max(pages) + 1, ind_pages, fc.grade_style))
    pdf = outdir / f"v{v.index:04}.pdf"
    pdf.write_bytes(data)
    outcome = Outcome(offset, plan.pages, tuple(breaks(plan, flows)), sum(fp.dropped_under for fp in plan.forms),
                      tuple(cuts))
    return Rendered(v, outcome, pdf, truths)


def generate(n: int, seed: int, outdir: Path, allow_cff: bool = True, start: int = 0,
             max_attempts: int = 30) -> tuple[list[Rendered], collections.Counter]:
    """n variations rendered into outdir (a skipped draw is replaced by the next attempt)."""
    outdir.mkdir(parents=True, exist_ok=True)
    fonts = available_fonts(allow_cff)
    done: list[Rendered] = []
    skipped: collections.Counter = collections.Counter()
    for index in range(start, start + n):
        for attempt in range(max_attempts):
            v = sample(seed, index, attempt, fonts)
            try:
                done.append(render_variation(v, outdir))
                break
            except SkipVariation as exc:
                skipped[_reason(str(exc))] += 1
        else:
            raise RuntimeError(f"variation {index}: {max_attempts} draws skipped: {skipped.most_common(3)}")
    return done, skipped


def _reason(msg: str) -> str:
    """A skip message without its particulars, for counting."""
    for key in ("lacks", "taller than a page", "does not fit the page width", "paragraph ends",
                "no offset", "does not fit its fragment", "text layer", "one glyph", "does not fit its column",
                "wider than the page", "continuation"):
        if key in msg:
            return key
    return msg[:60]


def write_truth(rendered: list[Rendered], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in rendered:
            f.write(json.dumps({**r.to_json(), "forms": r.truth}, ensure_ascii=False) + "\n")
