"""What segmentation yields: the form's printed texts, each tied to the field it fills."""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.grid import Cell


@dataclass(frozen=True)
class Field:
    """A printed value: its text, how sure the reading is, and where it stands."""

    text: str
    confidence: float
    page: int
    bbox: tuple[float, float, float, float]  # the cell
    text_bbox: tuple[float, float, float, float] | None = None  # the words read in it

    @classmethod
    def of(cls, cell: Cell, page: int) -> "Field":
        words = [w for w in cell.words if not w.text.isspace()]
        ink = (min(w.x0 for w in words), min(w.y0 for w in words), max(w.x1 for w in words),
               max(w.y1 for w in words)) if words else None
        return cls(cell.text, cell.confidence, page, (cell.x0, cell.y0, cell.x1, cell.y1), ink)

    def joined(self, other: "Field", sep: str = "") -> "Field":
        """This text continued by another fragment (a row or cell cut by a page break); the
        box stays the first fragment's."""
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
