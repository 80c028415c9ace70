#!/usr/bin/env python3
"""What the lying-layer checks (extract/pages/layer.py) cost on clean text pages.

    python scripts/bench_layer.py [--rounds 9] [PDF ...]     # default: fixtures/text/*.pdf

Times (process CPU time) `extract.document.extract_forms` over the PDFs with the checks on and with them off
(`partial_layer` and `LayerCheck.lies` answering False), alternating document by document
in one process so that both see the same caches and machine load; prints the medians and
their ratio, the time spent inside the checks themselves (exact, whatever the noise of a
shared machine), and which OCR modules got imported (none, on clean pages).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import extract.document as document  # noqa: E402


class _NoCheck(document.LayerCheck):
    def lies(self, record, page, layout) -> bool:
        return False


_inside = [0.0]  # seconds spent in the checks during the rounds with checks on


def _timed(fn):
    def wrapper(*args):
        started = time.process_time()
        try:
            return fn(*args)
        finally:
            _inside[0] += time.process_time() - started
    return wrapper


class _TimedCheck(document.LayerCheck):
    lies = _timed(document.LayerCheck.lies)


def _run(paths: list[Path], checks: bool) -> float:
    saved = document.partial_layer, document.LayerCheck
    if checks:
        document.partial_layer, document.LayerCheck = _timed(saved[0]), _TimedCheck
    else:
        document.partial_layer, document.LayerCheck = (lambda *a: False), _NoCheck
    try:
        started = time.process_time()  # CPU time: what other users of a shared machine disturb least
        for p in paths:
            document.extract_forms(p)
        return time.process_time() - started
    finally:
        document.partial_layer, document.LayerCheck = saved


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    paths = args.pdfs or sorted((ROOT / "fixtures" / "text").glob("*.pdf"))
    pages = sum(document.read_layouts(p).page_count for p in paths)
    _run(paths, True), _run(paths, False)  # warm-up: imports, lexicon, fonts
    _inside[0] = 0.0
    # Alternation per document, not per pass: the load of a shared machine drifts over a pass.
    on, off = [], []
    for i in range(args.rounds):
        t_on = t_off = 0.0
        for j, p in enumerate(paths):
            for checks in ((True, False) if (i + j) % 2 == 0 else (False, True)):
                dt = _run([p], checks)
                if checks:
                    t_on += dt
                else:
                    t_off += dt
        on.append(t_on)
        off.append(t_off)
    m_on, m_off = statistics.median(on), statistics.median(off)
    print(f"{len(paths)} documents, {pages} pages, {args.rounds} alternating rounds")
    print(f"checks off: median {m_off * 1000:.1f} ms ({m_off / pages * 1000:.2f} ms/page)")
    print(f"checks on:  median {m_on * 1000:.1f} ms ({m_on / pages * 1000:.2f} ms/page)")
    print(f"ratio on/off: {m_on / m_off:.3f} (medians), {min(on) / min(off):.3f} (fastest rounds)")
    per_page = _inside[0] / len(on) / pages
    print(f"inside the checks: {per_page * 1e6:.0f} µs/page ({per_page / (m_off / pages):.2%} of the extraction)")
    ocr = sorted(m for m in sys.modules if m.startswith(("extract.ocr", "paddleocr", "paddlex", "cv2")))
    print("OCR modules imported:", ", ".join(ocr) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
