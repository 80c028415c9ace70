"""A dataset grows by appending: each checkpoint writes its new rows as parts, never
rewriting old ones; compaction (at the end of a run, or `jixiao compact`) merges them into
the flat files, crash-safe at any point; flat files of an older jixiao still read."""

import os
import pathlib
import shutil
import time
from pathlib import Path

import polars as pl
import pymupdf
import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from extract.batch import IngestConfig, ingest
from extract.cli.main import app
from extract.dataset import read_dataset
from extract.dataset.schema import TABLES
from extract.dataset.store import append_part, compact, part_path, read_table, table_path
from extract.executor import ExecutorConfig, Job, LocalExecutor
from extract.records import DocumentResult
from extract.settings import DEFAULT_SETTINGS

runner = CliRunner()
N_DOCS = 6


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    """A dataset of one uninterrupted run over 6 distinct documents (flat files only)."""
    root = tmp_path_factory.mktemp("parts")
    (root / "in").mkdir()
    for i in range(N_DOCS):
        with pymupdf.open(FIXTURES / "text" / "seed_hongqiao.pdf") as doc:
            doc.set_metadata({"title": f"copy {i}"})
            doc.save(root / "in" / f"doc{i}.pdf")
    out = root / "out"
    assert runner.invoke(app, ["ingest", str(root / "in"), "--out", str(out), "-q", "--workers", "1"]).exit_code == 0
    return out


def _flat(out: Path) -> dict[str, pl.DataFrame]:
    return {name: pl.read_parquet(table_path(out, name)) for name in TABLES}


