"""Every tunable threshold of the extraction, in one frozen dataclass with named defaults.

Lengths are PDF points (1/72 inch) unless the name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from extract.errors import SettingsError

if TYPE_CHECKING:
    from extract.audit.rules import Rules


@dataclass(frozen=True)
class GridSettings:
    # Strokes within this many points of axis-parallel count as ruling lines; office software
    # emits exact verticals/horizontals, scans deskewed to <0.1° stay within 1 pt over a page.
    axis_tolerance: float = 1.0
    # A filled rectangle thinner than this is a ruling line drawn as a box (Word/WPS borders
    # are 0.5–1 pt boxes); anything thicker is shading.
    max_rule_thickness: float = 3.0
    # Parallel lines closer than this are one line: double-drawn shared borders of adjacent
    # cells land within a line width (≤1 pt) of each other.
    snap_tolerance: float = 2.0
    # Collinear pieces with a gap up to this are one line (cell borders drawn per cell meet
    # end to end; 3 pt bridges the small gaps some printers leave at joints).
    join_tolerance: float = 3.0
    # A line must reach within this distance of another to touch it (joints, table grouping).
    intersect_tolerance: float = 3.0
    # A cell border counts as drawn where lines cover at least this share of it.
    min_border_coverage: float = 0.5
    # Rows or columns narrower than this are artefacts of near-coincident lines, not cells.
    min_cell_size: float = 2.0
    # A table is at least this wide and has 2+ columns; smaller "grids" are the strokes of
    # a large character (a scanned title's 目) or a decorative box. One row is a table: a
    # page break leaves a form's 项目名称 row, or its 评分等级 row, alone on a page.
    min_table_width: float = 60.0


@dataclass(frozen=True)
class TextSettings:
    # Characters whose baselines differ by less than this share of the font size are one line.
    baseline_tolerance: float = 0.5
    # A line is a wrap, not a paragraph end, when the next line's first unbreakable unit (a
    # CJK character with any punctuation that may not open a line, or a Latin/number run)
    # would not have fitted in the room left at its end, give or take this many ems
    # (letter spacing; the space a Latin wrap swallows).
    wrap_tolerance_em: float = 0.5


def one_of(choices: type[Enum], value: object, what: str) -> str:
    """`value` as the name of one of `choices` (an Enum of strings), else SettingsError."""
    try:
        return choices(value).value
    except ValueError:
        raise SettingsError(f"{what} {value!r} is not one of " + ", ".join(c.value for c in choices)) from None


class OcrMode(str, Enum):
    """Which pages are read by OCR (OcrSettings.mode, the CLI's --ocr)."""

    auto = "auto"  # only pages whose text layer is missing or unusable
    always = "always"
    never = "never"


class Crops(str, Enum):
    """Source page images beside each form in a report (ReportOptions.crops, the CLI's
    --crops): for all forms, only flagged ones (findings above info, or under review: for
    large archives), or none."""

    all = "all"
    flagged = "flagged"
    none = "none"


class Layer(str, Enum):
    """What `show --overlay` draws (report/overlay.py): one stage of a page's reading each,
    the same records from a text layer and from OCR."""

    rules = "rules"  # ruling segments as read: the PDF's strokes, or runs of ink on a scan
    lines = "lines"  # the segments snapped into ruling lines (grid/lines.py)
    cells = "cells"  # the grid's cells, spans merged (grid/cells.py)
    words = "words"  # the words as read: PDF characters, or OCR runs (unsure ones dashed orange)
    fields = "fields"  # the form's fields, coloured by block (values/form.py)


@dataclass(frozen=True)
class OcrSettings:
    # auto: OCR only pages whose text layer is missing or unusable; always; never.
    mode: str = "auto"
    # Render resolution for pages that are not a single scan image. 200 dpi puts 10 pt text
    # at ~28 px, well inside what PP-OCRv4 reads best (48 px lines after its resize).
    dpi: int = 200
    # ONNX Runtime threads per OCR engine; None: all cores. A batch sets cores ÷ workers, so
    # that two workers on two cores do not each start two threads (measured: 2 workers × 2
    # threads was slower than 1 worker).
    threads: int | None = None
    # Read the unsure words again with a second recogniser (extract/ocr/second.py).
    second_reading: bool = True

    def __post_init__(self) -> None:
        # A misspelt mode ("alway") would otherwise run as auto without a word.
        object.__setattr__(self, "mode", one_of(OcrMode, self.mode, "OCR mode"))


@dataclass(frozen=True)
class Settings:
    grid: GridSettings = GridSettings()
    text: TextSettings = TextSettings()
    ocr: OcrSettings = OcrSettings()
    # The audit rules a scanned form's arithmetic is checked by, to flag misreadings
    # (extract.document.flag_arithmetic_doubts); None: the defaults (rules.toml).
    audit_rules: Rules | None = None


DEFAULT_SETTINGS = Settings()
