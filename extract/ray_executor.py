"""The executor seam on a Ray cluster: documents as tasks on a pool of Ray actors, each with a
warm OCR engine, faults handled as the local executor handles them (extract/executor.py).

    jixiao ingest ARCHIVE --out /shared/data --executor ray [--ray-address ray://head:10001]

Each actor holds one `process_job` loop: a document at a time, its engine loaded once. Local
paths are read by the actors, so they must be on a filesystem every node mounts at the same
path; an archive member is read here and travels to its actor as bytes. Results come back to
this driver, which records them as the local executor's do (parts at checkpoints: a killed
driver resumes, extract/batch.py). Each actor has its next document queued behind the one it
reads, so it never waits on the driver. An actor that dies (OOM, a node lost) fails its
document with the reason and is replaced (with two documents on it, which one killed it is not
known: both are read again, each alone); a document past the timeout is failed and its actor
killed and replaced; Ray's own retries are off, so no document is counted twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from extract.errors import ExecutorUnavailable
from extract.executor import ExecutorConfig, Job, _failed, process_job, rare_collections, rss_bytes
from extract.records import DocumentResult
from extract.settings import Settings

INSTALL_HINT = "pip install 'jixiao[ray]'"
# How often the driver looks at timeouts while waiting for results.
POLL_S = 1.0
# An actor whose last document took less than this has its next one queued behind the one it
# reads: a round trip per document is a share of short ones (text pages) worth saving. Longer
# ones (scans) are given one at a time, so that the last documents go to whichever actor is free.
QUEUE_BELOW_S = 1.0


class _Actor:
    """One warm reader: its OCR engine, once loaded, serves every document it is given."""

    def __init__(self, settings: Settings, work, max_rss: int) -> None:
        self.settings, self.work, self.max_rss = settings, work, max_rss

    def process(self, job: Job, data: bytes | None) -> tuple[DocumentResult, bool]:
        """The document's result, and whether this actor has grown past its memory bound."""
        with rare_collections():
            result = self.work(job, self.settings) if data is None else _process_bytes(job, data, self.settings)
        return result, rss_bytes() > self.max_rss


def _process_bytes(job: Job, data: bytes, settings: Settings) -> DocumentResult:
    """An archive member read from the bytes sent with it (the archive may not be on this node)."""
    import tempfile
    from pathlib import Path

    from extract.document import process_document

    with tempfile.NamedTemporaryFile(suffix=Path(job.member or "").suffix.lower()) as tmp:
        tmp.write(data)
        tmp.flush()
        return process_document(Path(tmp.name), job.shown, settings, doc_id=job.doc_id)


@dataclass
class _Slot:
    """An actor and the documents sent to it, in order: the first is being read (since
    `started`), the others wait in the actor's queue so that it never waits for the driver."""

    actor: object
    queue: list[tuple[Job, object]] = field(default_factory=list)
    started: float = 0.0
    last_s: float | None = None  # how long its last document took

    @property
    def depth(self) -> int:
        return 2 if self.last_s is not None and self.last_s < QUEUE_BELOW_S else 1


