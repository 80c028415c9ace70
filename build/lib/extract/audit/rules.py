"""The audit's rules as data: defaults in rules.toml, overridable by a user's file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from extract.values.form import REVIEW_CONFIDENCE

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.toml")


class RulesError(ValueError):
    """A rules file that cannot be used (unknown key, wrong type)."""


@dataclass(frozen=True)
class ConsistencyRules:
    """Thresholds of the cross-project checks (rules.toml [consistency])."""

    score_share_spread: float = 0.05
    boilerplate_min_chars: int = 20
    boilerplate_min_projects: int = 3
    inflation_min_forms: int = 3
    inflation_missed_full_share: float = 0.5
    inflation_mean_total: float = 95.0
    inflation_mean_execution: float = 85.0


@dataclass(frozen=True)
class Rules:
    grades: tuple[tuple[str, float], ...]  # (grade, lower bound), highest bound first
    grade_aliases: dict[str, str]
    low_execution_pct: float
    over_execution_pct: float
    overachieved_ratio: float
    rate_disagrees_points: float
    rate_indicator_labels: tuple[str, ...]
    achieved_min_share: float
    achieved_words: tuple[str, ...]
    negations: tuple[str, ...]
    funds_weight: float
    level1_weights: dict[str, float]
    # Per family of the form (forms.template): its budget weight; whether the national
    # first-level split applies.
    family_funds_weight: dict[str, float]
    family_fixed_split: dict[str, bool]
    required_level1: tuple[str, ...]
    low_confidence: float
    epsilon: float
    consistency: ConsistencyRules = ConsistencyRules()



def _merge(base: dict, override: dict, where: str = "") -> dict:
    out = dict(base)
    for key, value in override.items():
        if key not in base:
            raise RulesError(f"unknown rule {where}{key}")
        if key == "families":  # a rules file may name families the defaults do not
            out[key] = {**base[key], **value}
        elif isinstance(base[key], dict) and key not in ("grades", "grade_aliases"):
            if not isinstance(value, dict):
                raise RulesError(f"rule {where}{key} must be a table")
            out[key] = _merge(base[key], value, f"{where}{key}.")
        else:
            out[key] = value
    return out


def load_rules(path: Path | None = None) -> Rules:
    """The default rules, with the keys of `path` (a TOML file) overriding them."""
    data = tomllib.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data.setdefault("confidence", {}).setdefault("low", REVIEW_CONFIDENCE)  # rules.toml: unset by default
    if path is not None:
        try:
            data = _merge(data, tomllib.loads(path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise RulesError(f"{path}: {exc}") from exc
    try:
        w = data["weights"]
        return Rules(
            grades=tuple(sorted(((g, float(b)) for g, b in data["grades"].items()), key=lambda gb: -gb[1])),
            grade_aliases=dict(data["grade_aliases"]),
            low_execution_pct=float(data["execution"]["low_pct"]),
            over_execution_pct=float(data["execution"]["over_pct"]),
            overachieved_ratio=float(data["indicators"]["overachieved_ratio"]),
            rate_disagrees_points=float(data["indicators"]["rate_disagrees_points"]),
            rate_indicator_labels=tuple(data["indicators"]["rate_indicator_labels"]),
            achieved_min_share=float(data["qualitative"]["achieved_min_share"]),
            achieved_words=tuple(data["qualitative"]["achieved_words"]),
            negations=tuple(data["qualitative"]["negations"]),
            funds_weight=float(w["funds"]),
            level1_weights={k: float(v) for k, v in w.items() if k not in ("funds", "required_level1")},
            family_funds_weight={name: float(f.get("funds", w["funds"])) for name, f in data["families"].items()},
            family_fixed_split={name: bool(f.get("fixed_split", True)) for name, f in data["families"].items()},
            required_level1=tuple(w["required_level1"]),
            low_confidence=float(data["confidence"]["low"]),
            epsilon=float(data["tolerance"]["epsilon"]),
            consistency=ConsistencyRules(**{
                key: type(getattr(ConsistencyRules, key))(value) for key, value in data["consistency"].items()
            }),
        )
    except (TypeError, ValueError, KeyError) as exc:
        raise RulesError(f"bad rules: {exc}") from exc
