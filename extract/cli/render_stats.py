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


def _table(title: str, frame: pl.DataFrame, text_columns: tuple[str, ...] = ()) -> Table:
    table = Table(title=title)
    for name in frame.columns:
        table.add_column(name, justify="left" if name in text_columns else "right", overflow="fold")
    for row in frame.iter_rows(named=True):
        table.add_row(*(_cell(k, v) for k, v in row.items()))
    return table


def print_stats(console: Console, report: StatsReport) -> None:
    overview = Table(title="overview")
    for name in report.overview:
        overview.add_column(name, justify="right")
    overview.add_row(*(str(v) for v in report.overview.values()))
    console.print(overview)
    console.print(_table(f"by {' × '.join(report.by)}", report.groups, text_columns=("department",)))
    console.print(_table("total_score (总分得分)", report.scores, text_columns=("bin",)))
    console.print(_table("execution_rate_pct (执行率)", report.execution, text_columns=("bin",)))


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
