"""What segmentation yields: the form's printed texts, each tied to the field it fills."""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.segment.stitch import LogicalCell


@dataclass(frozen=True)
class Field:
    """A printed value: its text, how sure the reading is, and where it stands."""

    text: str
    confidence: float
    page: int
    bbox: tuple[float, float, float, float]  # the cell
    text_bbox: tuple[float, float, float, float] | None = None  # the words read in it

    @classmethod
    def of(cls, cell: LogicalCell) -> "Field":
        """A cell's text, with its first fragment's page and boxes (the ink on that page)."""
        words = [w for w in cell.words if not w.text.isspace()]
        box = (cell.x0, cell.y0, cell.x1, cell.y1)
        on_page = [w for w in words if cell.y0 - 1 <= w.cy <= cell.y1 + 1] if cell.fragments > 1 else words
        ink = (min(w.x0 for w in on_page), min(w.y0 for w in on_page), max(w.x1 for w in on_page),
               max(w.y1 for w in on_page)) if on_page else None
        return cls(cell.text, cell.confidence, cell.page, box, ink)

    def joined(self, other: "Field", sep: str = "") -> "Field":
        """This text followed by the next row's (goal texts over several rows); the box stays
        the first's."""
        return Field(self.text + sep + other.text, min(self.confidence, other.confidence), self.page, self.bbox,
                     self.text_bbox)


@dataclass
class RawFundLine:
    label: Field
    cells: dict[str, Field]  # FundLine field name → printed value


@dataclass
class RawIndicator:
    level1: Field | None
    level2: Field | None
    cells: dict[str, Field]  # level3, target (or target_op, target, target_unit), actual, weight, score, deviation_note
    page: int
    goal_index: int | None = None  # the goal block of the row, where a form has several
    goal_weight: float | None = None  # what that block's label declares: "年度绩效目标1(40分)"


@dataclass
class SegmentedForm:
    """One form's printed content mapped to its parts; no value parsed yet."""

    title: str
    page_start: int
    page_end: int
    year: int | None
    template: str
    header: dict[str, Field] = field(default_factory=dict)
    funds_label: str | None = None
    fund_lines: list[RawFundLine] = field(default_factory=list)
    goals: dict[str, Field] = field(default_factory=dict)
    indicators: list[RawIndicator] = field(default_factory=list)
    total: dict[str, Field] = field(default_factory=dict)
    grade: Field | None = None
    # The budget block's weight where a label declares it instead of a 分值 column
    # (Hubei: "项目预算执行情况(20分)", "得分(20分*执行率)").
    funds_weight_declared: float | None = None
    notes: list[str] = field(default_factory=list)  # printed between title and table
    # Header labels no lexicon entry knows: reported so a user can add them.
    unmapped_labels: list[str] = field(default_factory=list)
    # Structural doubts (a block not found, a column not mapped): the form needs review.
    problems: list[str] = field(default_factory=list)
    # The columns mapped per block ("funds", "indicators"): what the form was read with.
    columns: dict[str, set[str]] = field(default_factory=dict)
