"""The cross-project dataset: polars tables of CONTRACT.md, stored as parquet."""

from extract.dataset.frames import to_frames
from extract.dataset.schema import TABLES
from extract.dataset.store import compact, read_dataset, read_table, write_dataset

__all__ = ["TABLES", "compact", "read_dataset", "read_table", "to_frames", "write_dataset"]
