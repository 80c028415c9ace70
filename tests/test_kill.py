"""A batch killed with SIGKILL at any moment leaves a dataset that reads, and the re-run
finishes it: the tables then equal those of a run that was never interrupted."""

import os
import signal
import subprocess
import sys
import time

import polars as pl
import pymupdf
import pytest

from conftest import FIXTURES, ROOT

TABLES = ("documents", "forms", "fund_lines", "indicators")
N_DOCS = 48
INGEST = [sys.executable, "-c", "import sys; from extract.cli.main import app; sys.exit(app())"]


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


def _ingest(corpus, out, **kw):
    env = dict(os.environ, JIXIAO_CHECKPOINT_EVERY="3")
    return subprocess.Popen([*INGEST, "ingest", str(corpus), "--out", str(out), "--workers", "2", "-q"],
                            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, **kw)


def test_sigkill_midway_then_rerun_equals_an_uninterrupted_run(corpus, tmp_path):
    whole = tmp_path / "whole"
    assert _ingest(corpus, whole).wait(timeout=300) == 0
    expected = _tables(whole)

    killed = tmp_path / "killed"
    proc = _ingest(corpus, killed)
    deadline = time.monotonic() + 120
    while not (killed / "documents.parquet").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # at the first checkpoint: the CLI and its workers
    proc.wait(timeout=30)
    partial = pl.read_parquet(killed / "documents.parquet")
    assert 0 < partial.height < N_DOCS, "the kill should land mid-way"

    assert _ingest(corpus, killed).wait(timeout=300) == 0
    got = _tables(killed)
    for name in TABLES:
        assert got[name].equals(expected[name]), name
