from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def truth_cases(folder: str) -> list[pytest.param]:
    """One case per fixture document with a truth file, named after the file."""
    cases = []
    for truth in sorted((FIXTURES / folder).glob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        cases.append(pytest.param(FIXTURES / folder / data["file"], data, id=truth.stem))
    return cases


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
