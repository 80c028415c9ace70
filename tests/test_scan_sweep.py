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


def test_a_binarised_copy_with_a_dark_edge_is_read_through_its_field_of_specks(tmp_path):
    """A black-and-white copy lit unevenly: the shade towards the right edge comes out as a
    field of specks over the indicator columns. Cleared before reading, the indicators' names,
    targets and actuals are read right (left as they were, most were read empty). Truth: the
    source's own record."""
    from scan_sweep.generate import _Targets, make_variation
    from scan_sweep.params import Binarise, Light, PageParams, ScanParams, Variation
    from scan_sweep.sources import load_sources

    scan = ScanParams(kind="tiff", dpi=220, colour=False, quality=80, blur=0.56, noise=9.5,
                      binarise=Binarise(threshold=184, speckle=0.0005))
    page = PageParams(page=1, source_page=1, seed=935237838, skew=-1.2, turn=0,
                      light=Light(kind="uneven", edge="right", strength=0.3, width=0.05))
    variation = Variation("dark_edge_anhui_p1-1", "anhui", 1, 1, scan, (page,))
    (tmp_path / "scans").mkdir()
    made = make_variation(variation, {s.name: s for s in load_sources()}, _Targets(), tmp_path / "scans")
    summary = ingest([tmp_path / "scans"], tmp_path / "out", IngestConfig(workers=1))
    assert summary.failed == 0, summary.failures
    score = score_sweep([made], tmp_path / "out")
    outcome = score.variations[0]
    assert outcome.forms and all(f.found for f in outcome.forms), outcome.error
    assert not score.silent, score.silent
    indicators = [(w.where, w.got, w.want) for w in outcome.wrong
                  if w.group in ("level names", "level3", "target/actual", "structure")]
    assert not indicators, indicators
