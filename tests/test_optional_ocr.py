"""The package imports and the text path runs without the OCR stack installed."""

import subprocess
import sys

from conftest import FIXTURES, ROOT

SCRIPT = f"""
import sys
for name in ("paddleocr", "paddlex", "cv2", "onnxruntime"):
    sys.modules[name] = None  # an import of any of them now fails, as if not installed
from pathlib import Path
from extract.document import process_document
res = process_document(Path({str(FIXTURES / "text" / "seed_hongqiao.pdf")!r}), "seed")
assert res.status == "ok" and len(res.forms) == 3, res
scan = process_document(Path({str(FIXTURES / "scans" / "split_row_150dpi.pdf")!r}), "scan")
print(scan.status, scan.error)
"""


def test_text_path_without_ocr_stack_and_a_clear_error_for_scans():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    status, error = out.stdout.strip().split(" ", 1)
    assert status == "failed"
    assert "pip install 'jixiao[ocr]'" in error
