"""A batch killed with SIGKILL at any moment leaves a dataset that reads, holding at least
the documents of its last checkpoint, and the re-run finishes it: the tables then equal
those of a run that was never interrupted."""

import os
import re
import signal
import subprocess
import sys

import polars as pl
import pymupdf
import pytest

from conftest import FIXTURES, ROOT
from extract.dataset import read_dataset

TABLES = ("documents", "forms", "fund_lines", "indicators")
N_DOCS = 48
EVERY = 4  # checkpoint every 4 documents
INGEST = [sys.executable, "-c", "import sys; from extract.cli.main import app; sys.exit(app())"]
PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] ")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """48 distinct documents (the seed with different metadata, so different bytes)."""
    root = tmp_path_factory.mktemp("kill-corpus")
    for i in range(N_DOCS):
        with pymupdf.open(FIXTURES / "text" / "seed_hongqiao.pdf") as doc:
            doc.set_metadata({"title": f"copy {i}"})
            doc.save(root / f"doc{i:02}.pdf")
    return root


def _tables(out):
    keys = {"documents": ["path"], "forms": ["path", "form_index"], "fund_lines": ["form_id", "line_index"],
            "indicators": ["form_id", "indicator_index"]}
    frames = {}
    for name in TABLES:
        frame = pl.read_parquet(out / f"{name}.parquet").sort(keys[name])
        frames[name] = frame.drop("seconds") if name == "documents" else frame
    return frames


def _ingest(corpus, out, *flags):
    # A checkpoint by count only: the time rule would make the floor below depend on the clock.
    env = dict(os.environ, JIXIAO_CHECKPOINT_EVERY=str(EVERY), JIXIAO_CHECKPOINT_SECONDS="1e9")
    return subprocess.Popen([*INGEST, "ingest", str(corpus), "--out", str(out), "--workers", "2", *flags],
                            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def test_sigkill_midway_then_rerun_equals_an_uninterrupted_run(corpus, tmp_path):
    whole = tmp_path / "whole"
    assert _ingest(corpus, whole, "-q").wait(timeout=300) == 0
    expected = _tables(whole)

    # Killed (the CLI and its workers) when the progress says half the documents are done:
    # a moment chosen by what the batch prints, not by a checkpoint the test waits for.
    killed = tmp_path / "killed"
    proc = _ingest(corpus, killed)
    seen = 0
    for line in proc.stderr:
        if (m := PROGRESS.match(line)) and int(m[1]) >= N_DOCS // 2:
            seen = int(m[1])
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert seen == N_DOCS // 2, "no progress line before the batch ended"
    partial = read_dataset(killed)["documents"]  # the checkpoints' parts: not compacted yet
    assert not (killed / "documents.parquet").exists() and (killed / "documents").is_dir()
    # Line k is printed before the k-th result is stored, so the checkpoints before it are on disk.
    assert partial.height >= (seen - 1) // EVERY * EVERY, "a checkpoint before the kill was lost"
    assert partial.height < N_DOCS, "the kill should land mid-way"

    rerun = _ingest(corpus, killed)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0
    assert f"{N_DOCS - partial.height} file(s) to read, {partial.height} already done" in err
    got = _tables(killed)
    for name in TABLES:
        assert got[name].equals(expected[name]), name
