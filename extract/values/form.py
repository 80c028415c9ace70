"""A segmented form's printed texts → the typed Form record, every number parsed.

A field that was printed but cannot be read as what its column holds keeps its value null,
gets confidence 0 and puts the form under review: never a guess.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extract.records import FieldBox, Form, FundLine, Indicator
from extract.segment.lexicon import Lexicon
from extract.segment.types import Field, RawFundLine, RawIndicator, SegmentedForm
from extract.values.measures import parse_measure, without_edge_marks
from extract.values.numbers import EMPTY_MARKS, misread_number, parse_number
from extract.values.text import compact, item_end_colons, lost_list_stops, normalize

# Below this a field is uncertain and its form needs review (OCR confidences are 0–1).
# Calibrated on the scan fixtures (scripts/bench.py --scans): the surest wrong reading there,
# a paragraph line that lost its "。", scored 0.84; right readings mostly score above 0.9.
REVIEW_CONFIDENCE = 0.85
# A target's meaning turns on one glyph (≥ or >); OCR confuses them at scores up to ~0.92
# (measured on the scan fixtures), so an operator read below this is a doubt.
OPERATOR_CONFIDENCE = 0.95
_OPERATOR_GLYPHS = frozenset("<>≥≤≧≦=═")
# What a number is worth that was read only once a misreading's marks were taken off it
# ("99.17丨", "10,00"): in doubt, the form under review naming it.
RECOVERED_NUMBER_CONFIDENCE = 0.5
# What a split target's 指标性质 column says of a qualitative row.
_QUALITATIVE_MARKS = frozenset({"定性", "定性指标"})
_DIGIT = re.compile(r"\d")
_NOT_CJK = re.compile(r"[^\u3400-\u9fff]")
_FUND_FIELDS = ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate_pct", "score")


class _Reader:
    """Parses fields and keeps the lowest confidence and the reasons for review."""

    def __init__(self) -> None:
        self.confidence = 1.0
        self.reasons: list[str] = []
        self.decimals: dict[str, int] = {}  # field → digits printed after the point
        self.unsure: list[str] = []  # texts read below REVIEW_CONFIDENCE
        # The fields each reason rests on: printed Fields, or a dataset name ("form.funds_unit")
        # for a value no cell holds. A reason resting on none doubts the whole form.
        self.doubted: list[tuple[Field | str | None, ...]] = []

    def flag(self, reason: str, *fields: Field | str | None) -> None:
        self.reasons.append(reason)
        self.doubted.append(fields)

    def seen(self, f: Field | None) -> None:
        if f is not None and f.text:
            self.confidence = min(self.confidence, f.confidence)
            if f.confidence < REVIEW_CONFIDENCE:
                self.unsure.append(normalize(f.text))
                self.doubted.append((f,))

    def number(self, f: Field | None, what: str, key: str) -> float | None:
        if f is None:
            return None
        parsed = parse_number(f.text)
        self.seen(f)
        if not parsed.readable and (recovered := misread_number(f.text)) is not None:
            self.confidence = min(self.confidence, RECOVERED_NUMBER_CONFIDENCE)
            self.flag(f"{what}: read {normalize(f.text)!r}, taken for {recovered.value:g}", f)
            parsed = recovered
        if not parsed.readable:
            self.confidence = 0.0
            self.flag(f"{what}: not a number: {normalize(f.text)!r}", f)
        elif parsed.value is not None:
            self.decimals[key] = parsed.decimals
        return parsed.value

    def absorb(self, other: "_Reader") -> None:
        """Take over a part's confidence and reasons (a line or row read on its own)."""
        self.confidence = min(self.confidence, other.confidence)
        self.reasons.extend(other.reasons)
        self.doubted.extend(other.doubted)
        self.unsure.extend(other.unsure)

    def text(self, f: Field | None, joiner: str = "\n") -> str | None:
        if f is None:
            return None
        self.seen(f)
        text = normalize(f.text)
        return None if compact(text) in EMPTY_MARKS else text.replace("\n", joiner)


