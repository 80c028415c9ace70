"""The scale half of scripts/bench.py: many text documents on 2 workers.

Makes N distinct documents (the seed fixture with different metadata, so different bytes),
ingests the first N/4, N/2 and N into fresh dataset folders, and prints throughput, peak
memory of the workers, and seconds per document at each size (flat = linear growth).
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import pymupdf

from extract.batch import IngestConfig, ingest

SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "text" / "seed_hongqiao.pdf"


def make_corpus(folder: Path, n: int) -> list[Path]:
    paths = []
    with pymupdf.open(SOURCE) as doc:
        for i in range(n):
            doc.set_metadata({"title": f"scale copy {i}"})
            path = folder / f"doc{i:05}.pdf"
            doc.save(path)
            paths.append(path)
    return paths


def main(n: int = 1000, workers: int = 2) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = make_corpus(root / "corpus", n) if (root / "corpus").mkdir() is None else []
        pages = pymupdf.open(SOURCE).page_count
        rows = []
        for size in (n // 4, n // 2, n):
            batch = root / f"batch{size}"
            batch.mkdir()
            for p in paths[:size]:
                (batch / p.name).symlink_to(p)
            started = time.perf_counter()
            summary = ingest([batch], root / f"out{size}", IngestConfig(workers=workers))
            seconds = time.perf_counter() - started
            assert summary.ok == size, summary
            rows.append((size, seconds, summary.forms))
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        for size, seconds, forms in rows:
            print(f"  {size:5} documents ({size * pages} pages, {forms} forms): {seconds:6.1f} s, "
                  f"{1000 * seconds / size:6.1f} ms/document, {size * pages / seconds:6.1f} pages/s")
        growth = (rows[-1][1] / rows[-1][0]) / (rows[0][1] / rows[0][0])
        print(f"scale: {n} documents on {workers} workers: {n * pages / rows[-1][1]:.1f} pages/s; "
              f"time per document at {n} vs {n // 4}: {growth:.2f}x (1.0 = linear); peak worker RSS {peak_mb:.0f} MB")
