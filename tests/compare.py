"""Readable differences between extracted forms and their truth (exact, for text PDFs)."""

from __future__ import annotations

from extract.evaluation import compare_form
from extract.records import Form

# Everything is compared on text PDFs except the diagnostics behind needs_review.
TEXT_IGNORED = {"review_reasons"}


def form_differences(form: Form, truth: dict) -> list[str]:
    return [f"{c.where}: got {c.got!r}, want {c.want!r}" for c in compare_form(form, truth, TEXT_IGNORED) if not c.ok]
