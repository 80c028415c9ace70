"""The audit: the forms' own arithmetic checked, as findings.parquet (CONTRACT.md codes).

    from extract.audit import audit_dataset, load_rules
    findings = audit_dataset(read_dataset(Path("out")), load_rules())
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from extract.audit.checks import CHECKS, FINDINGS, build_context
from extract.audit.rules import Rules, RulesError, load_rules

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def audit_dataset(dataset: dict[str, pl.DataFrame], rules: Rules | None = None) -> pl.DataFrame:
    """One row per finding, ordered by form, subject and check."""
    rules = rules or load_rules()
    ctx = build_context(dataset["forms"], dataset["fund_lines"], dataset["indicators"], rules)
    frames = [check(ctx) for check in CHECKS.values()]
    findings = pl.concat([f.cast(FINDINGS) for f in frames]) if frames else pl.DataFrame(schema=FINDINGS)
    return findings.sort("form_id", "indicator_index", "check", nulls_last=False)


def audit_directory(out: Path, rules: Rules | None = None) -> pl.DataFrame:
    """Recompute findings.parquet from the dataset in `out` (atomically) and return it."""
    from extract.dataset import read_dataset
    from extract.dataset.store import write_table

    findings = audit_dataset(read_dataset(out), rules)
    write_table(out, "findings", findings)
    return findings


__all__ = [
    "CHECKS", "FINDINGS", "Rules", "RulesError", "SEVERITY_ORDER", "audit_dataset", "audit_directory", "load_rules",
]
