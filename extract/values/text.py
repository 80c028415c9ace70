"""Text normalisation shared by every stage."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC, with runs of spaces inside a line folded to one and the ends trimmed."""
    text = unicodedata.normalize("NFKC", text)
    return "\n".join(_SPACES.sub(" ", ln).strip() for ln in text.split("\n")).strip()


def compact(text: str) -> str:
    """NFKC without any whitespace: the key labels are matched on ("年度 指标值" = "年度指标值")."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))
