"""The page record every later stage reads, whatever produced it (text layer or OCR)."""

from __future__ import annotations

from dataclasses import dataclass, field


# Not frozen, but never changed in place (dataclasses.replace makes a new one): a text page
# makes a Word per character, and a frozen dataclass's __init__ costs five times as much.
@dataclass(slots=True, unsafe_hash=True)
class Word:
    """A piece of text with its box in page points: one PDF character, or one OCR text run."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    baseline: float
    size: float  # font size (text layer) or box height (OCR)
    confidence: float = 1.0
    # OCR: the least sure character's probability as first read (a number's meaning turns on
    # one glyph); a word made otherwise is as sure in its parts as in all.
    weakest: float = 1.0
    # OCR: characters the recogniser passed over between two it read (ink with room for one).
    passed_over: int = 0
    # OCR: the glyphs read unsurely, each with the recogniser's runner-up reading of it.
    unsure_glyphs: tuple[tuple[str, str], ...] = ()

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True, slots=True)
class Segment:
    """A straight ruling stroke, axis-parallel within tolerance (x0 <= x1, y0 <= y1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.y1 - self.y0)


@dataclass
class Page:
    """One page as the later stages see it. `number` is 1-based."""

    number: int
    width: float
    height: float
    method: str  # "text", "ocr" or "native" (a workbook's sheet, a Word document's body)
    words: list[Word] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    curves: int = 0  # Bézier segments drawn (many, with no characters: text drawn as outlines)
    # A scan's coordinates are those of its upright, deskewed image (see PageFrame).
    turns: int = 0
    skew: float = 0.0
    dpi: float | None = None
    # A native page's cells: box (points) → where the cell is in its file ("表1!C12").
    cells: dict[tuple[float, float, float, float], str] = field(default_factory=dict)
