"""Lone operators and %/‰ told by their ink, on glyphs rendered by PyMuPDF in the fixtures'
CJK fonts at scan resolutions (the shapes the OCR path sees), and the OCR-side label rules."""

from __future__ import annotations

import functools

import numpy as np
import pymupdf
import pytest

pytest.importorskip("cv2", reason="the OCR extra is not installed")

from extract.grid.pixels import ink_mask  # noqa: E402
from extract.ocr.convert import PER_MILLE_DOUBT, to_words  # noqa: E402
from extract.ocr.glyphs import operator_shape, percent_shape  # noqa: E402
from extract.segment.lexicon import load_lexicon  # noqa: E402

FONTS = {"china-s": None, "wqy": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
         "uming": "/usr/share/fonts/truetype/arphic/uming.ttc"}


@functools.cache
def _font(name: str) -> pymupdf.Font:
    return pymupdf.Font("cjk") if FONTS[name] is None else pymupdf.Font(fontfile=FONTS[name])


def glyph_ink(text: str, font: str, size: float, dpi: int) -> np.ndarray:
    """Text printed in a cell-sized box and scanned at `dpi`, as the OCR path's ink mask."""
    doc = pymupdf.open()
    page = doc.new_page(width=40 + 12 * len(text), height=30)
    writer = pymupdf.TextWriter(page.rect)
    writer.append((12, 20), text, font=_font(font), fontsize=size)
    writer.write_text(page)
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    grey = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    return ink_mask(grey)  # as the OCR path thresholds a scan


FONT_CASES = [f for f, p in FONTS.items() if p is None or __import__("pathlib").Path(p).exists()]


@pytest.mark.parametrize("font", FONT_CASES)
@pytest.mark.parametrize("dpi", [150, 200, 300])
@pytest.mark.parametrize("glyph, meaning", [("≥", "≥"), ("≤", "≤"), (">", ">"), ("<", "<"), ("=", "="),
                                            ("≧", "≥"), ("≦", "≤"), ("＞", ">"), ("＜", "<")])
def test_a_lone_operator_is_told_by_its_shape(glyph, meaning, font, dpi):
    ink = glyph_ink(glyph, font, 10, dpi)
    if not ink.any():
        pytest.skip(f"{font} has no glyph for {glyph}")
    assert operator_shape(ink) == meaning


@pytest.mark.parametrize("text", ["一", "-", "二", "上", "5", "%", "优"])
def test_what_is_not_an_operator_is_not_made_one(text):
    assert operator_shape(glyph_ink(text, "china-s", 10, 200)) is None


@pytest.mark.parametrize("font", FONT_CASES)
@pytest.mark.parametrize("dpi", [200, 300])
def test_per_mille_and_percent_by_their_loops(font, dpi):
    assert percent_shape(glyph_ink("%", font, 10, dpi)) == "%"
    assert percent_shape(glyph_ink("‰", font, 10, dpi)) == "‰"


def test_a_per_mille_read_as_percent_and_zero_is_doubted():
    rects = [(0, 0, 100, 20), (0, 30, 100, 50), (0, 60, 100, 80)]
    words = to_words(rects, [("控制在0.9%0以内", 0.97), ("0.9%", 0.97), ("增长10%", 0.97)], 0.36, 0.3)
    assert [w.confidence for w in words] == [PER_MILLE_DOUBT, 0.97, 0.97]


def test_a_misread_label_is_settled_by_elimination():
    """"-级指标" and "级指标" could be any level; beside 二级指标 and 三级指标, only 一级指标."""
    lex = load_lexicon()
    assert lex.match("indicator_columns", "级指标") is None
    assert lex.near("indicator_columns", "级指标") == {"level1", "level2", "level3"}
    assert lex.match("indicator_columns", "-级指标") == "level1"  # a dash for 一


LEADING = [("≥2次", "≥"), ("=0次", "="), (">3000人次", ">"), ("≤4.80万元", "≤"), ("<5%", "<"),
           ("≥95(%)", "≥"), ("≧12000公里", "≥"), ("＞90%", ">")]


def test_a_leading_operator_is_told_by_its_shape_and_never_mistaken():
    """The first glyph of a target ("≥2次"): decided in most fonts and resolutions, and
    never decided wrong (undecided keeps the recogniser's reading, with its doubt)."""
    from extract.ocr.glyphs import leading_glyph

    decided, wrong = 0, []
    cases = [(t, m, f, d) for t, m in LEADING for f in FONT_CASES for d in (150, 200, 300)]
    for text, meaning, font, dpi in cases:
        ink = glyph_ink(text, font, 10, dpi)
        glyph = leading_glyph(ink)
        sign = operator_shape(glyph) if glyph is not None else None
        decided += sign is not None
        if sign is not None and sign != meaning:
            wrong.append((text, font, dpi, sign))
    assert not wrong
    assert decided >= 0.8 * len(cases), f"{decided}/{len(cases)} decided"
