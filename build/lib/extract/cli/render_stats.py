"""`jixiao stats` output: rich tables for a terminal, or CSV / JSON for scripts."""

from __future__ import annotations

import json

import polars as pl
from rich.console import Console
from rich.table import Table

from extract.dataset.stats import StatsReport


def _cell(name: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1%}" if name.endswith("_share") else f"{value:,.2f}"
    return str(value)


# Short headers: the per-group table has fourteen columns and must fit a terminal.
SHORT = {
    "department": "部门 department", "year": "年度", "forms": "表", "documents": "文件", "score_mean": "均分",
    "score_median": "中位", "score_min": "最低", "score_max": "最高", "execution_rate_mean": "执行率%",
    "review_share": "待复核", "indicators_scored": "指标", "full_marks_share": "满分占比",
    "errors_per_form": "错误/表", "top_grade_share": "优占比",
    # the consistency table
    "mean_total": "均分", "missed": "未达成", "missed_full_share": "未达成满分", "mean_execution_pct": "执行率%",
    "findings": "发现", "same_indicator_diff_score": "同指标异分", "duplicate_project": "重复",
    "target_lowered": "目标下调", "boilerplate_text": "雷同", "department_inflation": "偏高",
    "funds_weight_varies": "预算分值",
}


def _table(title: str, frame: pl.DataFrame, text_columns: tuple[str, ...] = ()) -> Table:
    table = Table(title=title, caption="; ".join(f"{SHORT[c]} = {c}" for c in frame.columns if c in SHORT
                                                  and c not in ("department",)) or None)
    for name in frame.columns:
        table.add_column(SHORT.get(name, name), justify="left" if name in text_columns else "right",
                         overflow="fold", min_width=8 if name in text_columns else None)
    for row in frame.iter_rows(named=True):
        table.add_row(*(_cell(k, v) for k, v in row.items()))
    return table


def print_stats(console: Console, report: StatsReport) -> None:
    overview = Table(title="overview", show_header=False)
    overview.add_column("what")
    overview.add_column("count", justify="right")
    for name, value in report.overview.items():
        overview.add_row(name, str(value))
    console.print(overview)
    console.print(_table(f"by {' × '.join(report.by)}", report.groups, text_columns=("department",)))
    console.print(_table("total_score (总分得分)", report.scores, text_columns=("bin",)))
    console.print(_table("execution_rate_pct (执行率)", report.execution, text_columns=("bin",)))


def print_consistency(console: Console, table: pl.DataFrame) -> None:
    console.print(_table("consistency (一致性): per department and year", table, text_columns=("department",)))


def stats_csv(report: StatsReport) -> str:
    """The per-group table only: one CSV holds one table."""
    return report.groups.write_csv()


def stats_json(report: StatsReport) -> str:
    return json.dumps({
        "by": list(report.by),
        "overview": report.overview,
        "groups": report.groups.to_dicts(),
        "score_distribution": report.scores.to_dicts(),
        "execution_distribution": report.execution.to_dicts(),
    }, ensure_ascii=False, indent=2)
