"""The whole command against the obvious baseline, as whole processes timed start to exit.

    python scripts/bench_command.py [--rounds 5] [--generated 16] [--keep DIR] [--profile]

Corpus: the text fixtures (fixtures/text, fixtures/variants/text, fixtures/consistency/*)
plus generated PDFs that hold what a 部门决算 report holds besides the forms: cover pages,
plain text pages and other ruled tables (budget tables of numbers). Rounds alternate
(a) `jixiao ingest CORPUS --out TMP --workers 1 -q` and (b) a `python -c` that imports
pymupdf, opens every file and runs `find_tables(use_layout=False)` on every page. Prints
the medians, their ratio (target <= 0.5) and `jixiao --help` start-up time in one line.
With --profile, also where the time goes in one process: import time of extract.document
and a cProfile of process_document over the corpus.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
FONT = "china-s"

BASELINE = """
import sys, pymupdf
n = 0
for f in sys.argv[1:]:
    with pymupdf.open(f) as doc:
        for page in doc:
            n += len(page.find_tables(use_layout=False).tables)
"""

PARAGRAPH = ("本部门认真贯彻落实党中央、国务院决策部署，严格执行预算法，加强预算管理，"
             "提高资金使用效益，全面完成年度工作任务。现将部门决算情况说明如下。")


def _cover(doc: pymupdf.Document, rng: random.Random) -> None:
    page = doc.new_page(width=595, height=842)
    page.insert_text((150, 250), f"{rng.choice(['市教育局', '区卫生健康委员会', '县农业农村局'])}", fontname=FONT, fontsize=26)
    page.insert_text((170, 320), f"{rng.randint(2019, 2024)}年度部门决算", fontname=FONT, fontsize=22)
    page.insert_text((220, 700), "二〇二四年八月", fontname=FONT, fontsize=14)


def _text_page(doc: pymupdf.Document, rng: random.Random, heading: str) -> None:
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 80), heading, fontname=FONT, fontsize=16)
    y = 120
    for _ in range(rng.randint(10, 25)):
        line = PARAGRAPH[rng.randint(0, 20):][:36]
        page.insert_text((72, y), line, fontname=FONT, fontsize=11)
        y += 22
    page.insert_text((290, 810), str(rng.randint(1, 40)), fontsize=9)


def _budget_table(doc: pymupdf.Document, rng: random.Random, title: str, rows: int = 8, cols: int = 6) -> None:
    page = doc.new_page(width=842, height=595)
    page.insert_text((300, 50), title, fontname=FONT, fontsize=16)
    page.insert_text((60, 80), "单位：万元", fontname=FONT, fontsize=9)
    x0, y0, w, h = 60.0, 90.0, 120.0, 24.0
    heads = ["项目", "年初预算", "调整预算", "决算数", "上年决算", "增减%"][:cols]
    shape = page.new_shape()
    for r in range(rows + 2):
        shape.draw_line((x0, y0 + r * h), (x0 + cols * w, y0 + r * h))
    for c in range(cols + 1):
        shape.draw_line((x0 + c * w, y0), (x0 + c * w, y0 + (rows + 1) * h))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    for c, head in enumerate(heads):
        page.insert_text((x0 + c * w + 6, y0 + 16), head, fontname=FONT, fontsize=10)
    for r in range(rows):
        y = y0 + (r + 1) * h + 16
        page.insert_text((x0 + 6, y), f"{rng.choice(['基本支出', '项目支出', '人员经费', '公用经费'])}{r + 1}",
                         fontname=FONT, fontsize=10)
        for c in range(1, cols):
            page.insert_text((x0 + c * w + 6, y), f"{rng.uniform(10, 99999):,.2f}", fontsize=10)


def generate(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """n 部门决算-like PDFs: cover, text pages, 1-3 budget tables each; some end with a form fixture's pages."""
    rng = random.Random(seed)
    forms = sorted((ROOT / "fixtures" / "text").glob("*.pdf"))
    out = []
    for i in range(n):
        doc = pymupdf.open()
        _cover(doc, rng)
        _text_page(doc, rng, "第一部分 部门概况")
        for t in range(rng.randint(1, 3)):
            _budget_table(doc, rng, ["收入支出决算总表", "财政拨款收入支出决算表", "一般公共预算财政拨款支出决算表"][t])
        _text_page(doc, rng, "第三部分 部门决算情况说明")
        if i % 3 == 0 and forms:  # a report that carries a 绩效自评表 at its end
            with pymupdf.open(forms[i % len(forms)]) as src:
                doc.insert_pdf(src)
        path = folder / f"gen_{i:02d}.pdf"
        doc.save(path)
        doc.close()
        out.append(path)
    return out


