"""Layout specs: where each block of a form's table sits on its grid, and its labels.

One builder (make_fixtures.build_form_table) draws every family from such a spec. The
table is a grid of base columns (`cols`, widths in pt); every block places its cells on
that grid with column spans, the way a spreadsheet merges cells, so blocks whose columns
do not line up (the funds block and the indicator block of a Sichuan form) share one grid.

Blocks, top to bottom: header rows (项目名称 …), the funds block (its label cell spans the
block's rows), the goals (one 年度总体目标 block with a planned and an actual column, or
Hubei's goal blocks each followed by its own indicator table), the indicator header (one
row, or two where a group label spans sub-columns), the indicator rows, the total row and
the 评分等级 row.

Column keys say what a column holds:
- funds: initial, full, executed, weight, rate, score (FUND_KEYS, the order of a fund
  line's printed cells in the records), or "x:<label>" for a column no field takes, its
  cell printed from the line's extras;
- indicators: l1, l2, l3, target (the printed target), op / tval / tunit (a target split
  into 指标性质 | 指标值 | 度量单位), actual, weight, score, note, or "x:<label>";
- header rows: "label" (prints the Col's label) or a form field (prints form[key]).
Extra ("x:") columns are what no lexicon knows: their labels are the form's unmapped_labels.
"""

from __future__ import annotations

from dataclasses import dataclass

FUND_KEYS = ("initial", "full", "executed", "weight", "rate", "score")
IND_KEYS = ("target", "actual", "weight", "score", "note")


@dataclass(frozen=True)
class Col:
    key: str
    label: str = ""
    span: int = 1


@dataclass(frozen=True)
class Funds:
    """The funds block: a label cell (text: the form's funds_label) spanning the header row
    and the lines, a line-label column, then the value columns."""

    cols: tuple[Col, ...]
    label_span: int = 1
    line_span: int = 1
    line_head: str = ""  # header text above the line labels


@dataclass(frozen=True)
class Goals:
    """national: a label cell over two rows, a header row (planned | actual) and a text row.
    blocks=True (Hubei): per goal a row `form.goal_labels[i] | goal text`, then that goal's
    indicator header and rows (the rows' "goal" key says which block they belong to)."""

    label: str = "年度总体目标"
    label_span: int = 1
    planned: Col = Col("planned", "预期目标", 3)
    actual: Col | None = Col("actual", "实际完成情况", 5)
    blocks: bool = False


@dataclass(frozen=True)
class Indicators:
    cols: tuple[Col, ...]
    # a second header row: (group label, keys of the columns it spans); the group label
    # spans those columns in the first row, their own labels go in the second, every other
    # header cell spans both rows
    group: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Layout:
    template: str
    head: tuple[tuple[Col, ...], ...]
    funds: Funds
    goals: Goals
    ind: Indicators
    total_label: str = "总分"
    # the 评分等级 row (printed when the form has a grade): label and its span; None prints
    # the grade in the total row, in the first column after the total score (Yunnan)
    grade_label: str | None = "评分等级"
    grade_span: int = 2
    cols: tuple[float, ...] | None = None  # base column widths; None: the form's or the style's

    @property
    def extra_labels(self) -> list[str]:
        """Labels of the columns no field takes, in printed order (funds, then indicators)."""
        keys = [c.key for c in self.funds.cols] + [c.key for c in self.ind.cols]
        return [k[2:] for k in keys if k.startswith("x:")]


def national(labels: dict, ind_order=IND_KEYS, template: str = "mof2020", cols=None,
             head: tuple[tuple[Col, ...], ...] | None = None) -> Layout:
    """The national template (财政部 2020) on its 9 base columns, labelled from a label set
    (common.SHANGHAI / NATIONAL …); ind_order: the five value columns' order."""
    L = labels
    if head is None:
        head = (
            (Col("label", L["project_name"], 2), Col("project_name", span=7)),
            (Col("label", L["department"], 2), Col("department", span=2),
             Col("label", L["implementing_unit"], 2), Col("implementing_unit", span=3)),
        )
    fund_cols = tuple(Col(k, lab, 2 if i == 5 else 1) for i, (k, lab) in enumerate(zip(FUND_KEYS, L["fund_header"])))
    ind_cols = (Col("l1", L["ind"]["l1"]), Col("l2", L["ind"]["l2"]), Col("l3", L["ind"]["l3"], 2)) + tuple(
        Col(k, L["ind"][k]) for k in ind_order
    )
    return Layout(
        template=template, head=head, funds=Funds(fund_cols),
        goals=Goals(L["goals"], 1, Col("planned", L["goal_planned"], 3), Col("actual", L["goal_actual"], 5)),
        ind=Indicators(ind_cols), total_label=L["total"], grade_label=L["grade"], grade_span=2, cols=cols,
    )


def form_layout(form: dict) -> Layout:
    """A form's layout: its own spec, or the national one from its labels."""
    lay = form.get("layout")
    if lay is not None:
        return lay
    return national(form["labels"], form.get("ind_order", IND_KEYS), form.get("template", "mof2020"))

