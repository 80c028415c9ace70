"""Where a source page prints what a seal should cover, read from its text layer: numbers in
value columns (分值/得分 and the funds and target columns), labels, the grade; and its rules."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pymupdf

# Column headers whose numbers are "values" (spellings of the fixtures' families).
SCORE_HEADERS = ("分值", "得分", "分数", "权重")
OTHER_VALUE_HEADERS = (
    "年初预算", "全年预算", "全年执行", "调整后预算", "预算执行", "预算数", "执行数", "执行率",
    "年度指标值", "实际完成值", "全年实际值", "指标值", "预算资金",
)
# Label beginnings (a wrapped label's first line starts one of these).
LABELS = (
    "项目名称", "主管部门", "实施单位", "部门", "项目资", "年度资金总额", "其中", "上年结转", "其他资金",
    "年初预算", "全年预算", "全年执行", "调整后预算", "预算执行", "执行率", "年度总", "年度绩效目标",
    "年初设定目标", "预期目标", "实际完成情况", "一级指", "二级指标", "三级指标", "年度指标值",
    "实际完成值", "全年实际值", "指标性质", "指标值", "度量单位", "偏差原因", "未完成原因", "总分",
    "合计", "评分等级", "自评等级", "产出指", "效益指", "满意度", "数量指标", "质量指标", "时效指标",
    "成本指", "分值", "得分", "权重", "分数",
)
DEVIATION_HEADER = ("偏差原因", "未完成原因")
GRADES = ("优", "良", "中", "差")
_NUMBER = re.compile(r"^[≥≤><=]?[0-9][0-9,]*(\.[0-9]+)?%?$")


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class Word:
    text: str  # NFKC, no spaces
    rect: tuple[float, float, float, float]  # points

    @property
    def centre(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.rect
        return (x0 + x1) / 2, (y0 + y1) / 2


@dataclass(frozen=True)
class Segment:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= abs(self.x1 - self.x0)


@dataclass(frozen=True)
class PageTargets:
    words: tuple[Word, ...]
    values: tuple[Word, ...]
    score_values: tuple[Word, ...]  # the subset under 分值/得分/分数/权重 headers
    labels: tuple[Word, ...]
    deviation_headers: tuple[Word, ...]
    grades: tuple[Word, ...]
    rules: tuple[Segment, ...]
    headers: tuple[tuple[Word, bool], ...]  # value-column headers (word, is a score column)

    def of(self, target: str) -> tuple[Word, ...]:
        return {"values": self.values, "labels": self.labels, "grade": self.grades}.get(target, ())


def _under(header: Word, words: list[Word]) -> list[Word]:
    """Numbers printed below a header word, within its column (its width and a little)."""
    x0, _, x1, y1 = header.rect
    out = []
    for w in words:
        cx, cy = w.centre
        if cy > y1 and x0 - 8 <= cx <= x1 + 8 and (_NUMBER.match(w.text) or w.text in ("-", "—", "/")):
            out.append(w)
    return out


def _rules(page: pymupdf.Page) -> list[Segment]:
    segs = []
    for d in page.get_drawings():
        width = d.get("width") or 0.5
        for item in d["items"]:
            if item[0] == "l":
                p, q = item[1], item[2]
                segs.append(Segment(p.x, p.y, q.x, q.y, width))
            elif item[0] == "re":
                r = item[1]
                if "s" in (d.get("type") or ""):  # a stroked cell outline: its four edges
                    segs += [Segment(r.x0, r.y0, r.x1, r.y0, width), Segment(r.x0, r.y1, r.x1, r.y1, width),
                             Segment(r.x0, r.y0, r.x0, r.y1, width), Segment(r.x1, r.y0, r.x1, r.y1, width)]
                elif min(r.width, r.height) <= 2.0:  # a filled thin rect drawn as a rule
                    mid_y, mid_x = (r.y0 + r.y1) / 2, (r.x0 + r.x1) / 2
                    if r.width >= r.height:
                        segs.append(Segment(r.x0, mid_y, r.x1, mid_y, max(r.height, 0.3)))
                    else:
                        segs.append(Segment(mid_x, r.y0, mid_x, r.y1, max(r.width, 0.3)))
    unique = {(round(s.x0), round(s.y0), round(s.x1), round(s.y1)): s for s in segs}  # shared cell edges
    return [s for s in unique.values() if max(abs(s.x1 - s.x0), abs(s.y1 - s.y0)) >= 4]


def locate(page: pymupdf.Page, previous: PageTargets | None = None) -> PageTargets:
    """The page's targets; a page continuing a table without its header row takes the value
    columns of the previous page's headers (same layout, the x positions hold)."""
    words = [Word(norm(w[4]), tuple(w[:4])) for w in page.get_text("words")]
    words = [w for w in words if w.text]
    headers = [(w, True) for w in words if w.text.startswith(SCORE_HEADERS)]
    headers += [(w, False) for w in words if w.text.startswith(OTHER_VALUE_HEADERS)]
    if not headers and previous is not None:
        headers = [(Word(w.text, (w.rect[0], -1.0, w.rect[2], -1.0)), score) for w, score in previous.headers]
    score_headers = [w for w, score in headers if score]
    other_headers = [w for w, score in headers if not score]
    score_values = {w: None for h in score_headers for w in _under(h, words)}
    values = dict(score_values)
    values.update({w: None for h in other_headers for w in _under(h, words)})
    labels = [w for w in words if w.text.startswith(LABELS) and w not in values]
    grades = [w for w in words if w.text in GRADES
              or (w.text.startswith(("评分等级", "自评等级")) and w.text[-1] in GRADES)]
    return PageTargets(
        words=tuple(words),
        values=tuple(values),
        score_values=tuple(score_values),
        labels=tuple(labels),
        deviation_headers=tuple(w for w in labels if w.text.startswith(DEVIATION_HEADER)),
        grades=tuple(grades),
        rules=tuple(_rules(page)),
        headers=tuple(headers),
    )
