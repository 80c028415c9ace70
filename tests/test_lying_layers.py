"""Text layers that lie (extract/pages/layer.py): fixtures/lying/ (scripts/lying_fixtures.py)
go through OCR and read as their truth; every clean text fixture stays on the text path
without loading the OCR stack; an honest table without labels is checked and stays text."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys

import pymupdf
import pytest

from conftest import FIXTURES, ROOT
from extract.document import extract_forms, needs_ocr, read_layouts
from extract.evaluation import compare_form
from extract.grid import recover_layout
from extract.pages import read_pdf_page
from extract.pages import layer as L
from extract.settings import DEFAULT_SETTINGS

LYING = FIXTURES / "lying"
# The tolerance of the scan tests (tests/test_ocr_scans.py): these pages are read by OCR.
MIN_NUMERIC_SHARE = 0.97
MIN_TEXT_SHARE = 0.93
# PP-OCRv4's character set holds neither ≧ ≦ nor ═ (as in tests/test_variants.py): the yunnan
# form behind partial_image prints them, OCR reads the operator they mean.
SCAN_LOOKALIKES = str.maketrans({"≧": "≥", "≦": "≤", "═": "="})

LIARS = ["permuted_two_forms", "permuted_split_row", "pua_mixed", "partial_curves", "partial_image"]
HONEST_UNLABELLED = "clean_unlabelled_table"


def _truth(name: str) -> dict:
    return json.loads((LYING / f"{name}.json").read_text(encoding="utf-8"))


def _pages(path):
    """(pymupdf page, Page record, layout) of every page of a PDF, on the text path."""
    doc = pymupdf.open(path)
    for page in doc:
        record = read_pdf_page(page, DEFAULT_SETTINGS.grid)
        yield page, record, recover_layout(record, DEFAULT_SETTINGS) if record.words else None


def test_the_fixtures_are_as_the_script_makes_them():
    out = subprocess.run([sys.executable, "scripts/lying_fixtures.py", "--check"], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


# --- the cheap signals, no OCR -----------------------------------------------------------

@pytest.mark.parametrize("name", ["permuted_two_forms", "permuted_split_row"])
def test_a_permuted_layer_shows_no_label_and_is_suspect(name):
    for _, _, layout in _pages(LYING / f"{name}.pdf"):
        assert not L.shows_a_label(layout)
        assert L.LayerCheck(DEFAULT_SETTINGS).suspect(layout)


def test_a_mixed_page_of_private_use_characters_goes_to_ocr():
    """The title's characters map into the Private Use Area, the rest reads: too few for the
    page-wide share, but set among Chinese text (the text path found no form in it)."""
    from extract.document import MAX_BROKEN_SHARE

    ((page, record, layout),) = _pages(LYING / "pua_mixed.pdf")
    chars = [w.text for w in record.words if not w.text.isspace()]
    broken = sum(L._unmapped(c) for c in chars)
    assert 0 < broken < MAX_BROKEN_SHARE * len(chars)
    assert "项目支出绩效自评表" not in "".join(chars) and "项目" not in "".join(chars)
    assert L.unmapped_in_text(chars)
    assert needs_ocr(record, page, layout, "auto")


def test_a_page_mostly_of_private_use_characters_goes_to_ocr(tmp_path):
    spec = importlib.util.spec_from_file_location("lying_fixtures", ROOT / "scripts" / "lying_fixtures.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    doc = pymupdf.open(FIXTURES / "text" / "markup_in_cells.pdf")
    script.to_pua(doc)  # every CJK code point
    doc.save(tmp_path / "pua.pdf")
    ((page, record, layout),) = _pages(tmp_path / "pua.pdf")
    assert needs_ocr(record, page, layout, "auto")


def test_a_lone_symbol_in_the_private_use_area_is_not_a_broken_layer():
    assert not L.unmapped_in_text(list("选项\uf0fe是\uf0a8否"))
    assert L.unmapped_in_text(list("\ue001\ue002支出\ue003\ue004自评表"))


@pytest.mark.parametrize("name", ["partial_curves", "partial_image"])
def test_values_as_curves_or_an_image_under_text_labels_are_a_partial_layer(name):
    ((page, record, layout),) = _pages(LYING / f"{name}.pdf")
    filled = sum(bool(c.words) for g in layout.grids for c in g.cells)
    assert filled >= 20  # the labels are text: not an empty grid
    assert L.shows_a_label(layout)
    assert L.partial_layer(record, page, layout)
    assert needs_ocr(record, page, layout, "auto")


def test_a_red_vector_seal_and_a_signature_on_a_clean_form_are_not_a_partial_layer():
    doc = pymupdf.open(FIXTURES / "text" / "two_forms_one_page.pdf")
    page = doc[0]
    shape = page.new_shape()
    for r in (60, 56, 20):
        shape.draw_circle((400, 300), r)
    for k in range(24):  # the seal's text as small red curves
        shape.draw_circle((400 + 40 * math.cos(k / 24 * 2 * math.pi), 300 + 40 * math.sin(k / 24 * 2 * math.pi)), 4)
    shape.finish(color=(0.85, 0.1, 0.1), width=2)
    record = read_pdf_page(page, DEFAULT_SETTINGS.grid)
    layout = recover_layout(record, DEFAULT_SETTINGS)
    for c in [c for g in layout.grids for c in g.cells if not c.words][:3]:  # signed in three empty cells
        shape.draw_bezier((c.x0 + 5, c.y0 + 5), (c.x0 + 15, c.y1 - 3), (c.x1 - 15, c.y0 + 3), (c.x1 - 5, c.y1 - 5))
    shape.finish(color=(0, 0, 0), width=1)
    shape.commit()
    record = read_pdf_page(page, DEFAULT_SETTINGS.grid)
    layout = recover_layout(record, DEFAULT_SETTINGS)
    assert record.curves >= L.MIN_CURVES_FOR_INK
    assert not L.partial_layer(record, page, layout)
    assert not needs_ocr(record, page, layout, "auto", L.LayerCheck(DEFAULT_SETTINGS))


def test_agreement_counts_the_layer_characters_read_back():
    assert L.agreement(["项目名称", "主管部门"], ["项目名称", "主管部门"]) == 1.0
    assert L.agreement(["项目名称"], ["项目名弥"]) == 0.75
    assert L.agreement(["市二遗事"], ["项目名称"]) == 0.0
    assert L.agreement(["金额（万元）"], ["金额(万元)"]) == 1.0  # punctuation is not compared
    assert L.agreement(["项目\ue026\ue072"], ["项目名称"]) == 0.5  # unmapped characters count


CLEAN = sorted((FIXTURES / "text").glob("*.pdf")) + sorted((FIXTURES / "variants" / "text").glob("*.pdf"))

CLEAN_SCRIPT = """
import json, sys
from pathlib import Path
from extract.document import extract_forms
out = {}
for path in sys.argv[1:]:
    forms, pages = extract_forms(Path(path))
    out[Path(path).name] = [pages.ocr_pages, len(forms), sorted({f.method for f in forms})]
