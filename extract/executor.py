"""Running documents in worker processes that the batch survives.

A seam: `run(jobs)` yields one `DocumentResult` per job, in completion order, whatever the
jobs do. Here, local worker processes; a distributed executor can take the same place.

Each worker reads documents one at a time from its pipe. The parent watches them all: a
worker that dies (a crash inside MuPDF or ONNX Runtime, the kernel's OOM killer) or overruns
the per-document timeout is killed, its document recorded as `failed` with the reason,
and a fresh worker takes its place. A worker whose memory (resident set, read from
/proc/self/statm after each document) has grown past a bound is replaced too: OCR engines
grow over long runs. A document's clock starts when its worker has taken it, so a worker
slow to start (spawn imports on a loaded machine) does not eat into the timeout.

A small batch (few documents for the workers, or few bytes) runs in this process: spawning a
worker costs 1–2 s of imports, more than a few text PDFs take. `ExecutorConfig` says what is
small; by default nothing is (the batch sets it, `extract.batch._local_executor`).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

from extract.records import DocumentResult
from extract.settings import Settings


@dataclass(frozen=True)
class Job:
    path: Path
    shown: str  # the path recorded in documents.parquet
    doc_id: str
    member: str | None = None  # a zip member's name: `path` is its archive


class Executor(Protocol):
    """Runs jobs: one result per job, yielded as each finishes (a batch consumes them lazily)."""

    def run(self, jobs: Iterable[Job]) -> Iterator[DocumentResult]: ...


# A worker that has not taken its document this long after the timeout is stuck starting.
START_GRACE_S = 300.0


@dataclass(frozen=True)
class ExecutorConfig:
    workers: int = 1
    # A document still running after this many seconds is abandoned (its worker killed).
    # Generous: a 200-page scanned report takes ~2.5 s a page on 2 cores.
    timeout_s: float = 1800.0
    # A worker whose resident memory exceeds this after a document is replaced.
    max_rss_bytes: int = 1536 * 2**20
    # Run in this process, without workers, when the batch has fewer documents than
    # workers × this, or at most this many bytes of input (0: never).
    in_process_docs_per_worker: int = 0
    in_process_bytes: int = 0


def process_job(job: Job, settings: Settings) -> DocumentResult:
    import tempfile

    from extract.document import process_document
    from extract.errors import BadInput
    from extract.inputs import read_member

    if job.member is None:
        return process_document(job.path, job.shown, settings, doc_id=job.doc_id)
    started = time.monotonic()
    try:
        data = read_member(job.path, job.member)
    except BadInput as exc:
        return _failed(job, str(exc), time.monotonic() - started)
    # A private temporary name: the member's own name (maybe "../../x.pdf") is never used.
    with tempfile.NamedTemporaryFile(suffix=Path(job.member).suffix.lower()) as tmp:
        tmp.write(data)
        tmp.flush()
        return process_document(Path(tmp.name), job.shown, settings, doc_id=job.doc_id)


# A document's records (a Word per character, its cells and lines) hold no reference cycles,
# yet making them sets off the cyclic collector every 700 allocations, and its passes walk all
# that is alive to find nothing: 11% of reading a text PDF (scripts/bench_command.py). While
# documents run, the collector waits for this many net allocations (a document's cyclic
# garbage, if any, is still collected), and what was loaded before is frozen out of its walks.
GC_ALLOCATIONS = 50_000


@contextmanager
def rare_collections() -> Iterator[None]:
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_ALLOCATIONS, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def rss_bytes() -> int:
    """This process's resident set size (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _worker(conn: Connection, work, settings: Settings, max_rss: int) -> None:
    """Messages to the parent: ("took", None) on taking a job, ("done", result) after it;
    the worker exits on its own after a document that left it over `max_rss`."""
    try:
        with rare_collections():
            while True:
                try:
                    job = conn.recv()
                except EOFError:
                    return
                if job is None:
                    return
                conn.send(("took", None))
                result = work(job, settings)
                over = rss_bytes() > max_rss
                conn.send(("done", (result, over)))
                if over:
                    return
    finally:
        gc.freeze()  # the worker exits next: its last collection would walk all it loaded (see cli.main)


