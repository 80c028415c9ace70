"""The dataset directory: a table is its flat file `DIR/<table>.parquet` plus the parts that
checkpoints appended since, `DIR/<table>/part-NNNNNN.parquet`, read back whole.

A checkpoint writes only its new rows, one part per table under one number, each file
written to a temporary name and renamed, `documents` last: checkpoint N is *complete* when
documents/part-N exists, and readers ignore the parts of an incomplete one (a run killed
between two writes). `compact` merges the parts into the flat files. Each flat file records
in its parquet metadata the highest part number it absorbed, and readers skip parts at or
below it, so a compaction killed at any point (some flat files rewritten, some parts already
deleted) reads as the same rows: none twice, none lost."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from extract.dataset.schema import TABLES

ABSORBED = "jixiao.absorbed"  # flat-file metadata: the parts up to this number are in it
_PART = re.compile(r"part-(\d+)\.parquet")
# The order a checkpoint or a compaction writes the tables in: documents, the record of what
# is done, last.
WRITE_ORDER = ("forms", "fund_lines", "indicators", "boxes", "pages", "documents")


def table_path(out: Path, name: str) -> Path:
    """The flat file of a table (what compaction writes, and all an older jixiao wrote)."""
    return out / f"{name}.parquet"


def part_path(out: Path, name: str, number: int) -> Path:
    return out / name / f"part-{number:06d}.parquet"


def _write_atomic(final: Path, frame: pl.DataFrame | pl.LazyFrame, metadata: dict[str, str] | None = None) -> None:
    """Write to a temporary name, then rename: a reader never sees half a file. A LazyFrame is
    streamed (sink_parquet): it is never held whole."""
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    if isinstance(frame, pl.LazyFrame):
        frame.sink_parquet(tmp, metadata=metadata)
    else:
        frame.write_parquet(tmp, metadata=metadata)
    os.replace(tmp, final)


def write_table(out: Path, name: str, frame: pl.DataFrame | pl.LazyFrame, absorbed: int | None = None) -> None:
    """The flat file of a table, whole (the audit's tables; compaction, with `absorbed`)."""
    _write_atomic(table_path(out, name), frame, None if absorbed is None else {ABSORBED: str(absorbed)})


@dataclass
class _Layout:
    """What is on disk, listed once: flat files, what each absorbed, the parts."""

    flats: dict[str, Path | None]
    absorbed: dict[str, int]
    parts: dict[str, dict[int, Path]]

    def complete(self, number: int) -> bool:
        return number <= self.absorbed["documents"] or number in self.parts["documents"]

    def live(self, name: str) -> list[Path]:
        """The parts of `name` a reader takes: of complete checkpoints, not yet in the flat file."""
        return [path for number, path in sorted(self.parts[name].items())
                if number > self.absorbed[name] and self.complete(number)]

    def top(self) -> int:
        """The highest part number used, in a part or recorded by a flat file."""
        return max([*self.absorbed.values(), *(n for parts in self.parts.values() for n in parts)], default=0)


def _layout(out: Path) -> _Layout:
    flats: dict[str, Path | None] = {}
    absorbed: dict[str, int] = {}
    parts: dict[str, dict[int, Path]] = {}
    for name in TABLES:
        flat = table_path(out, name)
        try:
            meta = pl.read_parquet_metadata(flat)
        except (FileNotFoundError, OSError):
            flats[name], absorbed[name] = None, 0
        else:
            flats[name], absorbed[name] = flat, int(meta.get(ABSORBED, 0))
        folder = out / name
        found: dict[int, Path] = {}
        if folder.is_dir():
            for path in folder.iterdir():
                if m := _PART.fullmatch(path.name):
                    found[int(m[1])] = path
        parts[name] = found
    return _Layout(flats, absorbed, parts)


def has_table(out: Path, name: str) -> bool:
    """The table is on disk: its flat file, or a part of a complete checkpoint."""
    if name not in TABLES:
        return table_path(out, name).exists()
    layout = _layout(out)
    return layout.flats[name] is not None or bool(layout.live(name))


def _read(layout: _Layout, name: str) -> pl.DataFrame:
    frames = [pl.read_parquet(layout.flats[name])] if layout.flats[name] is not None else []
    frames += [pl.read_parquet(path) for path in layout.live(name)]
    if not frames:
        return pl.DataFrame(schema=TABLES[name])
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed")


def read_table(out: Path, name: str) -> pl.DataFrame:
    """A table as it is on disk: the flat file and the parts after it, in order."""
    if name not in TABLES:  # the audit's tables: flat files only
        path = table_path(out, name)
        return pl.read_parquet(path) if path.exists() else pl.DataFrame()
    return _read(_layout(out), name)


def _ids(frame: pl.DataFrame | pl.LazyFrame, column: str) -> pl.Series:
    ids = frame.select(column).unique()
    return (ids.collect() if isinstance(ids, pl.LazyFrame) else ids)[column].implode()


def _consistent(tables: dict[str, pl.DataFrame | pl.LazyFrame]) -> dict[str, pl.DataFrame | pl.LazyFrame]:
    """documents is the record of what is done: rows of a document it does not list (a
    dataset of an older jixiao killed between two writes) are dropped, and that document is
    simply read again by the next run. Filters on the collected ids, not semi-joins, so that
    lazy (streamed) tables keep their rows' order too."""
    docs = _ids(tables["documents"], "doc_id")
    tables["forms"] = tables["forms"].filter(pl.col("doc_id").is_in(docs))
    if "pages" in tables:
        tables["pages"] = tables["pages"].filter(pl.col("doc_id").is_in(docs))
    forms = _ids(tables["forms"], "form_id")
    for name in ("fund_lines", "indicators", "boxes"):
        if name in tables:
            tables[name] = tables[name].filter(pl.col("form_id").is_in(forms))
    return tables


def read_dataset(out: Path, names: tuple[str, ...] = tuple(TABLES), raw: bool = False) -> dict[str, pl.DataFrame]:
    """The tables, consistent: flat files plus the parts of complete checkpoints, rows of
    documents that documents does not list dropped; with the corrections journal applied
    (extract/dataset/corrections.py) unless `raw`: then as read. `names`: only these tables
    (documents and forms are always read: they decide what is consistent)."""
    from extract.dataset.corrections import apply_journal, read_journal

    layout = _layout(out)
    wanted = dict.fromkeys(("documents", "forms", *names))
    tables = _consistent({name: _read(layout, name) for name in wanted})
    return tables if raw else apply_journal(tables, read_journal(out))


def _clean_stale(out: Path) -> None:
    """Temporary files left by a run killed while writing."""
    for stale in [*out.glob(".*.parquet.*.tmp"), *out.glob("*/.part-*.parquet.*.tmp")]:
        stale.unlink(missing_ok=True)


def next_part_number(out: Path) -> int:
    """The number of the next checkpoint's parts (after any used, absorbed ones included)."""
    if out.exists():
        _clean_stale(out)
    return _layout(out).top() + 1


def append_part(out: Path, number: int, frames: dict[str, pl.DataFrame]) -> None:
    """One checkpoint: the new rows of each table as part `number`, documents last, so a
    document listed as done always has its rows. Old parts are never rewritten."""
    for name in WRITE_ORDER:
        path = part_path(out, name, number)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, frames[name])


