"""`jixiao ingest --executor ray` against the local executor, whole processes on one machine.

    python scripts/bench.py --executor ray [--docs 1000] [--rounds 2] [--workers 2]

Text: N distinct copies of the seed fixture (scripts/bench_archive.py's corpus); scans: the
scan fixtures. Each round runs `jixiao ingest CORPUS --out OUT --workers W` and the same with
`--executor ray` (Ray started by the command, as a user on one machine gets it), alternated,
from process start to exit. Prints the medians and the overhead ratio ray / local; the
datasets of the two are compared table by table (seconds aside).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_archive import make_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
JIXIAO = str(Path(sys.executable).with_name("jixiao"))
TABLES = ("documents", "forms", "fund_lines", "indicators", "boxes", "pages")


VARIANTS = {"local": [], "ray": ["--executor", "ray"], "ray cluster": ["--executor", "ray", "--ray-address", "auto"]}


def run(corpus: Path, out: Path, workers: int, variant: str) -> float:
    if out.exists():
        shutil.rmtree(out)
    cmd = [JIXIAO, "ingest", str(corpus), "--out", str(out), "--workers", str(workers), "--quiet", *VARIANTS[variant]]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def same(a: Path, b: Path) -> bool:
    for name in TABLES:
        x, y = (pl.read_parquet(d / f"{name}.parquet") for d in (a, b))
        if name == "documents":
            x, y = x.drop("seconds"), y.drop("seconds")
        if not x.sort(x.columns[:4], nulls_last=True).equals(y.sort(y.columns[:4], nulls_last=True)):
            return False
    return True


def measure(label: str, corpus: Path, workers: int, rounds: int, tmp: Path, ray_variant: str) -> float:
    """Medians of local and `ray_variant`, alternated round by round; their ratio."""
    times: dict[str, list[float]] = {"local": [], ray_variant: []}
    for _ in range(rounds):
        for variant in times:
            times[variant].append(run(corpus, tmp / variant.replace(" ", "-"), workers, variant))
    med = {v: statistics.median(t) for v, t in times.items()}
    ratio = med[ray_variant] / med["local"]
    print(f"{label}, {ray_variant}: local {med['local']:.1f} s, ray {med[ray_variant]:.1f} s, ratio {ratio:.3f} "
          f"(rounds {rounds}, workers {workers}); same tables: {same(tmp / 'local', tmp / ray_variant.replace(' ', '-'))}",
          flush=True)
    return ratio


def main(docs: int = 1000, rounds: int = 2, workers: int = 2, scans: bool = True) -> None:
    """First with Ray started by each command (no cluster running), then against a head
    started once (`ray start --head`), as on a cluster that is up."""
    ray_cli = str(Path(sys.executable).with_name("ray"))
    corpora = {"text": None, "scans": ROOT / "fixtures" / "scans"}
    ratios: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as t:
        tmp = Path(t)
        make_corpus(tmp / "text", docs)
        corpora["text"] = tmp / "text"
        names = ["text", "scans"] if scans else ["text"]
        for name in names:
            ratios[(name, "ray")] = measure(name, corpora[name], workers, rounds, tmp, "ray")
        subprocess.run([ray_cli, "start", "--head", "--num-cpus", str(workers), "--disable-usage-stats",
                        "--include-dashboard", "false"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for name in names:
                ratios[(name, "ray cluster")] = measure(name, corpora[name], workers, rounds, tmp, "ray cluster")
        finally:
            subprocess.run([ray_cli, "stop", "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("executor ray: " + "; ".join(
        f"{name} {ratios[(name, 'ray')]:.3f} started by the command, {ratios[(name, 'ray cluster')]:.3f} on a running head"
        for name in names) + " (targets: text <= 1.15, scans <= 1.05)")


if __name__ == "__main__":
    main()
