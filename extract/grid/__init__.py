"""Grid recovery: ruling segments → snapped lines → tables → cells with spans and text."""

from __future__ import annotations

from dataclasses import dataclass

from extract.grid.cells import find_grids
from extract.grid.lines import snap_segments
from extract.grid.text import assign_words, free_lines
from extract.grid.types import Cell, Grid, Line, TextLine
from extract.pages.types import Page
from extract.settings import Settings


@dataclass
class PageLayout:
    """A page after grid recovery: its tables, and the text lines outside them."""

    page: Page
    hlines: list[Line]
    vlines: list[Line]
    grids: list[Grid]
    free_text: list[TextLine]


def recover_layout(page: Page, settings: Settings) -> PageLayout:
    hlines, vlines = snap_segments(page.segments, settings.grid)
    grids = find_grids(page.number, hlines, vlines, settings.grid, page.words)
    outside = assign_words(grids, page.words, settings.text)
    return PageLayout(page, hlines, vlines, grids, free_lines(outside, settings.text))


__all__ = ["Cell", "Grid", "Line", "PageLayout", "TextLine", "recover_layout"]