def _replace_all(out: Path, layout: _Layout, tables: dict[str, pl.DataFrame | pl.LazyFrame], upto: int) -> None:
    """Flat files of `tables` absorbing the parts up to `upto` (documents last), then those
    parts removed. Killed anywhere: a flat file rewritten has absorbed its parts, which
    readers then skip; one not yet rewritten still has them to add."""
    for name in WRITE_ORDER:
        write_table(out, name, tables[name], absorbed=upto)
    _remove_parts(out, layout, upto)


def _scan(layout: _Layout, name: str) -> pl.LazyFrame:
    """A table as `_read` reads it, lazily: its flat file's rows, then its live parts' — these
    ordered by path for documents and forms (small tables; the large ones keep the order of
    their parts, each written in path order, so that no step holds a large table whole)."""
    frames = [pl.scan_parquet(layout.flats[name])] if layout.flats[name] is not None else []
    if live := layout.live(name):
        parts = pl.scan_parquet(live)
        frames.append(parts.sort("path", maintain_order=True) if name in ("documents", "forms") else parts)
    if not frames:
        return pl.LazyFrame(schema=TABLES[name])
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed")


def _stream_all(out: Path, layout: _Layout, upto: int) -> None:
    """`_replace_all` from the files on disk, streamed a table at a time (memory: a part, not
    the dataset)."""
    _replace_all(out, layout, _consistent({name: _scan(layout, name) for name in TABLES}), upto)


def _remove_parts(out: Path, layout: _Layout, upto: int) -> None:
    for name in TABLES:
        for number, path in layout.parts[name].items():
            if number <= upto:
                path.unlink(missing_ok=True)
        try:
            (out / name).rmdir()
        except OSError:
            pass  # not empty (parts of a checkpoint after `upto`), or absent


def compact(directory: Path) -> int:
    """Merge the parts of each table into its flat file, then remove them; the number of
    part files merged (0: nothing to do, nothing rewritten). Streamed: an archive's dataset
    is never held in memory whole."""
    _clean_stale(directory)
    layout = _layout(directory)
    parts = sum(len(found) for found in layout.parts.values())
    if parts:
        _stream_all(directory, layout, layout.top())
    return parts


def has_parts(out: Path) -> bool:
    """Parts on disk (of any table): a run not yet compacted."""
    return any(_layout(out).parts.values()) if out.exists() else False


def table_rows(out: Path, name: str) -> int:
    """How many rows a table has on disk (flat file and live parts), without reading them."""
    return _scan(_layout(out), name).select(pl.len()).collect().item()


def read_for_append(out: Path) -> pl.DataFrame:
    """The documents already done, for a run that will append parts. Rows on disk that
    readers drop (of a document documents does not list, left by an older jixiao killed
    between two writes) are first removed from the flat files (streamed), or the document
    read again would have them twice."""
    layout = _layout(out)
    raw = {name: _scan(layout, name) for name in TABLES}
    kept = _consistent(dict(raw))
    counts = pl.collect_all([frame.select(pl.len()) for frame in [*raw.values(), *kept.values()]])
    if [c.item() for c in counts[:len(TABLES)]] != [c.item() for c in counts[len(TABLES):]]:
        _stream_all(out, layout, layout.top())
        layout = _layout(out)
    return _read(layout, "documents")


def write_dataset(out: Path, frames: dict[str, pl.DataFrame]) -> None:
    """The dataset as exactly these tables, flat files (forms first, documents last): any
    parts on disk are superseded and removed."""
    out.mkdir(parents=True, exist_ok=True)
    _clean_stale(out)
    layout = _layout(out)
    _replace_all(out, layout, frames, layout.top())