def to_form(seg: SegmentedForm, form_index: int, method: str, lex: Lexicon) -> Form:
    seg = _with_agreeing_level_names(seg, lex)
    rd = _Reader()
    form = Form(
        form_index=form_index,
        page_start=seg.page_start,
        page_end=seg.page_end,
        method=method,
        template=seg.template,
        year=seg.year,
        project_name=rd.text(seg.header.get("project_name"), ""),
        department=rd.text(seg.header.get("department"), ""),
        implementing_unit=rd.text(seg.header.get("implementing_unit"), ""),
        goal_planned=rd.text(seg.goals.get("planned")),
        goal_actual=rd.text(seg.goals.get("actual")),
        grade=_grade(rd, seg.grade, lex),
    )
    totals = _Reader()
    form.total_weight = totals.number(seg.total.get("weight"), "总分 分值", "total_weight")
    form.total_score = totals.number(seg.total.get("score"), "总分 得分", "total_score")
    form.decimals = totals.decimals
    rd.absorb(totals)
    unit = lex.funds_unit(seg.funds_label or "")
    for note in seg.notes:  # "金额单位：万元" above the table
        if unit is None and "单位" in note:
            unit = lex.funds_unit(note)
    if unit is None:
        rd.flag("项目资金 unit not printed; 万元 assumed", "form.funds_unit")
        unit = "万元"
    form.funds_unit = unit
    form.fund_lines, raw_lines = _fund_lines(seg, rd, lex)
    total_line = next((ln for ln in form.fund_lines if ln.line == "年度资金总额"), None)
    if total_line is not None and total_line.weight is None and seg.funds_weight_declared is not None:
        total_line.weight = seg.funds_weight_declared  # from the block's label: "(20分)"
        total_line.decimals["weight"] = 0 if seg.funds_weight_declared.is_integer() else 1
    if total_line is not None:
        form.budget_initial = total_line.budget_initial
        form.budget_full_year = total_line.budget_full_year
        form.executed = total_line.executed
        form.funds_weight = total_line.weight
        form.execution_rate_pct = total_line.execution_rate_pct
        form.funds_score = total_line.score
    elif seg.fund_lines:
        rd.flag("年度资金总额 line not found")
    form.indicators = [_indicator(i, raw, rd, lex) for i, raw in enumerate(seg.indicators)]
    if method == "ocr":
        # A named row with nothing else read: a rule misread across a row (its name split in
        # two), or values lost under a seal — either way the rows cannot be trusted as read.
        for ind in form.indicators:
            if ind.level3 and not ind.target and not ind.actual and ind.weight is None and ind.score is None:
                rd.flag(f"indicator {ind.indicator_index}: a row with no values read ({ind.level3!r})")
            # A number beside a quantitative target that is no measure ("S93.00(百分比)").
            # ...or the target's unit alone ("次" beside "=0次": the number went unread).
            if ind.target_value is not None and ind.actual_value is None and (
                    _DIGIT.search(ind.actual) or (ind.actual and ind.actual == ind.target_unit)):
                rd.flag(f"indicator {ind.indicator_index} 实际完成值: not read as a measure ({ind.actual!r})",
                        seg.indicators[ind.indicator_index].cells.get("actual"))
        # A split 指标性质 column left empty beside a number, where the form's other rows print
        # their operator: a lone glyph lost under a seal or to the detector, not a blank.
        split_ops = [raw.cells.get("target_op") for raw in seg.indicators if "target_op" in raw.cells]
        if sum(bool(f and f.text.strip()) for f in split_ops) >= 2:
            for ind, raw in zip(form.indicators, seg.indicators):
                op_cell = raw.cells.get("target_op")
                if op_cell is not None and not op_cell.text.strip() and ind.target_value is not None:
                    rd.flag(f"indicator {ind.indicator_index} 指标性质: empty beside {ind.target!r} (an operator lost?)",
                            op_cell)
        # A numbered list whose item lost its stop ("1全年保障…" above "2." "3."), seen in the
        # whole text: a page break or a row may part an item from the others' cell.
        for name in ("goal_planned", "goal_actual"):
            if getattr(form, name):
                setattr(form, name, "\n".join(item_end_colons(getattr(form, name).split("\n"))))
            lines = (getattr(form, name) or "").split("\n")
            if lost := sorted(lost_list_stops(lines)):
                shown = ", ".join(repr(lines[i][:12] + "…") for i in lost[:3])
                rd.flag(f"{name}: a numbered item's stop or number may be lost in the reading ({shown})",
                        seg.goals.get(name.removeprefix("goal_")))
        # Print pairs its quotes; a lone one is a speck or a stroke read as '"' ("达成预期指标\"").
        texts = [("project_name", form.project_name, seg.header.get("project_name")),
                 ("goal_planned", form.goal_planned, seg.goals.get("planned")),
                 ("goal_actual", form.goal_actual, seg.goals.get("actual"))]
        texts += [(f"indicator {ind.indicator_index} {name}", getattr(ind, name),
                   seg.indicators[ind.indicator_index].cells.get(name)) for ind in form.indicators
                  for name in ("level3", "target", "actual", "deviation_note")]
        for what, text, f in texts:
            if text and text.count('"') % 2:
                rd.flag(f"{what}: a quote mark without its pair ({text[:16]!r}): a speck read as one?", f)
    for problem in seg.problems:
        rd.flag(problem)
    if seg.unmapped_labels:
        rd.flag("labels not in the lexicon: " + ", ".join(seg.unmapped_labels))
    if rd.unsure:  # every form under review says why
        shown = ", ".join(repr(t if len(t) <= 16 else t[:15] + "…") for t in rd.unsure[:3])
        more = f" and {len(rd.unsure) - 3} more" if len(rd.unsure) > 3 else ""
        rd.reasons.append(f"read below confidence {REVIEW_CONFIDENCE:g}: {shown}{more}")  # doubts: their boxes
    form.confidence = rd.confidence
    form.review_reasons = rd.reasons
    form.needs_review = bool(rd.reasons) or rd.confidence < REVIEW_CONFIDENCE
    named = field_names(seg, raw_lines)
    form.boxes = field_boxes(named)
    form.doubts = doubts(form.boxes, rd.doubted, named, form.needs_review)
    form.unmapped_labels = list(seg.unmapped_labels)
    form.unread_columns = unread_columns(seg, method)
    return form


