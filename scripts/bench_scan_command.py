"""The scan ingest as a user runs it, against a plain PaddleOCR pass: whole processes,
timed from start to exit, alternated.

    python scripts/bench.py --scan-command [FOLDER] [--rounds 3] [--second-reading off]

FOLDER: scans (PDF, TIFF, PNG, JPEG; default fixtures/scans). Each round runs (a)
`jixiao ingest FOLDER --out TMP --workers 1 -q` and (b) a `python -c` that loads PaddleOCR's
full-page pipeline on the same weights (its shipped settings) and runs it on every page,
rendered as jixiao renders it. Prints the medians, the ratio (target <= 0.6) and s/page.
With --second-reading both, also (c) jixiao with the second reading switched off
(--no-second-reading), to give the second reading's share of the ingest.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}

PLAIN = """
import sys
sys.path.insert(0, {scripts!r})
from pathlib import Path
from bench_scans import plain_engine, plain_pass
engine = plain_engine()
for f in sys.argv[1:]:
    plain_pass(engine, Path(f))
"""


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def main(folder: Path, rounds: int = 3, second_reading: str = "on") -> None:
    from extract.document import open_document

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    if not files:
        sys.exit(f"no scans in {folder}")
    pages = sum(open_document(f).page_count for f in files)
    jixiao = str(Path(sys.executable).with_name("jixiao"))
    plain = [sys.executable, "-c", PLAIN.format(scripts=str(ROOT / "scripts")), *map(str, files)]
    ours, theirs, offs = [], [], []
    timed(plain[:2] + ["pass"])  # warm the file cache for the interpreter
    for _ in range(rounds):
        out = Path(tempfile.mkdtemp(prefix="bench-scan-"))
        try:
            ours.append(timed([jixiao, "ingest", str(folder), "--out", str(out / "a"), "--workers", "1", "-q"]))
            theirs.append(timed(plain))
            if second_reading == "both":
                offs.append(timed([jixiao, "ingest", str(folder), "--out", str(out / "c"), "--workers", "1", "-q",
                                   "--no-second-reading"]))
        finally:
            shutil.rmtree(out, ignore_errors=True)
    a, b = statistics.median(ours), statistics.median(theirs)
    line = (f"{len(files)} files, {pages} pages, {rounds} rounds: jixiao ingest --workers 1 {a:.1f} s "
            f"({a / pages:.2f} s/page); plain PaddleOCR pass {b:.1f} s ({b / pages:.2f} s/page); "
            f"ratio {a / b:.3f} (target <= 0.6)")
    if offs:
        c = statistics.median(offs)
        line += f"; without the second reading {c:.1f} s: the second reading costs {100 * (a - c) / c:.1f}% of the ingest"
    print(line)
    print(f"rounds: jixiao {[round(x, 1) for x in ours]}, plain {[round(x, 1) for x in theirs]}"
          + (f", no second reading {[round(x, 1) for x in offs]}" if offs else ""))
