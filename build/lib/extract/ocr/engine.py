"""The PaddleOCR engine (ONNX Runtime, no PaddlePaddle): detection and recognition as two
models, loaded once per process and kept warm.

Only this module imports paddleocr, and only when a page needs OCR: the text path never
pays for the import (~1 s) or the models (~0.4 s).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

from extract.errors import OcrUnavailable
from extract.ocr.models import INSTALL_HINT, model_dirs, second_reader_weights

# Recognition one crop at a time. Measured on the scan fixtures (2 cores): batching pads every
# crop of a batch to its widest, which costs what batching saves — batch 8 unsorted took 7.2 s
# against 3.9 s for 447 crops; width-sorted batches of 4 were 7% faster in isolation but not
# in the whole ingest (seed scan, 4 alternating rounds: medians 9.7 s at 1, 10.0 s at 4).
REC_BATCH = 1


@dataclass(frozen=True)
class Detection:
    """A text box found by the detector: its quad in image pixels and its score."""

    quad: np.ndarray  # 4×2, clockwise from top-left
    score: float


class Engine:
    def __init__(self, threads: int | None = None) -> None:
        # Without this, importing paddleocr probes model hosts this machine cannot reach (~3 s).
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            from paddleocr import TextDetection, TextRecognition
        except ImportError as exc:
            raise OcrUnavailable(f"PaddleOCR is not installed; {INSTALL_HINT}") from exc
        dirs = model_dirs()
        self._threads = threads
        self._common: dict = dict(engine="onnxruntime")
        if threads:
            self._common["engine_config"] = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
        self.det = TextDetection(model_name=dirs["det"].name, model_dir=str(dirs["det"].path), **self._common)
        self.rec = TextRecognition(model_name=dirs["rec"].name, model_dir=str(dirs["rec"].path), **self._common)

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Text boxes of a page image (H×W×3 uint8, BGR)."""
        result = self.det.predict(image, batch_size=1)[0]
        return [Detection(np.asarray(q, dtype=np.float32), float(s)) for q, s in zip(result["dt_polys"], result["dt_scores"])]

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and score of each crop (H×W×3 uint8), in the order given.

        Short crops (a cell's number or label) are read several at a time: resized to the
        recogniser's line height and set side by side, a drawn "#" between them, then the
        reading is split at the "#"s. One call instead of eight, and no padding of each to
        the recogniser's minimum width: half the time on a form's short cells (measured).
        A pack whose split does not come out even, or whose score is not sure, is read again
        crop by crop, so every crop keeps a score of its own where it matters.
        """
        out: list[tuple[str, float] | None] = [None] * len(crops)
        widths = [_line_width(c) for c in crops]
        short = [i for i, w in enumerate(widths) if w <= PACK_MAX_CROP]
        packs: list[list[int]] = []
        for i in short:
            if not packs or sum(widths[j] + _SEPARATOR_WIDTH for j in packs[-1]) + widths[i] > PACK_LINE:
                packs.append([])
            packs[-1].append(i)
        lines = [_pack([crops[i] for i in pack]) for pack in packs if len(pack) > 1]
        multi = [pack for pack in packs if len(pack) > 1]
        for pack, (text, score) in zip(multi, self._read(lines)):
            parts = _SEPARATOR_READINGS.sub(SEPARATOR, text).split(SEPARATOR)
            if len(parts) == len(pack) and score >= PACK_SURE:
                for i, part in zip(pack, parts):
                    out[i] = (part.strip(), score)
        rest = [i for i, r in enumerate(out) if r is None]
        for i, result in zip(rest, self._read([crops[i] for i in rest])):
            out[i] = result
        return out  # type: ignore[return-value]

    def recognize_again(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """The second recogniser's reading of each crop (extract/ocr/second.py), one at a time."""
        return [self.second.read(c) for c in crops]

    @cached_property
    def second(self) -> "SecondReader":
        """Loaded on the first page that has a doubt to settle."""
        return SecondReader(self._threads)

    def _read(self, images: list[np.ndarray]) -> list[tuple[str, float]]:
        if not images:
            return []
        results = self.rec.predict(images, batch_size=REC_BATCH)
        return [(str(res["rec_text"]), float(res["rec_score"])) for res in results]


# Packing short crops into one line for the recogniser (see Engine.recognize).
LINE_HEIGHT = 48  # packs are built at this height; the recogniser resizes them to its own
PACK_MAX_CROP = 240  # crops at most this wide (at line height) are packed: a cell's value
PACK_LINE = 1200  # a pack's width at most
PACK_SURE = 0.97  # below this a pack's score may hide one doubtful crop: read them singly
# The separator: a filled dot, which PP-OCRv4 reads as "·" (or "●") at ~0.999 — a drawn "#"
# reads at ~0.9 and drags the pack's score down. Neither is printed in these forms' cells;
# if a crop holds one anyway, the split comes out uneven and the crops are read singly.
SEPARATOR = "·"
_SEPARATOR_READINGS = re.compile("[●•∙]")
_SEPARATOR_WIDTH = 40


def _line_width(crop: np.ndarray) -> float:
    h, w = crop.shape[:2]
    return LINE_HEIGHT * w / max(1, h)


@cache
def _separator() -> np.ndarray:

    import io

    import pymupdf
    from PIL import Image, ImageDraw, ImageFont

    # "●" as a CJK font draws it (PyMuPDF ships Droid Sans Fallback): a dot drawn any other
    # way reads less surely.
    font = ImageFont.truetype(io.BytesIO(pymupdf.Font("china-s").buffer), size=30)
    img = Image.new("RGB", (_SEPARATOR_WIDTH + 16, LINE_HEIGHT), "white")
    ImageDraw.Draw(img).text(((_SEPARATOR_WIDTH + 16) / 2, LINE_HEIGHT / 2), "●", fill="black", font=font, anchor="mm")
    return np.asarray(img)[:, :, ::-1].copy()


def _pack(crops: list[np.ndarray]) -> np.ndarray:
    import cv2

    parts: list[np.ndarray] = []
    for crop in crops:
        if parts:
            parts.append(_separator())
        parts.append(cv2.resize(crop, (max(1, int(round(_line_width(crop)))), LINE_HEIGHT), interpolation=cv2.INTER_AREA))
    return np.hstack(parts)


class SecondReader:
    """PP-OCRv6 small text recognition on ONNX Runtime: a crop resized to the model's line
    height, its CTC output decoded greedily; the score is the mean of the kept characters'
    probabilities, as PaddleOCR scores its own readings."""

    HEIGHT = 48

    def __init__(self, threads: int | None = None) -> None:
        import onnxruntime

        weights = second_reader_weights()
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        self.session = onnxruntime.InferenceSession(str(weights.onnx), options, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        self.alphabet = weights.alphabet

    def read(self, crop: np.ndarray) -> tuple[str, float]:
        import cv2

        h, w = crop.shape[:2]
        if h == 0 or w == 0:
            return "", 0.0
        width = max(self.HEIGHT // 3, int(round(self.HEIGHT * w / h)))
        x = cv2.resize(crop, (width, self.HEIGHT), interpolation=cv2.INTER_LINEAR).astype(np.float32)
        return self._decode(self.session.run(None, {self.input: (x / 127.5 - 1.0).transpose(2, 0, 1)[None]})[0][0])

    def _decode(self, probs: np.ndarray) -> tuple[str, float]:
        best, score = probs.argmax(axis=1), probs.max(axis=1)
        text, kept, prev = [], [], 0
        for i, p in zip(best, score):
            if i != prev and i != 0:
                text.append(self.alphabet[i - 1] if i - 1 < len(self.alphabet) else " ")
                kept.append(float(p))
            prev = i
        return "".join(text), float(np.mean(kept)) if kept else 0.0


@cache
def get_engine(threads: int | None = None) -> Engine:
    """The process's engine (one per worker)."""
    return Engine(threads)
