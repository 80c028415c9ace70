"""Every table of a dataset directory, the audit's findings included: what export and stats read."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from extract.dataset.schema import TABLES
from extract.dataset.store import has_table, read_dataset, table_path

# The order people meet the tables in (sheets of the workbook); tables added later follow.
TABLE_ORDER = ("documents", "forms", "fund_lines", "indicators", "findings", "consistency")


def is_dataset(directory: Path) -> bool:
    """forms is on disk: its flat file, or parts of a run not yet compacted."""
    return has_table(directory, "forms")


def load_tables(directory: Path) -> dict[str, pl.DataFrame]:
    """The tables on disk in `directory` (flat file or parts; consistent, as `read_dataset`
    reads them) plus findings.parquet when the audit has run, in TABLE_ORDER then the others."""
    tables = {name: frame for name, frame in read_dataset(directory).items()
              if has_table(directory, name)}
    for name in ("findings", "consistency"):  # the audit's tables
        path = table_path(directory, name)
        if name not in tables and path.exists():
            tables[name] = pl.read_parquet(path)
    known = [name for name in TABLE_ORDER if name in tables]
    others = [name for name in (*TABLES, *tables) if name in tables and name not in known]
    return {name: tables[name] for name in dict.fromkeys([*known, *others])}
