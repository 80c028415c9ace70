"""Lone operators and %/‰ told by their ink, on glyphs rendered by PyMuPDF in the fixtures'
CJK fonts at scan resolutions (the shapes the OCR path sees), and the OCR-side label rules."""

from __future__ import annotations

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


def glyph_ink(text: str, font: str, size: float, dpi: int) -> np.ndarray:
    """One glyph printed in a cell-sized box and scanned at `dpi`, as an ink mask."""
    doc = pymupdf.open()
    page = doc.new_page(width=40, height=30)
    path = FONTS[font]
    if path is None:
        page.insert_text((12, 20), text, fontname="china-s", fontsize=size)
    else:
        page.insert_font(fontname="f", fontfile=path)
        page.insert_text((12, 20), text, fontname="f", fontsize=size)
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
