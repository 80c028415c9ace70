"""A batch of files → the dataset directory. Resumable: files whose content hash is already
in documents.parquet are skipped. Results are taken as the workers finish them, and the
tables are rewritten atomically at checkpoints (every so many documents, and at least every
so many seconds), so a run killed at any moment loses only what came after the last one."""

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
from extract.dataset import read_dataset, to_frames, write_dataset
from extract.executor import Executor, ExecutorConfig, Job, LocalExecutor
from extract.inputs import find_inputs
from extract.errors import NoInputs
from extract.records import DocumentResult
from extract.settings import DEFAULT_SETTINGS, Settings


@dataclass(frozen=True)
class IngestConfig:
    workers: int = os.cpu_count() or 1
    settings: Settings = DEFAULT_SETTINGS  # settings.ocr: the --ocr mode and --dpi
    rules: Rules | None = None  # audit rules; None: the defaults
    timeout_s: float = ExecutorConfig().timeout_s  # per document
    # Rewrite the tables after this many new documents, or when a result arrives this many
    # seconds after the last checkpoint, whichever comes first, so a killed run loses little.
    # (A checkpoint of a 600-document dataset takes ~0.1 s, so neither is costly.)
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
    existing = read_dataset(out)
    docs = existing["documents"]
    recorded = set(zip(docs["doc_id"].to_list(), docs["path"].to_list()))
    first_path = dict(zip(docs["doc_id"].to_list(), docs["path"].to_list()))
    jobs: list[Job] = []
    copies: list[tuple[str, str]] = []  # (doc_id, path) of byte-identical copies
    unreadable: list[DocumentResult] = []
    inputs = find_inputs(paths)
    if not inputs:
        raise NoInputs("no PDF, scan image or zip archive under " + ", ".join(str(p) for p in paths))
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
    store = _Checkpoints(out, existing, config.checkpoint_every, config.checkpoint_seconds)
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
    for res in _copies(copies, first_path, store.new, docs):
        store.add(res)
    summary.skipped += len(copies)
    store.save(final=True)
    summary.dataset_documents = sum(frame.height for frame in store.parts("documents"))
    summary.dataset_forms = sum(frame.height for frame in store.parts("forms"))
    summary.findings = audit_directory(out, config.rules)
    summary.seconds = time.perf_counter() - started
    return summary


def _local_executor(config: IngestConfig, jobs: int) -> LocalExecutor:
    workers = max(1, min(config.workers, jobs))
    settings = config.settings
    if settings.ocr.threads is None:  # share the cores among the workers' OCR engines
        settings = replace(settings, ocr=replace(settings.ocr, threads=max(1, (os.cpu_count() or 1) // workers)))
    return LocalExecutor(settings, ExecutorConfig(workers=workers, timeout_s=config.timeout_s))


def _copies(copies, first_path, new: list[DocumentResult], docs: pl.DataFrame) -> list[DocumentResult]:
    """documents rows for byte-identical copies, pointing at the first path read."""
    originals = {r.doc_id: (r.pages, r.status, r.error, r.method, len(r.forms)) for r in new}
    for row in docs.iter_rows(named=True):
        originals.setdefault(row["doc_id"], (row["pages"], row["status"], row["error"], row["method"], row["forms"]))
    rows = []
    for doc_id, shown in copies:
        pages, status, error, method, forms = originals[doc_id]
        rows.append(DocumentResult(doc_id=doc_id, path=shown, pages=pages, status=status, error=error, method=method,
                                   form_count=forms, duplicate_of=first_path[doc_id]))
    return rows


class _Checkpoints:
    """The dataset as the run goes: what was there, plus this run's results, each converted
    to rows once (a checkpoint costs the new rows, not the whole run again). A checkpoint is
    due after `every` new results, or at the first result `seconds` after the last one. The
    last save orders this run's rows by path, so a dataset does not depend on which worker
    was first."""

    def __init__(self, out: Path, existing: dict[str, pl.DataFrame], every: int, seconds: float) -> None:
        self.out = out
        self.existing = existing
        self.every = max(1, every)
        self.seconds = seconds
        self.new: list[DocumentResult] = []
        self.chunks: dict[str, list[pl.DataFrame]] = {name: [] for name in existing}
        self.converted = 0
        self.saved_at = time.monotonic()
        self.saved: dict[str, list[pl.DataFrame]] = self.chunks

    def add(self, res: DocumentResult) -> None:
        self.new.append(res)
        if len(self.new) - self.converted >= self.every or time.monotonic() - self.saved_at >= self.seconds:
            self.save()

    def parts(self, name: str) -> list[pl.DataFrame]:
        """The table as last saved, in parts: what was there, and this run's rows."""
        return [self.existing[name], *self.saved[name]]

    def save(self, final: bool = False) -> None:
        if final:
            fresh = to_frames(sorted(self.new, key=lambda r: r.path))
            parts = {name: [frame] for name, frame in fresh.items()}
        else:
            for name, frame in to_frames(self.new[self.converted:]).items():
                self.chunks[name].append(frame)
            self.converted = len(self.new)
            parts = self.chunks
        self.saved = parts
        write_dataset(self.out, {
            name: pl.concat([self.existing[name], *parts[name]], how="diagonal_relaxed") for name in self.existing
        })
        self.saved_at = time.monotonic()