def _split_into_parts(whole: Path, out: Path, groups: int = 3) -> None:
    """The tables of `whole` as `groups` checkpoints' parts (no flat files), in order."""
    tables = _flat(whole)
    doc_ids = tables["documents"]["doc_id"].to_list()
    group = pl.DataFrame({"doc_id": doc_ids, "group": [i * groups // len(doc_ids) for i in range(len(doc_ids))]})
    form_group = tables["forms"].select("form_id", "doc_id").join(group, on="doc_id").select("form_id", "group")
    out.mkdir(parents=True)
    for k in range(groups):
        frames = {}
        for name, frame in tables.items():
            key = group if "doc_id" in frame.columns else form_group
            on = "doc_id" if "doc_id" in frame.columns else "form_id"
            frames[name] = frame.join(key.filter(pl.col("group") == k).select(on), on=on, how="semi")
        append_part(out, k + 1, frames)


def _assert_same(got: dict[str, pl.DataFrame], expected: dict[str, pl.DataFrame]) -> None:
    for name in TABLES:
        assert got[name].equals(expected[name]), name


def test_reading_a_dataset_mid_run_parts_only_gives_the_same_rows(whole, tmp_path):
    out = tmp_path / "mid"
    _split_into_parts(whole, out)
    assert not any(table_path(out, name).exists() for name in TABLES)
    _assert_same(read_dataset(out, raw=True), _flat(whole))
    assert read_table(out, "forms").equals(_flat(whole)["forms"])
    # A checkpoint killed before its documents part: its other parts are not read.
    append_part(out, 4, {name: frame.head(1) for name, frame in _flat(whole).items()})
    part_path(out, "documents", 4).unlink()
    _assert_same(read_dataset(out, raw=True), _flat(whole))
    assert runner.invoke(app, ["stats", str(out), "--format", "json"]).exit_code == 0


def test_jixiao_compact_leaves_only_flat_files_and_identical_tables(whole, tmp_path):
    out = tmp_path / "mid"
    _split_into_parts(whole, out)
    result = runner.invoke(app, ["compact", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "18 part file(s) merged" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.parquet" for name in TABLES)
    _assert_same(_flat(out), _flat(whole))
    again = runner.invoke(app, ["compact", str(out)])
    assert again.exit_code == 0 and "nothing to do" in again.stderr
    empty = runner.invoke(app, ["compact", str(tmp_path)])
    assert empty.exit_code == 2 and "no dataset here" in empty.stderr


class _Killed(Exception):
    pass


def test_a_compaction_killed_at_any_point_loses_and_doubles_nothing(whole, tmp_path, monkeypatch):
    """Killed before each file it writes or removes: the dataset reads the same, and the
    next compaction finishes it."""
    expected = _flat(whole)
    template = tmp_path / "template"
    _split_into_parts(whole, template)
    steps = 0
    for kill_at in range(100):
        out = tmp_path / f"k{kill_at}"
        shutil.copytree(template, out)
        count = [0]
        real_replace, real_unlink = os.replace, pathlib.Path.unlink

        def dying(real, count=count, kill_at=kill_at):
            def step(*args, **kwargs):
                if count[0] == kill_at:
                    raise _Killed
                count[0] += 1
                return real(*args, **kwargs)
            return step

        monkeypatch.setattr(os, "replace", dying(real_replace))
        monkeypatch.setattr(pathlib.Path, "unlink", dying(real_unlink))
        try:
            compact(out)
            finished = True
        except _Killed:
            finished = False
        finally:
            monkeypatch.setattr(os, "replace", real_replace)
            monkeypatch.setattr(pathlib.Path, "unlink", real_unlink)
        _assert_same(read_dataset(out, raw=True), expected)
        compact(out)
        _assert_same(_flat(out), expected)
        if finished:
            steps = kill_at
            break
    assert steps >= len(TABLES) * 4  # 6 flat files written, 18 parts removed: every point tried


def _instant(job: Job, settings) -> DocumentResult:
    return DocumentResult(doc_id=job.doc_id, path=job.shown, pages=1, status="no_form")


class _Watch:
    """At each report: the part files on disk, with their inode and mtime."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.seen: list[dict[str, tuple[int, int]]] = []

    def start(self, total: int, skipped: int) -> None:
        pass

    def advance(self, result: DocumentResult, summary) -> None:
        found = {}
        for path in self.out.glob("*/part-*.parquet"):
            st = path.stat()
            found[str(path.relative_to(self.out))] = (st.st_ino, st.st_mtime_ns)
        self.seen.append(found)
        time.sleep(0.01)  # mtimes of a rewrite would differ


def test_checkpoints_append_parts_and_never_rewrite_old_ones(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    names = [f"doc{i}.pdf" for i in range(7)]
    for name in names:
        (inputs / name).write_bytes(f"%PDF-1.4 {name}".encode())
    executor = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=1), work=_instant)
    watch = _Watch(out)
    summary = ingest([inputs], out, IngestConfig(checkpoint_every=2, checkpoint_seconds=1e9), watch, executor)

    # A checkpoint every 2 documents: part k is on disk from report 2k + 1 on, a file per table.
    counts = [len(found) for found in watch.seen]
    assert counts == [(k - 1) // 2 * len(TABLES) for k in range(1, len(names) + 1)]
    first = watch.seen[2]
    assert set(first) == {f"{name}/part-000001.parquet" for name in TABLES}
    for later in watch.seen[3:]:
        for path, stat in first.items():
            assert later[path] == stat, f"{path} rewritten"
    # The end of the run compacts: flat files only, this run's rows ordered by path.
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == []
    docs = pl.read_parquet(out / "documents.parquet")
    assert docs["path"].to_list() == sorted(names)
    assert summary.dataset_documents == len(names)

    # A later run appends after the numbers used: its parts are new files, then compacted.
    (inputs / "late.pdf").write_bytes(b"%PDF-1.4 late")
    watch = _Watch(out)
    ingest([inputs], out, IngestConfig(checkpoint_every=1, checkpoint_seconds=1e9), watch,
           LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=1), work=_instant))
    assert pl.read_parquet(out / "documents.parquet")["path"].to_list() == [*sorted(names), "late.pdf"]
    assert pl.read_parquet_metadata(out / "documents.parquet")["jixiao.absorbed"] == "5"


def test_a_dataset_of_an_older_jixiao_still_reads_and_grows(whole, tmp_path):
    """Flat files without the metadata compaction records, as jixiao wrote them before parts."""
    old = tmp_path / "old"
    old.mkdir()
    expected = _flat(whole)
    for name, frame in expected.items():
        frame.write_parquet(table_path(old, name))
    _assert_same(read_dataset(old, raw=True), expected)
    assert runner.invoke(app, ["stats", str(old), "--format", "json"]).exit_code == 0
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "new.pdf").write_bytes(b"%PDF-1.4 new")
    ingest([inputs], old, IngestConfig(checkpoint_every=1, checkpoint_seconds=1e9), None,
           LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=1), work=_instant))
    docs = pl.read_parquet(old / "documents.parquet")
    assert docs.height == N_DOCS + 1 and docs["path"].to_list()[-1] == "new.pdf"
    assert docs.head(N_DOCS).equals(expected["documents"])
    assert pl.read_parquet(old / "forms.parquet").equals(expected["forms"])
