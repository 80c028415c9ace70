"""Which printed fields a finding is about, so a report can mark them on the extracted
form and on the page image (each check names them where it is defined: `@check(marks=…)`)."""

from __future__ import annotations

from extract.audit.checks import REGISTRY


def marked_fields(check: str, subject: str, fields_of_subject: list[str]) -> list[str]:
    """The fields of `subject` a finding of `check` marks (a form-level finding with no
    fields named marks nothing: it is about the form as a whole)."""
    named = REGISTRY[check].marks if check in REGISTRY else ()
    if named:
        return [f for f in named if f in fields_of_subject]
    return [] if subject == "form" else list(fields_of_subject)
