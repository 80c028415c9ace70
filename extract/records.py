"""The records a form becomes: what the dataset stores, one dataclass per table row.

These are the outward shapes (see CONTRACT.md); the fixture truth files are these records
serialised with `dataclasses.asdict`, so tests compare extraction and truth field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FundLine:
    """One line of the 项目资金 block; line_index 0 is 年度资金总额."""

    line_index: int
    line: str  # canonical: 年度资金总额, 当年财政拨款, 上年结转资金, 其他资金, or the label sans "其中:"
    label: str  # as printed (NFKC)
    budget_initial: float | None = None
    budget_full_year: float | None = None
    executed: float | None = None
    weight: float | None = None
    execution_rate_pct: float | None = None
    score: float | None = None
    # Added to the contract: digits printed after the point, per number field (the precision
    # the audit compares at), and the lowest confidence of the line's cells.
    decimals: dict[str, int] = field(default_factory=dict)
    confidence: float = 1.0


@dataclass
class Indicator:
    """One third-level indicator row, merged 一级/二级 names filled down."""

    indicator_index: int
    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    weight: float | None
    score: float | None
    deviation_note: str | None
    kind: str  # quantitative | qualitative
    target_op: str | None  # >=, >, <=, <, =
    target_value: float | None
    actual_value: float | None
    target_unit: str | None
    actual_unit: str | None
    page: int  # 1-based page where the row starts
    confidence: float = 1.0
    decimals: dict[str, int] = field(default_factory=dict)  # added: printed precision of weight/score
    # Added for regional variants: the 分值 a first-level label declares ("产出指标(50分)"),
    # and which goal block the row belongs to (1, 2 … where a form has several, as Hubei's).
    level1_weight: float | None = None
    goal_index: int | None = None
    goal_weight: float | None = None  # the 分值 its goal block declares ("年度绩效目标1(40分)")


@dataclass
class FieldBox:
    """Where a mapped field was printed: its cell, in the points of its page's layout frame
    (see PageFrame), and the extent of the text read in it."""

    subject: str  # form | fund_lines[i] | indicators[i]
    field: str  # the dataset column the cell fills
    block: str  # header | funds | goals | indicators | total
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text_bbox: tuple[float, float, float, float] | None
    confidence: float
    text: str | None = None  # as read, before any value rule (a reviewer sees what was read)
    cell: str | None = None  # a native form's cell in its file ("表1!C12"); None on a page


@dataclass
class Form:
    """One self-evaluation form as found in a document."""

    form_index: int
    page_start: int
    page_end: int
    method: str  # text | ocr
    template: str
    year: int | None = None
    project_name: str | None = None
    department: str | None = None
    implementing_unit: str | None = None
    funds_unit: str = "万元"
    budget_initial: float | None = None
    budget_full_year: float | None = None
    executed: float | None = None
    funds_weight: float | None = None
    execution_rate_pct: float | None = None
    funds_score: float | None = None
    goal_planned: str | None = None
    goal_actual: str | None = None
    total_weight: float | None = None
    total_score: float | None = None
    grade: str | None = None
    # Added: digits printed after the point in total_weight / total_score.
    decimals: dict[str, int] = field(default_factory=dict)
    confidence: float = 1.0
    needs_review: bool = False
    fund_lines: list[FundLine] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    # Why needs_review is set, one short phrase each (not in the contract's tables; kept for `show`).
    review_reasons: list[str] = field(default_factory=list)
    # Added: header labels no lexicon entry knows (a variant to add to the lexicon).
    unmapped_labels: list[str] = field(default_factory=list)
    # Added: columns and blocks the form may print but that were not read ("indicators.
    # deviation_note" under a seal, "fund_lines.*" when the block was not found). A finding
    # that rests on one is the reading's doubt, not the form's fault (source extraction).
    unread_columns: list[str] = field(default_factory=list)
    # Added: what a reviewer must settle for the form to leave review: "subject.field" of each
    # field in doubt, "form" for a doubt no field holds (values/form.py `doubts`).
    doubts: list[str] = field(default_factory=list)
    # Where each field was printed (boxes.parquet; overlays and report crops).
    boxes: list[FieldBox] = field(default_factory=list)


@dataclass
class PageFrame:
    """How a read page's coordinates relate to the file's page: text pages use the PDF's
    unrotated page space; a scan's layout lives on its upright, deskewed image."""

    page: int
    method: str  # text | ocr
    width: float
    height: float
    turns: int = 0  # quarter turns counter-clockwise applied to the scan
    skew: float = 0.0  # degrees of rotation removed by deskewing
    dpi: float | None = None  # the scan's resolution


@dataclass
class DocumentResult:
    """What one input file became: its documents.parquet row and its forms."""

    doc_id: str
    path: str
    pages: int | None = None
    status: str = "failed"
    error: str | None = None
    method: str | None = None
    seconds: float = 0.0
    forms: list[Form] = field(default_factory=list)
    # A byte-identical copy of a file read under another path: not read again; its row
    # names that path and repeats its counts (its forms are the first path's).
    duplicate_of: str | None = None
    form_count: int | None = None
    # Added: the file on disk (for a zip member: its archive and the member's name), and the
    # frames of the pages read, so a report can show the page behind a number.
    source: str | None = None
    member: str | None = None
    frames: list[PageFrame] = field(default_factory=list)
    # Added: a document whose pages look like a form none was read from (`error` says which).
    needs_review: bool = False
