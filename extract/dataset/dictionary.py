"""The dataset's column dictionary: every table's columns with their types (schema.py and the
audit's schemas) and meanings (columns.toml), as the Markdown of DATASET.md.

    python -m extract.dataset.dictionary            print it
    python -m extract.dataset.dictionary --write    rewrite DATASET.md at the repository root
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import polars as pl

COLUMNS_PATH = Path(__file__).with_name("columns.toml")
DATASET_MD = Path(__file__).resolve().parents[2] / "DATASET.md"

_INTRO = """# The dataset: every table and column

Written by `jixiao ingest DIR --out OUT` into OUT, one parquet file per table (during a run,
also `OUT/<table>/part-N.parquet` parts: read the tables with `extract.dataset.read_dataset`
or `pl.scan_parquet` over the flat file and the parts). `findings` and `consistency` are
written by the audit (every ingest, and `jixiao audit`); `corrections` (OUT/corrections/, one
part per entry) by `jixiao correct`, `confirm` and `review`. Every reader applies the corrections
journal (`doubts_open`, `corrected` and `confirmed` are the columns it adds; `--raw` shows the reading). Types are polars'; a value the form
does not print (or that could not be read) is null. Generated from `extract/dataset/columns.toml` and the schemas
(`python -m extract.dataset.dictionary --write`); a test keeps it up to date.
"""


def _type(dtype: pl.DataType) -> str:
    names = {pl.String: "str", pl.Int8: "i8", pl.Int32: "i32", pl.Float64: "f64", pl.Boolean: "bool",
             pl.Datetime: "datetime (UTC)"}
    if isinstance(dtype, pl.List):
        return f"list[{_type(dtype.inner)}]"
    if isinstance(dtype, pl.Struct):
        return "struct{" + ", ".join(f"{f.name}: {_type(f.dtype)}" for f in dtype.fields) + "}"
    return names.get(dtype.base_type(), str(dtype))


def schemas() -> dict[str, dict[str, pl.DataType]]:
    from extract.audit import CONSISTENCY, FINDINGS
    from extract.dataset.corrections import APPLIED, CORRECTIONS
    from extract.dataset.schema import TABLES

    read = {name: {**schema, **APPLIED.get(name, {})} for name, schema in TABLES.items()}
    return {**read, "findings": FINDINGS, "consistency": CONSISTENCY, "corrections": CORRECTIONS}


def meanings() -> dict[str, dict[str, str]]:
    return tomllib.loads(COLUMNS_PATH.read_text(encoding="utf-8"))


def markdown() -> str:
    notes = meanings()
    out = [_INTRO]
    for table, schema in schemas().items():
        out += [f"\n## `{table}.parquet`\n", "| column | type | meaning |", "|---|---|---|"]
        for column, dtype in schema.items():
            meaning = notes.get(table, {}).get(column, "").replace("|", "\\|")
            out.append(f"| {column} | {_type(dtype)} | {meaning} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        DATASET_MD.write_text(markdown(), encoding="utf-8")
    else:
        print(markdown(), end="")
