"""A second reading of what the first reading is unsure of.

PP-OCRv4 reads every text box; where it is unsure (a word scored below SECOND_READ_BELOW, or
a reading print does not make: extract/ocr/convert.py) PP-OCRv6 small, a recogniser trained
apart on other data (engine.SecondReader), reads the same crop. Two independent readings that
agree are trusted: the word keeps its text and takes AGREED_CONFIDENCE. Where they differ
nothing changes — the first reading stays, as unsure as it was, and the form goes to review
naming it. PP-OCRv5 mobile was measured first and dropped: it silently loses characters of
long lines at scores of 0.999. Measured on the degradation sweep (scripts/bench.py --scan-sweep).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from extract.ocr.convert import FONT_SHARE_OF_BOX, crop, without_specks
from extract.ocr.engine import Engine
from extract.pages.types import Word
from extract.values.text import normalize

# Words read below this are read again. Above it the first reading stands on its own.
SECOND_READ_BELOW = 0.85
# What two agreeing readings are worth: above the review threshold (values.form), below the
# operator threshold, so an operator still needs its ink shape to be trusted.
AGREED_CONFIDENCE = 0.9
# A second reading this unsure does not count as a reading.
MIN_SECOND_SCORE = 0.5
# Dashes as either recogniser reads a printed "-" or "—" (values hold them as "-").
_DASHES = str.maketrans({"一": "-", "—": "-", "–": "-", "－": "-", "‐": "-"})


def same_reading(first: str, second: str) -> bool:
    """Whether two readings say the same, as the dataset stores text (NFKC, straight quotes,
    no spaces beside Chinese characters)."""
    a, b = (normalize(without_specks(t)) for t in (first, second))
    if len(a) == 1 and len(b) == 1:
        a, b = a.translate(_DASHES), b.translate(_DASHES)
    return bool(a) and a == b


def read_doubts_again(engine: Engine, grids, pixels: np.ndarray, scale: float) -> int:
    """Read every unsure word of the tables again with the second recogniser; returns how
    many doubts two readings settled. `pixels`: the image the first reading was cut from."""
    targets: list[tuple[object, int, Word]] = []
    for grid in grids:
        for cell in grid.cells:
            for i, word in enumerate(cell.words):
                if word.confidence < SECOND_READ_BELOW:
                    targets.append((cell, i, word))
    if not targets:
        return 0
    crops = [crop(pixels, (w.x0 / scale, w.y0 / scale, w.x1 / scale, w.y1 / scale)) for _, _, w in targets]
    settled = 0
    for (cell, i, word), (text, score) in zip(targets, engine.recognize_again(crops)):
        if score >= MIN_SECOND_SCORE and same_reading(word.text, text):
            cell.words[i] = replace(word, confidence=max(word.confidence, AGREED_CONFIDENCE))
            settled += 1
    return settled


def _lines(words: list[Word]) -> list[list[Word]]:
    """The words grouped into printed lines: boxes that overlap in height."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.cy):
        if lines and w.y0 < min(v.y1 for v in lines[-1]) and w.cy > max(v.y0 for v in lines[-1]):
            lines[-1].append(w)
        else:
            lines.append([w])
    return lines


def read_lines_again(engine: Engine, cell, blobs, pixels: np.ndarray, scale: float) -> list[Word] | None:
    """The cell's words with every line that holds ink its text boxes missed (`blobs`, pixel
    boxes) read again across the cell's width by both recognisers, each such line replaced
    by their agreed reading; None where a blob lies on no line or a line's readings differ."""
    lines = _lines(cell.words)
    bands = [(min(w.y0 for w in ln) / scale, max(w.y1 for w in ln) / scale) for ln in lines]
    touched: dict[int, list] = {}
    for b in blobs:
        cy = (b[1] + b[3]) / 2
        at = [i for i, (y0, y1) in enumerate(bands) if y0 - 2 <= cy <= y1 + 2]
        if len(at) != 1:
            return None
        touched.setdefault(at[0], []).append(b)
    crops, rects = [], []
    for i, hits in touched.items():
        y0, y1 = bands[i]
        x0 = max(cell.x0 / scale + 1, min(min(w.x0 for w in lines[i]) / scale, min(b[0] for b in hits) - 3))
        x1 = min(cell.x1 / scale - 1, max(max(w.x1 for w in lines[i]) / scale, max(b[2] for b in hits) + 3))
        rects.append((x0, y0, x1, y1))
        crops.append(crop(pixels, rects[-1]))
    firsts, seconds = engine.recognize(crops), engine.recognize_again(crops)
    out = {i: ln for i, ln in enumerate(lines)}
    for i, (x0, y0, x1, y1), (a, sa), (b, sb) in zip(touched, rects, firsts, seconds):
        if min(sa, sb) < MIN_SECOND_SCORE or not same_reading(a, b):
            return None
        h = (y1 - y0) * scale
        out[i] = [Word(text=without_specks(a.strip()), x0=x0 * scale, y0=y0 * scale, x1=x1 * scale, y1=y1 * scale,
                       baseline=(y0 + y1) / 2 * scale, size=h * FONT_SHARE_OF_BOX, confidence=AGREED_CONFIDENCE)]
    return [w for i in sorted(out) for w in out[i]]
