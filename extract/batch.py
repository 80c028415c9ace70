"""A batch of files → the dataset directory. Resumable: files whose content hash is already
in the dataset's documents are skipped. Results are taken as the workers finish them, and
their rows are appended as new parts at checkpoints (every so many documents, and at least
every so many seconds), so a run killed at any moment loses only what came after the last
one; at the end the parts are compacted into the flat table files."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Protocol
from pathlib import Path

import polars as pl

from extract.audit import Rules, audit_directory
from extract.dataset import to_frames
from extract.dataset.store import (
    append_part, compact, has_parts, next_part_number, read_for_append, table_rows, write_dataset,
)
from extract.executor import Executor, ExecutorConfig, Job, LocalExecutor
from extract.inputs import find_inputs
from extract.errors import NoInputs
from extract.records import DocumentResult
from extract.settings import DEFAULT_SETTINGS, Settings


# A batch with fewer documents than workers × this, or at most this many bytes of input, runs
# in the calling process: spawning a worker costs 1–2 s of imports, while 4 MB of text PDFs
# (~100 pages) take about a second. (4 MB of scans is ~10 pages, ~25 s serial: the bound is
# kept low so that a scan batch does not lose its workers for long.)
IN_PROCESS_DOCS_PER_WORKER = 4
IN_PROCESS_BYTES = 4 * 2**20


@dataclass(frozen=True)
class IngestConfig:
    workers: int = os.cpu_count() or 1
    settings: Settings = DEFAULT_SETTINGS  # settings.ocr: the --ocr mode and --dpi
    rules: Rules | None = None  # audit rules; None: the defaults
    timeout_s: float = ExecutorConfig().timeout_s  # per document
    # Append the new rows after this many new documents, or when a result arrives this many
    # seconds after the last checkpoint, whichever comes first, so a killed run loses little.
    # (A checkpoint writes only its new rows, whatever the size of the dataset.)
    checkpoint_every: int = int(os.environ.get("JIXIAO_CHECKPOINT_EVERY", 200))
    checkpoint_seconds: float = float(os.environ.get("JIXIAO_CHECKPOINT_SECONDS", 60))


@dataclass
class IngestSummary:
    files: int = 0
    skipped: int = 0
    ok: int = 0
    no_form: int = 0
    failed: int = 0
    forms: int = 0
    needs_review: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    findings: pl.DataFrame | None = None  # the audit of the whole dataset after the run
    # The dataset after the run, this run and earlier ones: documents and forms.
    dataset_documents: int = 0
    dataset_forms: int = 0

    def add(self, res: DocumentResult) -> None:
        setattr(self, res.status, getattr(self, res.status) + 1)
        self.forms += len(res.forms)
        self.needs_review += sum(f.needs_review for f in res.forms)
        if res.status == "failed":
            self.failures.append((res.path, res.error or ""))


class Progress(Protocol):
    """What a batch reports as it goes (the CLI draws it; a notebook may pass its own)."""

    def start(self, total: int, skipped: int) -> None: ...

    def advance(self, result: DocumentResult, summary: IngestSummary) -> None: ...


def ingest(
    paths: Iterable[Path],
    out: Path,
    config: IngestConfig = IngestConfig(),
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> IngestSummary:
    """Read the inputs under `paths` into the dataset at `out`, then audit it. `executor`
    runs the documents (default: local worker processes as `config` says)."""
    started = time.perf_counter()
    summary = IngestSummary()
    docs = read_for_append(out)
    recorded = set(zip(docs["doc_id"].to_list(), docs["path"].to_list()))
    first_path = dict(zip(docs["doc_id"].to_list(), docs["path"].to_list()))
    jobs: list[Job] = []
    copies: list[tuple[str, str]] = []  # (doc_id, path) of byte-identical copies
    unreadable: list[DocumentResult] = []
    inputs = find_inputs(paths)
    if not inputs:
        raise NoInputs("no PDF, scan image or archive (.zip, .7z, .rar) under " + ", ".join(str(p) for p in paths))
    for inp in inputs:
        summary.files += 1
        doc_id = inp.sha256()
        if (doc_id, inp.shown) in recorded:
            summary.skipped += 1
        elif inp.problem is not None:
            unreadable.append(DocumentResult(doc_id=doc_id, path=inp.shown, status="failed", error=inp.problem))
        elif doc_id in first_path:
            copies.append((doc_id, inp.shown))  # the same document again: read once, every path recorded
        else:
            first_path[doc_id] = inp.shown
            jobs.append(Job(inp.path, inp.shown, doc_id, inp.member))

    if progress:
        progress.start(total=len(jobs) + len(unreadable), skipped=summary.skipped + len(copies))
    store = _Checkpoints(out, docs, config.checkpoint_every, config.checkpoint_seconds)
    executor = executor or _local_executor(config, len(jobs))
    sources = {job.doc_id: job for job in jobs}
    # Lazily, one result at a time: progress and checkpoints follow the workers.
    for res in chain(unreadable, executor.run(jobs)):
        if (job := sources.get(res.doc_id)) is not None:
            res.source, res.member = str(job.path.resolve()), job.member
        summary.add(res)
        if progress:
            progress.advance(res, summary)
        store.add(res)
    for res in _copies(copies, first_path, store.read, docs):
        store.add(res)
    summary.skipped += len(copies)
    store.save(final=True)
    summary.dataset_documents = table_rows(out, "documents")
    summary.dataset_forms = table_rows(out, "forms")
    summary.findings = audit_directory(out, config.rules)
    summary.seconds = time.perf_counter() - started
    return summary


def ray_executor(config: IngestConfig, address: str | None = None):
    """The batch's documents on Ray actors (extract/ray_executor.py), `config.workers` of them."""
    from extract.ray_executor import RayExecutor

    settings = config.settings if config.rules is None else replace(config.settings, audit_rules=config.rules)
    return RayExecutor(settings, ExecutorConfig(workers=config.workers, timeout_s=config.timeout_s), address)


