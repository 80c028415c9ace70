"""Every table of a dataset directory, the audit's findings included: what export and stats read."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from extract.dataset.schema import TABLES
from extract.dataset.store import has_table, read_dataset, table_path

# The order people meet the tables in (sheets of the workbook); tables added later follow.
TABLE_ORDER = ("documents", "forms", "fund_lines", "indicators", "findings", "consistency", "corrections")


def is_dataset(directory: Path) -> bool:
    """forms is on disk: its flat file, or parts of a run not yet compacted."""
    return has_table(directory, "forms")


def load_tables(directory: Path, raw: bool = False) -> dict[str, pl.DataFrame]:
    """The tables on disk in `directory` (flat file or parts; consistent and corrected unless
    `raw`, as `read_dataset` reads them) plus findings.parquet when the audit has run and the
    corrections journal when there is one, in TABLE_ORDER then the others."""
    from extract.dataset.corrections import read_journal

    tables = {name: frame for name, frame in read_dataset(directory, raw=raw).items()
              if has_table(directory, name)}
    for name in ("findings", "consistency"):  # the audit's tables
        path = table_path(directory, name)
        if name not in tables and path.exists():
            tables[name] = pl.read_parquet(path)
    journal = read_journal(directory)
    if journal.height:
        tables["corrections"] = journal
        if raw and "findings" in tables:  # the audit on disk is of the corrected reading
            from extract.audit import audit

            result = audit(tables)
            tables["findings"], tables["consistency"] = result.findings, result.consistency
    known = [name for name in TABLE_ORDER if name in tables]
    others = [name for name in (*TABLES, *tables) if name in tables and name not in known]
    return {name: tables[name] for name in dict.fromkeys([*known, *others])}
