"""`jixiao report`: one self-contained HTML file of a dataset: overview, charts, a sortable
cross-project table, and a page per form with the extracted form beside its source pages,
findings marked on both. Offline by construction: no external URL, images inline, and a
Content-Security-Policy that lets nothing load and only this file's own script run.

Every text that comes from a document goes through `esc` (the forms are untrusted input).
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from importlib.resources import files
from pathlib import Path

import polars as pl
import pymupdf

from extract.audit import CONSISTENCY, FINDINGS, SEVERITY_ORDER
from extract.audit.summary import counts_by_check
from extract.dataset import TABLES
from extract.dataset.export import column_labels
from extract.dataset.load import load_tables
from extract.dataset.stats import execution_distribution, full_marks_by_department, overview, score_distribution
from extract.errors import BadInput
from extract.records import PageFrame
from extract.settings import Crops, one_of
from extract.report.charts import PALETTE, bar_chart, column_chart
from extract.report.crops import Crop, form_crops
from extract.report.views import DOUBT_COLOUR, FINDING_COLOUR
from extract.report.findings import marked_fields
from extract.report.views import Mark, open_source
from extract.values.form import REVIEW_CONFIDENCE

FUND_COLUMNS = ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate_pct", "score")
INDICATOR_COLUMNS = ("level1", "level2", "level3", "target", "actual", "weight", "score", "deviation_note")


def esc(value: object) -> str:
    return "" if value is None else escape(str(value), quote=True)


def _num(v: float | None, digits: int | None = None) -> str:
    if v is None:
        return ""
    if digits is None:
        return f"{v:,.4f}".rstrip("0").rstrip(".") if not float(v).is_integer() else f"{v:,.0f}"
    return f"{v:,.{digits}f}"


@dataclass
class ReportOptions:
    crops: str = "all"  # Crops
    dpi: float = 100.0
    # Where to look for the source files if they are no longer where ingest read them (the
    # folder ingest was given: documents.path is relative to it).
    sources: Path | None = None
    title: str = "jixiao 绩效自评表审核报告"
    raw: bool = False  # the reading as it was, without the corrections journal

    def __post_init__(self) -> None:
        self.crops = one_of(Crops, self.crops, "crops")


@dataclass
class ReportSummary:
    forms: int = 0
    crops: int = 0
    missing_sources: list[str] = field(default_factory=list)  # documents whose file is gone
    bytes: int = 0


@dataclass
class _Finding:
    n: int
    row: dict


class _FormView:
    """One form's rows from every table, and its findings numbered in reading order."""

    def __init__(self, form: dict, fund_lines: pl.DataFrame, indicators: pl.DataFrame, boxes: pl.DataFrame,
                 findings: pl.DataFrame) -> None:
        self.form = form
        self.fund_lines = fund_lines.sort("line_index").to_dicts()
        self.indicators = indicators.sort("indicator_index").to_dicts()
        self.boxes = boxes.to_dicts()
        order = findings.with_columns(
            pl.col("severity").replace_strict(SEVERITY_ORDER, default=9, return_dtype=pl.Int8).alias("_o"))
        self.findings = [_Finding(i + 1, row) for i, row in enumerate(
            order.sort("_o", "subject", "check").drop("_o").to_dicts())]
        fields_of: dict[str, list[str]] = defaultdict(list)
        for b in self.boxes:
            fields_of[b["subject"]].append(b["field"])
        # (subject, field) → numbers and worst severity of the findings that mark it
        self.marks: dict[tuple[str, str], list[_Finding]] = defaultdict(list)
        for f in self.findings:
            subject = f.row["subject"]
            for name in marked_fields(f.row["check"], subject, fields_of.get(subject, [])):
                self.marks[(subject, name)].append(f)
        self.confidence = {(b["subject"], b["field"]): b["confidence"] for b in self.boxes}
        # A native form's cells in its file ("表1!C12"): what a reader looks up instead of a page.
        self.address = {(b["subject"], b["field"]): b.get("cell") for b in self.boxes if b.get("cell")}

    def cell(self, subject: str, name: str, text: str, numeric: bool = False, pre: bool = False) -> str:
        classes = ["n"] if numeric else ["pre"] if pre else []
        found = self.marks.get((subject, name), [])
        if found:
            worst = min(found, key=lambda f: SEVERITY_ORDER.get(f.row["severity"], 9)).row["severity"]
            classes.append(f"f-{worst}")
        conf = self.confidence.get((subject, name))
        tips = []
        if conf is not None and conf < REVIEW_CONFIDENCE:
            classes.append("doubt")
            tips.append(f"置信度 {conf:.2f}")
        if address := self.address.get((subject, name)):
            tips.append(f"原表单元格 {address}")
        title = f' title="{esc("；".join(tips))}"' if tips else ""
        sup = "".join(f'<sup class="fn">{f.n}</sup>' for f in found)
        cls = f' class="{" ".join(classes)}"' if classes else ""
        return f"<td{cls}{title}>{esc(text)}{sup}</td>"

    def page_marks(self) -> tuple[dict[int, list], dict[int, list[Mark]]]:
        """Per page: the cells the form covers, and the marks to draw (findings, doubts)."""
        extent: dict[int, list] = defaultdict(list)
        marks: dict[int, list[Mark]] = defaultdict(list)
        numbers: dict[tuple, list[int]] = defaultdict(list)
        for b in self.boxes:
            rect = (b["x0"], b["y0"], b["x1"], b["y1"])
            extent[b["page"]].append(rect)
            for f in self.marks.get((b["subject"], b["field"]), []):
                if f.n not in numbers[(b["page"], rect)]:
                    numbers[(b["page"], rect)].append(f.n)
            if b["confidence"] < REVIEW_CONFIDENCE:
                marks[b["page"]].append(Mark(rect, DOUBT_COLOUR, width=1.4, dashed=True))
        for (page, rect), ns in numbers.items():
            marks[page].append(Mark(rect, FINDING_COLOUR, width=1.6, label=",".join(map(str, ns))))
        return extent, marks


