"""Terminal rendering of results with rich (kept apart from the command definitions)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from extract.batch import IngestSummary
from extract.records import DocumentResult


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:,.2f}"


def print_ingest_summary(console: Console, s: IngestSummary, out: Path) -> None:
    table = Table(title=f"jixiao ingest → {out}", show_header=True)
    for col in ("files", "skipped", "ok", "no_form", "failed", "forms", "needs_review", "seconds"):
        table.add_column(col, justify="right")
    table.add_row(*(str(getattr(s, c)) for c in ("files", "skipped", "ok", "no_form", "failed", "forms", "needs_review")),
                  f"{s.seconds:.1f}")
    console.print(table)
    console.print(f"dataset: {s.dataset_documents} document(s), {s.dataset_forms} form(s) in {out}")
    if s.findings is not None:
        errors = s.findings.filter(s.findings["severity"] == "error").height
        console.print(f"audit: {s.findings.height} finding(s), {errors} error(s) → {out / 'findings.parquet'}")


def print_document(console: Console, res: DocumentResult, only: int | None = None) -> None:
    console.print(f"{res.path}: {res.pages} page(s), {len(res.forms)} form(s), status {res.status}"
                  + (f" ({res.error})" if res.error else ""), markup=False)
    for form in res.forms:
        if only is not None and form.form_index != only:
            continue
        head = Table(title=f"form {form.form_index} · pages {form.page_start}–{form.page_end} · {form.template}",
                     show_header=False)
        head.add_column("field")
        head.add_column("value", overflow="fold")
        for name in ("year", "project_name", "department", "implementing_unit", "funds_unit", "goal_planned",
                     "goal_actual", "total_weight", "total_score", "grade", "confidence", "needs_review"):
            head.add_row(name, str(getattr(form, name)))
        if form.review_reasons:
            head.add_row("review", "; ".join(form.review_reasons))
        console.print(head)
        funds = Table(title="项目资金 (" + form.funds_unit + ")")
        for col in ("line", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率%", "得分"):
            funds.add_column(col)
        for ln in form.fund_lines:
            funds.add_row(ln.label, *(_num(getattr(ln, k)) for k in (
                "budget_initial", "budget_full_year", "executed", "weight", "execution_rate_pct", "score")))
        console.print(funds)
        ind = Table(title="绩效指标")
        goals = any(i.goal_index is not None for i in form.indicators)  # Hubei's goal blocks
        for col in ("#", *(["目标"] if goals else []), "一级", "二级", "三级", "指标值", "实际值", "分值", "得分", "偏差原因", "p"):
            ind.add_column(col, overflow="fold")
        for i in form.indicators:
            level1 = i.level1 if i.level1_weight is None else f"{i.level1}({i.level1_weight:g}分)"
            ind.add_row(str(i.indicator_index), *([str(i.goal_index or "")] if goals else []), level1, i.level2, i.level3,
                        i.target, i.actual, _num(i.weight), _num(i.score), i.deviation_note or "", str(i.page))
        console.print(ind)


def print_audit_summary(console: Console, findings, forms) -> None:
    from extract.audit.summary import counts_by_check, worst_forms

    table = Table(title=f"audit: {findings.height} finding(s) in {forms.height} form(s)")
    for col in ("check", "severity", "source", "findings", "forms"):
        table.add_column(col, justify="right" if col in ("findings", "forms") else "left")
    for row in counts_by_check(findings).iter_rows(named=True):
        table.add_row(row["check"], row["severity"], row["source"], str(row["findings"]), str(row["forms"]))
    console.print(table)
    worst = worst_forms(findings, forms)
    if worst.height:
        top = Table(title="forms with most errors")
        for col in ("errors", "path", "form", "project", "checks"):
            top.add_column(col, overflow="fold")
        for row in worst.iter_rows(named=True):
            top.add_row(str(row["errors"]), row["path"] or "", str(row["form_index"]), row["project_name"] or "", row["checks"])
        console.print(top)


class LineProgress:
    """One line per document on stderr: for logs, pipes and CI."""

    def __init__(self, say) -> None:
        self.say = say
        self.done = 0
        self.total = 0

    def start(self, total: int, skipped: int) -> None:
        self.total = total
        self.say(f"{total} file(s) to read, {skipped} already done")

    def advance(self, res: DocumentResult, summary: IngestSummary) -> None:
        self.done += 1
        note = f"  [{res.error}]" if res.error else ""
        self.say(f"[{self.done}/{self.total}] {res.status:8} {len(res.forms):3} form(s)  {res.path}{note}")

    def stop(self) -> None:
        pass


class BarProgress:
    """A live bar on a terminal: files, forms, failures, rate and time left."""

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[stats]}"),
            TimeRemainingColumn(), console=console, transient=True,
        )
        self.task = None

    def start(self, total: int, skipped: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("ingest", total=total, stats=f"{skipped} already done")

    def advance(self, res: DocumentResult, summary: IngestSummary) -> None:
        stats = f"{summary.forms} forms · {summary.failed} failed · {summary.needs_review} to review"
        self.bar.update(self.task, advance=1, stats=stats)

    def stop(self) -> None:
        self.bar.stop()
