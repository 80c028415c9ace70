"""What a SIGKILL costs a batch: documents lost, and whether the re-run finishes it.

    python scripts/bench_kill.py [--docs 600] [--workers 2] [--at 35] [--kills 5] [--seed 0]

Makes N distinct text documents (the text and variant fixtures, each saved with its own
metadata so every file has its own bytes), ingests them once uninterrupted with the real
CLI (a process, as a user runs it), then kills the CLI and its workers with SIGKILL to the
process group at --at seconds and at --kills moments drawn at random over the
uninterrupted run's duration. For each kill: the documents the CLI had reported as read
(its progress lines), the documents in the dataset it left, the loss, and whether the
re-run's tables equal the uninterrupted run's (`seconds` aside, rows sorted). One summary
line at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl
import pymupdf

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "fixtures" / "text").glob("*.pdf"), *(ROOT / "fixtures" / "variants" / "text").glob("*.pdf")])
sys.path.insert(0, str(ROOT))
from extract.dataset import read_table

CLI = [sys.executable, "-c", "import sys; from extract.cli.main import app; sys.exit(app())"]
PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] ")
KEYS = {"documents": ["path"], "forms": ["path", "form_index"], "fund_lines": ["form_id", "line_index"],
        "indicators": ["form_id", "indicator_index"]}


def make_corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        src = SOURCES[i % len(SOURCES)]
        with pymupdf.open(src) as doc:
            doc.set_metadata({"title": f"kill bench {i}"})
            doc.save(folder / f"{i:04}_{src.name}")


def tables(out: Path) -> dict[str, pl.DataFrame]:
    frames = {}
    for name, keys in KEYS.items():
        frame = pl.read_parquet(out / f"{name}.parquet").sort(keys)
        frames[name] = frame.drop("seconds") if name == "documents" else frame
    return frames


def ingest(corpus: Path, out: Path, workers: int) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "ingest", str(corpus), "--out", str(out), "--workers", str(workers)],
                            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def run_killed(corpus: Path, out: Path, workers: int, at: float) -> tuple[int, int, bool]:
    """Kill at `at` seconds after start: (documents reported, documents in the dataset, finished first)."""
    proc = ingest(corpus, out, workers)
    reported = [0]

    def read() -> None:
        for line in proc.stderr:
            if m := PROGRESS.match(line):
                reported[0] = int(m[1])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc.wait(timeout=at)
        finished = True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        finished = False
    reader.join(5)
    saved = read_table(out, "documents").height  # flat file and the checkpoints' parts
    return reported[0], saved, finished


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--at", type=float, default=35.0, help="one kill at this many seconds")
    ap.add_argument("--kills", type=int, default=5, help="kills at random moments besides --at")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_corpus(root / "corpus", args.docs)
        started = time.perf_counter()
        whole = ingest(root / "corpus", root / "whole", args.workers)
        whole.communicate()
        duration = time.perf_counter() - started
        expected = tables(root / "whole")
        print(f"uninterrupted: {args.docs} documents in {duration:.1f} s "
              f"({args.docs / duration:.1f} documents/s, {args.workers} workers)")
        moments = [args.at] + sorted(rng.uniform(0, duration) for _ in range(args.kills))
        losses, equal = [], 0
        for k, at in enumerate(moments):
            out = root / f"killed{k}"
            reported, saved, finished = run_killed(root / "corpus", out, args.workers, at)
            resume = ingest(root / "corpus", out, args.workers)
            resume.communicate()
            same = all(tables(out)[name].equals(frame) for name, frame in expected.items())
            equal += same
            lost = max(0, reported - saved)
            if not finished:
                losses.append(lost)
            print(f"  kill at {at:5.1f} s: {reported:4} reported read, {saved:4} in the dataset, lost {lost:3}"
                  f"{' (finished before the kill)' if finished else ''}; re-run equals uninterrupted: {same}")
        worst = max(losses, default=0)
        mean = sum(losses) / len(losses) if losses else 0.0
        print(f"kill: {len(losses)} kills on {args.docs} documents, {args.workers} workers: lost {mean:.1f} "
              f"documents on average, {worst} at worst; {equal}/{len(moments)} re-runs equal the uninterrupted run")


if __name__ == "__main__":
    main()