ocr = sorted(m for m in sys.modules if m.startswith(("extract.ocr", "paddleocr", "paddlex", "cv2")))
print(json.dumps({"docs": out, "ocr_modules": ocr}))
"""


def test_every_clean_text_fixture_stays_on_the_text_path_without_the_ocr_stack():
    out = subprocess.run([sys.executable, "-c", CLEAN_SCRIPT, *map(str, CLEAN)], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["ocr_modules"] == []
    for name, (ocr_pages, n_forms, methods) in result["docs"].items():
        assert ocr_pages == [], name
        assert methods in ([], ["text"]), name
    assert len(result["docs"]) == len(CLEAN)


NO_OCR_SCRIPT = """
import sys
for name in ("paddleocr", "paddlex", "cv2", "onnxruntime"):
    sys.modules[name] = None  # as if the OCR extra were not installed
from pathlib import Path
from extract.document import process_document
for path in sys.argv[1:]:
    res = process_document(Path(path), Path(path).name)
    print(res.status, res.method)
"""


def test_without_the_ocr_stack_a_suspect_page_keeps_its_text_layer():
    """Nothing to check the pixels with: the layer is read as before, nothing fails."""
    paths = [LYING / "permuted_split_row.pdf", LYING / f"{HONEST_UNLABELLED}.pdf"]
    out = subprocess.run([sys.executable, "-c", NO_OCR_SCRIPT, *map(str, paths)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["no_form text", "no_form text"]


def test_unrelated_tables_of_a_final_accounts_report_are_not_suspect():
    """Their 合计/总计 clear them without a look at the pixels."""
    for name in ("dept_final_accounts", "no_form_report"):
        for _, _, layout in _pages(FIXTURES / "text" / f"{name}.pdf"):
            if layout is not None:
                assert not L.LayerCheck(DEFAULT_SETTINGS).suspect(layout), name


# --- with the recogniser --------------------------------------------------------------------

@pytest.mark.ocr
def test_an_honest_table_without_labels_is_checked_and_stays_text():
    pytest.importorskip("paddleocr", reason="the OCR extra is not installed")
    ((page, record, layout),) = _pages(LYING / f"{HONEST_UNLABELLED}.pdf")
    check = L.LayerCheck(DEFAULT_SETTINGS)
    assert check.suspect(layout)
    assert not needs_ocr(record, page, layout, "auto", check)
    ((number, score),) = check.checked
    assert number == 1 and score >= L.MIN_AGREEMENT
    pages = read_layouts(LYING / f"{HONEST_UNLABELLED}.pdf")
    assert pages.ocr_pages == [] and pages.method == "text"


@pytest.mark.ocr
@pytest.mark.parametrize("path, page_no", [(FIXTURES / "text" / "dept_final_accounts.pdf", 2),
                                           (FIXTURES / "text" / "no_form_report.pdf", 1)])
def test_an_honest_unrelated_table_agrees_with_its_pixels(path, page_no):
    """Were these pages suspect, their pixels would clear them."""
    pytest.importorskip("paddleocr", reason="the OCR extra is not installed")
    page, _, layout = list(_pages(path))[page_no - 1]
    assert L.pixel_agreement(page, L.sample_cells(layout), DEFAULT_SETTINGS) >= 0.9


@pytest.mark.ocr
@pytest.mark.parametrize("name", LIARS)
def test_a_lying_layer_is_read_by_ocr_and_matches_its_truth(name):
    pytest.importorskip("paddleocr", reason="the OCR extra is not installed")
    truth = _truth(name)
    forms, pages = extract_forms(LYING / truth["file"])
    assert pages.page_count == truth["pages"]
    form_pages = {p for f in truth["forms"] for p in range(f["page_start"], f["page_end"] + 1)}
    assert form_pages <= set(pages.ocr_pages)
    assert len(forms) == len(truth["forms"])
    numeric, text, silent = [], [], []
    for form, want in zip(forms, truth["forms"]):
        assert form.method == "ocr"
        want = json.loads(json.dumps(want, ensure_ascii=False).translate(SCAN_LOOKALIKES))
        for check in compare_form(form, want):
            (numeric if check.numeric else text).append(check.ok)
            if not check.ok and not form.needs_review:
                silent.append(check.where)
    assert not silent, f"wrong but not flagged: {silent}"
    assert sum(numeric) / len(numeric) >= MIN_NUMERIC_SHARE
    assert sum(text) / len(text) >= MIN_TEXT_SHARE
