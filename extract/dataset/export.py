"""The dataset for people who use spreadsheets: one xlsx workbook (a sheet per table) or one
CSV file per table, headed by the column names or by the forms' own Chinese (labels.toml).

    from extract.dataset.export import export_dataset
    export_dataset(Path("data"), "xlsx", labels="zh")      # → data/jixiao.xlsx
"""

from __future__ import annotations

import errno
import math
import os
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Literal

import polars as pl
import xlsxwriter

from extract.dataset.load import load_tables

Labels = Literal["en", "zh"]
Format = Literal["xlsx", "csv"]

LABELS_PATH = Path(__file__).with_name("labels.toml")
XLSX_NAME = "jixiao.xlsx"
CSV_DIR = "csv"

# Column widths in display units (a CJK or full-width character counts 2), and how many
# values are measured for them.
MIN_WIDTH, MAX_WIDTH = 6, 60
WIDTH_SAMPLE = 1000
# Excel's last row; a longer table continues on sheets "name (2)", "name (3)" …
EXCEL_ROWS = 1_048_576
AMOUNT_FORMAT = "#,##0.00##"  # 万元 amounts are printed with up to 4 decimals
PCT_FORMAT = "0.00"


@cache
def _zh() -> dict[str, dict[str, str]]:
    return tomllib.loads(LABELS_PATH.read_text(encoding="utf-8"))


def column_labels(table: str, columns: Iterable[str], labels: Labels = "en") -> list[str]:
    """Header names for the (flattened) columns of `table`. Under "zh" a column labels.toml
    does not know keeps its English name, and a label already used in the sheet gets the
    English name appended, so headers stay distinct."""
    columns = list(columns)
    if labels == "en":
        return columns
    known = _zh().get(table, {})
    out: list[str] = []
    for name in columns:
        label = known.get(name, name)
        out.append(f"{label} ({name})" if label in out else label)
    return out


def sheet_name(table: str, labels: Labels = "en") -> str:
    """The table's name; under "zh" its Chinese name from labels.toml [sheet_names]."""
    return _zh()["sheet_names"].get(table, table) if labels == "zh" else table


def flatten(frame: pl.DataFrame) -> pl.DataFrame:
    """Struct columns become one column per field, named `column.field`, where the struct
    was; list columns become text joined by "; " (an empty list: null). Everything else is
    left as it is."""
    exprs: list[pl.Expr] = []
    nested = False
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Struct):
            exprs += [pl.col(name).struct.field(f.name).alias(f"{name}.{f.name}") for f in dtype.fields]
            nested = nested or any(isinstance(f.dtype, pl.Struct) for f in dtype.fields)
        elif isinstance(dtype, (pl.List, pl.Array)):
            items = pl.col(name).arr.to_list() if isinstance(dtype, pl.Array) else pl.col(name)
            items = items.cast(pl.List(pl.String))
            exprs.append(pl.when(items.list.len() > 0).then(items.list.join("; ")).alias(name))
        else:
            exprs.append(pl.col(name))
    flat = frame.select(exprs)
    return flatten(flat) if nested else flat


