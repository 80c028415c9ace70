"""How the lone-operator shapes (extract/ocr/glyphs.py) tell each printed operator, by face.

    python scripts/bench_glyphs.py

Every operator the forms print (≥ ≤ ≧ ≦ = ＝ ═ > <) rendered by PyMuPDF in the fixtures'
CJK faces at 9–12 pt, scanned at 150–300 dpi through optics blurring 0–1.5 px, and thresholded
as the OCR path thresholds a page (tests/test_glyphs.py's glyph_ink). Prints, per glyph and
face, what operator_shape made of it: a wrong shape is a misread the shape rule would write
over the recogniser's reading; "undecided" keeps the recogniser's reading with its doubt.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from extract.ocr.glyphs import operator_shape  # noqa: E402
from test_glyphs import FONT_CASES, glyph_ink  # noqa: E402

GLYPHS = {"≥": "≥", "≤": "≤", "≧": "≧", "≦": "≦", "=": "=", "＝": "=", "═": "═", ">": ">", "<": "<"}
SIZES = (9, 10, 10.5, 12)
DPIS = (150, 165, 180, 200, 240, 300)
BLURS = (0.0, 0.6, 0.8, 1.0, 1.2, 1.5)


def main() -> None:
    wrong_total = told_total = cases = 0
    print(f"{'glyph':5} {'face':8} {'told':>5} {'undecided':>9} {'wrong':>5}  wrong as")
    for glyph, meaning in GLYPHS.items():
        for face in FONT_CASES:
            shapes = Counter()
            for size in SIZES:
                for dpi in DPIS:
                    for blur in BLURS:
                        ink = glyph_ink(glyph, face, size, dpi, blur)
                        shapes["no glyph" if not ink.any() else operator_shape(ink)] += 1
            if shapes["no glyph"]:
                continue
            told, undecided = shapes[meaning], shapes[None]
            wrong = {k: v for k, v in shapes.items() if k not in (meaning, None)}
            n = sum(shapes.values())
            cases, told_total, wrong_total = cases + n, told_total + told, wrong_total + sum(wrong.values())
            print(f"{glyph:5} {face:8} {told:5} {undecided:9} {sum(wrong.values()):5}  "
                  + (", ".join(f"{k} {v}" for k, v in sorted(wrong.items())) or "-"))
    print(f"glyphs: {cases} renderings; told {told_total} ({told_total / cases:.1%}), wrong {wrong_total}")


if __name__ == "__main__":
    main()
