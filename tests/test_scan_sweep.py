"""A small fixed sample of the scan degradation sweep (scripts/scan_sweep/) through the batch
ingest: every form is found and no wrong field sits in a form not under review.

The sample (seed 21, 6 pages in 4 files: two PNGs, two image-only PDFs) holds a turned
binarised photocopy, grey and red, opaque and faint seals over values, labels and the grade,
a binding shadow, uneven light, bleed-through, broken rules and a 153 dpi scan.
Accuracy and the share under review are the benchmark's
business (scripts/bench.py --scan-sweep 200), not this test's.
"""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

pytest.importorskip("paddleocr", reason="the OCR extra is not installed")
pytestmark = pytest.mark.ocr

sys.path.insert(0, str(ROOT / "scripts"))
from scan_sweep.generate import make_sweep  # noqa: E402
from scan_sweep.score import score_sweep  # noqa: E402

from extract.batch import IngestConfig, ingest  # noqa: E402

SAMPLE_SEED = 21
SAMPLE_PAGES = 5


def test_degraded_scans_find_every_form_and_flag_every_error(tmp_path):
    sweep = make_sweep(tmp_path / "scans", SAMPLE_PAGES, SAMPLE_SEED)
    assert not sweep.skipped, sweep.skipped
    assert 4 <= sweep.pages <= 6
    summary = ingest([tmp_path / "scans"], tmp_path / "out", IngestConfig(workers=2))
    assert summary.failed == 0, summary.failures
    score = score_sweep(sweep.made, tmp_path / "out")
    missing = [(v.file, f.form_index) for v in score.variations for f in v.forms if not f.found]
    assert not missing, f"forms not found: {missing}"
    silent = [f"{w.variation} {w.where}: got {w.got!r}, want {w.want!r} ({', '.join(w.tags)})" for w in score.silent]
    assert not silent, "wrong but not flagged:\n" + "\n".join(silent)
