"""Running documents in worker processes that the batch survives.

A seam: `run(jobs)` yields one `DocumentResult` per job, in completion order, whatever the
jobs do. Here, local worker processes; a distributed executor can take the same place.

Each worker reads documents one at a time from its pipe. The parent watches them all: a
worker that dies (a crash inside MuPDF or ONNX Runtime, the kernel's OOM killer) or overruns
the per-document timeout is killed, its document recorded as `failed` with the reason,
and a fresh worker takes its place. Workers are also replaced after a number of documents,
since OCR engines grow in memory over long runs.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Iterable, Iterator
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


@dataclass(frozen=True)
class ExecutorConfig:
    workers: int = 1
    # A document still running after this many seconds is abandoned (its worker killed).
    # Generous: a 200-page scanned report takes ~2.5 s a page on 2 cores.
    timeout_s: float = 1800.0
    # A worker is replaced after this many documents, bounding its memory.
    docs_per_worker: int = 50


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


def _worker(conn: Connection, work, settings: Settings, docs: int) -> None:
    for _ in range(docs):
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(work(job, settings))


@dataclass
class _Slot:
    process: mp.process.BaseProcess
    conn: Connection
    job: Job | None = None
    started: float = 0.0
    done: int = 0  # documents finished; at docs_per_worker the worker exits on its own


def _failed(job: Job, reason: str, seconds: float) -> DocumentResult:
    return DocumentResult(doc_id=job.doc_id, path=job.shown, status="failed", error=reason, seconds=seconds)


class LocalExecutor:
    def __init__(self, settings: Settings, config: ExecutorConfig = ExecutorConfig(), work=process_job) -> None:
        """`work(job, settings) -> DocumentResult` runs in the workers (a module-level function)."""
        self.settings = settings
        self.config = config
        self.work = work
        # spawn, not fork: the parent holds polars' thread pool, which a fork can deadlock.
        self._ctx = mp.get_context("spawn")

    def _start(self) -> _Slot:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker, args=(child, self.work, self.settings, self.config.docs_per_worker), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent)

    @staticmethod
    def _stop(slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        slot.conn.close()

    def run(self, jobs: Iterable[Job]) -> Iterator[DocumentResult]:
        pending = list(jobs)
        pending.reverse()  # pop() from the end keeps the given order
        slots = [self._start() for _ in range(min(self.config.workers, len(pending)))]
        try:
            while pending or any(s.job for s in slots):
                for i, slot in enumerate(slots):
                    if slot.job is None and pending:
                        if not slot.process.is_alive():  # died between documents
                            self._stop(slot)
                            slots[i] = slot = self._start()
                        slot.job, slot.started = pending.pop(), time.monotonic()
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
                    if slot.conn in ready:
                        try:
                            result = slot.conn.recv()
                        except (EOFError, OSError):
                            result = None
                        if result is not None:
                            slot.done += 1
                            replace = slot.done >= self.config.docs_per_worker
                    if result is None and not slot.process.is_alive():
                        code = slot.process.exitcode
                        reason = f"worker died (signal {-code})" if code and code < 0 else f"worker exited ({code})"
                        result, replace = _failed(slot.job, reason, now - slot.started), True
                    elif result is None and now - slot.started > self.config.timeout_s:
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
