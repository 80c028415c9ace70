from __future__ import annotations

import importlib.util
import json
import os
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


def browser_check(script: str, function: str, *needs: str):
    """`function` of scripts/<script>.py, which drives Debian's chromium through playwright;
    the test is skipped without them (failed where make test installed them) or `needs`."""
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("JIXIAO_REQUIRE_BROWSER"):
            pytest.fail("Debian's chromium is not installed (make test installs it)")
        pytest.skip("no /usr/bin/chromium (make test installs it)")
    for module in ("playwright", *needs):
        pytest.importorskip(module)
    spec = importlib.util.spec_from_file_location(script, ROOT / "scripts" / f"{script}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, function)
