"""Extracted forms against truth records (the fixture JSON format): field by field.

Used by the tests (exact match on text PDFs) and by scripts/bench.py (accuracy on scans).
A field is numeric if its truth value is a number, else text; list fields (fund_lines,
indicators) are compared row by row, a missing row counting every field of it wrong.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from extract.records import Form

# Diagnostics and reading meta-data: not part of what the form says.
# `decimals` is derived from the printed text, so a right number has the right precision.
NOT_COMPARED = {"review_reasons", "confidence", "needs_review", "method", "decimals", "unread_columns"}


@dataclass(frozen=True)
class FieldCheck:
    where: str  # "form 1.indicators[3].score"
    numeric: bool
    ok: bool
    got: object
    want: object


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check(where: str, got: object, want: object) -> FieldCheck:
    numeric = _is_number(want) or (want is None and _is_number(got))
    return FieldCheck(where, numeric, got == want, got, want)


def compare_form(form: Form | None, truth: dict, ignore: set[str] = NOT_COMPARED) -> list[FieldCheck]:
    """Every field of a truth form against the extraction (None: the form was not found)."""
    got = asdict(form) if form is not None else {}
    where = f"form {truth.get('form_index')}"
    out: list[FieldCheck] = []
    for key, want in truth.items():
        if key in ignore or key in ("fund_lines", "indicators"):
            continue
        out.append(_check(f"{where}.{key}", got.get(key), want))
    for table in ("fund_lines", "indicators"):
        rows_got = got.get(table, [])
        for i, w in enumerate(truth.get(table, [])):
            g = rows_got[i] if i < len(rows_got) else {}
            for key, want in w.items():
                if key in ignore:
                    continue
                out.append(_check(f"{where}.{table}[{i}].{key}", g.get(key), want))
        if len(rows_got) > len(truth.get(table, [])):
            out.append(FieldCheck(f"{where}.{table}", False, False, len(rows_got), len(truth.get(table, []))))
    return out
