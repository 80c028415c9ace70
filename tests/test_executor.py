"""The executor survives what a document does to its worker: a crash, a hang, memory growth."""

import os
import signal
import time
from pathlib import Path

from extract.executor import ExecutorConfig, Job, LocalExecutor
from extract.records import DocumentResult
from extract.settings import DEFAULT_SETTINGS


def misbehave(job: Job, settings) -> DocumentResult:
    """Stands in for a document that kills or hangs the process reading it."""
    if job.shown == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if job.shown == "hang":
        time.sleep(60)
    return DocumentResult(doc_id=job.doc_id, path=job.shown, status="ok", seconds=float(os.getpid()))


def jobs(*names):
    return [Job(Path(n), n, f"id-{n}") for n in names]


def test_a_crash_and_a_hang_fail_their_documents_and_the_batch_goes_on():
    ex = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=2, timeout_s=3), work=misbehave)
    started = time.monotonic()
    results = {r.path: r for r in ex.run(jobs("a", "crash", "b", "hang", "c", "d"))}
    assert set(results) == {"a", "crash", "b", "hang", "c", "d"}
    assert results["crash"].status == "failed" and results["crash"].error == "worker died (signal 9)"
    assert results["hang"].status == "failed" and results["hang"].error == "timed out after 3 s"
    assert all(results[n].status == "ok" for n in "abcd")
    assert time.monotonic() - started < 30


def test_workers_are_recycled_after_their_quota():
    ex = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=1, docs_per_worker=2), work=misbehave)
    pids = [r.seconds for r in ex.run(jobs(*"abcde"))]
    assert len(pids) == 5
    assert len(set(pids)) == 3  # a, b | c, d | e
