"""Speed (and, on scans, accuracy) of jixiao against the obvious baseline, in one process.

    python scripts/bench.py [--rounds 5] [FOLDER]      text PDFs (default fixtures/text)
    python scripts/bench.py --scans [FOLDER]           scans (default fixtures/scans)
    python scripts/bench.py --scale 1000               a 1000-document batch on 2 workers
    python scripts/bench.py --command [--rounds 5] [--profile]
                                                       the whole `jixiao ingest` process against a
                                                       find_tables process (scripts/bench_command.py)
    python scripts/bench.py --scan-sweep 200 [--seed S] [--keep DIR] [--workers 2]   degraded scans, scored
    python scripts/bench.py --scan-command [FOLDER] [--second-reading both]   whole processes vs PaddleOCR
    python scripts/bench.py --sweep 500 [--seed S] [--office K] [--keep DIR]
                                                       typesetting variations through `jixiao ingest`

Text: for every PDF, the whole jixiao extraction (open, read pages, grid, segmentation,
values) against `page.find_tables(use_layout=False)` alone over the same pages. Rounds
alternate the two so machine noise hits both; the median round counts. Target ≤ 0.5.

Sweep (scripts/sweep/): N forms typeset differently (fonts, sizes, column widths, page
breaks through every row, Word-like and Excel-like breaking, label spellings, K of them
through LibreOffice), ingested with the real CLI and scored field by field.

Scans: per document, the whole jixiao ingest of it against a plain PaddleOCR full-page
pass (`PaddleOCR(...).predict` on the same page images, same PP-OCRv4 weights, PaddleOCR's
own settings), alternating. Also scores every field against the truth JSON. Target ≤ 0.6.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract.document import extract_forms  # noqa: E402


def run_jixiao(files: list[Path]) -> tuple[float, int]:
    started = time.perf_counter()
    forms = 0
    for f in files:
        forms += len(extract_forms(f)[0])
    return time.perf_counter() - started, forms


def run_find_tables(files: list[Path]) -> tuple[float, int]:
    started = time.perf_counter()
    tables = 0
    for f in files:
        with pymupdf.open(f) as doc:
            for page in doc:
                tables += len(page.find_tables(use_layout=False).tables)
    return time.perf_counter() - started, tables


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path)
    ap.add_argument("--rounds", type=int, default=5, help="rounds per measure (scans: at most 3)")
    ap.add_argument("--scans", action="store_true", help="benchmark the OCR path on scanned fixtures")
    ap.add_argument("--scale", type=int, metavar="N", help="ingest N generated text documents on 2 workers")
    ap.add_argument("--sweep", type=int, metavar="N", help="N layout variations through jixiao ingest, scored")
    ap.add_argument("--seed", type=int, default=1, help="--sweep: the variations' seed")
    ap.add_argument("--office", type=int, default=0, metavar="K", help="--sweep: K of them typeset by LibreOffice")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="--sweep: keep PDFs, dataset and results.jsonl in DIR")
    ap.add_argument("--scan-sweep", type=int, metavar="N",
                    help="N pages of randomly degraded scans through jixiao ingest, scored (--seed, --keep too)")
    ap.add_argument("--workers", type=int, default=2, help="--scan-sweep, --sweep: jixiao ingest --workers")
    ap.add_argument("--command", action="store_true",
                    help="whole processes: jixiao ingest --workers 1 vs find_tables, on fixtures and 部门决算-like PDFs")
    ap.add_argument("--profile", action="store_true", help="--command: also import time and a cProfile")
    ap.add_argument("--scan-command", action="store_true",
                    help="whole processes: jixiao ingest --workers 1 vs a plain PaddleOCR pass over FOLDER's scans")
    ap.add_argument("--second-reading", choices=("on", "both"), default="on",
                    help="--scan-command both: also time the ingest without the second reading")
    ap.add_argument("--executor", choices=("ray",), help="whole processes: jixiao ingest --executor ray vs local")
    ap.add_argument("--docs", type=int, default=1000, help="--executor: text documents to make")
    args = ap.parse_args()
    if args.executor:
        from bench_ray import main as ray_main

        ray_main(docs=args.docs, rounds=min(args.rounds, 2) if args.rounds == 5 else args.rounds, workers=args.workers)
        return
    if args.scan_command:
        from bench_scan_command import main as scan_command_main

        scan_command_main(args.folder or Path("fixtures/scans"), rounds=min(args.rounds, 3),
                          second_reading=args.second_reading)
        return
    if args.command:
        from bench_command import main as command_main

        command_main(args.rounds, keep=args.keep, do_profile=args.profile)
        return
    if args.scan_sweep:
        from scan_sweep.bench import main as scan_sweep_main

        scan_sweep_main(args.scan_sweep, seed=args.seed, keep=args.keep, workers=args.workers)
        return
    if args.sweep:
        from sweep.bench import main as sweep_main

        sweep_main(args.sweep, seed=args.seed, office=args.office, keep=args.keep, workers=args.workers)
        return
    if args.scale:
        from bench_scale import main as scale_main

        scale_main(args.scale)
        return
    if args.scans:
        from bench_scans import main as scans_main

        scans_main(args.folder or Path("fixtures/scans"), rounds=min(args.rounds, 3))
        return
    args.folder = args.folder or Path("fixtures/text")
    files = sorted(args.folder.glob("*.pdf"))
    pages = sum(pymupdf.open(f).page_count for f in files)
    if not files:
        sys.exit(f"no PDFs in {args.folder}")
    run_jixiao(files[:1])  # warm imports and the lexicon
    ours, theirs = [], []
    for _ in range(args.rounds):
        t, forms = run_jixiao(files)
        ours.append(t)
        t, tables = run_find_tables(files)
        theirs.append(t)
    a, b = statistics.median(ours), statistics.median(theirs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pages: {pages} in {len(files)} PDFs; forms: {forms}; find_tables tables: {tables}; rounds: {args.rounds}")
    print(f"jixiao whole text ingest:         {1000 * a / pages:7.2f} ms/page")
    print(f"find_tables(use_layout=False):    {1000 * b / pages:7.2f} ms/page")
    print(f"ratio jixiao / find_tables: {a / b:.3f} (target <= 0.5); peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
