"""The PaddleOCR engine (ONNX Runtime, no PaddlePaddle): detection and recognition as two
models, loaded once per process and kept warm.

Only this module imports paddleocr, and only when a page needs OCR: the text path never
pays for the import (~1 s) or the models (~0.4 s).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

import numpy as np

from extract.errors import OcrUnavailable
from extract.ocr.models import INSTALL_HINT, model_dirs

# Recognition batches: crops sorted by width and batched in eights pad little (FACTS: padding
# to the widest crop of a batch is what makes large batches slow).
REC_BATCH = 8


@dataclass(frozen=True)
class Detection:
    """A text box found by the detector: its quad in image pixels and its score."""

    quad: np.ndarray  # 4×2, clockwise from top-left
    score: float


class Engine:
    def __init__(self) -> None:
        # Without this, importing paddleocr probes model hosts this machine cannot reach (~3 s).
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            from paddleocr import TextDetection, TextRecognition
        except ImportError as exc:
            raise OcrUnavailable(f"PaddleOCR is not installed; {INSTALL_HINT}") from exc
        dirs = model_dirs()
        common = dict(engine="onnxruntime")
        self.det = TextDetection(model_name=dirs["det"].name, model_dir=str(dirs["det"].path), **common)
        self.rec = TextRecognition(model_name=dirs["rec"].name, model_dir=str(dirs["rec"].path), **common)

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Text boxes of a page image (H×W×3 uint8, BGR)."""
        result = self.det.predict(image, batch_size=1)[0]
        return [Detection(np.asarray(q, dtype=np.float32), float(s)) for q, s in zip(result["dt_polys"], result["dt_scores"])]

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and score of each crop (H×W×3 uint8), in the order given."""
        if not crops:
            return []
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / max(1, crops[i].shape[0]))
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        results = self.rec.predict([crops[i] for i in order], batch_size=REC_BATCH)
        for i, res in zip(order, results):
            out[i] = (str(res["rec_text"]), float(res["rec_score"]))
        return out


@cache
def get_engine() -> Engine:
    """The process's engine (one per worker)."""
    return Engine()
