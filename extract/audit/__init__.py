"""The audit: the forms' own arithmetic checked, as findings.parquet (CONTRACT.md codes).

    from extract.audit import audit_dataset, load_rules
    findings = audit_dataset(read_dataset(Path("out")), load_rules())
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from extract.audit.checks import CHECKS, FINDINGS, REGISTRY, blame_unread, build_context
from extract.audit.consistency import (
    CONSISTENCY, consistency_findings, department_table, keyed_forms, with_finding_counts,
)
from extract.audit.rules import Rules, RulesError, load_rules

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# The columns each check reads (all checks, the cross-project ones included: see checks.Check).
DEPENDS_ON: dict[str, tuple[str, ...]] = {name: c.reads for name, c in REGISTRY.items()}
# What the audit reads of a dataset (not boxes or pages, its largest tables).
AUDITED_TABLES = ("forms", "fund_lines", "indicators")


@dataclass(frozen=True)
class Audit:
    findings: pl.DataFrame  # one row per finding (FINDINGS)
    consistency: pl.DataFrame  # one row per 主管部门 and year (CONSISTENCY)


def audit(dataset: dict[str, pl.DataFrame], rules: Rules | None = None) -> Audit:
    """Every form's own arithmetic, then the checks across projects, and the department table."""
    rules = rules or load_rules()
    ctx = build_context(dataset["forms"], dataset["fund_lines"], dataset["indicators"], rules)
    per_form = [check(ctx).with_columns(pl.lit([], dtype=pl.List(pl.String)).alias("related_forms"))
                for check in CHECKS.values()]
    forms = keyed_forms(ctx.forms)
    table = department_table(forms, ctx.indicators, ctx.totals.select("form_id", "rate_used"), rules)
    across = consistency_findings(forms, ctx.indicators, table, rules)
    findings = blame_unread(pl.concat([f.cast(FINDINGS) for f in [*per_form, *across]]), ctx.forms)
    findings = findings.sort("form_id", "indicator_index", "check", nulls_last=False)
    return Audit(findings, with_finding_counts(table, findings, forms))


def audit_dataset(dataset: dict[str, pl.DataFrame], rules: Rules | None = None) -> pl.DataFrame:
    """One row per finding, ordered by form, subject and check."""
    return audit(dataset, rules).findings


def audit_directory(out: Path, rules: Rules | None = None) -> pl.DataFrame:
    """Recompute findings.parquet and consistency.parquet from the dataset in `out`
    (atomically) and return the findings."""
    from extract.dataset import read_dataset
    from extract.dataset.store import write_table

    result = audit(read_dataset(out, AUDITED_TABLES), rules)
    write_table(out, "consistency", result.consistency)
    write_table(out, "findings", result.findings)
    return result.findings


__all__ = [
    "CHECKS", "CONSISTENCY", "DEPENDS_ON", "FINDINGS", "Audit", "audit", "Rules", "RulesError", "SEVERITY_ORDER", "audit_dataset", "audit_directory", "load_rules",
]
