"""Text layers that lie: a page whose text layer is present but cannot be trusted.

Ways a text page misleads that the older checks of `extract.document.needs_ocr` (no text,
curves instead of text, mostly private-use characters, a grid with empty cells) do not see:

- **wrong characters** (`LayerCheck.lies`): the fonts' ToUnicode maps turn the printed CJK
  into other, valid CJK characters (some print drivers). Such a page shows none of the
  lexicon's labels; a ruled page full of CJK text that shows none is *suspect*, and a few of
  its short cells are read from their pixels (the cell boxes rendered and recognised, not
  the page): the page goes to OCR only if the pixels disagree with the layer. An unrelated
  table (most pages of a 部门决算 report) whose layer is honest agrees and stays text. Once
  a page of a document has lied, every later ruled page of it is checked the same way (a
  form's continuation page holds too few characters to be suspect on its own).
- **a partial layer** (`partial_layer`): the title and labels are text, the values are an
  image or outlines under the rules — a good share of a grid's cells hold ink but no text.
- **a few unmapped characters among Chinese text** (`unmapped_in_text`): one font (the
  title's) maps into the Private Use Area, too few characters for the page-wide share.

The common clean page pays a label lookup (usually its first cell matches) and nothing else:
~0.1–0.15 ms a page, under 1% of its extraction (scripts/bench_layer.py). The OCR stack is
imported only when a page is suspect; a suspect page costs the engine's start once per
process (~1–1.7 s) and ~30–40 ms for its sample cells.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache

import pymupdf

from extract.grid import PageLayout
from extract.pages.types import Page
from extract.settings import Settings

# --- unmapped characters --------------------------------------------------------------
# Private-use or replacement characters set among Chinese text (next to a CJK character or
# to another such character) are CJK glyphs without a usable map, even when they are too few
# for document.MAX_BROKEN_SHARE: a title font without a map is 1–4% of a form page's
# characters, and the form is then not found at all (pua_mixed: 29 of 822). A symbol font's
# lone checkbox or bullet mapped into the PUA is one or two per page, not this many.
MIN_UNMAPPED_IN_TEXT = 4

# --- wrong characters -------------------------------------------------------------------
# A page is suspect only if its grids' cells hold at least this many CJK characters and no
# label. In the text fixtures a form's first page holds 400–840 in its cells, a continuation
# page 7–140, the 部门决算 tables 46–114. A page with fewer says too little to judge; a form's
# continuation page that lies is caught anyway, after its first page (LayerCheck.lied).
MIN_CJK_FOR_SUSPECT = 30
# Cells read from their pixels on a suspect page: the first in reading order (header cells)
# whose text is one line of this many characters with at least MIN_CJK_IN_SAMPLE CJK ones
# (too few such: the first characters of longer cells' first lines).
# Six short crops are one or two packed recogniser calls: ~30–40 ms a page with rendering,
# against ~2 s to OCR the page.
SAMPLE_CELLS = 6
SAMPLE_MIN_CHARS = 2
SAMPLE_MAX_CHARS = 12
MIN_CJK_IN_SAMPLE = 2
# The pixels agree with the layer when at least this share of the layer's characters is read
# back from them. Measured with the check forced on every page of fixtures/text and
# fixtures/variants/text (39 pages): 1.0 on each; on the permuted fixtures: 0.0–0.05.
# Halfway leaves room for misread glyphs on a small or faint print, and for a layer that
# lies about only some of its characters to still be caught.
MIN_AGREEMENT = 0.5
# Points of margin around a cell's characters in its crop (the recogniser wants a little
# white around a line, as its detector's boxes give it), never past the cell's rules.
CROP_MARGIN = 2.0
RULE_CLEARANCE = 0.8

# --- partial layer ----------------------------------------------------------------------
# A page is looked at for ink in text-less cells only if it draws this many curve segments
# (glyph outlines: ~45 per CJK character in partial_curves) or holds an image; no clean
# fixture page draws a curve or holds an image.
MIN_CURVES_FOR_INK = 40
# Grids smaller than this are not judged (a two-cell box of notes).
MIN_CELLS_FOR_PARTIAL = 12
# The page goes to OCR when at least this many cells, and this share of a grid's cells, hold
# ink but no text. The clean fixtures leave 2–33% of a grid's cells empty, none inked; a
# vector seal is red and not counted, a signature across a few cells stays under both; the
# partial fixtures have 53% and 67% of their cells inked without text.
MIN_INKED_EMPTY_CELLS = 4
MIN_INKED_EMPTY_SHARE = 0.15
# Ink is looked for at this resolution: a 9 pt character is ~12 px, plenty to see it is there.
INK_DPI = 96
# A pixel is ink if all its channels are below this (dark and not coloured: a red seal is
# not text), and a cell holds ink if this many of its pixels are.
INK_LEVEL = 140
MIN_INK_PIXELS = 6
# Points of a cell's edge left out when looking for ink (its rules and their anti-aliasing).
INK_INSET = 2.5


def _is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def _unmapped(c: str) -> bool:
    return c == "\ufffd" or "\ue000" <= c <= "\uf8ff"


def unmapped_in_text(chars: list[str]) -> bool:
    """Whether enough private-use / replacement characters sit among Chinese text (chars:
    the page's characters in reading order, no spaces)."""
    n = 0
    for i, c in enumerate(chars):
        if _unmapped(c):
            near = chars[max(0, i - 1):i] + chars[i + 1:i + 2]
            n += any(_unmapped(x) or _is_cjk(x[:1]) for x in near)
    return n >= MIN_UNMAPPED_IN_TEXT


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@cache
def _label_prefixes() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """Every label spelling of the lexicon by its first two characters, and the titles."""
    from extract.segment import load_lexicon

    lex = load_lexicon()
    spellings = {sp for name, table in lex.tables.items() if name != "funds_units"
                 for sps in table.values() for sp in sps}
    spellings |= set(lex.level1_names) | set(lex.level2_names) | set(getattr(lex, "ignored", ()))
    by_prefix: dict[str, list[str]] = {}
    for sp in spellings:
        if len(sp) >= 2:
            by_prefix.setdefault(sp[:2], []).append(sp)
    return {k: tuple(v) for k, v in by_prefix.items()}, tuple(lex.titles)


def starts_with_label(text: str) -> bool:
    """Whether a cell's text starts with a label spelling of the lexicon. Loose on purpose
    (a prefix is enough): it only clears a page, and a scrambled layer spells a label by
    chance about never."""
    prefixes, _ = _label_prefixes()
    text = _compact(text)
    if text[:1] in "-—－–‐":
        text = "一" + text[1:]  # a leading dash for 一, as lexicon.py reads it
    return any(text.startswith(sp) for sp in prefixes.get(text[:2], ()))


def shows_a_label(layout: PageLayout) -> bool:
    """Whether any cell starts with a label of the lexicon, or a free line holds a form title."""
    for grid in layout.grids:
        for cell in grid.cells:
            if cell.words and starts_with_label("".join(w.text for w in cell.words)):
                return True
    _, titles = _label_prefixes()
    for line in layout.free_text:
        text = _compact(line.text)
        if any(t in text for t in titles):
            return True
    return False


def _cjk_in_cells(layout: PageLayout) -> int:
    return sum(_is_cjk(w.text[:1]) for grid in layout.grids for cell in grid.cells for w in cell.words)


def _first_line(cell) -> list:
    """The characters of a cell's first printed line, left to right."""
    words = [w for w in cell.words if not w.text.isspace()]
    if not words:
        return []
    top = min(words, key=lambda w: w.baseline)
    return sorted((w for w in words if abs(w.baseline - top.baseline) <= 0.5 * max(top.size, w.size)),
                  key=lambda w: w.x0)


def sample_cells(layout: PageLayout, n: int = SAMPLE_CELLS) -> list[tuple[pymupdf.Rect, str]]:
    """Up to n cells to read from their pixels, as (crop box, layer text): short one-line
    cells in reading order (header cells), then, if too few, the first characters of the
    first line of longer cells."""
    cells = [c for grid in layout.grids for c in sorted(grid.cells, key=lambda c: (c.y0, c.x0)) if c.words]
    out: list[tuple[pymupdf.Rect, str]] = []
    for short in (True, False):
        for cell in cells:
            line = _first_line(cell)
            one_line = len(line) == sum(not w.text.isspace() for w in cell.words)
            if short != (one_line and len(line) <= SAMPLE_MAX_CHARS):
                continue
            line = line[:SAMPLE_MAX_CHARS]
            text = _compact("".join(w.text for w in line))
            if len(text) < SAMPLE_MIN_CHARS or sum(map(_is_cjk, text)) < MIN_CJK_IN_SAMPLE:
                continue
            box = pymupdf.Rect(min(w.x0 for w in line) - CROP_MARGIN, min(w.y0 for w in line) - CROP_MARGIN,
                               max(w.x1 for w in line) + CROP_MARGIN, max(w.y1 for w in line) + CROP_MARGIN)
            box &= pymupdf.Rect(cell.x0 + RULE_CLEARANCE, cell.y0 + RULE_CLEARANCE,
                                cell.x1 - RULE_CLEARANCE, cell.y1 - RULE_CLEARANCE)
            if box.is_empty:
                continue
            out.append((box, text))
            if len(out) >= n:
                return out
    return out


def _comparable(text: str) -> str:
    """Letters, digits, CJK and unmapped characters (private use, U+FFFD); punctuation and
    spacing are left out, they are the recogniser's guess."""
    return "".join(c for c in _compact(text) if c.isalnum() or c == "\ufffd" or unicodedata.category(c) == "Co")


def agreement(layer: list[str], read: list[str]) -> float:
    """Share of the layer's characters that the pixels' readings give back, in order."""
    from difflib import SequenceMatcher

    total = matched = 0
    for a, b in zip(layer, read):
        a, b = _comparable(a), _comparable(b)
        total += len(a)
        matched += sum(m.size for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched / total if total else 1.0


def render(page: pymupdf.Page, box: pymupdf.Rect, dpi: float):
    """The pixels of a box of unrotated page coordinates (the text layer's), upright
    whatever the page's /Rotate: H×W×3 uint8, RGB."""
    import numpy as np  # only pages read back from pixels need it: the text path loads no numpy

    pix = page.get_pixmap(clip=box * page.rotation_matrix, dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
    rgb = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, 3)
    return np.ascontiguousarray(np.rot90(rgb, page.rotation // 90)) if page.rotation else rgb


def pixel_agreement(page: pymupdf.Page, samples: list[tuple[pymupdf.Rect, str]], settings: Settings) -> float | None:
    """How well the rendered sample cells read back as the layer says (None: no OCR here)."""
    from extract.errors import OcrUnavailable

    try:
        from extract.ocr.engine import get_engine

        engine = get_engine(settings.ocr.threads)
    except (ImportError, OcrUnavailable):
        return None  # without the OCR stack the layer is all there is
    import numpy as np

    crops = [np.ascontiguousarray(render(page, box, settings.ocr.dpi)[:, :, ::-1]) for box, _ in samples]
    read = [r.text for r in engine.recognize(crops)]
    return agreement([text for _, text in samples], read)


@dataclass
class LayerCheck:
    """The wrong-characters check over one document's pages, in order."""

    settings: Settings
    lied: bool = False  # a page of this document was shown to lie
    blind: bool = False  # no OCR stack here: the layer is all there is (asked once)
    # (page number, agreement) of every page read from pixels: for diagnostics and tests.
    checked: list[tuple[int, float | None]] = field(default_factory=list)

    def suspect(self, layout: PageLayout) -> bool:
        if not layout.grids:
            return False
        if self.lied:
            return _cjk_in_cells(layout) > 0
        if shows_a_label(layout):
            return False
        return _cjk_in_cells(layout) >= MIN_CJK_FOR_SUSPECT

    def lies(self, record: Page, page: pymupdf.Page, layout: PageLayout) -> bool:
        """Whether the page's text layer spells other characters than its pixels show."""
        if self.blind or not self.suspect(layout):
            return False
        samples = sample_cells(layout)
        if not samples:
            return False
        score = pixel_agreement(page, samples, self.settings)
        self.checked.append((record.number, score))
        self.blind = score is None
        if score is None or score >= MIN_AGREEMENT:
            return False
        self.lied = True
        return True


def partial_layer(record: Page, page: pymupdf.Page, layout: PageLayout) -> bool:
    """Whether a good share of a grid's cells hold ink but no text: the layer covers only part
    of the page (labels as text, values as an image or outlines)."""
    if record.curves < MIN_CURVES_FOR_INK and not page.get_images():
        return False
    grids = [g for g in layout.grids if len(g.cells) >= MIN_CELLS_FOR_PARTIAL]
    empty = [(g, [c for c in g.cells if not c.words]) for g in grids]
    empty = [(g, cells) for g, cells in empty if len(cells) >= MIN_INKED_EMPTY_CELLS]
    if not empty:
        return False
    for grid, cells in empty:
        clip = pymupdf.Rect(grid.bbox)
        ink = render(page, clip, INK_DPI).max(axis=2) < INK_LEVEL
        k = INK_DPI / 72
        inked = 0
        for c in cells:
            x0, y0 = int((c.x0 - clip.x0 + INK_INSET) * k), int((c.y0 - clip.y0 + INK_INSET) * k)
            x1, y1 = int((c.x1 - clip.x0 - INK_INSET) * k), int((c.y1 - clip.y0 - INK_INSET) * k)
            if x1 > x0 and y1 > y0 and int(ink[y0:y1, x0:x1].sum()) >= MIN_INK_PIXELS:
                inked += 1
        if inked >= MIN_INKED_EMPTY_CELLS and inked >= MIN_INKED_EMPTY_SHARE * len(grid.cells):
            return True
    return False
