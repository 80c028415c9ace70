"""A CTC text-line recogniser run on ONNX Runtime directly, reading out what PaddleOCR's
TextRecognition keeps to itself: each character's probability.

Both recognisers are run this way. PP-OCRv4 is prepared exactly as PaddleOCR prepares it
(resized to the line height, padded to the model's narrowest width, greedy CTC decoding,
the score the mean of the kept characters' probabilities); tests/test_recognizer.py checks
that its readings and scores are PaddleOCR's on the fixtures' crops.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from extract.ocr.models import Weights


# Between two characters read, room for this share of an em more than their halves take,
# inked across this share of its columns, held a character the recogniser passed over: 竣 in
# "完成竣工" read "完成工" at 0.999 (its neighbours' frames 12 apart, where 6 make an em; the
# second recogniser read 竣 at 1.0). The em is the median step between two wide characters,
# told where a reading has this many such steps.
PASSED_OVER_EMS = 0.8
PASSED_OVER_INK = 0.6
_MIN_EM_STEPS = 3


def _ems(ch: str) -> float:
    """A character's width in ems as Chinese fonts set it: CJK and full-width forms one, the rest half."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5


@dataclass(frozen=True)
class Reading:
    """A text line as read: its text, each character's probability, and their mean (the score).
    `runner_ups`: the next likeliest character where each was read; `xs`: where along the
    crop each was read (its pixel column), where the crop was read alone (in a pack, the
    columns are the pack's)."""

    text: str
    probs: tuple[float, ...] = ()
    xs: tuple[float, ...] = ()
    runner_ups: tuple[str, ...] = ()

    @classmethod
    def scored(cls, text: str, score: float) -> Reading:
        """A reading whose every character is as sure as `score`."""
        return cls(text, (score,) * len(text))

    @property
    def score(self) -> float:
        return float(np.mean(self.probs)) if self.probs else 0.0

    @property
    def weakest(self) -> float:
        """The least sure character's probability: one glyph may turn a number's meaning."""
        return min(self.probs) if self.probs else 0.0

    def passed_over(self, inked: np.ndarray) -> int:
        """How many characters the recogniser passed over between two it read: where the
        columns between them leave room for a character and hold ink. `inked`: which of the
        crop's columns hold ink. 0 where the reading has too few wide characters to tell an
        em by, or was read in a pack."""
        text, xs = self.text, self.xs
        if len(xs) != len(text):
            return 0
        steps = [xs[i + 1] - xs[i] for i in range(len(xs) - 1) if _ems(text[i]) == _ems(text[i + 1]) == 1.0]
        if len(steps) < _MIN_EM_STEPS:
            return 0
        em = float(np.median(steps))
        passed = 0
        for i in range(len(text) - 1):
            a, b = xs[i] + _ems(text[i]) * em / 2, xs[i + 1] - _ems(text[i + 1]) * em / 2
            columns = inked[max(0, int(a)):max(int(a) + 1, int(b))]
            if b - a >= PASSED_OVER_EMS * em and columns.size and columns.mean() >= PASSED_OVER_INK:
                passed += max(1, round((b - a) / em))
        return passed

    def extras_over(self, other: Reading) -> tuple[float, ...] | None:
        """The probabilities of the characters this reading holds beyond `other`, where
        `other` is this reading with characters left out (None where it is not, or the same)."""
        if len(other.text) >= len(self.text):
            return None
        extras: list[float] = []
        k = 0
        for ch, p in zip(self.text, self.probs):
            if k < len(other.text) and ch == other.text[k]:
                k += 1
            else:
                extras.append(p)
        return tuple(extras) if k == len(other.text) else None

    def split(self, separator: str) -> list[Reading]:
        """The reading cut at every `separator` character, each part with its own characters'
        probabilities and runner-ups (the separators' own are dropped; the columns, a pack's,
        are no part's)."""
        cuts = [i for i, ch in enumerate(self.text) if ch == separator]
        return [replace(self._part(a + 1, b), xs=()) for a, b in zip([-1, *cuts], [*cuts, len(self.text)])]

    def unsure_glyphs(self, below: float) -> tuple[tuple[str, str], ...]:
        """Each character read less surely than `below`, with the runner-up read for it."""
        return tuple((ch, up) for ch, p, up in zip(self.text, self.probs, self.runner_ups) if p < below and up)

    def stripped(self) -> Reading:
        """Without the spaces that open or close it (and their probabilities)."""
        start, end = 0, len(self.text)
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return self._part(start, end)

    def _part(self, start: int, end: int) -> Reading:
        return Reading(self.text[start:end], self.probs[start:end], self.xs[start:end], self.runner_ups[start:end])