def build_corpus(folder: Path, generated: int) -> list[Path]:
    fixtures = [*sorted((ROOT / "fixtures" / "text").glob("*.pdf")),
                *sorted((ROOT / "fixtures" / "variants" / "text").glob("*.pdf")),
                *sorted((ROOT / "fixtures" / "consistency").glob("*/*.pdf"))]
    files = []
    for i, f in enumerate(fixtures):
        dest = folder / f"fx_{i:02d}_{f.name}"
        shutil.copy(f, dest)
        files.append(dest)
    return files + generate(folder, generated)


def timed(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    return time.perf_counter() - started


def profile(files: list[Path], top: int = 25) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import extract.document, extract.audit"], check=True, cwd=ROOT)
    bare = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    python = time.perf_counter() - started
    print(f"import extract.document + extract.audit: {bare - python:.2f} s over a bare python ({python:.2f} s)")
    sys.path.insert(0, str(ROOT))
    from extract.document import process_document

    process_document(files[0], "warm")
    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    for f in files:
        process_document(f, f.name)
    prof.disable()
    print(f"process_document over {len(files)} files in one process: {time.perf_counter() - started:.2f} s (profiled)")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def main(rounds: int = 5, generated: int = 16, keep: Path | None = None, do_profile: bool = False,
         before: Path | None = None) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench_command_"))
    corpus = keep or tmp / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    files = build_corpus(corpus, generated)
    pages = sum(pymupdf.open(f).page_count for f in files)
    jixiao = str(VENV_BIN / "jixiao")
    python = str(VENV_BIN / "python")
    ours, theirs, helps, olds = [], [], [], []
    # --before DIR: a folder holding a copy of an earlier `extract/` package (and models/), run
    # from there (ahead of the editable install on sys.path), alternated with the others.
    old_cmd = [python, "-c", "import sys; from extract.cli.main import app; sys.argv[0] = 'jixiao'; app()"]
    old_env = {**os.environ, "PYTHONPATH": str(before)} if before else None
    try:
        for r in range(rounds):
            out = tmp / f"out{r}"
            ours.append(timed([jixiao, "ingest", str(corpus), "--out", str(out), "--workers", "1", "-q"]))
            theirs.append(timed([python, "-c", BASELINE, *map(str, files)]))
            helps.append(timed([jixiao, "--help"]))
            if before:
                olds.append(timed([*old_cmd, "ingest", str(corpus), "--out", str(out) + "old", "--workers", "1", "-q"],
                                  env=old_env, cwd=before))
                shutil.rmtree(str(out) + "old", ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
        if do_profile:
            profile(files)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"{len(files)} PDFs, {pages} pages, {rounds} rounds: jixiao ingest --workers 1 {a:.2f} s; "
          f"find_tables process {b:.2f} s; ratio {a / b:.3f} (target <= 0.5); "
          f"jixiao --help {statistics.median(helps):.2f} s"
          + (f"; before ({before}) {statistics.median(olds):.2f} s, ratio {statistics.median(olds) / b:.3f}" if before else ""))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--generated", type=int, default=16, help="generated 部门决算-like PDFs added to the fixtures")
    ap.add_argument("--keep", type=Path, help="build the corpus in DIR and keep it")
    ap.add_argument("--before", type=Path, help="a folder holding an earlier extract/ package: its ingest alternated too")
    ap.add_argument("--profile", action="store_true", help="also import time and a cProfile of process_document")
    args = ap.parse_args()
    main(args.rounds, args.generated, args.keep, args.profile, args.before)
