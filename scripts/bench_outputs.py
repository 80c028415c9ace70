"""Speed of the outputs people open, against the plainest way to make the same bytes.

    python scripts/bench_outputs.py [--rounds 5] [FOLDER]    (default fixtures/text)
    python scripts/bench_outputs.py --scale 300                 a 300-document archive

Ingests FOLDER once into a temporary dataset, then alternates, round by round:
- `jixiao report` (HTML with page crops) against rendering the same form pages with plain
  PyMuPDF at the same resolution as JPEG (the unavoidable part of the work);
- `jixiao export --format xlsx` against polars' own `write_excel` of the same tables.
The median round counts; ratios are what to compare across machines.

--scale N: N copies of the seed document (3 forms each), the report with --crops all,
flagged and none: size, time and the peak memory of this process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract.batch import IngestConfig, ingest  # noqa: E402
from extract.dataset.export import export_xlsx, flatten  # noqa: E402
from extract.dataset.load import load_tables  # noqa: E402
from extract.report import ReportOptions, write_report  # noqa: E402


def plain_crops(tables: dict[str, pl.DataFrame], dpi: float) -> int:
    docs = {r["doc_id"]: r["source"] for r in tables["documents"].to_dicts()}
    n = 0
    for form in tables["forms"].to_dicts():
        with pymupdf.open(docs[form["doc_id"]]) as doc:
            for p in range(form["page_start"], form["page_end"] + 1):
                doc[p - 1].get_pixmap(dpi=int(dpi)).tobytes("jpeg", jpg_quality=70)
                n += 1
    return n


def plain_xlsx(tables: dict[str, pl.DataFrame], path: Path) -> None:
    import xlsxwriter

    with xlsxwriter.Workbook(path) as wb:
        for name, frame in tables.items():
            flat = flatten(frame).with_columns(pl.col(pl.List(pl.String)).list.join("; "))
            flat.write_excel(wb, worksheet=name[:31])


def scale(n: int) -> None:
    import resource

    from bench_scale import make_corpus

    with tempfile.TemporaryDirectory() as tmp:
        corpus, data = Path(tmp) / "corpus", Path(tmp) / "ds"
        corpus.mkdir()
        make_corpus(corpus, n)
        ingest([corpus], data, IngestConfig())
        for crops in ("all", "flagged", "none"):
            t = time.perf_counter()
            s = write_report(data, Path(tmp) / f"{crops}.html", ReportOptions(crops=crops))
            print(f"report --crops {crops}: {s.forms} forms, {s.crops} page crops, {s.bytes / 1e6:.1f} MB, "
                  f"{time.perf_counter() - t:.1f} s")
        print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=Path("fixtures/text"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--scale", type=int, metavar="N", help="report on N generated documents")
    args = ap.parse_args(argv)
    if args.scale:
        scale(args.scale)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "ds"
        ingest([args.folder], data, IngestConfig(workers=1))
        tables = load_tables(data)
        forms = tables["forms"].height
        times = {"report": [], "crops": [], "xlsx": [], "write_excel": []}
        for _ in range(args.rounds):
            t = time.perf_counter()
            summary = write_report(data, Path(tmp) / "r.html", ReportOptions())
            times["report"].append(time.perf_counter() - t)
            t = time.perf_counter()
            pages = plain_crops(tables, ReportOptions().dpi)
            times["crops"].append(time.perf_counter() - t)
            t = time.perf_counter()
            export_xlsx(tables, Path(tmp) / "a.xlsx", "zh")
            times["xlsx"].append(time.perf_counter() - t)
            t = time.perf_counter()
            plain_xlsx(tables, Path(tmp) / "b.xlsx")
            times["write_excel"].append(time.perf_counter() - t)
        m = {k: statistics.median(v) for k, v in times.items()}
        print(f"{forms} forms, {pages} form pages, report {summary.bytes / 1e6:.1f} MB, {args.rounds} rounds")
        print(f"report: {m['report']:.2f} s ({1000 * m['report'] / forms:.0f} ms/form); plain page renders "
              f"{m['crops']:.2f} s; ratio {m['report'] / m['crops']:.2f}")
        print(f"xlsx export: {m['xlsx']:.2f} s; polars write_excel {m['write_excel']:.2f} s; "
              f"ratio {m['xlsx'] / m['write_excel']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
