"""The second reading (extract/ocr/second.py) with the real recognisers on text rendered by
PyMuPDF: two readings that agree settle a doubt; a first reading the second does not
confirm stays in doubt; a cell line with ink its boxes missed is read again whole."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("paddleocr", reason="the OCR extra is not installed")
pytestmark = pytest.mark.ocr

from extract.ocr.engine import get_engine  # noqa: E402
from extract.ocr.second import AGREED_CONFIDENCE, read_doubts_again, read_lines_again  # noqa: E402
from extract.ocr.types import CellWords  # noqa: E402
from extract.pages.mupdf import pymupdf  # noqa: E402
from extract.pages.types import Word  # noqa: E402

DPI = 200
SCALE = 72 / DPI


def _line(text: str) -> np.ndarray:
    doc = pymupdf.open()
    page = doc.new_page(width=20 + 11 * len(text), height=24)
    page.insert_text((6, 17), text, fontname="china-s", fontsize=10)
    pix = page.get_pixmap(dpi=DPI)
    rgb = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, :3]
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _cell_with(text_read: str, image: np.ndarray, confidence: float, right_pad: int = 2) -> CellWords:
    h, w = image.shape[:2]
    word = Word(text_read, 2 * SCALE, 2 * SCALE, (w - right_pad) * SCALE, (h - 2) * SCALE, h * SCALE / 2, 10.0, confidence)
    return CellWords(0.0, 0.0, w * SCALE, h * SCALE, (word,))


def test_the_second_recogniser_reads_a_long_chinese_line():
    text = "一所学校发生一起轻微食源性疾病事件，未造成严重后果"
    reading = get_engine().recognize_again([_line(text)])[0]
    assert reading.text.replace("，", ",") == text.replace("，", ",") and reading.score > 0.9


def test_agreeing_readings_settle_a_doubt_and_a_misreading_is_outvoted():
    image = _line("江城市教育装备与后勤服务中心")
    right = _cell_with("江城市教育装备与后勤服务中心", image, 0.7)
    wrong = _cell_with("江城市教育装备与后勤服务申心", image, 0.7)
    right, wrong = read_doubts_again(get_engine(), [right, wrong], image, SCALE)
    assert (right.words[0].text, right.words[0].confidence) == ("江城市教育装备与后勤服务中心", AGREED_CONFIDENCE)
    # the second recogniser and the first, reading the crop enlarged, agree against the first reading
    assert (wrong.words[0].text, wrong.words[0].confidence) == ("江城市教育装备与后勤服务中心", AGREED_CONFIDENCE)


def test_what_print_does_not_make_stays_in_doubt_however_the_readers_agree():
    image = _line("4,消除校舍安全隐患")
    cell = _cell_with("4,消除校舍安全隐患", image, 0.8)
    [after] = read_doubts_again(get_engine(), [cell], image, SCALE)
    assert after.words[0].confidence == 0.8


def test_a_line_with_unread_ink_is_read_again_whole():
    text = "问题整改完成时限已经达标，"
    image = _line(text)
    cell = _cell_with("问题整改完成时限已经达标", image, 0.99, right_pad=30)
    h, w = image.shape[:2]
    words = read_lines_again(get_engine(), cell, [(w - 28, 20, w - 20, 40)], image, SCALE)
    assert words is not None and [x.text for x in words] == ["问题整改完成时限已经达标，"]
