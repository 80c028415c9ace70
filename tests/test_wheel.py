"""Installed as a wheel, not from the checkout: jixiao imports without the checkout on the
path, reads a text form and a scan (models/ travels in the wheel as share/jixiao/models)."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

pytest.importorskip("paddleocr", reason="the scan needs the OCR extra")
pytestmark = pytest.mark.ocr


def _run(cmd: list, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel; its dependencies are this environment's packages (a
    path entry to them, so the checkout's editable install is not among them)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # built from a copy: setuptools leaves build/ where it builds
    source.mkdir()
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, source / part)
    for part in ("extract", "models"):
        shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
    _run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(root / "dist")])
    wheel = next((root / "dist").glob("jixiao-*.whl"))
    env = root / "venv"
    _run([sys.executable, "-m", "venv", str(env)])
    site = next((env / "lib").glob("python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # The new venv's own pip: this environment's (with --prefix) would uninstall the
    # checkout's editable install on its way.
    _run([str(env / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)])
    return env


def test_installing_the_wheel_leaves_this_environment_alone(venv, tmp_path):
    """This environment's jixiao is still the checkout's (an install with its pip and
    --prefix once uninstalled it, `jixiao` command and all)."""
    assert (Path(sys.executable).parent / "jixiao").exists()
    here = _run([sys.executable, "-c", "import extract; print(extract.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(here).is_relative_to(ROOT), here


def test_the_installed_wheel_reads_a_text_form_and_a_scan(venv, tmp_path):
    python = str(venv / "bin" / "python")
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = _run([python, "-c", "import extract, extract.ocr.models as m; print(extract.__file__); print(m.MODELS_DIR)"],
                 cwd=tmp_path, env=clean).stdout.split()
    assert Path(where[0]).is_relative_to(venv) and Path(where[1]).is_relative_to(venv), where
    inputs = tmp_path / "in"
    inputs.mkdir()
    for source in (FIXTURES / "text" / "two_forms_one_page.pdf", FIXTURES / "scans" / "two_forms_colour_seal.pdf"):
        (inputs / source.name).write_bytes(source.read_bytes())
    # the wheel's own `jixiao` command (its entry point), as a user runs it
    _run([str(venv / "bin" / "jixiao"), "ingest", str(inputs), "--out", str(tmp_path / "out"), "-q",
          "--workers", "1"], cwd=tmp_path, env=clean)
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet").sort("path")
    assert docs["status"].to_list() == ["ok", "ok"], docs.select("path", "status", "error")
    assert docs["method"].to_list() == ["ocr", "text"]
