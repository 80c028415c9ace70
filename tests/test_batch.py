"""The batch follows its workers: progress and checkpoints come as documents finish."""

import time
from pathlib import Path

import polars as pl

from extract.batch import IngestConfig, ingest
from extract.dataset import read_table
from extract.executor import ExecutorConfig, Job, LocalExecutor
from extract.records import DocumentResult
from extract.settings import DEFAULT_SETTINGS

RELEASE = "released"  # the file the first progress report creates


def last_waits_for_the_first_report(job: Job, settings) -> DocumentResult:
    """Every document reads at once, except `last.pdf`: it is read only after the batch has
    reported a finished document (a batch that waits for all its documents before reporting
    any never gets there, and `last.pdf` times out)."""
    if job.shown == "last.pdf":
        while not (job.path.parent / RELEASE).exists():
            time.sleep(0.02)
    return DocumentResult(doc_id=job.doc_id, path=job.shown, pages=1, status="no_form")


class Released:
    def __init__(self, folder: Path, out: Path) -> None:
        self.folder, self.out = folder, out
        self.reported: list[str] = []
        self.on_disk: list[int] = []  # documents rows on disk (flat file and parts) when each report came

    def start(self, total: int, skipped: int) -> None:
        pass

    def advance(self, result: DocumentResult, summary) -> None:
        self.reported.append(result.path)
        (self.folder / RELEASE).touch()
        self.on_disk.append(read_table(self.out, "documents").height)


def _corpus(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).write_bytes(f"%PDF-1.4 {name}".encode())


def test_progress_comes_before_the_batch_ends_and_checkpoints_follow_it(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    names = [f"doc{i}.pdf" for i in range(6)] + ["last.pdf"]
    _corpus(inputs, names)
    # timeout: what the last document gets if the batch never reports the first one.
    executor = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=2, timeout_s=60),
                             work=last_waits_for_the_first_report)
    progress = Released(inputs, out)
    config = IngestConfig(checkpoint_every=2, checkpoint_seconds=1e9)
    summary = ingest([inputs], out, config, progress=progress, executor=executor)

    assert summary.failed == 0, summary.failures  # last.pdf was released by a report
    assert sorted(progress.reported) == sorted(names)
    # Each report sees the checkpoints of the results before it: every 2 documents.
    assert progress.on_disk == [(k - 1) // 2 * 2 for k in range(1, len(names) + 1)]
    assert pl.read_parquet(out / "documents.parquet").height == len(names)


def test_a_checkpoint_is_due_by_time_as_well_as_by_count(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    names = [f"doc{i}.pdf" for i in range(4)]
    _corpus(inputs, names)
    (inputs / RELEASE).touch()
    executor = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=1), work=last_waits_for_the_first_report)
    progress = Released(inputs, out)
    # No count would trigger one; zero seconds since the last checkpoint always has passed.
    ingest([inputs], out, IngestConfig(checkpoint_every=10**9, checkpoint_seconds=0), progress, executor)
    assert progress.on_disk == [0, 1, 2, 3]