@dataclass
class _Slot:
    process: mp.process.BaseProcess
    conn: Connection
    job: Job | None = None
    started: float = 0.0  # when the job was sent; again when the worker took it
    took: bool = False


def _failed(job: Job, reason: str, seconds: float) -> DocumentResult:
    return DocumentResult(doc_id=job.doc_id, path=job.shown, status="failed", error=reason, seconds=seconds)


class LocalExecutor:
    def __init__(self, settings: Settings, config: ExecutorConfig = ExecutorConfig(), work=process_job,
                 here: Settings | None = None) -> None:
        """`work(job, settings) -> DocumentResult` runs in the workers (a module-level function).
        `here`: the settings for a small batch run in this process (default: `settings`), whose
        OCR engine need not share the cores with other workers."""
        self.settings = settings
        self.here = here or settings
        self.config = config
        self.work = work
        # spawn, not fork: the parent holds polars' thread pool, which a fork can deadlock.
        self._ctx = mp.get_context("spawn")

    def _start(self) -> _Slot:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker, args=(child, self.work, self.settings, self.config.max_rss_bytes), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent)

    @staticmethod
    def _stop(slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        slot.conn.close()

    def small(self, jobs: list[Job]) -> bool:
        """Whether the batch is cheaper run in this process than on spawned workers."""
        cfg = self.config
        if len(jobs) < cfg.workers * cfg.in_process_docs_per_worker:
            return True
        if cfg.in_process_bytes <= 0:
            return False
        total = 0
        for path in {job.path for job in jobs}:
            try:
                total += path.stat().st_size
            except OSError:
                pass
            if total > cfg.in_process_bytes:
                return False
        return True

    def _run_here(self, jobs: list[Job]) -> Iterator[DocumentResult]:
        with rare_collections():
            for job in jobs:
                started = time.monotonic()
                try:
                    result = self.work(job, self.here)
                except Exception as exc:  # process_document never raises; a custom `work` may
                    result = _failed(job, f"internal error {type(exc).__name__}: {exc}", time.monotonic() - started)
                yield result

    def run(self, jobs: Iterable[Job]) -> Iterator[DocumentResult]:
        pending = list(jobs)
        if self.small(pending):
            yield from self._run_here(pending)
            return
        pending.reverse()  # pop() from the end keeps the given order
        slots = [self._start() for _ in range(min(self.config.workers, len(pending)))]
        try:
            while pending or any(s.job for s in slots):
                for i, slot in enumerate(slots):
                    if slot.job is None and pending:
                        if not slot.process.is_alive():  # died between documents
                            self._stop(slot)
                            slots[i] = slot = self._start()
                        slot.job, slot.started, slot.took = pending.pop(), time.monotonic(), False
                        try:
                            slot.conn.send(slot.job)
                        except OSError:
                            pass  # seen below as a dead worker with a job in hand
                busy = [s for s in slots if s.job]
                ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=1.0)
                now = time.monotonic()
                for i, slot in enumerate(slots):
                    if slot.job is None:
                        continue
                    result, replace = None, False
                    while slot.conn in ready and result is None:
                        try:
                            kind, body = slot.conn.recv()
                        except (EOFError, OSError):
                            break
                        if kind == "took":  # the clock starts now
                            slot.took, slot.started = True, time.monotonic()
                        else:
                            result, replace = body
                        try:
                            if not slot.conn.poll():
                                break
                        except (EOFError, OSError):
                            break
                    now = time.monotonic()
                    if result is None and not slot.process.is_alive():
                        code = slot.process.exitcode
                        reason = f"worker died (signal {-code})" if code and code < 0 else f"worker exited ({code})"
                        result, replace = _failed(slot.job, reason, now - slot.started), True
                    elif result is None and now - slot.started > self.config.timeout_s + (0 if slot.took else START_GRACE_S):
                        result = _failed(slot.job, f"timed out after {self.config.timeout_s:.0f} s", now - slot.started)
                        replace = True
                    if result is None:
                        continue
                    slot.job = None
                    if replace:
                        self._stop(slot)
                        slots[i] = self._start() if pending else slot
                    yield result
        finally:
            for slot in slots:
                self._stop(slot)