# The columns every variant of the form prints, per block (a split target counts as target).
_EXPECTED = {
    "fund_lines": ("funds", ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate_pct", "score")),
    "indicators": ("indicators", ("level1", "level2", "level3", "target", "actual", "weight", "score", "deviation_note")),
}
_FORM_FIELDS_OF_BLOCK = {"fund_lines": ("budget_initial", "budget_full_year", "executed", "funds_weight",
                                        "execution_rate_pct", "funds_score")}


def unread_columns(seg: SegmentedForm, method: str) -> list[str]:
    """The columns the form may print but that were not read. A block not found leaves all its
    columns unread. A column not found is unread where the reading is in doubt — a scan, or a
    header label the lexicon does not know (a seal over 偏差原因分析及改进措施) — and absent, not
    unread, on a clean text form whose every label was understood."""
    doubt = method == "ocr" or bool(seg.unmapped_labels)
    blocks = {"fund_lines": bool(seg.fund_lines), "indicators": bool(seg.indicators)}
    out: list[str] = []
    for table, (block, keys) in _EXPECTED.items():
        found = seg.columns.get(block, set())
        if "target_op" in found or "target_unit" in found:
            found = found | {"target"}
        for key in keys:
            if not blocks[table] or (doubt and key not in found):
                out.append(f"{table}.{key}")
        if not blocks[table]:
            out += [f"form.{k}" for k in _FORM_FIELDS_OF_BLOCK.get(table, ())]
    if not seg.total:
        out += ["form.total_weight", "form.total_score"]
    return out


Named = list[tuple[str, str, str, Field | None]]


def field_names(seg: SegmentedForm, raw_lines: list[RawFundLine]) -> Named:
    """Every mapped field as the dataset names it — (subject, field, block, the printed
    Field) — raw_lines in the fund lines' final order."""
    named: Named = [("form", k, "header", f) for k, f in seg.header.items()]
    named += [("form", f"goal_{k}", "goals", f) for k, f in seg.goals.items()]
    named += [("form", f"total_{k}", "total", f) for k, f in seg.total.items()]
    named.append(("form", "grade", "total", seg.grade))
    for i, raw in enumerate(raw_lines):
        named.append((f"fund_lines[{i}]", "label", "funds", raw.label))
        named += [(f"fund_lines[{i}]", k, "funds", f) for k, f in raw.cells.items()]
    for i, raw in enumerate(seg.indicators):
        subject = f"indicators[{i}]"
        named += [(subject, "level1", "indicators", raw.level1), (subject, "level2", "indicators", raw.level2)]
        named += [(subject, k, "indicators", f) for k, f in raw.cells.items()]
    return named


def field_boxes(named: Named) -> list[FieldBox]:
    """Where every mapped field was printed."""
    return [FieldBox(subject, name, block, f.page, *f.bbox, text_bbox=f.text_bbox, confidence=f.confidence,
                     text=normalize(f.text))
            for subject, name, block, f in named if f is not None and f.bbox != (0, 0, 0, 0)]


_NUMBER_ONLY = re.compile(r"^[\d.,]+$")
# A split target's parts are corrected as the one printed target.
_AS_PRINTED = {"target_op": "target", "target_unit": "target"}


def doubts(boxes: list[FieldBox], doubted: list[tuple[Field | str | None, ...]], named: Named,
           flagged: bool) -> list[str]:
    """What a reviewer must settle for the form to leave review, as "subject.field": a field
    read unsurely, or one a reason rests on; and "form" where a reason rests on no field (a
    block not found, an unknown label), which only a look at the whole form settles."""
    name_of = {id(f): f"{subject}.{_AS_PRINTED.get(name, name)}" for subject, name, _, f in named if f is not None}
    out = {f"{b.subject}.{_AS_PRINTED.get(b.field, b.field)}" for b in boxes if b.confidence < REVIEW_CONFIDENCE}
    for fields in doubted:
        placed = [f if isinstance(f, str) else name_of[id(f)] for f in fields
                  if isinstance(f, str) or (f is not None and id(f) in name_of)]
        out.update(placed)
        if not placed:
            out.add("form")
    if flagged and not out:
        out.add("form")
    return sorted(out)


def _fund_lines(seg: SegmentedForm, rd: _Reader, lex: Lexicon) -> tuple[list[FundLine], list[RawFundLine]]:
    lines = []
    labels = [normalize(raw.label.text).replace("\n", "") for raw in seg.fund_lines]
    names = _line_names(labels, lex)
    for raw, label, line in zip(seg.fund_lines, labels, names):
        row = _Reader()
        row.seen(raw.label)
        values = {k: row.number(raw.cells.get(k), f"{label} {k}", k) for k in _FUND_FIELDS}
        lines.append(FundLine(line_index=0, line=line, label=label, **values, decimals=row.decimals, confidence=row.confidence))
        rd.absorb(row)
    # 年度资金总额 is line 0 wherever it was printed; the rest keep their printed order.
    order = sorted(range(len(lines)), key=lambda i: lines[i].line != "年度资金总额")
    lines = [lines[i] for i in order]
    for i, ln in enumerate(lines):
        ln.line_index = i
    return lines, [seg.fund_lines[i] for i in order]


def _line_names(labels: list[str], lex: Lexicon) -> list[str]:
    """The 项目资金 lines' canonical names; a label misread by one character ("年度资金总",
    its 额 under a seal) is the one line it could be that no other label of the block is."""
    names = [lex.funds_line(label) for label in labels]
    known = set(lex.tables["funds_lines"])
    for i, name in enumerate(names):
        if name not in known:
            left = lex.near("funds_lines", name) - set(names)
            if len(left) == 1:
                names[i] = left.pop()
    return names


# Below this a reading of a level name is not taken as sure, whatever it agrees with.
LEVEL_PAIR_FLOOR = 0.5


def _with_agreeing_level_names(seg: SegmentedForm, lex: Lexicon) -> SegmentedForm:
    """The form with each row's 一级 and 二级 names sure where, read apart, they spell a pair
    the first holds the second of (产出指标 | 数量指标), however unsure each reading alone."""
    def settled(raw: RawIndicator) -> RawIndicator:
        a, b = raw.level1, raw.level2
        if a is None or b is None or min(a.confidence, b.confidence) < LEVEL_PAIR_FLOOR:
            return raw
        if (compact(lex.level_name(a.text)), compact(lex.level_name(b.text))) not in lex.level_pairs:
            return raw
        return replace(raw, level1=replace(a, confidence=max(a.confidence, REVIEW_CONFIDENCE)),
                       level2=replace(b, confidence=max(b.confidence, REVIEW_CONFIDENCE)))

    return replace(seg, indicators=[settled(raw) for raw in seg.indicators])


def _grade(rd: _Reader, field: Field | None, lex: Lexicon) -> str | None:
    """The 评分等级 as printed; specks read beside it ("...优") dropped, in doubt."""
    text = rd.text(field, "")
    if not text or compact(text) in lex.grades:
        return text
    if (grade := _NOT_CJK.sub("", text)) in lex.grades:
        rd.flag(f"评分等级: marks beside it taken for specks ({text!r})", field)
        return grade
    rd.flag(f"评分等级: not a grade ({text!r})", field)
    return text


def _edges_dropped(text: str, what: str, row: _Reader, field: Field | None) -> str:
    """A value without the specks read at its edges, in doubt for them."""
    kept = without_edge_marks(text)
    if kept != text:
        row.flag(f"{what}: marks at its edges taken for specks ({text!r})", field)
    return kept


def _indicator(index: int, raw, rd: _Reader, lex: Lexicon) -> Indicator:
    row = _Reader()
    cells = raw.cells
    split = "target_op" in cells or "target_unit" in cells
    target = row.text(cells.get("target"), "") or ""
    if split:  # 指标性质 | 指标值 | 度量单位 read as one printed target
        op = row.text(cells.get("target_op"), "") or ""
        unit = row.text(cells.get("target_unit"), "") or ""
        if _NUMBER_ONLY.match(unit):  # a unit read as digits (‰ as "960"): no unit prints so
            row.flag(f"indicator {index} 度量单位: a number where a unit is printed ({unit!r})", cells.get("target_unit"))
        target = target if op in _QUALITATIVE_MARKS else op + target + unit
    actual = row.text(cells.get("actual"), "") or ""
    target = _edges_dropped(target, f"indicator {index} 年度指标值", row, cells.get("target"))
    actual = _edges_dropped(actual, f"indicator {index} 实际完成值", row, cells.get("actual"))
    weight = row.number(cells.get("weight"), f"indicator {index} 分值", "weight")
    score = row.number(cells.get("score"), f"indicator {index} 得分", "score")
    t, a = parse_measure(target), parse_measure(actual)
    target_field = cells.get("target_op") if split else cells.get("target")
    if t is not None and t.op and target_field is not None and target_field.confidence < OPERATOR_CONFIDENCE:
        if any(ch in _OPERATOR_GLYPHS for ch in target):
            row.flag(f"indicator {index} 年度指标值: operator read uncertainly ({target!r})", target_field)
    actual_unit = a.unit if a else None
    if split and t is not None and a is not None and actual_unit is None:
        actual_unit = t.unit  # the 度量单位 column serves both values
    if t is not None and a is not None and t.unit and actual_unit and t.unit != actual_unit:
        # One measure in two units (‰ read as %, 万元 as 元): a misreading or a slip; either
        # way the comparison of target and actual cannot be trusted as printed.
        row.flag(f"indicator {index}: target in {t.unit} but actual in {actual_unit}", target_field, cells.get("actual"))
    level1, level1_weight = lex.weight_declared(row.text(raw.level1, "") or "")
    level1 = lex.level_name(level1)
    ind = Indicator(
        indicator_index=index,
        level1=level1,
        level2=lex.level_name(row.text(raw.level2, "") or ""),
        level3=row.text(cells.get("level3"), "") or "",
        target=target,
        actual=actual,
        weight=weight,
        score=score,
        deviation_note=row.text(cells.get("deviation_note")),
        kind="quantitative" if t is not None else "qualitative",
        target_op=t.op if t else None,
        target_value=t.value if t else None,
        actual_value=a.value if a else None,
        target_unit=t.unit if t else None,
        actual_unit=actual_unit,
        page=raw.page,
        confidence=row.confidence,
        decimals=row.decimals,
        level1_weight=level1_weight,
        goal_index=raw.goal_index,
        goal_weight=raw.goal_weight,
    )
    rd.absorb(row)
    return ind
