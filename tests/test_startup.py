"""The command line answers --help, --version and usage errors without loading PyMuPDF,
polars or the OCR stack (they load in the commands that need them)."""

import subprocess
import sys

import pytest

HEAVY = ("pymupdf", "fitz", "polars", "paddleocr", "paddlex", "onnxruntime", "cv2", "numpy")


@pytest.mark.parametrize("module", ["extract.cli.main", "extract"])
def test_importing_the_cli_loads_no_heavy_module(module):
    code = f"import sys, {module}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_the_library_names_still_load_on_use():
    import extract

    assert callable(extract.extract_forms) and callable(extract.ingest)
    with pytest.raises(AttributeError):
        extract.no_such_name  # noqa: B018


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["ingest", "--help"]])
def test_help_and_version_answer(args):
    code = "import sys; from extract.cli.main import app; sys.exit(app())"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_reading_a_text_pdf_loads_no_ocr_stack_nor_pymupdf_add_ons():
    """The text path (a whole document read, its frames made) needs neither numpy nor the
    add-ons PyMuPDF 2 would import (pymupdf4llm brings ONNX Runtime: ~0.3 s of start-up)."""
    code = ("import sys; from pathlib import Path; from extract.document import process_document; "
            "from extract.dataset import to_frames; "
            "r = process_document(Path('fixtures/text/seed_hongqiao.pdf'), 'seed'); to_frames([r]); "
            "assert r.forms; "
            "print(' '.join(m for m in ('numpy', 'onnxruntime', 'pymupdf4llm', 'pymupdf.layout', 'cv2') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_a_library_caller_s_misspelt_choice_is_an_error_not_the_default():
    """`mode="alway"` used to run as auto without a word; the CLI's choices live in the library."""
    from extract.errors import SettingsError
    from extract.settings import OcrSettings

    with pytest.raises(SettingsError, match="'alway' is not one of auto, always, never"):
        OcrSettings(mode="alway")
    assert OcrSettings(mode="never").mode == "never"
    from extract.report.html import ReportOptions

    with pytest.raises(SettingsError, match="crops"):
        ReportOptions(crops="some")


def test_a_quiet_ingest_loads_no_terminal_rendering(tmp_path, fixtures_dir):
    """rich (~0.07 s of import) loads for what it prints: a scripted `ingest -q` prints nothing."""
    code = ("import sys, atexit; atexit.register(lambda: print('rich' in sys.modules, 'rich.console' in sys.modules)); "
            "from extract.cli.main import app; sys.argv[0] = 'jixiao'; app()")
    done = subprocess.run([sys.executable, "-c", code, "ingest", str(fixtures_dir / "text" / "two_forms_one_page.pdf"),
                           "--out", str(tmp_path / "o"), "--workers", "1", "-q"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
    assert (tmp_path / "o" / "forms.parquet").exists()
