"""The OCR engine: PaddleOCR's text detection (ONNX Runtime, no PaddlePaddle) and two CTC
recognisers on ONNX Runtime (extract/ocr/recognizer.py), loaded once per process and kept warm.

Only this module imports paddleocr, and only when a page needs OCR: the text path never
pays for the import (~1 s) or the models (~0.4 s).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import cache, cached_property

import numpy as np

from extract.errors import OcrUnavailable
from extract.ocr.models import INSTALL_HINT, model_dirs, recognizer_weights
from extract.ocr.recognizer import CtcRecognizer, Reading


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
            from paddleocr import TextDetection
        except ImportError as exc:
            raise OcrUnavailable(f"PaddleOCR is not installed; {INSTALL_HINT}") from exc
        det = model_dirs(("det",))["det"]
        self._threads = threads
        common: dict = dict(engine="onnxruntime")
        if threads:
            common["engine_config"] = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
        self.det = TextDetection(model_name=det.name, model_dir=str(det.path), **common)
        # PP-OCRv4 read as PaddleOCR's TextRecognition reads it, one crop at a time, with each
        # character's probability besides (a pack's parts are scored apart).
        self.rec = CtcRecognizer(recognizer_weights("rec"), threads)

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Text boxes of a page image (H×W×3 uint8, BGR)."""
        result = self.det.predict(image, batch_size=1)[0]
        return [Detection(np.asarray(q, dtype=np.float32), float(s)) for q, s in zip(result["dt_polys"], result["dt_scores"])]

    def recognize(self, crops: list[np.ndarray]) -> list[Reading]:
        """The reading of each crop (H×W×3 uint8), in the order given.

        Short crops (a cell's number or label) are read several at a time: resized to the
        recogniser's line height and set side by side, a drawn dot between them, then the
        reading is split at the dots, each part scored by its own characters. One call
        instead of eight, and no padding of each to the recogniser's narrowest width: half
        the time on a form's short cells (measured). A pack whose split does not come out
        even is read again crop by crop.
        """
        out: list[Reading | None] = [None] * len(crops)
        widths = [_line_width(c) for c in crops]
        short = [i for i, w in enumerate(widths) if w <= PACK_MAX_CROP]
        packs: list[list[int]] = []
        for i in short:
            if not packs or sum(widths[j] + _SEPARATOR_WIDTH for j in packs[-1]) + widths[i] > PACK_LINE:
                packs.append([])
            packs[-1].append(i)
        multi = [pack for pack in packs if len(pack) > 1]
        for pack, reading in zip(multi, self.rec.read_all([_pack([crops[i] for i in pack]) for pack in multi])):
            parts = replace(reading, text=_SEPARATOR_READINGS.sub(SEPARATOR, reading.text)).split(SEPARATOR)
            if len(parts) == len(pack):
                for i, part in zip(pack, parts):
                    out[i] = part.stripped()
        # A part read unsurely is read alone too, and the likelier of the two readings stands:
        # each reads some crops better (measured: "≥" in a pack, "M" alone; "97(%)" in a pack,
        # "97(%):" alone).
        again = [i for i, part in enumerate(out) if part is None or part.score < PACK_SURE]
        for i, alone in zip(again, self.rec.read_all([crops[i] for i in again])):
            part = out[i]
            out[i] = alone if part is None else likelier(part, alone)
        return out  # type: ignore[return-value]

    def recognize_again(self, crops: list[np.ndarray]) -> list[Reading]:
        """The second recogniser's reading of each crop (extract/ocr/second.py)."""
        return self.second.read_all(crops)

    @cached_property
    def second(self) -> CtcRecognizer:
        """PP-OCRv6 small, loaded on the first page that has a doubt to settle."""
        return CtcRecognizer(recognizer_weights("rec2"), self._threads)


def likelier(a: Reading, b: Reading) -> Reading:
    """Of two readings of one crop, the surer by their mean — unless one reads all the other
    does and more, each character more read surely: a mean favours the reading that passed a
    small mark over (measured: "故" at 0.96 over "故。" at 0.94, "92%" over "92%。", "0.3%"
    over "0.3%0" — each time the longer was printed)."""
    for longer, shorter in ((a, b), (b, a)):
        extras = longer.extras_over(shorter)
        if extras and min(extras) >= EXTRA_SURE:
            return longer
    return b if b.score >= a.score else a


# Packing short crops into one line for the recogniser (see Engine.recognize).
LINE_HEIGHT = 48  # packs are built at this height; the recogniser resizes them to its own
PACK_MAX_CROP = 240  # crops at most this wide (at line height) are packed: a cell's value
PACK_LINE = 1200  # a pack's width at most
PACK_SURE = 0.97  # a part the pack read less surely than this is read again on its own
EXTRA_SURE = 0.8  # characters one reading holds beyond another, read this surely, stand
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


@cache
def get_engine(threads: int | None = None) -> Engine:
    """The process's engine (one per worker)."""
    return Engine(threads)
