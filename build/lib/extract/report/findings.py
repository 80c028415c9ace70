"""Which printed fields a finding is about, so a report can mark them on the extracted
form and on the page image. Checks missing here mark their whole subject row."""

from __future__ import annotations

_QUANT = ("target", "actual", "weight", "score")
CHECK_FIELDS: dict[str, tuple[str, ...]] = {
    "funds.rate_mismatch": ("budget_full_year", "executed", "execution_rate_pct"),
    "funds.score_mismatch": ("weight", "execution_rate_pct", "score"),
    "funds.lines_sum": ("budget_initial", "budget_full_year", "executed"),
    "funds.over_execution": ("execution_rate_pct",),
    "funds.low_execution": ("execution_rate_pct",),
    "weights.total": ("total_weight",),
    "weights.default_split": (),
    "weights.missing_level1": (),
    "weights.level1_declared": (),
    "weights.goal_declared": (),
    "score.exceeds_weight": ("weight", "score"),
    "score.total_mismatch": ("total_score",),
    "score.met_not_full": _QUANT,
    "score.unmet_full": _QUANT,
    "score.not_proportional": _QUANT,
    "score.qualitative_band": ("actual", "weight", "score"),
    "note.missing_reason": ("score", "deviation_note"),
    "grade.mismatch": ("total_score", "grade"),
    "indicator.rate_disagrees": ("actual",),
    "indicator.overachieved": ("target", "actual"),
    "form.unmapped_labels": (),
}


def marked_fields(check: str, subject: str, fields_of_subject: list[str]) -> list[str]:
    """The fields of `subject` a finding of `check` marks (a form-level finding with no
    fields named marks nothing: it is about the form as a whole)."""
    named = CHECK_FIELDS.get(check)
    if named:
        return [f for f in named if f in fields_of_subject]
    return [] if subject == "form" else list(fields_of_subject)
