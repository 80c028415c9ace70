"""Rule-based segmentation: page layouts → forms mapped to their parts, through the lexicon."""

from __future__ import annotations

from extract.grid import PageLayout
from extract.segment.lexicon import Lexicon, load_lexicon
from extract.segment.regions import FormRegion, find_regions
from extract.segment.types import Field, RawFundLine, RawIndicator, SegmentedForm
from extract.segment.walk import segment_region

# A titled region is a form only if it holds this many of the form's blocks; a table of
# contents that names the form, followed by some other table, holds none.
MIN_BLOCKS = 2


def segment_layouts(layouts: list[PageLayout], lex: Lexicon | None = None) -> list[SegmentedForm]:
    lex = lex or load_lexicon()
    forms = []
    for region in find_regions(layouts, lex):
        seg = segment_region(region, lex)
        blocks = sum(bool(x) for x in (seg.header, seg.fund_lines, seg.goals, seg.indicators, seg.total))
        if blocks >= MIN_BLOCKS:
            forms.append(seg)
    return forms


__all__ = [
    "Field", "FormRegion", "Lexicon", "RawFundLine", "RawIndicator", "SegmentedForm",
    "load_lexicon", "segment_layouts",
]