@dataclass(frozen=True)
class LineShape:
    """How a model wants its text line: resized to `height`, keeping its proportions. With
    `pad_to`, PaddleOCR's rule: padded with zeros to that narrowest width, at most `max_width`
    wide; without it, stretched to a third of the height at the narrowest. Channels go in as
    the crop holds them (BGR), as PaddleOCR passes them."""

    height: int = 48
    pad_to: int | None = None
    max_width: int = 3200

    def widths(self, h: int, w: int) -> tuple[int, int]:
        """The line's width once resized, and the input's width (padding included)."""
        if self.pad_to is None:
            width = max(self.height // 3, int(round(self.height * w / h)))
            return width, width
        # As paddlex's OCRReisizeNormImg computes it, to the float.
        padded = int(self.height * max(self.pad_to / self.height, w * 1.0 / h))
        if padded > self.max_width:
            return self.max_width, self.max_width
        return min(padded, int(math.ceil(self.height * (w / float(h))))), padded


class CtcRecognizer:
    """Many lines are read `threads` at a time, each on one core: a text line is too small a
    computation to share out well (300 cells on 2 idle cores: one at a time on two threads
    3.1 s, two at a time on one thread each 2.4 s; the whole `jixiao ingest --workers 1` of
    the speed set 25.4 s → 24.9 s, for 105 MB more at its peak). A line alone is read on all
    `threads`; the two sessions' readings differ by float rounding at most."""

    def __init__(self, weights: Weights, threads: int | None = None) -> None:
        import os

        self.threads = threads or os.cpu_count() or 1
        self.session = _session(weights.onnx, self.threads)
        self._one_core = _session(weights.onnx, 1) if self.threads > 1 else self.session
        self._pool = None
        self.input = self.session.get_inputs()[0].name
        alphabet = weights.alphabet
        if alphabet is None:
            alphabet = tuple(self.session.get_modelmeta().custom_metadata_map[weights.alphabet_key].splitlines())
        # CTC index 0 is the blank; the index past the alphabet is the space.
        self.characters = ["", *alphabet, " "]
        self.shape = weights.shape

    def read_all(self, crops: list[np.ndarray]) -> list[Reading]:
        """The reading of each text line, in the order given."""
        if self.threads < 2 or len(crops) < 2:
            return [self.read(c) for c in crops]
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="ocr-read")
        return list(self._pool.map(lambda c: self._read_on(self._one_core, c), crops))

    def read(self, crop: np.ndarray) -> Reading:
        """The reading of one text line (H×W×3 uint8, BGR)."""
        return self._read_on(self.session, crop)

    def _read_on(self, session, crop: np.ndarray) -> Reading:
        x = self._prepared(crop)
        if x is None:
            return Reading("")
        frames = session.run(None, {self.input: x[None]})[0][0]
        width, padded = self.shape.widths(*crop.shape[:2])
        # An output frame spans padded / len(frames) input columns; the crop was resized by width / w.
        return self._decode(frames, padded / len(frames) * crop.shape[1] / width)

    def _prepared(self, crop: np.ndarray) -> np.ndarray | None:
        import cv2

        h, w = crop.shape[:2]
        if h == 0 or w == 0:
            return None
        s = self.shape
        width, padded = s.widths(h, w)
        resized = cv2.resize(crop, (width, s.height)).astype(np.float32)
        x = np.zeros((3, s.height, padded), dtype=np.float32)
        x[:, :, :width] = (resized.transpose(2, 0, 1) / 255 - 0.5) / 0.5
        return x

    def _decode(self, probs: np.ndarray, column_per_frame: float) -> Reading:
        best, score = probs.argmax(axis=1), probs.max(axis=1)
        keep = np.ones(len(best), dtype=bool)
        keep[1:] = best[1:] != best[:-1]
        keep &= best != 0
        chars = self.characters
        text = "".join(chars[i] if i < len(chars) else " " for i in best[keep])
        xs = (np.flatnonzero(keep) + 0.5) * column_per_frame
        # The runner-up: the likeliest character other than the one read (the blank is none).
        others = probs[keep].copy()
        others[np.arange(len(others)), best[keep]] = -1.0
        others[:, 0] = -1.0
        ups = tuple(chars[i] if i < len(chars) else " " for i in others.argmax(axis=1))
        return Reading(text, tuple(float(p) for p in score[keep]), tuple(float(x) for x in xs), ups)


def _session(onnx: Path, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    return onnxruntime.InferenceSession(str(onnx), options, providers=["CPUExecutionProvider"])