class RayExecutor:
    """`run(jobs)` on Ray actors: `config.workers` of them, each reserving `cpus_per_actor`
    CPUs (its ONNX Runtime threads)."""

    def __init__(self, settings: Settings, config: ExecutorConfig = ExecutorConfig(), address: str | None = None,
                 cpus_per_actor: int | None = None, work=process_job) -> None:
        """`cpus_per_actor`: None shares the cluster's CPUs among `config.workers` actors."""
        self.config, self.address, self.work = config, address, work
        self.cpus_per_actor = cpus_per_actor
        self.base_settings = settings

    def _init(self):
        try:
            import ray
        except ImportError as exc:
            raise ExecutorUnavailable(f"Ray is not installed; {INSTALL_HINT}") from exc
        if not ray.is_initialized():
            try:
                ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                         configure_logging=False, ignore_reinit_error=True)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ExecutorUnavailable(f"cannot reach the Ray cluster at {self.address or 'a new local instance'}: {exc}") from exc
        cpus = self.cpus_per_actor or max(1, int(ray.cluster_resources().get("CPU", 1)) // max(1, self.config.workers))
        self.settings = replace(self.base_settings, ocr=replace(self.base_settings.ocr, threads=cpus))
        # Retries off: an actor that dies fails its document, as a local worker's death does.
        self._remote = ray.remote(num_cpus=cpus, max_restarts=0, max_task_retries=0)(_Actor)
        return ray

    def _start(self) -> _Slot:
        return _Slot(self._remote.remote(self.settings, self.work, self.config.max_rss_bytes))

    def _send(self, slot: _Slot, job: Job) -> DocumentResult | None:
        """The job queued on the slot's actor; an archive member that cannot be read is failed
        here instead (its reason, as the local executor records it)."""
        data = None
        if job.member is not None:
            from extract.errors import BadInput
            from extract.inputs import read_member

            try:
                data = read_member(job.path, job.member)
            except BadInput as exc:
                return _failed(job, str(exc), 0.0)
        if not slot.queue:
            slot.started = time.monotonic()
        # An actor's working directory is not this one: it is given the path from the root.
        sent = replace(job, path=job.path.resolve()) if data is None else job
        slot.queue.append((job, slot.actor.process.remote(sent, data)))
        return None

    def run(self, jobs: Iterable[Job]) -> Iterator[DocumentResult]:
        ray = self._init()
        from ray.exceptions import GetTimeoutError, RayActorError, RayTaskError

        pending = list(jobs)
        pending.reverse()
        slots = [self._start() for _ in range(min(self.config.workers, len(pending)))]
        # Documents on an actor that died with more than one sent to it: which one killed it is
        # not known (the last result may die with it), so each is read again on its own.
        alone: set[str] = set()
        try:
            while pending or any(s.queue for s in slots):
                for slot in slots:
                    while len(slot.queue) < slot.depth and pending:
                        if slot.queue and (pending[-1].doc_id in alone or slot.queue[-1][0].doc_id in alone):
                            break
                        if (unread := self._send(slot, pending.pop())) is not None:
                            yield unread
                heads = [s.queue[0][1] for s in slots if s.queue]
                ready, _ = ray.wait(heads, num_returns=1, timeout=POLL_S) if heads else ([], [])
                now = time.monotonic()
                for i, slot in enumerate(slots):
                    if not slot.queue:
                        continue
                    job, ref = slot.queue[0]
                    result, replace_actor = None, False
                    if ref in ready:
                        try:
                            result, replace_actor = ray.get(ref, timeout=60)
                        except RayActorError as exc:
                            if len(slot.queue) > 1 and job.doc_id not in alone:
                                alone.update(queued.doc_id for queued, _ in slot.queue)
                                pending.extend(reversed([queued for queued, _ in slot.queue]))
                                slot.queue.clear()
                                slots[i] = self._start()
                                continue
                            result = _failed(job, f"worker died ({_cause(exc)})", now - slot.started)
                            replace_actor = True
                        except RayTaskError as exc:
                            result = _failed(job, f"internal error {_cause(exc)}", now - slot.started)
                        except GetTimeoutError:
                            continue
                    elif now - slot.started > self.config.timeout_s:
                        result = _failed(job, f"timed out after {self.config.timeout_s:.0f} s", now - slot.started)
                        replace_actor = True
                    if result is None:
                        continue
                    slot.queue.pop(0)
                    slot.last_s, slot.started = now - slot.started, time.monotonic()
                    if replace_actor:
                        # The documents queued behind it were never read: they go to the next actor.
                        pending.extend(reversed([queued for queued, _ in slot.queue]))
                        ray.kill(slot.actor, no_restart=True)
                        slots[i] = self._start()
                    yield result
        finally:
            for slot in slots:
                try:
                    ray.kill(slot.actor, no_restart=True)
                except Exception:  # noqa: BLE001 — already gone
                    pass


def _cause(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
