"""Form records → the logical printed table (cells with spans and text) and the truth.

Both come from scripts/make_fixtures.py: `build_form_table` says what each cell prints,
`truth_form` what the form says. The sweep changes only how the table is typeset and a few
printed labels (labels.py); the truth changes only where the printed content does (no
grade printed → grade null) and in its page numbers, which the sweep's pager knows.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1]
ROOT = SCRIPTS.parent
for _p in (str(ROOT), str(SCRIPTS)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import make_fixtures as mf  # noqa: E402
from fixture_records import generated, seed_hongqiao, variants  # noqa: E402
from fixture_records.layout import form_layout  # noqa: E402


@dataclass(frozen=True)
class Record:
    name: str
    form: dict = field(compare=False, repr=False)
    family: str = "mof2020"  # the layout's template
    short: bool = False  # fits well as the second form on a page

    @property
    def has_grade(self) -> bool:
        return self.form.get("grade") is not None

    @property
    def grade_in_total(self) -> bool:
        return form_layout(self.form).grade_label is None


def _catalog() -> dict[str, Record]:
    forms = {
        # national 2020 template (generated forms) and Shanghai's printing
        "G1": generated.G1, "G2": generated.G2, "G3": generated.G3, "G4": generated.G4,
        "G5": generated.G5, "G6": generated.G6, "G7": generated.G7, "G8": generated.G8,
        "SH1": seed_hongqiao.FORM1, "SH2": seed_hongqiao.FORM2, "SH3": seed_hongqiao.FORM3,
        # regional variants
        "C1": variants.C1, "C2": variants.C2, "S1": variants.S1, "Y1": variants.Y1,
        "H1": variants.H1, "A1": variants.A1, "D1": variants.D1,
    }
    short = {"G4", "G5", "C2"}
    return {name: Record(name, f, form_layout(f).template, name in short) for name, f in forms.items()}


RECORDS: dict[str, Record] = _catalog()


@dataclass
class GCell:
    r: int
    c: int
    rs: int
    cs: int
    paras: list[str]
    align: str  # l | c | r
    nowrap: bool
    label: bool  # a printed label, not a field's text: spaces and hard breaks are free
    valign: str | None = None  # None: the table's


@dataclass
class FormTable:
    """One form as printed: the grid of base columns and its cells, the text around it."""

    record: str
    family: str
    cols: list[float]  # base column widths of the record's layout (pt), before the sweep scales them
    cells: list[GCell]
    roles: list[str]  # per row: head funds_header funds goals_header goals_text goal_block ind_header indicator total grade
    header_groups: list[tuple[int, ...]]  # the rows of each indicator header, in order
    indicator_rows: list[int]  # the row of each record indicator (blank rows included)
    title: str
    year_line: str | None
    unit_note: str | None
    under: list[str]  # lines printed under the table; the grade line first when there is one
    grade_line: bool = False  # under[0] is the grade line (it counts for page_end)
    l1_col: int = 0
    l2_col: int = 1

    def merged_name(self, cell: GCell) -> str:
        """What a merged cell is, for reports: l1, l2, funds_label, goals_label, header."""
        role = self.roles[cell.r]
        if role == "indicator":
            return "l1" if cell.c == self.l1_col else "l2" if cell.c == self.l2_col else "merged"
        return {"funds_header": "funds_label", "goals_header": "goals_label", "ind_header": "header"}.get(role, role)

    @property
    def nrows(self) -> int:
        return len(self.roles)

    def label_texts(self) -> set[str]:
        return {c.paras[0] for c in self.cells if c.label and len(c.paras) == 1}


GRADE_STYLES = ("row", "in_total", "text_line", "absent")


def grade_styles(rec: Record) -> tuple[str, ...]:
    """How this record's grade may be printed. Yunnan's family prints it in the 总分 row;
    a record without a grade prints none; the national template may also omit it (as G3)."""
    if not rec.has_grade:
        return ("absent",)
    if rec.grade_in_total:
        return ("in_total",)
    if rec.family == "mof2020":
        return ("row", "in_total", "text_line", "absent")
    return ("row", "in_total", "text_line")


def build_table(rec: Record, grade_style: str, spellings: dict[str, tuple[str, ...]],
                title_style: str, grade_label: str, under: tuple[str, ...]) -> FormTable:
    form = rec.form
    lay = form_layout(form)
    t, rows = mf.build_form_table(form, mf.Style())
    n = t.nrows
    roles = ["ind_header"] * n
    for r in range(rows["fund_header"]):
        roles[r] = "head"
    roles[rows["fund_header"]] = "funds_header"
    for i in range(len(form["fund_lines"])):
        roles[rows["fund_header"] + 1 + i] = "funds"
    if isinstance(rows["goals"], list):
        for r in rows["goals"]:
            roles[r] = "goal_block"
    else:
        roles[rows["goals"]] = "goals_header"
        roles[rows["goals"] + 1] = "goals_text"
    for r in rows["indicators"]:
        roles[r] = "indicator"
    roles[rows["total"]] = "total"
    if "grade" in rows:
        roles[rows["grade"]] = "grade"
    groups: list[tuple[int, ...]] = []
    for r in range(n):
        if roles[r] == "ind_header":
            if groups and groups[-1][-1] == r - 1:
                groups[-1] += (r,)
            else:
                groups.append((r,))

    head_label_at = {(r, c) for r, c in _head_label_positions(lay)}
    cells: list[GCell] = []
    for c in t.cells:
        role = roles[c.r]
        is_label = (
            role in ("funds_header", "goals_header", "ind_header")
            or (role == "head" and (c.r, c.c) in head_label_at)
            or (role in ("total", "grade", "goal_block") and c.c == 0)
        )
        cells.append(GCell(c.r, c.c, c.rs, c.cs, list(c.paras), c.align, c.nowrap, is_label, c.valign))

    # -- the grade
    under_lines = list(under)
    grade_line = False
    grade = form.get("grade")
    if grade is not None and grade_style != ("in_total" if rec.grade_in_total else "row"):
        if rec.grade_in_total:
            raise ValueError(f"{rec.name}: the grade stays in the total row")
        gr = rows["grade"]
        cells = [c for c in cells if c.r != gr]
        roles.pop(gr)  # the grade row is the last one
        if grade_style == "in_total":
            _grade_into_total(cells, rows["total"], form)
        elif grade_style == "text_line":
            under_lines.insert(0, f"{grade_label}{grade}")
            grade_line = True
        elif grade_style != "absent":
            raise ValueError(grade_style)

    # -- printed label spellings
    for c in cells:
        if c.label and len(c.paras) == 1 and c.paras[0] in spellings:
            c.paras = list(spellings[c.paras[0]])

    title, year_line = form["title"], form.get("year_line")
    if title_style == "inline" and year_line:
        title, year_line = f"{form['year']}年度{title}", None
    return FormTable(
        record=rec.name, family=rec.family, cols=list(t.cols), cells=cells, roles=roles,
        header_groups=groups, indicator_rows=list(rows["indicators"]), title=title,
        year_line=year_line, unit_note=form.get("unit_note"), under=under_lines, grade_line=grade_line,
        l1_col=mf._spans(lay.ind.cols)["l1"][0], l2_col=mf._spans(lay.ind.cols)["l2"][0],
    )


def _head_label_positions(lay) -> list[tuple[int, int]]:
    """(row, first column) of every label cell of the header rows (项目名称 …)."""
    out = []
    for r, row in enumerate(lay.head):
        c = 0
        for col in row:
            if col.key == "label":
                out.append((r, c))
            c += col.span
    return out


def _grade_into_total(cells: list[GCell], total_row: int, form: dict) -> None:
    """总分 | 100 | 96 | 优: the grade in the first empty cell after the total score."""
    row = sorted((c for c in cells if c.r == total_row), key=lambda c: c.c)
    score_col = next(c.c for c in row if c.paras == [form["total"][1]])
    for c in row:
        if c.c > score_col and not c.paras:
            c.paras = [form["grade"]]
            c.nowrap = True
            return
    raise ValueError("no empty cell after the total score")


def truth(rec: Record, index: int, page_start: int, page_end: int, ind_pages: list[int], grade_style: str) -> dict:
    f = mf.truth_form(rec.form, index, page_start, page_end, ind_pages)
    if grade_style == "absent":
        f.grade = None
    return mf.form_to_json(f)


def all_printed_chars() -> str:
    """Every character any record, label spelling or free text can print (for font checks
    and the CFF pre-subset)."""
    from . import labels

    chars: set[str] = set()
    for rec in RECORDS.values():
        t, _ = mf.build_form_table(rec.form, mf.Style())
        for c in t.cells:
            for p in c.paras:
                chars.update(p)
        for k in ("title", "year_line", "unit_note"):
            chars.update(rec.form.get(k) or "")
        chars.update(f"{rec.form['year']}年度")
    for s in labels.SPELLINGS:
        chars.update("".join(s.printed))
    for group in (labels.GRADE_LINE_LABELS, labels.LETTERHEAD_LINES, labels.UNDER_TABLE_LINES, labels.FOOTERS):
        for text in group:
            chars.update(text)
    chars.update("0123456789优良中差")
    return "".join(sorted(chars))
