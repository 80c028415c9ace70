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
