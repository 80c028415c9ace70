"""The label lexicon (lexicon.toml) and how a printed label is matched against it."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from extract.values.text import compact

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")
# What may follow a spelling in a printed label: a number ("年度绩效目标1"), a connective
# clause ("未完成原因分析" + "及改进措施", "偏差原因" + "和改进措施", "实际完成" + "情况"), a
# parenthesised note ("(万元)", "(B/A)", "(20分*执行率)", "(如有)") and a colon ("年度资金总额:").
_LABEL_TAIL_RE = re.compile(r"^\d*(?:[及和与][^()及和与]{1,8}|情况)?(?:\([^()]*\))*(?:万元|元|%|分)?:?$")
# The longest note a label carries in brackets ("(20分*执行率)").
_MAX_NOTE = 14


class _LabelTail:
    """What may follow a spelling: a number, a bracketed note, a unit, a colon. OCR loses a
    bracket now and then ("项目资金 万元)", "项目资金万元"), so a short tail with one is fine."""

    @staticmethod
    def match(tail: str) -> bool:
        if _LABEL_TAIL_RE.match(tail):
            return True
        return ("(" in tail or ")" in tail) and len(tail) <= _MAX_NOTE


_LABEL_TAIL = _LabelTail()
_SUBTOTAL_PREFIX = re.compile(r"^其中[:]?")
# Marks no label starts or ends with: a scan's speck read beside one (",年度资金总额",
# "预期目标,"). A label's own colon ("其中:") is matched as printed.
_EDGE_MARKS = ",，.。、·;；'\"`“”‘’"
# What a stub of a broken rule beside a label, or a speck inside one, is read as.
RULE_STUBS = frozenset("|丨「」[]Il1!H")
_STRAY_MARKS = RULE_STUBS | frozenset(_EDGE_MARKS) | frozenset(":：")
# Letters a label ends in where a rule's stub beside it was read ("年初预算数lt"); print puts
# a letter after a label only in brackets ("全年预算数(A)").
_STUB_TAIL = re.compile(r"(?<=[\u3400-\u9fff])[A-Za-z|丨]{1,2}$")
# A speck or a rule's stub read between a label's characters ("年度:旨标值", "一级指丨标"); no
# spelling holds one there.
_INNER_SPECKS = re.compile(r"(?<=[\u3400-\u9fff])[:：·.'\"`|丨](?=[\u3400-\u9fff])")
# Labels this long or longer are recognised with one misread character.
_FUZZY_MIN_LENGTH = 4
# A level name's first line this long or longer names it (产出 alone could begin a variant's name).
_LEVEL_PREFIX_MIN = 4
# A first-level name that declares its weight: "产出指标(50分)" (Anhui).
_DECLARED_WEIGHT = re.compile(r"^(.+?)\((\d+(?:\.\d+)?)分\)$")


# OCR reads the stroke 一 as a dash ("-级指标"): a label's leading dash is taken for 一.
_DASHES = frozenset("-—－–‐")


def _undash(text: str) -> str:
    return "一" + text[1:] if text[:1] and text[0] in _DASHES else text


def _one_deleted(text: str, spelling: str) -> bool:
    """Whether `text` is `spelling` with one character lost (OCR skipped a thin glyph)."""
    return len(text) == len(spelling) - 1 and any(spelling[:i] + spelling[i + 1:] == text for i in range(len(spelling)))


def _substitutions(a: str, b: str) -> int:
    """Characters that differ between two strings of one length (more if lengths differ)."""
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(x != y for x, y in zip(a, b))


DEFAULT_FAMILY = "mof2020"


@dataclass(frozen=True)
class Family:
    """A regional variant of the form and the markers that give it away (lexicon.toml)."""

    name: str
    title: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    patterns: tuple[re.Pattern, ...] = ()

    def found_in(self, title: str, labels: Iterable[str]) -> bool:
        if any(sp in title for sp in self.title):
            return True
        return any(lab.startswith(m) for lab in labels for m in self.labels) or any(
            p.fullmatch(lab) for lab in labels for p in self.patterns)


@dataclass(frozen=True, eq=False)
class Lexicon:
    titles: tuple[str, ...]
    tables: dict[str, dict[str, tuple[str, ...]]]  # table → key → spellings
    level1_names: frozenset[str]
    level2_names: frozenset[str]
    grades: frozenset[str]
    families: tuple[Family, ...] = ()
    ignored: frozenset[str] = frozenset()  # labels of columns kept in no field
    level_pairs: frozenset[tuple[str, str]] = frozenset()  # (一级, 二级) names, the first holding the second

    def family(self, title: str, labels: Iterable[str]) -> str:
        """forms.template: the first family whose markers the form shows (labels compacted)."""
        t = compact(title)
        labels = [compact(lab) for lab in labels]
        return next((f.name for f in self.families if f.found_in(t, labels)), DEFAULT_FAMILY)

    def match(self, table: str, label: str, strict: bool = False) -> str | None:
        """The key of `table` whose spelling the label is, the longest spelling winning.
        `strict`: as printed, no allowance for OCR (a lost bracket, a misread character)."""
        return _match_cached(self, table, label, strict)

    def near(self, table: str, label: str) -> set[str]:
        """Keys whose spelling the label could be with one character misread, lost or added: to be
        settled by elimination among a header row's labels ("级指标" beside 二级指标 and
        三级指标 is 一级指标)."""
        text = _undash(compact(label))
        keys = set()
        for key, spellings in self.tables[table].items():
            # ...or with one character glued to it (a seal's "币" read beside "分值"), any length.
            if any(len(text) == len(sp) + 1 and sp in text for sp in spellings if len(sp) >= 2):
                keys.add(key)
            for sp in (sp for sp in spellings if len(sp) >= _FUZZY_MIN_LENGTH):
                misread = _substitutions(text[: len(sp)], sp) <= 1 and _LABEL_TAIL.match(text[len(sp):])
                lost = _one_deleted(text[: len(sp) - 1], sp) and _LABEL_TAIL.match(text[len(sp) - 1:])
                if misread or lost:
                    keys.add(key)
        return keys

    def _match(self, table: str, label: str, strict: bool = False) -> str | None:
        text = compact(label) if strict else _undash(
            _INNER_SPECKS.sub("", _STUB_TAIL.sub("", compact(label).strip(_EDGE_MARKS))))
        if not text:
            return None
        tail = _LABEL_TAIL_RE if strict else _LABEL_TAIL
        best: tuple[int, str] | None = None
        near: set[str] = set()
        for key, spellings in self.tables[table].items():
            for sp in spellings:
                if text.startswith(sp) and tail.match(text[len(sp):]):
                    if best is None or len(sp) > best[0]:
                        best = (len(sp), key)
                # One substitution in 4+ characters leaves the first or the second alike: a
                # cheap test before the tail's regex (most labels are near no spelling).
                elif (len(sp) >= _FUZZY_MIN_LENGTH and (text[0] == sp[0] or text[1:2] == sp[1:2])
                      and _LABEL_TAIL.match(text[len(sp):]) and _substitutions(text[: len(sp)], sp) == 1):
                    near.add(key)
        if best or strict:
            return best[1] if best else None
        # One character misread (OCR: 绩→细): accepted only when it points at a single key,
        # so 二级指标 (between 一级指标 and 三级指标) stays unknown.
        return near.pop() if len(near) == 1 else None

    def is_title(self, text: str) -> bool:
        t = compact(text)
        chars = set(t)
        for sp in self.titles:
            if sp in t:
                return True
            # OCR under a seal misreads a character or two of the title (项目支出绩效 → 圆目支出圳效).
            allowed = max(1, len(sp) // 4)
            if len(chars.intersection(sp)) < len(set(sp)) - allowed:
                continue  # each substitution costs at most one of the title's characters
            if any(_substitutions(t[i : i + len(sp)], sp) <= allowed for i in range(len(t) - len(sp) + 1)):
                return True
        return False

    def level_name(self, text: str) -> str:
        """A 一级/二级指标 name as printed: a known name with one stray mark in it (a rule's stub
        beside it, "1社会效益指标", "成本指标丨"; a speck, "产出指"标") is that name, and so is
        the one known name a reading lacks a character of (a seal over 产: "出指标") or begins
        (a wrapped name's last line lost: "服务对象满意")."""
        t = compact(text)
        names = self.level1_names | self.level2_names
        if t in names or len(t) < 3:
            return text
        for i, ch in enumerate(t):
            if ch in _STRAY_MARKS and (i == 0 or i == len(t) - 1 or ch not in RULE_STUBS) \
                    and (name := t[:i] + t[i + 1:]) in names:
                return name
        lacking = [name for name in names if _one_deleted(t, name)]
        if len(lacking) == 1:
            return lacking[0]
        # A wrapped name whose last line went unread ("服务对象满意" | "度指标"): the one name it begins.
        begun = [name for name in names if len(t) >= _LEVEL_PREFIX_MIN and name.startswith(t)]
        return begun[0] if len(begun) == 1 else text

    @staticmethod
    def weight_declared(text: str) -> tuple[str, float | None]:
        """A level name and the weight printed after it ("产出指标(50分)" → 产出指标, 50)."""
        if m := _DECLARED_WEIGHT.match(compact(text)):
            return m.group(1), float(m.group(2))
        return text, None

    def funds_line(self, label: str) -> str:
        """Canonical name of a 项目资金 line: a lexicon key, else the label without "其中:"."""
        stripped = _SUBTOTAL_PREFIX.sub("", compact(label).strip(_EDGE_MARKS))
        return self.match("funds_lines", stripped) or stripped.rstrip(":")

    def funds_unit(self, label: str) -> str | None:
        text = compact(label)
        for unit in sorted(self.tables["funds_units"], key=len, reverse=True):
            if any(sp in text for sp in self.tables["funds_units"][unit]):
                return unit
        return None


def _family(entry: dict) -> Family:
    return Family(
        entry["name"],
        title=tuple(compact(s) for s in entry.get("title", ())),
        labels=tuple(compact(s) for s in entry.get("labels", ())),
        patterns=tuple(re.compile(p) for p in entry.get("patterns", ())),
    )


@lru_cache(maxsize=65536)
def _match_cached(lex: Lexicon, table: str, label: str, strict: bool) -> str | None:
    return lex._match(table, label, strict)


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
        level_pairs=frozenset((compact(a), compact(b)) for a, bs in data["indicator_names"].get("under", {}).items()
                              for b in bs),
        grades=frozenset(data["grades"]["values"]),
        ignored=frozenset(compact(s) for s in data.get("ignored", {}).get("labels", ())),
        families=tuple(_family(f) for f in data.get("families", ())),
    )
