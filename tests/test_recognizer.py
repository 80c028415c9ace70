"""The recogniser run on ONNX Runtime directly (extract/ocr/recognizer.py): its readings are
PaddleOCR's own, on a fixture scan's text boxes; a pack of short crops gives each its own score."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extract.ocr.recognizer import Reading

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scans"


def test_a_reading_splits_at_its_separators_with_each_part_its_own_probabilities():
    reading = Reading(" 10.00·≥95%·", (0.5, 0.99, 0.98, 0.97, 0.99, 0.99, 0.999, 0.6, 0.9, 0.95, 0.99, 0.999))
    parts = reading.split("·")
    assert [p.text for p in parts] == [" 10.00", "≥95%", ""]
    assert parts[0].stripped() == Reading("10.00", (0.99, 0.98, 0.97, 0.99, 0.99))
    assert parts[1].weakest == 0.6 and parts[1].score == pytest.approx((0.6 + 0.9 + 0.95 + 0.99) / 4)
    assert parts[2].score == 0.0
    assert Reading.scored("95%", 0.9).probs == (0.9, 0.9, 0.9)
    unsure = Reading("于：今·≥5", (0.99, 0.54, 0.99, 0.99, 0.6, 0.99), runner_ups=("干", "；", "令", "•", "2", "6"))
    assert [p.unsure_glyphs(0.9) for p in unsure.split("·")] == [(("：", "；"),), (("≥", "2"),)]


def test_of_two_readings_one_holding_the_other_and_more_read_surely_stands():
    from extract.ocr.engine import likelier

    pack, alone = Reading("故", (0.96,)), Reading("故。", (0.99, 0.886))
    assert alone.extras_over(pack) == (0.886,) and pack.extras_over(alone) is None
    assert likelier(pack, alone) == alone  # the mean (0.938) would keep the pack's "故"
    assert likelier(Reading("0.3%0", (0.99, 0.99, 0.99, 0.9, 0.85)), Reading("0.3%", (1.0,) * 4)).text == "0.3%0"
    # a mark read unsurely at an edge (a rule's or a neighbour's ink) does not: the surer stands
    assert likelier(Reading("‘10.00", (0.62, 0.99, 0.99, 0.99, 0.99, 0.99)), Reading("10.00", (1.0,) * 5)).text == "10.00"
    # readings that differ otherwise: the surer by the mean
    assert likelier(Reading(">95%", (0.8, 0.99, 0.99, 0.99)), Reading("≥95%", (0.9, 0.99, 0.99, 0.99))).text == "≥95%"
    assert Reading("95%", (1.0,) * 3).extras_over(Reading("96%", (1.0,) * 3)) is None


def test_a_character_passed_over_shows_as_inked_room_between_two_read():
    import numpy as np

    # 完成[竣]工验收 read without 竣: ems of 10 columns, 工 read 20 columns after 成.
    reading = Reading("完成工验收", (0.99,) * 5, (5.0, 15.0, 35.0, 45.0, 55.0))
    inked = np.ones(60, dtype=bool)
    assert reading.passed_over(inked) == 1
    inked[20:30] = False  # the room is blank: a space, not a character
    assert reading.passed_over(inked) == 0
    assert Reading("完成竣工验收", (0.99,) * 6, (5.0, 15.0, 25.0, 35.0, 45.0, 55.0)).passed_over(np.ones(60, bool)) == 0
    # Digits are half an em: "2025年" leaves no room.
    assert Reading("于2025年1月", (0.99,) * 8, (5.0, 12.5, 17.5, 22.5, 27.5, 35.0, 42.5, 50.0)).passed_over(np.ones(60, bool)) == 0
    assert Reading("完成工验收", (0.99,) * 5).passed_over(inked) == 0  # read in a pack: no columns


@pytest.fixture(scope="module")
def page_crops():
    pytest.importorskip("paddleocr", reason="the OCR extra is not installed")
    from extract.document import open_document
    from extract.ocr.convert import crop
    from extract.ocr.engine import get_engine
    from extract.ocr.page import _boxes
    from extract.pages.images import page_image

    with open_document(FIXTURES / "two_forms_colour_seal.pdf") as doc:
        pixels = page_image(doc[0], 200).pixels
    boxes = _boxes(get_engine(), pixels)
    return [crop(pixels, b) for b in boxes]


@pytest.mark.ocr
def test_the_first_reading_is_paddleocrs_own(page_crops):
    from paddleocr import TextRecognition

    from extract.ocr.engine import get_engine
    from extract.ocr.models import model_dirs

    os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
    rec = model_dirs(("rec",))["rec"]
    paddle = TextRecognition(model_name=rec.name, model_dir=str(rec.path), engine="onnxruntime")
    ours = get_engine().rec
    assert len(page_crops) > 50
    for image in page_crops:
        theirs, mine = paddle.predict([image], batch_size=1)[0], ours.read(image)
        assert mine.text == theirs["rec_text"]
        assert mine.score == pytest.approx(float(theirs["rec_score"]), abs=1e-5)


@pytest.mark.ocr
def test_a_pack_scores_each_crop_by_its_own_characters(page_crops):
    import cv2

    from extract.ocr.engine import PACK_MAX_CROP, PACK_SURE, _line_width, get_engine

    engine = get_engine()
    short = [c for c in page_crops if _line_width(c) <= PACK_MAX_CROP][:6]
    # one of them blurred past sure reading: its own score falls, the others' stay
    short[2] = cv2.GaussianBlur(short[2], (0, 0), 2.5)
    alone = [engine.rec.read(c) for c in short]
    packed = engine.recognize(short)
    assert [r.text.strip() for r in packed] == [r.text.strip() for r in alone]
    others = [r.score for i, r in enumerate(packed) if i != 2]
    assert min(others) > 0.99 and packed[2].score < min(others)
    # a part read less surely than PACK_SURE is read alone too, and the likelier reading stands
    assert all(r.score >= PACK_SURE or r.score >= a.score or r.extras_over(a) for r, a in zip(packed, alone))