def display_width(text: str) -> int:
    """Columns the text takes in a spreadsheet cell: 2 per wide (CJK, full-width) character;
    of a multi-line text, its widest line."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
                for line in text.split("\n")), default=0)


def _shown(value: Any) -> str:
    """Roughly how a value appears in its cell (for measuring the column)."""
    if isinstance(value, float) and math.isfinite(value):
        whole, frac = f"{value:,.4f}".split(".")
        return f"{whole}.{frac.rstrip('0'):0<2}"  # AMOUNT_FORMAT: 2 to 4 decimals
    return str(value)


def column_width(header: str, values: Iterable[Any]) -> int:
    """Fits the header (plus the autofilter button) and the values, within MIN/MAX_WIDTH."""
    widest = max((display_width(_shown(v)) for v in values if v is not None), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(display_width(header) + 2, widest + 1)))


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary name beside `path`, renamed onto it when the block succeeds: an export
    cut short leaves the previous file, never half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file where the folder should be
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path.parent)) from exc
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class _Styles:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        top = {"valign": "top"}
        self.header = book.add_format({"bold": True, "bottom": 1, "bg_color": "#EDEDED", "valign": "top"})
        self.text = book.add_format(top)
        self.wrap = book.add_format({**top, "text_wrap": True})
        self.amount = book.add_format({**top, "num_format": AMOUNT_FORMAT})
        self.pct = book.add_format({**top, "num_format": PCT_FORMAT})


def _cell_writer(ws, name: str, dtype: pl.DataType, width: int, styles: _Styles):
    """A function (row, col, value) writing one non-null value of this column as its type."""
    if dtype == pl.Boolean:
        return lambda r, c, v: ws.write_boolean(r, c, v, styles.text)
    if dtype.is_float():
        fmt = styles.pct if name.endswith("_pct") else styles.amount
        return lambda r, c, v: ws.write_number(r, c, v, fmt)
    if dtype.is_numeric():
        return lambda r, c, v: ws.write_number(r, c, v, styles.text)

    def text(r: int, c: int, v: Any) -> None:
        v = str(v)
        long = "\n" in v or display_width(v) > width
        ws.write_string(r, c, v, styles.wrap if long else styles.text)

    return text


def _write_sheets(book: xlsxwriter.Workbook, styles: _Styles, title: str, headers: list[str],
                  frame: pl.DataFrame) -> None:
    sample = frame.head(WIDTH_SAMPLE)
    widths = [column_width(h, sample.get_column(c).to_list()) for h, c in zip(headers, frame.columns)]
    per_sheet = EXCEL_ROWS - 1
    for part in range(max(1, -(-frame.height // per_sheet))):
        rows = frame.slice(part * per_sheet, per_sheet)
        ws = book.add_worksheet(title if part == 0 else f"{title} ({part + 1})")
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        ws.freeze_panes(1, 0)
        if headers:
            ws.autofilter(0, 0, rows.height, len(headers) - 1)
        for c, header in enumerate(headers):
            ws.write_string(0, c, header, styles.header)
        writers = [_cell_writer(ws, name, dtype, w, styles)
                   for (name, dtype), w in zip(rows.schema.items(), widths)]
        for r, values in enumerate(rows.iter_rows(), start=1):
            for c, value in enumerate(values):
                if value is not None:  # a null is an empty cell
                    writers[c](r, c, value)


def export_xlsx(tables: Mapping[str, pl.DataFrame], path: Path, labels: Labels = "en") -> Path:
    """One sheet per table, in the order given: frozen bold header row with autofilter,
    numbers and booleans as such, nulls empty, long text wrapped. Raises OSError when `path`
    cannot be written."""
    with _replacing(path) as tmp, open(tmp, "wb") as fh:
        # constant_memory: rows go to disk as they are written, so a large dataset fits.
        book = xlsxwriter.Workbook(fh, {"constant_memory": True, "nan_inf_to_errors": True})
        styles = _Styles(book)
        for name, frame in tables.items():
            flat = flatten(frame)
            _write_sheets(book, styles, sheet_name(name, labels), column_labels(name, flat.columns, labels), flat)
        book.close()
    return path


def export_csv(tables: Mapping[str, pl.DataFrame], out_dir: Path, labels: Labels = "en") -> list[Path]:
    """`out_dir/<table>.csv` per table, UTF-8 with a byte-order mark (without it Excel reads
    Chinese CSV as the local code page), structs flattened. Raises OSError when `out_dir`
    cannot be written."""
    written = []
    for name, frame in tables.items():
        flat = flatten(frame)
        flat = flat.rename(dict(zip(flat.columns, column_labels(name, flat.columns, labels))))
        path = out_dir / f"{name}.csv"
        with _replacing(path) as tmp:
            flat.write_csv(tmp, include_bom=True)
        written.append(path)
    return written


def default_output(directory: Path, fmt: Format) -> Path:
    return directory / (XLSX_NAME if fmt == "xlsx" else CSV_DIR)


def export_dataset(directory: Path, fmt: Format, labels: Labels = "en", out: Path | None = None,
                   raw: bool = False) -> list[Path]:
    """Every table in the dataset `directory` (findings and the corrections journal included)
    as `fmt`, corrected (the `corrected` column names each row's corrected cells) unless
    `raw`; to `out`, else DIR/jixiao.xlsx or DIR/csv/. An xlsx `out` that is a directory gets
    jixiao.xlsx in it."""
    if fmt not in ("xlsx", "csv") or labels not in ("en", "zh"):
        raise ValueError(f"format {fmt!r}, labels {labels!r}: expected xlsx|csv and en|zh")
    tables = load_tables(directory, raw)
    target = out if out is not None else default_output(directory, fmt)
    if fmt == "xlsx":
        return [export_xlsx(tables, target / XLSX_NAME if target.is_dir() else target, labels)]
    return export_csv(tables, target, labels)
