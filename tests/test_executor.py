"""The executor survives what a document does to its worker: a crash, a hang, memory growth."""

import os
import signal
import time
from pathlib import Path

from extract.executor import ExecutorConfig, Job, LocalExecutor, rss_bytes
from extract.records import DocumentResult
from extract.settings import DEFAULT_SETTINGS


def misbehave(job: Job, settings) -> DocumentResult:
    """Stands in for a document that kills or hangs the process reading it."""
    if job.shown == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if job.shown == "hang":
        time.sleep(600)  # killed at the timeout long before
    return DocumentResult(doc_id=job.doc_id, path=job.shown, status="ok", seconds=float(os.getpid()))


def jobs(*names):
    return [Job(Path(n), n, f"id-{n}") for n in names]


def test_a_crash_and_a_hang_fail_their_documents_and_the_batch_goes_on():
    # The causes are told apart by what happened, not by how long it took: a crash is a dead
    # worker, a hang a timeout. The timeout is generous, and a document's clock starts when
    # its worker takes it, so neither a slow machine nor a worker slow to start (after the
    # crash, a fresh one is spawned) turns a crash into a timeout or makes the others fail.
    ex = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=2, timeout_s=20), work=misbehave)
    results = {r.path: r for r in ex.run(jobs("a", "crash", "b", "hang", "c", "d"))}
    assert set(results) == {"a", "crash", "b", "hang", "c", "d"}
    assert results["crash"].status == "failed" and results["crash"].error == "worker died (signal 9)"
    assert results["hang"].status == "failed" and results["hang"].error == "timed out after 20 s"
    assert all(results[n].status == "ok" for n in "abcd")


def test_a_worker_over_its_memory_bound_is_recycled():
    # A test-only bound below any process's size: every worker is over it after one document.
    ex = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=1, max_rss_bytes=1), work=misbehave)
    pids = [r.seconds for r in ex.run(jobs(*"abc"))]
    assert len(pids) == 3 and len(set(pids)) == 3


def test_a_worker_under_its_memory_bound_stays():
    ex = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=1), work=misbehave)
    pids = [r.seconds for r in ex.run(jobs(*"abcde"))]
    assert len(pids) == 5 and len(set(pids)) == 1
    assert 0 < rss_bytes() < ExecutorConfig().max_rss_bytes


def test_a_small_batch_runs_in_this_process():
    config = ExecutorConfig(workers=2, in_process_docs_per_worker=4)
    ex = LocalExecutor(DEFAULT_SETTINGS, config, work=misbehave)
    assert ex.small(jobs(*"abc"))
    assert {r.seconds for r in ex.run(jobs(*"abc"))} == {float(os.getpid())}
    assert not ex.small(jobs(*"abcdefgh"))  # 2 workers × 4: enough to spawn them
    by_size = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=2, in_process_bytes=10**6), work=misbehave)
    assert by_size.small([Job(Path(__file__), "t", f"id{i}") for i in range(20)])  # one small file, 20 times
    assert not LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=2), work=misbehave).small(jobs("a"))


def report_collector(job: Job, settings) -> DocumentResult:
    import gc

    return DocumentResult(doc_id=job.doc_id, path=job.shown, status="ok", error=repr(gc.get_threshold()))


def test_documents_run_with_rare_collections_and_the_caller_s_collector_is_given_back():
    """The cyclic collector waits for GC_ALLOCATIONS while documents run (in this process
    and in workers); a notebook that runs a batch gets its own thresholds back."""
    import gc

    from extract.executor import GC_ALLOCATIONS

    before = gc.get_threshold()
    here = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=1, in_process_docs_per_worker=10), work=report_collector)
    there = LocalExecutor(DEFAULT_SETTINGS, ExecutorConfig(workers=1), work=report_collector)
    for ex in (here, there):
        seen = [eval(r.error)[0] for r in ex.run(jobs("a", "b"))]
        assert seen == [GC_ALLOCATIONS, GC_ALLOCATIONS]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
