"""The dataset directory: one parquet file per table, written atomically, read back whole."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from extract.dataset.schema import TABLES


def table_path(out: Path, name: str) -> Path:
    return out / f"{name}.parquet"


def write_table(out: Path, name: str, frame: pl.DataFrame) -> None:
    """Write to a temporary name, then rename: a reader never sees half a file."""
    final = table_path(out, name)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    frame.write_parquet(tmp)
    os.replace(tmp, final)


def read_table(out: Path, name: str) -> pl.DataFrame:
    path = table_path(out, name)
    if not path.exists():
        return pl.DataFrame(schema=TABLES[name])
    return pl.read_parquet(path)


def read_dataset(out: Path) -> dict[str, pl.DataFrame]:
    """The tables, consistent: documents.parquet is written last and is the record of what
    is done, so rows of a document it does not list (a run killed between two writes) are
    dropped here and that document is simply read again by the next run."""
    tables = {name: read_table(out, name) for name in TABLES}
    docs = tables["documents"].select("doc_id").unique()
    tables["forms"] = tables["forms"].join(docs, on="doc_id", how="semi")
    tables["pages"] = tables["pages"].join(docs, on="doc_id", how="semi")
    forms = tables["forms"].select("form_id")
    for name in ("fund_lines", "indicators", "boxes"):
        tables[name] = tables[name].join(forms, on="form_id", how="semi")
    return tables


def write_dataset(out: Path, frames: dict[str, pl.DataFrame]) -> None:
    """Forms first, documents last: a document listed as done always has its forms written."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.parquet.*.tmp"):  # left by a run killed while writing
        stale.unlink(missing_ok=True)
    for name in ("forms", "fund_lines", "indicators", "boxes", "pages", "documents"):
        write_table(out, name, frames[name])
