"""The scan-sweep half of scripts/bench.py: render N pages of variations, ingest them with the
real CLI (`jixiao ingest DIR --out OUT --workers W`, a subprocess, as a user runs it), read
the parquet tables back and score every field.

    python scripts/bench.py --scan-sweep 200 [--seed S] [--keep DIR] [--workers 2]

With --keep, DIR holds the scans (scans/, each with its truth and parameters), the dataset
(out/), the CLI's log (ingest.log) and sweep.jsonl: per variation its parameters, its wrong
fields with got/want, and its forms' review reasons. `python scripts/scan_sweep/bench.py DIR`
scores a kept DIR again without OCR.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scan_sweep.generate import DEFAULT_SEED, Skipped, Sweep, load_sweep, make_sweep  # noqa: E402
from scan_sweep.score import SweepScore, review_reasons, score_sweep  # noqa: E402

TOP_REASONS = 12
# Tags that name a page's kind rather than a degradation: left out of the summary line.
NEUTRAL_TAGS = frozenset({"colour", "greyscale", "no seal", "ring seal", "star seal", "dot seal",
                          "red seal", "opaque seal"})
EXAMPLES_PER_KIND = 3


def _pct(ok: int, total: int) -> str:
    return f"{100 * ok / total:.1f}%" if total else "n/a"


def _short(value: object, width: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def ingest_cli(scans: Path, out: Path, workers: int, log: Path) -> float:
    jixiao = Path(sys.executable).with_name("jixiao")
    cmd = [str(jixiao), "ingest", str(scans), "--out", str(out), "--workers", str(workers)]
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"jixiao ingest exited {proc.returncode}; see {log}")
    return seconds


def kinds(score: SweepScore) -> tuple[Counter, Counter, Counter]:
    """Wrong fields by field group, by degradation on their page, and by the two together."""
    groups, tags, pairs = Counter(), Counter(), Counter()
    for w in score.wrong:
        groups[w.group] += 1
        tags.update(w.tags)
        pairs.update((w.group, t) for t in w.tags)
    return groups, tags, pairs


def exposure(sweep: Sweep) -> Counter:
    """Pages carrying each degradation (to read the misread counts against)."""
    from scan_sweep.params import page_tags

    return Counter(t for m in sweep.made for p in m.variation.pages for t in page_tags(m.variation.scan, p))


def report(sweep: Sweep, score: SweepScore, ingest_s: float | None, make_s: float | None, wall_s: float | None) -> str:
    lines = []
    num, txt = score.numeric, score.text
    silent = score.silent
    missing_silent = sum(w.group == "missing form" for w in silent)
    found, expected, flagged = score.forms_found, score.forms_expected, score.forms_flagged
    failed = [v for v in score.variations if v.status != "ok"]
    pages = score.pages
    lines.append(f"scan sweep: {pages} pages in {len(sweep.made)} files ({len(sweep.skipped)} variations skipped)")
    for s in sweep.skipped:
        lines.append(f"  skipped {s.name}: {s.reason}")
    for v in failed:
        lines.append(f"  document {v.file}: status {v.status}: {v.error}")
    lines.append(f"forms found: {found}/{expected}; extra forms (not in truth): {score.extra_forms}; "
                 f"found forms holding a neighbour's project (index shifted): {score.shifted}")
    lines.append(f"numeric fields exact: {num[0]}/{num[1]} = {_pct(*num)}")
    lines.append(f"text fields exact:    {txt[0]}/{txt[1]} = {_pct(*txt)}")
    lines.append(f"SILENT WRONG (wrong fields in forms not under review, missing forms included): {len(silent)}"
                 f" ({missing_silent} in missing forms)")
    clean_flagged, clean_found = score.review_share_not_by_design()
    lines.append(f"forms under review: {flagged}/{found} = {_pct(flagged, found)}; without the forms flagged by design "
                 f"(planted faults, unknown labels): {clean_flagged}/{clean_found} = {_pct(clean_flagged, clean_found)}")
    groups, tags, pairs = kinds(score)
    pages_with = exposure(sweep)
    lines.append("misread kinds by field group (wrong fields; silent in brackets):")
    silent_groups = Counter(w.group for w in silent)
    for g, n in groups.most_common():
        lines.append(f"  {g:<18} {n:5}  [{silent_groups.get(g, 0)}]")
    lines.append("misread kinds by degradation on the field's page (wrong fields [silent]; pages with it; wrong per such page):")
    silent_tags = Counter(t for w in silent for t in w.tags)
    for t, n in tags.most_common():
        exposed = pages_with.get(t)
        rate = f"{n / exposed:6.2f}" if exposed else "     -"
        lines.append(f"  {t:<18} {n:5} [{silent_tags.get(t, 0)}]  {exposed or '-':>4} pages  {rate}")
    lines.append("most common group × degradation:")
    for (g, t), n in pairs.most_common(15):
        lines.append(f"  {g} × {t}: {n}")
    lines.append("examples (got vs want):")
    for g, _ in groups.most_common():
        for w in [w for w in score.wrong if w.group == g][:EXAMPLES_PER_KIND]:
            flag = "flagged" if w.flagged else "SILENT"
            lines.append(f"  [{g}] {w.variation} p{w.page} {w.where}: got {_short(w.got)} want {_short(w.want)}"
                         f" ({flag}; {', '.join(w.tags)})")
    reasons = review_reasons(score)
    lines.append(f"most common review reasons ({flagged} forms under review):")
    for r, n in reasons.most_common(TOP_REASONS):
        lines.append(f"  {n:4}  {r}")
    if score.extra_review:
        lines.append("extra forms: " + "; ".join(f"{r} ×{n}" for r, n in score.extra_review.most_common(5)))
    per_page = f"{ingest_s / max(pages, 1):.2f} s/page" if ingest_s is not None else "time n/a"
    if ingest_s is not None:
        wall = f"; wall {wall_s:.1f} s" if wall_s is not None else ""
        lines.append(f"time: generate {make_s:.1f} s; jixiao ingest {ingest_s:.1f} s = {per_page}{wall}")
    top = ", ".join(f"{t} {n}" for t, n in tags.most_common() if t not in NEUTRAL_TAGS)
    lines.append(
        f"scan-sweep: {pages} pages ({expected} forms): numbers {_pct(*num)}, text {_pct(*txt)}, "
        f"silent wrong {len(silent)}, review {_pct(flagged, found)}, found {found}/{expected}, "
        f"{per_page}; kinds: {top}")
    return "\n".join(lines)


def write_jsonl(sweep: Sweep, score: SweepScore, path: Path) -> None:
    by_name = {v.name: v for v in score.variations}
    with path.open("w", encoding="utf-8") as fh:
        for m in sweep.made:
            v = by_name[m.variation.name]
            record = {
                "name": v.name, "file": v.file, "pages": v.pages, "status": v.status, "error": v.error,
                "params": asdict(m.variation),
                "forms": [asdict(f) for f in v.forms], "extra_forms": v.extra_forms, "shifted": v.shifted,
                "wrong": [{"where": w.where, "group": w.group, "page": w.page, "got": w.got, "want": w.want,
                           "flagged": w.flagged, "tags": list(w.tags)} for w in v.wrong],
            }
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        for s in sweep.skipped:
            fh.write(json.dumps({"name": s.name, "skipped": s.reason}, ensure_ascii=False) + "\n")


def main(pages: int, seed: int = DEFAULT_SEED, keep: Path | None = None, workers: int = 2) -> None:
    started = time.perf_counter()
    root = keep or Path(tempfile.mkdtemp(prefix="scan-sweep-"))
    try:
        scans, out = root / "scans", root / "out"
        for stale in (scans, out):  # a kept directory is re-made, never added to
            if stale.exists():
                shutil.rmtree(stale)
        sweep = make_sweep(scans, pages, seed)
        make_s = time.perf_counter() - started
        print(f"generated {sweep.pages} pages in {len(sweep.made)} files ({make_s:.1f} s); ingesting on {workers} workers …",
              flush=True)
        ingest_s = ingest_cli(scans, out, workers, root / "ingest.log")
        score = score_sweep(sweep.made, out)
        print(report(sweep, score, ingest_s, make_s, time.perf_counter() - started))
        if keep:
            write_jsonl(sweep, score, keep / "sweep.jsonl")
            (keep / "timing.json").write_text(json.dumps({"generate_s": make_s, "ingest_s": ingest_s}) + "\n")
            print(f"kept: {keep} (scans/, out/, ingest.log, sweep.jsonl)")
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def rescore(keep: Path) -> None:
    """Score a kept sweep's dataset again (after a scoring change), without OCR."""
    sweep = load_sweep(keep / "scans")
    timing = json.loads((keep / "timing.json").read_text()) if (keep / "timing.json").exists() else {}
    jsonl = keep / "sweep.jsonl"
    if jsonl.exists():  # the skipped variations are only in the first run's record
        records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
        sweep.skipped = [Skipped(r["name"], r["skipped"]) for r in records if "skipped" in r]
    score = score_sweep(sweep.made, keep / "out")
    print(report(sweep, score, timing.get("ingest_s"), timing.get("generate_s"), None))
    write_jsonl(sweep, score, jsonl)


if __name__ == "__main__":
    rescore(Path(sys.argv[1]))
