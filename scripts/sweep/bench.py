"""The layout sweep benchmark: N typeset variations through the real `jixiao ingest`.

    python scripts/bench.py --sweep 500 [--seed S] [--office K] [--keep DIR]

Renders N variations (K of them through LibreOffice from .docx/.xlsx when soffice is
installed), ingests the folder with `.venv/bin/jixiao ingest DIR --out OUT --workers 2`
as a user would, reads the parquet tables back and scores every field against the truth.
With --keep, DIR holds the PDFs, the dataset (DIR/out) and DIR/results.jsonl (per
variation: parameters, outcome, wrong fields with got/want).
"""

from __future__ import annotations

import collections
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from .generate import Rendered, generate, write_truth
from .score import FormScore, attribute, load_dataset, score_file


def form_features(r: Rendered, i: int) -> frozenset[str]:
    """The parameter values of one form of a variation, as "name=value" strings."""
    v = r.params
    fc = v.forms[i]
    f = {
        f"kind={r.kind}", f"record={fc.record}", f"font={v.font}", f"orientation={v.orientation}",
        f"mode={v.mode}", f"fs={_bucket(v.fs)}", f"grade={fc.grade_style}", f"title={v.title_style}",
        f"forms_in_doc={len(v.forms)}", f"position={'second' if i else 'first'}",
    }
    if r.kind == "own":
        f |= {f"valign={v.valign}", f"ruling={v.ruling}", f"letterhead={v.letterhead}", f"footer={v.footer}",
              f"repeat_header={v.repeat_header}"}
        if v.mode == "excel":
            f |= {f"merged_text={v.merged_text}", f"merged_border={v.merged_border}"}
    from .records import RECORDS

    f.add(f"family={RECORDS[fc.record].family}")
    for canonical, printed in fc.spellings:
        f.add(f"label {canonical}→{'⏎'.join(printed)}")
    if fc.under:
        f.add("line under table")
    if r.outcome is None:
        if i in r.ignore_pages:
            f.add("office: pages not located")
        else:
            t = r.truth[i]
            f.add("office: form over pages" if t["page_end"] > t["page_start"] else "no break in form")
            if getattr(v, "kind", "") == "docx":
                f.add(f"docx rows split={v.row_split}")
    else:
        bs = [b for b in r.outcome.breaks if b.form == i]
        if not bs:
            f.add("no break in form")
        for b in bs:
            f.add(f"break {b.kind} {b.role}")
            if b.kind == "before":
                f.add(f"break between {b.after} and {b.role}")
            f.add(f"break in form ({v.mode})")
        for form, name, how in r.outcome.cuts:
            if form == i:
                f.add(f"cut {name}: text {how}")
    return frozenset(f)


def _bucket(fs: float) -> str:
    return "8-9.5" if fs < 10 else "10-11.5" if fs < 12 else "12-13.5"


def form_broken(r: Rendered, i: int) -> bool:
    if r.outcome is None:
        t = r.truth[i]
        return t.get("page_start") != t.get("page_end")
    return any(b.form == i for b in r.outcome.breaks)


