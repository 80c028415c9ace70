"""Degradation sweep for scans: every text fixture with a truth re-made as scans under random,
seeded degradations (seals over values, labels and the grade, photocopies, bleed-through,
shadows, broken rules, JPEG, low dpi, turns), then read through the real `jixiao ingest`.

    python scripts/bench.py --scan-sweep 200 [--seed S] [--keep DIR] [--workers 2]

Modules: sources (text fixtures, page ranges, sliced truth), params (the frozen parameter
sets and their tags), targets (where values, labels and grades are printed, from the text
layer), seals, degrade (pixels), output (PDF/TIFF/PNG/JPEG), generate (the plan and the
files), score (the dataset against the truth, misread kinds), bench (the benchmark).
"""

from __future__ import annotations

import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1]
ROOT = SCRIPTS.parent
for _p in (str(ROOT), str(SCRIPTS)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
