"""Field-by-field comparison of extracted forms with their truth records."""

from __future__ import annotations

from dataclasses import asdict

from extract.records import Form

# Not part of the truth: diagnostics that explain needs_review.
_IGNORED = {"review_reasons"}


def form_differences(form: Form, truth: dict) -> list[str]:
    """Every field where the extraction differs from the truth, as readable lines."""
    got = {k: v for k, v in asdict(form).items() if k not in _IGNORED}
    where = f"form {truth.get('form_index')}"
    out = []
    for key in sorted(set(got) | set(truth)):
        if key in _IGNORED or key in ("fund_lines", "indicators"):
            continue
        if got.get(key) != truth.get(key):
            out.append(f"{where}.{key}: got {got.get(key)!r}, want {truth.get(key)!r}")
    for table in ("fund_lines", "indicators"):
        rows_got, rows_want = got.get(table, []), truth.get(table, [])
        if len(rows_got) != len(rows_want):
            out.append(f"{where}.{table}: got {len(rows_got)} rows, want {len(rows_want)}")
        for i, (g, w) in enumerate(zip(rows_got, rows_want)):
            for key in sorted(set(g) | set(w)):
                if g.get(key) != w.get(key):
                    out.append(f"{where}.{table}[{i}].{key}: got {g.get(key)!r}, want {w.get(key)!r}")
    return out
