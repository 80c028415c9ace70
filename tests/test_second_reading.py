"""The second reading (extract/ocr/second.py) with the real recognisers on text rendered by
PyMuPDF: two readings that agree settle a doubt; a first reading the second does not
confirm stays in doubt; a cell line with ink its boxes missed is read again whole."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("paddleocr", reason="the OCR extra is not installed")
pytestmark = pytest.mark.ocr

from extract.ocr.engine import get_engine  # noqa: E402
from extract.ocr.recognizer import Reading  # noqa: E402
from extract.ocr.second import AGREED_CONFIDENCE, _reads_a_runner_up, read_doubts_again, read_lines_again  # noqa: E402
from extract.ocr.types import CellWords  # noqa: E402
from extract.pages.mupdf import pymupdf  # noqa: E402
from extract.pages.types import Word  # noqa: E402
from extract.settings import TextSettings  # noqa: E402
from extract.values.text import normalize  # noqa: E402

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
    words = read_lines_again(get_engine(), cell, [(w - 28, 20, w - 20, 40)], image, SCALE, TextSettings())
    assert words is not None and [x.text for x in words] == ["问题整改完成时限已经达标，"]


def _two_lines(first: str, second: str) -> tuple[np.ndarray, CellWords]:
    """A cell of two printed lines, each read as one word."""
    top, bottom = _line(first), _line(second)
    w = max(top.shape[1], bottom.shape[1])
    image = np.full((top.shape[0] + bottom.shape[0], w, 3), 255, np.uint8)
    image[:top.shape[0], :top.shape[1]], image[top.shape[0]:, :bottom.shape[1]] = top, bottom
    h = top.shape[0]
    words = tuple(Word(t, 2 * SCALE, (y + 6) * SCALE, (9 + 28 * len(t)) * SCALE, (y + h - 4) * SCALE,
                       (y + h / 2) * SCALE, 10.0, 0.99) for t, y in ((first, 0), (second, h)))
    return image, CellWords(0.0, 0.0, w * SCALE, image.shape[0] * SCALE, words)


def test_a_speck_beside_a_line_both_recognisers_read_as_it_was_leaves_the_line_as_sure():
    image, cell = _two_lines("未造成严重后果", "已约谈相关责任人")
    y = 12  # a 3×2 speck in the first line's band, past its text
    image[y:y + 2, 215:218] = 0
    words = read_lines_again(get_engine(), cell, [(215, y, 218, y + 2)], image, SCALE, TextSettings())
    assert [(x.text, x.confidence) for x in words] == [("未造成严重后果", 0.99), ("已约谈相关责任人", 0.99)]


def test_ink_the_readings_do_not_explain_puts_only_its_own_line_in_doubt():
    image, cell = _two_lines("未造成严重后果", "已约谈相关责任人")
    image[8:30, 215:223] = 0  # a character-sized blot past the first line's text
    words = read_lines_again(get_engine(), cell, [(215, 8, 223, 30)], image, SCALE, TextSettings())
    assert words[1].confidence == 0.99
    assert words[0].confidence < AGREED_CONFIDENCE or words[0].text != "未造成严重后果"


def test_a_character_the_first_recogniser_passed_over_is_put_in_where_the_second_reads_it_surely():
    image = _line("项目于年底完成竣工验收")
    cell = _cell_with("项目于年底完成工验收", image, 0.99)
    cell = CellWords(cell.x0, cell.y0, cell.x1, cell.y1, (replace(cell.words[0], passed_over=1),))
    [after] = read_doubts_again(get_engine(), [cell], image, SCALE)
    assert (normalize(after.words[0].text), after.words[0].confidence) == ("项目于年底完成竣工验收", AGREED_CONFIDENCE)


def test_a_passed_over_character_neither_recogniser_reads_stays_in_doubt():
    image = _line("项目于年底完成竣工验收")
    cell = _cell_with("项目于年底完成竣工验收", image, 0.99)
    cell = CellWords(cell.x0, cell.y0, cell.x1, cell.y1, (replace(cell.words[0], passed_over=1),))
    [after] = read_doubts_again(get_engine(), [cell], image, SCALE)
    assert after.words[0].confidence < AGREED_CONFIDENCE


def test_a_glyph_the_first_was_unsure_of_is_taken_as_the_second_reads_it_only_if_it_was_the_first_s_runner_up():
    word = Word("正常开学：加强", 0, 0, 10, 2, 1, 2, 0.8, unsure_glyphs=(("：", "；"),))
    assert _reads_a_runner_up(word, Reading("正常开学；加强", (0.99,) * 7))
    assert _reads_a_runner_up(word, Reading("正常开学;加强", (0.99,) * 7))  # ASCII or full width alike
    assert not _reads_a_runner_up(word, Reading("正常开学;加强", (0.99,) * 4 + (0.73,) + (0.99,) * 2))  # read unsurely
    assert not _reads_a_runner_up(word, Reading("正常开学，加强", (0.99,) * 7))  # not the runner-up
    assert not _reads_a_runner_up(word, Reading("正常升学；加强", (0.99,) * 7))  # a glyph the first was sure of
    # a dash read 一 with 1 runner-up, the second reading 1: a confusion the two share
    dash = Word("一", 0, 0, 10, 2, 1, 2, 0.6, unsure_glyphs=(("一", "1"),))
    assert not _reads_a_runner_up(dash, Reading("1", (0.99,)))


def test_a_flat_stroke_under_a_line_both_recognisers_read_as_it_was_leaves_it_sure():
    """A stroke as flat as 一 but below the line's middle (a seal's or a rule's remnant at the
    foot of a goal's line) is no character; at mid-height, beyond the text, it may be 一."""
    image, cell = _two_lines("未造成严重后果", "已约谈相关责任人")
    top = cell.words[0]
    y0, y1 = top.y0 / SCALE, top.y1 / SCALE
    x = int(top.x1 / SCALE) - 60  # under the line's last characters, wider than half an em
    foot = int(y1) - 2
    under = image.copy()
    under[foot:foot + 2, x:x + 24] = 0
    words = read_lines_again(get_engine(), cell, [(x, foot, x + 24, foot + 2)], under, SCALE, TextSettings())
    assert [(w.text, w.confidence) for w in words] == [("未造成严重后果", 0.99), ("已约谈相关责任人", 0.99)]
    from extract.ocr.second import _is_speck

    size_px = top.size / SCALE
    middle = int((y0 + y1) / 2)
    assert not _is_speck((x, middle, x + 24, middle + 2), size_px, image, (y0, y1))


