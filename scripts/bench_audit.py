"""What the cross-project checks cost `jixiao audit`, on an archive of N documents.

    python scripts/bench_audit.py [--docs 1000] [--rounds 7]

Ingests fixtures/consistency (14 documents, 32 forms, every consistency check planted),
then makes an archive of N documents from it by renaming: copy k of each document gets its
departments and projects suffixed with k, so the archive has N/14 times the departments,
each with the same structure (its planted cases included) — groups as in a real province,
not one giant group. Times the whole audit (`extract.audit.audit`: per-form checks, the
cross-project checks, the department table) against the per-form checks alone, alternating
rounds in one process; prints the medians and the ratio (target ≤ 1.10).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.audit import CHECKS, FINDINGS, audit, load_rules  # noqa: E402
from extract.audit.checks import build_context  # noqa: E402
from extract.batch import IngestConfig, ingest  # noqa: E402
from extract.dataset import read_dataset  # noqa: E402


def scaled(tables: dict[str, pl.DataFrame], copies: int) -> dict[str, pl.DataFrame]:
    out: dict[str, list[pl.DataFrame]] = {name: [] for name in ("documents", "forms", "fund_lines", "indicators")}
    for k in range(copies):
        tag = f"#{k}"
        out["documents"].append(tables["documents"].with_columns(pl.col("doc_id") + tag))
        out["forms"].append(tables["forms"].with_columns(
            pl.col("form_id") + tag, pl.col("doc_id") + tag,
            pl.col("department") + tag, pl.col("project_name") + tag))
        for name in ("fund_lines", "indicators"):
            out[name].append(tables[name].with_columns(pl.col("form_id") + tag))
    return {name: pl.concat(frames) for name, frames in out.items()}


def per_form_only(tables: dict[str, pl.DataFrame], rules) -> pl.DataFrame:
    """The audit as it was before the cross-project checks: the per-form checks, cast,
    concatenated and sorted."""
    ctx = build_context(tables["forms"], tables["fund_lines"], tables["indicators"], rules)
    schema = {k: v for k, v in FINDINGS.items() if k != "related_forms"}
    findings = pl.concat([check(ctx).cast(schema) for check in CHECKS.values()])
    return findings.sort("form_id", "indicator_index", "check", nulls_last=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    rules = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        ingest([ROOT / "fixtures" / "consistency"], Path(tmp), IngestConfig(workers=2))
        base = read_dataset(Path(tmp))
    copies = max(1, round(args.docs / base["documents"].height))
    tables = scaled(base, copies)
    print(f"archive: {tables['documents'].height} documents, {tables['forms'].height} forms, "
          f"{tables['indicators'].height} indicators")
    whole, alone = [], []
    audit(tables, rules)  # warm
    for _ in range(args.rounds):
        started = time.perf_counter()
        result = audit(tables, rules)
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        per_form_only(tables, rules)
        alone.append(time.perf_counter() - started)
    a, b = statistics.median(whole), statistics.median(alone)
    across = result.findings.filter(pl.col("check").str.starts_with("consistency.")).height
    command = whole_command(tables, args.rounds)
    print(f"in one process: audit with cross-project checks {a * 1000:.0f} ms, per-form checks alone {b * 1000:.0f} ms "
          f"(ratio {a / b:.2f}); {across} consistency findings, {result.consistency.height} department-years")
    print(f"jixiao audit, the whole command: {command:.2f} s; the cross-project checks add {(a - b) * 1000:.0f} ms = "
          f"{100 * (a - b) / (command - (a - b)):.1f}% (target <= 10%)")


def whole_command(tables: dict[str, pl.DataFrame], rounds: int) -> float:
    """Median wall time of `jixiao audit DIR` (process start to exit) on the archive."""
    import subprocess

    from extract.dataset import write_dataset
    from extract.dataset.schema import TABLES

    with tempfile.TemporaryDirectory() as tmp:
        frames = {name: tables.get(name, pl.DataFrame(schema=schema)) for name, schema in TABLES.items()}
        write_dataset(Path(tmp), {name: f.cast(TABLES[name], strict=False) if name in tables else f
                                  for name, f in frames.items()})
        cli = [sys.executable, "-c", "import sys; from extract.cli.main import app; sys.exit(app())", "audit", tmp]
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            subprocess.run(cli, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
