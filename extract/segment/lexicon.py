"""The label lexicon (lexicon.toml) and how a printed label is matched against it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from extract.values.text import compact

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")
# What may follow a spelling in a printed label: a number ("年度绩效目标1"), a parenthesised
# note ("(万元)", "(B/A)", "(20分*执行率)") and a colon ("年度资金总额:").
_LABEL_TAIL = re.compile(r"^\d*(?:\([^()]*\))*:?$")
_SUBTOTAL_PREFIX = re.compile(r"^其中[:]?")


@dataclass(frozen=True, eq=False)
class Lexicon:
    titles: tuple[str, ...]
    tables: dict[str, dict[str, tuple[str, ...]]]  # table → key → spellings
    level1_names: frozenset[str]
    level2_names: frozenset[str]
    grades: frozenset[str]

    def match(self, table: str, label: str) -> str | None:
        """The key of `table` whose spelling the label is, the longest spelling winning."""
        return _match_cached(self, table, label)

    def _match(self, table: str, label: str) -> str | None:
        text = compact(label)
        if not text:
            return None
        best: tuple[int, str] | None = None
        for key, spellings in self.tables[table].items():
            for sp in spellings:
                if text.startswith(sp) and _LABEL_TAIL.match(text[len(sp):]):
                    if best is None or len(sp) > best[0]:
                        best = (len(sp), key)
        return best[1] if best else None

    def is_title(self, text: str) -> bool:
        t = compact(text)
        return any(sp in t for sp in self.titles)

    def funds_line(self, label: str) -> str:
        """Canonical name of a 项目资金 line: a lexicon key, else the label without "其中:"."""
        stripped = _SUBTOTAL_PREFIX.sub("", compact(label))
        return self.match("funds_lines", stripped) or stripped.rstrip(":")

    def funds_unit(self, label: str) -> str | None:
        text = compact(label)
        for unit in sorted(self.tables["funds_units"], key=len, reverse=True):
            if any(sp in text for sp in self.tables["funds_units"][unit]):
                return unit
        return None


@lru_cache(maxsize=65536)
def _match_cached(lex: Lexicon, table: str, label: str) -> str | None:
    return lex._match(table, label)


@cache
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    tables = {
        name: {key: tuple(compact(s) for s in spellings) for key, spellings in data[name].items()}
        for name in ("header", "blocks", "funds_columns", "funds_lines", "goals_columns", "indicator_columns", "funds_units")
    }
    return Lexicon(
        titles=tuple(compact(s) for s in data["titles"]["form"]),
        tables=tables,
        level1_names=frozenset(compact(s) for s in data["indicator_names"]["level1"]),
        level2_names=frozenset(compact(s) for s in data["indicator_names"]["level2"]),
        grades=frozenset(data["grades"]["values"]),
    )