def test_a_line_the_detector_passed_over_is_read_by_both_recognisers_and_specks_on_no_line_are_not():
    """"小。" wrapped off "…可审减空间较" onto a line no box covered: both recognisers read it
    alike, and it joins the cell; a speck alone on a line of its own is no print."""
    image, cell = _two_lines("可审减空间较", "小。")
    top = cell.words[0]
    cell = cell.holding([top])  # the detector found the first line only
    ink = np.nonzero(image[int(top.y1 / SCALE) + 2:].min(axis=2) < 128)
    y0 = int(top.y1 / SCALE) + 2
    blob = (int(ink[1].min()), y0 + int(ink[0].min()), int(ink[1].max()) + 1, y0 + int(ink[0].max()) + 1)
    words = read_lines_again(get_engine(), cell, [blob], image, SCALE, TextSettings())
    assert words is not None and [(w.text, w.confidence) for w in words] == [("可审减空间较", 0.99), ("小。", AGREED_CONFIDENCE)]
    # the same ink far off the cell's text (a seal's inscription in its middle) is not taken
    shifted = np.full_like(image, 255)
    shifted[y0:, 120:] = image[y0:, :image.shape[1] - 120]
    shifted[:y0] = image[:y0]
    moved = (blob[0] + 120, blob[1], blob[2] + 120, blob[3])
    assert read_lines_again(get_engine(), cell, [moved], shifted, SCALE, TextSettings()) is None
    # a speck on a line of its own leaves the cell as it was
    dusty, _ = _two_lines("可审减空间较", "")
    dusty[y0 + 10:y0 + 12, 40:43] = 0
    words = read_lines_again(get_engine(), cell, [(40, y0 + 10, 43, y0 + 12)], dusty, SCALE, TextSettings())
    assert words is not None and [(w.text, w.confidence) for w in words] == [("可审减空间较", 0.99)]


def test_a_round_dot_of_dust_beside_a_line_leaves_it_sure_and_a_stop_ring_does_not():
    """Toner dust a quarter of an em across, an em past a line both recognisers read as it was, is
    a speck; a "。" there (a loop) is print the readings left out."""
    import cv2

    from extract.ocr.second import _is_speck

    image, cell = _two_lines("未造成严重后果", "已约谈相关责任人")
    size_px = 10 / SCALE
    dusty, ringed = image.copy(), image.copy()
    cv2.circle(dusty, (235, 40), 3, (0, 0, 0), -1)
    cv2.circle(ringed, (235, 40), 4, (0, 0, 0), 1)
    around = (30, 51)  # the blob's line, with the blob at its middle
    assert _is_speck((232, 37, 239, 44), size_px, dusty, around)
    assert not _is_speck((231, 36, 240, 45), size_px, ringed, around)
    comma = image.copy()
    comma[38:50, 233:237] = 0  # as tall as a comma, twice its width's height
    assert not _is_speck((233, 38, 237, 50), size_px, comma, around)
    words = read_lines_again(get_engine(), cell, [(232, 37, 239, 44)], dusty, SCALE, TextSettings())
    assert [(x.text, x.confidence) for x in words] == [("未造成严重后果", 0.99), ("已约谈相关责任人", 0.99)]


def _read_apart(image: np.ndarray, cut: int) -> list[Word]:
    """The line read as the detector may box it: a box ending at `cut` px, and one from there on."""
    from extract.ocr.convert import crop, rect_word

    h, w = image.shape[:2]
    rects = [(8, 2, cut, h - 2), (cut - 2, 2, w - 4, h - 2)]
    readings = get_engine().recognize([crop(image, r) for r in rects])
    return [rect_word(r.text, rect, SCALE, r.score) for r, rect in zip(readings, rects)]


def test_a_glyph_s_edge_boxed_apart_and_read_as_a_glyph_goes_where_both_read_the_stretch_without_it():
    from extract.ocr.page import read_joins_again

    image = _line("工。今后将合理安排")
    h, w = image.shape[:2]
    words = _read_apart(image, 28)  # the box ends inside 工: its bar ends read "二"
    assert [x.text for x in words] == ["二", "工。今后将合理安排"]
    out = read_joins_again(get_engine(), words, [(8, 2, w - 4, h - 2)], image, SCALE)
    assert [(x.text, x.confidence) for x in out] == [("工。今后将合理安排", AGREED_CONFIDENCE)]
    # A glyph of its own boxed apart stays.
    image = _line("1工。今后将合理安排")
    h, w = image.shape[:2]
    words = _read_apart(image, 23)
    out = read_joins_again(get_engine(), words, [(8, 2, w - 4, h - 2)], image, SCALE)
    assert "".join(x.text for x in out).startswith("1")
