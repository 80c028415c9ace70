"""The scan sweep counts only pages a reader could read: a binarised copy whose shade turned
the print's area solid black is skipped as illegible, not scored as a misreading."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from conftest import ROOT

cv2 = pytest.importorskip("cv2", reason="the OCR extra is not installed")
sys.path.insert(0, str(ROOT / "scripts"))
from scan_sweep.degrade import MAX_BLACKED_OUT, blacked_out  # noqa: E402


def _printed_page() -> np.ndarray:
    ink = np.zeros((800, 600), bool)
    for y in range(100, 700, 40):  # lines of print with paper between them
        ink[y:y + 12, 80:520] = True
    return ink


def test_a_copy_whose_shade_swallows_the_print_is_blacked_out():
    ink = _printed_page()
    copy = np.where(ink, 0, 255).astype(np.uint8)
    assert blacked_out(copy, ink, 200) == 0.0
    copy[:, :300] = 0  # the left half of the print under solid black
    assert blacked_out(copy, ink, 200) > MAX_BLACKED_OUT


def test_dither_is_not_blacked_out():
    ink = _printed_page()
    rng = np.random.default_rng(1)
    copy = np.where(ink | (rng.random(ink.shape) < 0.6), 0, 255).astype(np.uint8)
    assert blacked_out(copy, ink, 200) < MAX_BLACKED_OUT