def _script() -> tuple[str, str]:
    js = files("extract.report").joinpath("report.js").read_text("utf-8")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    return js, digest


def _css() -> str:
    return files("extract.report").joinpath("report.css").read_text("utf-8")


def _table(headers: list[str], rows: list[str], attrs: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _overview(tables: dict[str, pl.DataFrame], findings: pl.DataFrame) -> str:
    o = overview(tables, findings)
    cards = [("文件", o["documents"], ""), ("成功", o["ok"], ""), ("无自评表", o["no_form"], ""),
             ("失败", o["failed"], "err" if o["failed"] else ""), ("自评表", o["forms"], ""),
             ("需复核", o["needs_review"], "warn" if o["needs_review"] else ""),
             ("错误", o["error"], "err" if o["error"] else ""), ("警告", o["warning"], "warn" if o["warning"] else ""),
             ("提示", o["info"], "")]
    out = ['<section id="overview"><h2>概览 Overview</h2><div class="cards">']
    out += [f'<div class="card {c}"><b>{v}</b>{esc(k)}</div>' for k, v, c in cards]
    out.append("</div>")
    docs = tables["documents"]
    failed = docs.filter(pl.col("status") == "failed").sort("path")
    if failed.height:
        rows = [f"<tr><td>{esc(r['path'])}</td><td>{esc(r['error'])}</td></tr>" for r in failed.to_dicts()]
        out.append('<h3 id="failures">未能读取的文件 Failed documents</h3>' + _table(["文件", "原因"], rows))
    if "needs_review" in docs.columns:
        to_check = docs.filter(pl.col("needs_review").fill_null(False)).sort("path")
        if to_check.height:
            rows = [f"<tr><td>{esc(r['path'])}</td><td>{esc(r['error'])}</td></tr>" for r in to_check.to_dicts()]
            out.append('<h3 id="documents-to-check">需人工查看的文件 Documents to check by eye</h3>'
                       + _table(["文件", "原因"], rows))
    if findings.height:
        rows = [f'<tr><td><code>{esc(r["check"])}</code></td><td class="sev-{esc(r["severity"])}">{esc(r["severity"])}</td>'
                f'<td>{esc(r["source"])}</td><td class="n">{r["findings"]}</td><td class="n">{r["forms"]}</td></tr>'
                for r in counts_by_check(findings).to_dicts()]
        out.append('<h3 id="findings-by-check">审核发现 Findings by check and severity</h3>'
                   + _table(["检查项 check", "严重程度", "来源 source", "发现数", "表数"], rows)
                   + '<p class="muted">来源 source: <b>form</b> = 表内算术不一致; <b>extraction</b> = '
                     "涉及的读数不确定，可能是识读错误。</p>")
    out.append("</section>")
    return "".join(out)


def _charts(tables: dict[str, pl.DataFrame], findings: pl.DataFrame) -> str:
    forms = tables["forms"]
    scores = score_distribution(forms)
    rates = execution_distribution(forms)
    charts = [column_chart(scores["bin"].to_list(), scores["count"].to_list(), "总分分布 Total scores"),
              column_chart(rates["bin"].to_list(), rates["count"].to_list(), "执行率分布 Execution rate (%)")]
    marks = full_marks_by_department(tables).drop_nulls("full_marks_share").sort("full_marks_share", descending=True)
    if marks.height:
        labels = [d or "(未注明)" for d in marks["department"].to_list()]
        charts.append(bar_chart(labels, [100 * v for v in marks["full_marks_share"].to_list()],
                                "满分指标占比（按主管部门）Full marks share", unit="%", maximum=100))
    if findings.height:
        by = findings.group_by("check").agg(
            pl.len().alias("n"),
            pl.col("severity").replace_strict(SEVERITY_ORDER, default=9, return_dtype=pl.Int8).min().alias("worst"),
        ).sort("n", "check", descending=[True, False])
        worst = {v: k for k, v in SEVERITY_ORDER.items()}
        charts.append(bar_chart(by["check"].to_list(), by["n"].to_list(), "审核发现（按检查项）Findings by check",
                                colours=[PALETTE.get(worst.get(w, ""), "#4e79a7") for w in by["worst"].to_list()]))
    return '<section id="charts"><h2>图表 Charts</h2><div class="charts">' + "".join(charts) + "</div></section>"


def _consistency(table: pl.DataFrame, findings: pl.DataFrame, forms: pl.DataFrame, anchors: dict[str, str]) -> str:
    """The cross-project audit: the department table, a chart of the share of missed targets
    scored full, and each consistency finding with links to the forms it compares."""
    across = findings.filter(pl.col("check").str.starts_with("consistency."))
    if not table.height and not across.height:
        return ""
    out = ['<section id="consistency"><h2>一致性 Consistency across projects</h2>']
    inflated = table.drop_nulls("missed_full_share").filter(pl.col("missed") > 0).sort("missed_full_share", descending=True)
    if inflated.height:
        labels = [f'{d or "(未注明)"} {y or ""}' for d, y in inflated.select("department", "year").iter_rows()]
        out.append('<div class="charts">' + bar_chart(
            labels, [100 * v for v in inflated["missed_full_share"].to_list()],
            "未达成目标仍得满分的占比（按部门、年度）Missed targets scored full", unit="%", maximum=100) + "</div>")
    rows = [f'<tr><td>{esc(r["department"] or "")}</td>{_year(r["year"])}{_n(r["forms"], 0)}{_n(r["mean_total"])}'
            f'{_n(100 * r["full_marks_share"] if r["full_marks_share"] is not None else None, 1)}'
            f'{_n(100 * r["missed_full_share"] if r["missed_full_share"] is not None else None, 1)}'
            f'{_n(r["mean_execution_pct"])}{_n(r["findings"], 0)}</tr>' for r in table.to_dicts()]
    out.append(_table(["主管部门", "年度", "表数", "平均总分", "满分指标%", "未达成仍满分%", "平均执行率%", "一致性发现"], rows))
    if across.height:
        names = dict(forms.select("form_id", pl.coalesce("project_name", "path")).iter_rows())

        def link(fid: str) -> str:
            return f'<a href="#{anchors[fid]}">{esc(names.get(fid) or fid)}</a>' if fid in anchors else esc(fid)

        rows = [f'<tr><td>{esc(r["check"].removeprefix("consistency."))}</td><td>{esc(r["severity"])}</td>'
                f'<td>{link(r["form_id"])}</td><td>{"、".join(link(o) for o in r["related_forms"] or [])}</td>'
                f'<td>{esc(r["message"])}</td><td>{esc(r["source"])}</td></tr>'
                for r in across.sort("check", "form_id").to_dicts()]
        out.append("<h3>一致性发现 Findings</h3>" + _table(["检查项", "严重程度", "表单", "相关表单", "说明", "来源"], rows))
    out.append('<p class="muted">这些是供复核的信号，不是结论：请对照相关表单。Signals for a reviewer, not verdicts.</p></section>')
    return "".join(out)


def _year(v: int | None) -> str:
    """A year is a label, not a quantity: 2024, never "2,024"."""
    return f'<td class="n" data-v="{"" if v is None else v}">{"" if v is None else v}</td>'


def _n(v, digits: int = 2) -> str:
    return f'<td class="n" data-v="{"" if v is None else v}">{_num(v, digits)}</td>'


def _projects(forms: pl.DataFrame, findings: pl.DataFrame, anchors: dict[str, str]) -> str:
    counts = findings.group_by("form_id").agg(
        (pl.col("severity") == "error").sum().alias("errors"), (pl.col("severity") == "warning").sum().alias("warnings"))
    table = forms.join(counts, on="form_id", how="left").sort("path", "form_index")
    rows = []
    for r in table.to_dicts():
        def num(v, digits=2):
            return f'<td class="n" data-v="{"" if v is None else v}">{_num(v, digits)}</td>'
        review = "是" if r["needs_review"] else ""
        rows.append(
            f'<tr><td><a href="#{anchors[r["form_id"]]}">{esc(r["path"])}</a></td><td class="n" data-v="{r["form_index"]}">'
            f'{r["form_index"]}</td>{_year(r["year"])}<td>{esc(r["project_name"] or "")}</td>'
            f'<td>{esc(r["department"] or "")}</td><td>{esc(r["template"])}</td>{num(r["execution_rate_pct"])}'
            f'{num(r["funds_score"])}{num(r["total_score"])}<td>{esc(r["grade"] or "")}</td>'
            f'{num(r["errors"] or 0, 0)}{num(r["warnings"] or 0, 0)}<td>{review}</td></tr>')
    headers = ["文件", "表", "年度", "项目名称", "主管部门", "模板", "执行率%", "资金得分", "总分", "等级", "错误", "警告", "需复核"]
    return ('<section id="projects"><h2>项目一览 All forms</h2>'
            '<input id="filter" type="search" placeholder="筛选 filter…" aria-label="filter">'
            + _table(headers, rows) + '<p class="muted">点击表头排序 · click a header to sort</p></section>')


def _form_page(view: _FormView, anchor: str, crops: list[Crop], note: str | None) -> str:
    f = view.form
    out = [f'<section class="form-page" id="{anchor}"><nav class="pager"><a href="#overview">← 概览</a> · '
           f'<a href="#projects">项目一览</a></nav>',
           f'<h2>{esc(f["project_name"] or f["department"] or "(无名称)")}</h2>',
           f'<p class="muted">{esc(f["path"])} · 表 {f["form_index"]} · 第 {f["page_start"]}–{f["page_end"]} 页 · '
           f'{esc(f["template"])} · {esc(f["method"])} · 置信度 {f["confidence"]:.2f}</p>']
    if f["needs_review"]:
        out.append(f'<p class="review">需复核 needs review: {esc(f.get("review_reasons") or "")}</p>')
    out.append('<div class="split"><div class="extracted">')
    head = [("project_name", "项目名称"), ("department", "主管部门"), ("implementing_unit", "实施单位"),
            ("year", "年度"), ("funds_unit", "资金单位")]
    out.append("<table>" + "".join(f"<tr><th>{label}</th>{view.cell('form', k, f[k] if f[k] is not None else '')}</tr>"
                                   for k, label in head) + "</table>")
    fund_headers = ["资金", *column_labels("fund_lines", FUND_COLUMNS, "zh")]
    rows = []
    for i, ln in enumerate(view.fund_lines):
        subject = f"fund_lines[{i}]"
        digits = ln.get("decimals") or {}
        rows.append("<tr>" + view.cell(subject, "label", ln["label"]) + "".join(
            view.cell(subject, k, _num(ln[k], digits.get(k)), numeric=True) for k in FUND_COLUMNS) + "</tr>")
    out.append(f"<h3>项目资金（{esc(f['funds_unit'])}）</h3>" + _table(fund_headers, rows))
    out.append("<h3>年度总体目标</h3><table>"
               f"<tr><th>预期目标</th>{view.cell('form', 'goal_planned', f['goal_planned'] or '', pre=True)}</tr>"
               f"<tr><th>实际完成情况</th>{view.cell('form', 'goal_actual', f['goal_actual'] or '', pre=True)}</tr></table>")
    rows = []
    goals = any(ind.get("goal_index") is not None for ind in view.indicators)  # Hubei's goal blocks
    for i, ind in enumerate(view.indicators):
        subject = f"indicators[{i}]"
        digits = ind.get("decimals") or {}
        cells = [f'<td class="n">{ind["goal_index"] or ""}</td>'] if goals else []
        for k in INDICATOR_COLUMNS:
            if k in ("weight", "score"):
                cells.append(view.cell(subject, k, _num(ind[k], digits.get(k)), numeric=True))
            elif k == "level1" and ind.get("level1_weight") is not None:  # Anhui: 产出指标(50分)
                cells.append(view.cell(subject, k, f"{ind[k]}（{_num(ind['level1_weight'])}分）"))
            else:
                cells.append(view.cell(subject, k, ind[k] or ""))
        rows.append(f"<tr><td class=\"n\">{i}</td>{''.join(cells)}</tr>")
    headers = ["#", *(["目标"] if goals else []), *column_labels("indicators", INDICATOR_COLUMNS, "zh")]
    out.append("<h3>绩效指标</h3>" + _table(headers, rows))
    digits = f.get("decimals") or {}
    out.append("<table>"
               f"<tr><th>总分 分值</th>{view.cell('form', 'total_weight', _num(f['total_weight'], digits.get('total_weight')), True)}"
               f"<th>总分 得分</th>{view.cell('form', 'total_score', _num(f['total_score'], digits.get('total_score')), True)}"
               f"<th>评分等级</th>{view.cell('form', 'grade', f['grade'] or '')}</tr></table>")
    out.append('</div><div class="crops">')
    if note:
        out.append(f'<p class="muted">{esc(note)}</p>')
    for c in crops:
        out.append(f'<figure><img src="{c.data_uri}" width="{c.width}" height="{c.height}" '
                   f'alt="第 {c.page} 页"><figcaption>第 {c.page} 页 · 红框 = 审核发现（编号）· 橙色虚线 = 低置信度读数'
                   f"</figcaption></figure>")
    out.append("</div></div>")
    if view.findings:
        rows = [f'<tr><td class="n">{x.n}</td><td class="sev-{esc(x.row["severity"])}">{esc(x.row["severity"])}</td>'
                f'<td><code>{esc(x.row["check"])}</code></td><td>{esc(x.row["subject"])}</td>'
                f'<td>{esc(x.row["source"])}</td><td>{esc(x.row["message"])}</td>'
                f'<td>{esc(x.row["expected"])}</td><td>{esc(x.row["found"])}</td></tr>' for x in view.findings]
        out.append('<h3>审核发现 Findings</h3>'
                   + _table(["#", "严重程度", "检查项", "位置", "来源", "说明", "应为", "实为"], rows, ' class="findings"'))
    else:
        out.append('<p class="muted">无审核发现 No findings.</p>')
    out.append("</section>")
    return "".join(out)


def report_chunks(tables: dict[str, pl.DataFrame], options: ReportOptions = ReportOptions(),
                  summary: ReportSummary | None = None) -> Iterator[str]:
    """The report's HTML piece by piece (a form page at a time: an archive's report may
    run to hundreds of MB of page images, never held whole)."""
    summary = summary if summary is not None else ReportSummary()
    # A dataset from an older jixiao may lack a table (boxes, pages): an empty one stands in.
    empty = {**TABLES, "findings": FINDINGS, "consistency": CONSISTENCY}
    tables = {name: tables.get(name, pl.DataFrame(schema=schema)) for name, schema in empty.items()}
    findings = tables["findings"]
    forms = tables["forms"].sort("path", "form_index")
    anchors = {fid: f"form-{i + 1}" for i, fid in enumerate(forms["form_id"].to_list())}
    rows = {name: tables[name].partition_by("form_id", as_dict=True)
            for name in ("fund_lines", "indicators", "boxes", "findings")}

    def rows_of(name: str, form_id: str) -> pl.DataFrame:
        return rows[name].get((form_id,), tables[name].clear())

    js, digest = _script()
    csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
           "base-uri 'none'; form-action 'none'")
    yield "".join([
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(options.title)}</title><style>{_css()}</style></head><body>",
        f'<header class="top"><h1>{esc(options.title)}</h1><span>{time.strftime("%Y-%m-%d %H:%M")}</span>'
        '<a href="#overview">概览</a><a href="#charts">图表</a><a href="#consistency">一致性</a><a href="#projects">项目一览</a></header>',
        "<main>", _overview(tables, findings), _charts(tables, findings),
        _consistency(tables["consistency"], findings, forms, anchors), _projects(forms, findings, anchors), "</main>",
    ])
    frames = _frames_by_document(tables["pages"])
    docs = {r["doc_id"]: r for r in tables["documents"].to_dicts() if r.get("duplicate_of") is None}
    flagged = set(findings.filter(pl.col("severity") != "info")["form_id"]) | set(
        forms.filter(pl.col("needs_review"))["form_id"])
    for doc_id, doc_forms in _group(forms.to_dicts(), "doc_id"):
        wanted = {f["form_id"] for f in doc_forms if options.crops == "all"
                  or (options.crops == "flagged" and f["form_id"] in flagged)}
        native = all(f["method"] == "native" for f in doc_forms)
        source, note = _open(docs.get(doc_id), options.sources) if wanted and not native else (None, None)
        if native:  # read from the workbook or document itself: no page, its cells are named
            note = "读自原件（电子表格或文档），没有页面图像：每个字段的单元格见悬停提示（boxes.parquet 的 cell 列）。"
        elif note:
            summary.missing_sources.append(doc_forms[0]["path"])
        try:
            for form in doc_forms:
                fid = form["form_id"]
                view = _FormView(form, rows_of("fund_lines", fid), rows_of("indicators", fid), rows_of("boxes", fid),
                                 rows_of("findings", fid))
                crops: list[Crop] = []
                form_note = note
                if fid not in wanted and not native:
                    form_note = "无审核发现、无需复核：未附原页面（--crops all 可附上）。" if options.crops == "flagged" else None
                elif source is not None:
                    extent, marks = view.page_marks()
                    crops = form_crops(source, frames.get(doc_id, {}), extent, marks, options.dpi)
                    summary.crops += len(crops)
                    if not crops:
                        form_note = "字段位置未记录（数据集早于此版本），不显示原页面；重新 ingest 即可。"
                yield _form_page(view, anchors[fid], crops, form_note)
                summary.forms += 1
        finally:
            if source is not None:
                source.close()
                # MuPDF keeps what it decoded in an unbounded store: measured, a 900-form
                # report grew to 1.2 GB without this, 0.3 GB with it.
                pymupdf.TOOLS.store_shrink(100)
    yield f"<script>{js}</script></body></html>"