def _local_executor(config: IngestConfig, jobs: int) -> LocalExecutor:
    workers = max(1, min(config.workers, jobs))
    here = config.settings
    if config.rules is not None:  # the user's rules also judge a scanned form's arithmetic
        here = replace(here, audit_rules=config.rules)
    settings = here
    if settings.ocr.threads is None:  # share the cores among the workers' OCR engines
        settings = replace(settings, ocr=replace(settings.ocr, threads=max(1, (os.cpu_count() or 1) // workers)))
    # A small batch runs in this process (`here`): a spawned worker's imports cost more than it saves.
    return LocalExecutor(settings, ExecutorConfig(workers=workers, timeout_s=config.timeout_s,
                                                  in_process_docs_per_worker=IN_PROCESS_DOCS_PER_WORKER,
                                                  in_process_bytes=IN_PROCESS_BYTES), here=here)


def _copies(copies, first_path, read: dict[str, tuple], docs: pl.DataFrame) -> list[DocumentResult]:
    """documents rows for byte-identical copies, pointing at the first path read."""
    originals = dict(read)
    for row in docs.iter_rows(named=True):
        originals.setdefault(row["doc_id"], (row["pages"], row["status"], row["error"], row["method"], row["forms"]))
    rows = []
    for doc_id, shown in copies:
        pages, status, error, method, forms = originals[doc_id]
        rows.append(DocumentResult(doc_id=doc_id, path=shown, pages=pages, status=status, error=error, method=method,
                                   form_count=forms, duplicate_of=first_path[doc_id]))
    return rows


class _Checkpoints:
    """This run's results on their way to the dataset. A checkpoint turns the results since
    the last one into rows (in path order) and appends them as a part of each table (its cost
    is the new rows, not the dataset); the records are then let go, and the rows are not kept
    either: memory holds a checkpoint, whatever the archive. A checkpoint is due after `every`
    new results, or at the first result `seconds` after the last one. The last save compacts
    the parts into the flat files (streamed from disk: extract/dataset/store.py), documents
    and forms ordered by path, so they do not depend on which worker was first."""

    def __init__(self, out: Path, done: pl.DataFrame, every: int, seconds: float) -> None:
        self.out = out
        self.every = max(1, every)
        self.seconds = seconds
        self.pending: list[DocumentResult] = []
        self.parts = 0  # written by this run
        # Nothing on disk yet: a run with a single save writes the flat files directly.
        self.empty = done.height == 0 and not has_parts(out)
        # What a byte-identical copy's documents row repeats of the file first read.
        self.read: dict[str, tuple] = {}
        self.number = next_part_number(out)  # this run's parts: from here on
        self.saved_at = time.monotonic()

    def add(self, res: DocumentResult) -> None:
        self.pending.append(res)
        self.read.setdefault(res.doc_id, (res.pages, res.status, res.error, res.method, len(res.forms)))
        if len(self.pending) >= self.every or time.monotonic() - self.saved_at >= self.seconds:
            self.save()

    def save(self, final: bool = False) -> None:
        if self.pending:
            frames = to_frames(sorted(self.pending, key=lambda r: r.path))
            self.pending = []
            if final and self.empty and not self.parts:
                # A run's only save into an empty folder: the flat files at once (as safe:
                # documents is written last), half the writes.
                write_dataset(self.out, frames)
                return
            append_part(self.out, self.number, frames)
            self.number += 1
            self.parts += 1
        if final:
            compact(self.out)  # this run's parts, and those of a run killed before it
        self.saved_at = time.monotonic()
