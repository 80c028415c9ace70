"""An archive through the whole command: cost per document as the dataset grows, memory, and
how a second worker scales.

    python scripts/bench_archive.py [--docs 10000] [--workers 1 2] [--keep DIR] [--code DIR]

Makes N distinct text documents (the seed fixture, 5 pages and 3 forms, each copy with its
own metadata so its bytes and doc_id differ), then runs `jixiao ingest CORPUS --out OUT
--workers W` as a whole process for each W. Its per-document progress lines are timestamped
as they arrive, and the RSS of the process tree (the CLI and its workers) is sampled every
0.2 s. Prints, per run: the whole command's seconds, documents per second over the first and
the last 1,000 documents (their ratio shows whether the cost per document stays flat while
the dataset grows), the driver's peak RSS over the first 1,000 documents, over all of them and
after them (compaction and the audit), and the peak of all processes together; and the
throughput of W workers against one. `--code DIR`: run the jixiao package found in DIR (a
worktree of another commit) instead of this checkout's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "fixtures" / "text" / "seed_hongqiao.pdf"
WINDOW = 1000


def make_corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with pymupdf.open(SOURCE) as doc:
        for i in range(n):
            path = folder / f"doc{i:05}.pdf"
            if not path.exists():
                doc.set_metadata({"title": f"archive copy {i}"})
                doc.save(path)


def _tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


class _Sampler(threading.Thread):
    def __init__(self, pid: int, started: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.started, self.total, self.stop = pid, started, 0.0, threading.Event()
        self.driver: list[tuple[float, float]] = []  # (seconds, MB)

    def run(self) -> None:
        while not self.stop.wait(0.2):
            self.driver.append((time.perf_counter() - self.started, _rss_mb(self.pid)))
            self.total = max(self.total, sum(_rss_mb(p) for p in _tree(self.pid)))


def run(corpus: Path, out: Path, workers: int, code: Path | None) -> dict:
    env = {**os.environ, "JIXIAO_CHECKPOINT_SECONDS": "1e9"}  # checkpoints by count, as in a long run
    if code:
        env["PYTHONPATH"] = str(code)
    cmd = [sys.executable, "-c", "import sys; from extract.cli.main import app; sys.argv[0] = 'jixiao'; app()",
           "ingest", str(corpus), "--out", str(out), "--workers", str(workers)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
                            cwd=code or ROOT)
    sampler = _Sampler(proc.pid, started)
    sampler.start()
    stamps = []
    for line in proc.stderr:
        if line.startswith("["):
            stamps.append(time.perf_counter() - started)
    proc.wait()
    seconds = time.perf_counter() - started
    sampler.stop.set()
    if proc.returncode:
        raise SystemExit(f"ingest failed ({proc.returncode})")
    n = len(stamps)
    w = min(WINDOW, n // 2)
    first = w / (stamps[w - 1] - stamps[0]) if w > 1 else float("nan")
    last = w / (stamps[-1] - stamps[-w]) if w > 1 else float("nan")
    # The driver while documents are read, and after the last one (compaction, then the audit,
    # which holds the forms, lines and indicators of the whole dataset).
    reading = max((mb for t, mb in sampler.driver if t <= stamps[-1]), default=0.0)
    end = max((mb for t, mb in sampler.driver if t > stamps[-1]), default=0.0)
    at = [mb for t, mb in sampler.driver if t <= stamps[min(w, n) - 1]]
    return dict(workers=workers, docs=n, seconds=seconds, first=first, last=last, driver_first=max(at, default=0.0),
                driver_mb=reading, end_mb=end, total_mb=sampler.total)


def main(docs: int, workers: list[int], keep: Path | None, code: Path | None) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench_archive_"))
    corpus = (keep or tmp) / f"corpus{docs}"
    try:
        started = time.perf_counter()
        make_corpus(corpus, docs)
        print(f"{docs} documents ({pymupdf.open(SOURCE).page_count} pages each) ready in "
              f"{time.perf_counter() - started:.0f} s")
        rows = []
        for w in workers:
            out = tmp / f"out{w}"
            r = run(corpus, out, w, code)
            shutil.rmtree(out, ignore_errors=True)
            rows.append(r)
            print(f"  --workers {w}: {r['seconds']:.1f} s whole command, {r['docs'] / r['seconds']:.1f} documents/s; "
                  f"first {WINDOW} {r['first']:.1f}/s, last {WINDOW} {r['last']:.1f}/s "
                  f"(last/first {r['last'] / r['first']:.2f}); peak RSS of the driver: first {WINDOW} documents "
                  f"{r['driver_first']:.0f} MB, all documents {r['driver_mb']:.0f} MB, after them (compaction, audit) "
                  f"{r['end_mb']:.0f} MB; all processes {r['total_mb']:.0f} MB", flush=True)
        base = next((r for r in rows if r["workers"] == 1), None)
        for r in rows:
            if base and r is not base:
                print(f"  {r['workers']} workers vs 1: {base['seconds'] / r['seconds']:.2f}x documents per second")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--keep", type=Path, help="make (or reuse) the corpus in DIR")
    ap.add_argument("--code", type=Path, help="a folder holding another commit's extract/ package")
    args = ap.parse_args()
    main(args.docs, args.workers, args.keep, args.code)