def run_ingest(pdf_dir: Path, out: Path, workers: int = 2) -> float:
    jixiao = Path(sys.executable).with_name("jixiao")
    cmd = [str(jixiao), "ingest", str(pdf_dir), "--out", str(out), "--workers", str(workers), "--ocr", "auto", "--quiet"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"jixiao ingest failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return time.perf_counter() - started


def score_all(rendered: list[Rendered], out: Path) -> tuple[list[FormScore], int]:
    ds = load_dataset(out)
    scores: list[FormScore] = []
    for r in rendered:
        feats = [form_features(r, i) for i in range(len(r.truth))]
        broken = [form_broken(r, i) for i in range(len(r.truth))]
        truths = [_drop_pages(t) if i in r.ignore_pages else t for i, t in enumerate(r.truth)]
        scores += score_file(r.pdf.name, truths, ds, feats, broken)
    return scores, ds.ocr_pages


def _drop_pages(t: dict) -> dict:
    """An office rendering whose page could not be located: its page fields are not compared."""
    t = {k: v for k, v in t.items() if k not in ("page_start", "page_end")}
    t["indicators"] = [{k: v for k, v in ind.items() if k != "page"} for ind in t["indicators"]]
    return t


def report(rendered: list[Rendered], scores: list[FormScore], ocr_pages: int, seconds: dict[str, float],
           skipped: collections.Counter) -> str:
    lines: list[str] = []
    say = lines.append
    num = [sum(s.numeric[0] for s in scores), sum(s.numeric[1] for s in scores)]
    txt = [sum(s.text[0] for s in scores), sum(s.text[1] for s in scores)]
    right, total = num[0] + txt[0], num[1] + txt[1]
    truth_forms = [s for s in scores if not any(w.kind == "extra form" for w in s.wrong)]
    silent = [w for s in scores for w in s.wrong if w.silent]
    silent_n = sum(w.count for w in silent)
    silent_forms = sum(1 for s in scores if any(w.silent for w in s.wrong))
    review = sum(1 for s in truth_forms if s.needs_review)
    kinds = collections.Counter()
    for s in scores:
        for w in s.wrong:
            kinds[w.kind] += w.count
    by_kind_own = collections.Counter(r.kind for r in rendered)
    say(f"variations: {len(rendered)} ({', '.join(f'{k} {n}' for k, n in sorted(by_kind_own.items()))}); "
        f"forms: {len(truth_forms)}; skipped draws: {sum(skipped.values())} "
        f"({', '.join(f'{k} {n}' for k, n in skipped.most_common(6))})")
    say(f"fields right: {right}/{total} = {_pct(right, total)} (numeric {num[0]}/{num[1]} = {_pct(*num)}, "
        f"text {txt[0]}/{txt[1]} = {_pct(*txt)})")
    say(f"SILENT WRONG: {silent_n} fields in {silent_forms} forms (wrong fields of forms not under review, "
        f"lost forms included)")
    say(f"forms under review: {review}/{len(truth_forms)} = {_pct(review, len(truth_forms))}")
    unbroken = [s for s in truth_forms if not s.broken]
    ok_unbroken = sum(1 for s in unbroken if not s.wrong)
    broken = [s for s in truth_forms if s.broken]
    ok_broken = sum(1 for s in broken if not s.wrong)
    say(f"forms read entirely right: without a page break inside {ok_unbroken}/{len(unbroken)}, "
        f"with one {ok_broken}/{len(broken)}")
    say(f"clean text pages sent to OCR: {ocr_pages}")
    say("wall time: " + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items()))
    say("")
    say("failure kinds (wrong fields; forms; silent fields) and the parameters over-represented among them:")
    for kind in sorted(kinds, key=lambda k: -kinds[k]):
        ws = [(s, w) for s in scores for w in s.wrong if w.kind == kind]
        forms = len({(s.file, s.form_index) for s, _ in ws})
        sil = sum(w.count for _, w in ws if w.silent)
        fields = collections.Counter(w.field for _, w in ws)
        say(f"  {kind}: {kinds[kind]} fields in {forms} forms, {sil} silent; fields: "
            + ", ".join(f"{k} {n}" for k, n in fields.most_common(5)))
        for line in attribute(scores, kind):
            say(f"      {line}")
        for s, w in _examples(ws, 2):
            say(f"      e.g. {s.file} {w.where}: got {_short(w.got)}, want {_short(w.want)}")
    say("")
    say(f"sweep: {len(rendered)} variations ({len(truth_forms)} forms): fields {_pct(right, total)} "
        f"(num {_pct(*num)}, text {_pct(*txt)}), silent wrong {silent_n} fields in {silent_forms} forms, "
        f"review {_pct(review, len(truth_forms), 1)}, ocr pages {ocr_pages}; kinds: "
        + (", ".join(f"{k} {kinds[k]}" for k in sorted(kinds, key=lambda k: -kinds[k])) or "none"))
    return "\n".join(lines)


def _examples(ws, n):
    seen, out = set(), []
    for s, w in ws:
        if s.file in seen:
            continue
        seen.add(s.file)
        out.append((s, w))
        if len(out) == n:
            break
    return out


def _short(x, n: int = 70) -> str:
    s = repr(x)
    return s if len(s) <= n else s[: n - 1] + "…"


def _pct(a: int, b: int, digits: int = 2) -> str:
    return f"{100 * a / b:.{digits}f}%" if b else "n/a"


def write_results(rendered: list[Rendered], scores: list[FormScore], path: Path) -> None:
    by_file = collections.defaultdict(list)
    for s in scores:
        by_file[s.file].append(s)
    with path.open("w", encoding="utf-8") as f:
        for r in rendered:
            row = r.to_json()
            row["forms"] = [{"form_index": s.form_index, "needs_review": s.needs_review,
                             "features": sorted(s.features),
                             "wrong": [asdict(w) for w in s.wrong]} for s in by_file[r.pdf.name]]
            f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def main(n: int, seed: int = 1, office: int = 0, keep: Path | None = None, workers: int = 2) -> str:
    started = time.perf_counter()
    tmp = None
    if keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="jixiao-sweep-")
        root = Path(tmp.name)
    else:
        root = keep
        for sub in ("pdfs", "out"):
            shutil.rmtree(root / sub, ignore_errors=True)
    pdf_dir, out = root / "pdfs", root / "out"
    seconds: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        k = 0
        if office:
            from .office import generate_office, soffice_path

            if soffice_path() is None:
                print("sweep: soffice not found, no office variations", file=sys.stderr)
            else:
                k = min(office, n)
        rendered, skipped = generate(n - k, seed, pdf_dir)
        seconds["render"] = time.perf_counter() - t0
        if k:
            t0 = time.perf_counter()
            office_done, office_skipped = generate_office(k, seed, pdf_dir, start=n - k)
            rendered += office_done
            skipped.update(office_skipped)
            seconds["office"] = time.perf_counter() - t0
        seconds["ingest"] = run_ingest(pdf_dir, out, workers)
        scores, ocr_pages = score_all(rendered, out)
        seconds["total"] = time.perf_counter() - started
        text = report(rendered, scores, ocr_pages, seconds, skipped)
        print(text)
        if keep is not None:
            write_truth(rendered, root / "truth.jsonl")
            write_results(rendered, scores, root / "results.jsonl")
            print(f"kept: {pdf_dir} (PDFs), {out} (dataset), {root / 'results.jsonl'}", file=sys.stderr)
        return text
    finally:
        if tmp is not None:
            tmp.cleanup()