def build_report(tables: dict[str, pl.DataFrame], options: ReportOptions = ReportOptions(),
                 summary: ReportSummary | None = None) -> str:
    """The whole report as one string (for a notebook; `write_report` streams to a file)."""
    return "".join(report_chunks(tables, options, summary))


def _frames_by_document(pages: pl.DataFrame) -> dict[str, dict[int, PageFrame]]:
    frames: dict[str, dict[int, PageFrame]] = defaultdict(dict)
    for r in pages.to_dicts():
        frames[r["doc_id"]][r["page"]] = PageFrame(r["page"], r["method"], r["width"], r["height"],
                                                   r["turns"] or 0, r["skew"] or 0.0, r["dpi"])
    return frames


def _group(rows: list[dict], key: str) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r)
    return list(groups.items())


def _open(doc: dict | None, sources: Path | None):
    """The source document of a dataset row (where ingest read it, else under `sources`),
    or why its pages cannot be shown."""
    if doc is None:
        return None, "源文件未记录，不显示原页面。"
    member = doc.get("member")
    candidates = [doc["source"]] if doc.get("source") else []
    if sources is not None:  # documents.path is relative to the folder ingest was given
        path = doc["path"][: -len(member) - 1] if member and doc["path"].endswith("/" + member) else doc["path"]
        candidates.append(str(sources / path))
    if not candidates:
        return None, "源文件未记录（数据集早于此版本；可用 --sources 指定原文件夹），不显示原页面。"
    problem = ""
    for source in candidates:
        try:
            return open_source(source, member), None
        except (OSError, BadInput) as exc:
            problem = f"{source}（{exc}）"
    return None, f"源文件无法打开，不显示原页面：{problem}"


def write_report(directory: Path, out: Path, options: ReportOptions = ReportOptions()) -> ReportSummary:
    """The report of the dataset in `directory`, written to `out` (atomically)."""
    summary = ReportSummary()
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            for chunk in report_chunks(load_tables(directory, options.raw), options, summary):
                f.write(chunk)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    summary.bytes = out.stat().st_size
    return summary
