"""What makes a document cheap without changing what it reads: pages that cannot hold a form
skip grid recovery, a scanned form's arithmetic is checked by the per-form checks with the
user's rules, and small batches run without spawning workers."""

from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

import extract.audit.checks as checks
from extract.audit import load_rules
from extract.batch import IngestConfig, _local_executor
from extract.document import extract_forms, flag_arithmetic_doubts, read_layouts, title_like
from extract.grid import recover_layout
from extract.pages import read_pdf_page
from extract.segment import load_lexicon
from extract.settings import DEFAULT_SETTINGS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT = sorted([*FIXTURES.glob("text/*.pdf"), *FIXTURES.glob("variants/text/*.pdf"), *FIXTURES.glob("consistency/*/*.pdf")])


@pytest.mark.parametrize("pdf", TEXT, ids=lambda p: p.name)
def test_title_like_never_misses_a_page_with_a_title(pdf):
    lex = load_lexicon()
    with pymupdf.open(pdf) as doc:
        for page in doc:
            record = read_pdf_page(page)
            layout = recover_layout(record, DEFAULT_SETTINGS)
            lines = [ln.text for ln in layout.free_text] + [c.text for g in layout.grids for c in g.cells]
            if any(lex.is_title(t) for t in lines):
                assert title_like(page.get_text(), lex.titles), page.number


def _report(tmp_path: Path, form: Path) -> Path:
    """A 部门决算-like report: a cover and prose pages around a form fixture; the form's title
    left alone at the foot of a page with its table on the next."""
    doc = pymupdf.open()
    cover = doc.new_page()
    cover.insert_text((150, 250), "2023年度部门决算", fontname="china-s", fontsize=24)
    prose = doc.new_page()
    for i in range(20):
        prose.insert_text((72, 80 + 20 * i), "本部门认真贯彻落实预算法，加强预算管理，提高资金使用效益。", fontname="china-s", fontsize=11)
    with pymupdf.open(form) as src:
        doc.insert_pdf(src)
    doc.new_page().insert_text((72, 100), "附件说明：以上数据为决算数。", fontname="china-s", fontsize=11)
    doc.new_page().insert_text((72, 100), "第二部分 其他说明", fontname="china-s", fontsize=11)
    path = tmp_path / "report.pdf"
    doc.save(path)
    return path


def test_pages_that_cannot_hold_a_form_are_skipped_and_the_forms_read_the_same(tmp_path):
    form = FIXTURES / "text" / sorted(p.name for p in (FIXTURES / "text").glob("*.pdf"))[0]
    report = _report(tmp_path, form)
    alone, _ = extract_forms(form)
    within, pages = extract_forms(report)
    def ind(f):  # page numbers aside: the form starts 2 pages later in the report
        return [(i.level1, i.level3, i.target, i.actual, i.weight, i.score) for i in f.indicators]

    assert [ind(f) for f in within] == [ind(f) for f in alone] and within and ind(within[0])
    assert [(f.project_name, f.total_score, f.grade) for f in within] == [(f.project_name, f.total_score, f.grade) for f in alone]
    # The cover (no rules, no title, the next page prose) and the last page are skipped; the
    # page after the form (it may hold the form's last lines) is not. Every page keeps its frame.
    assert [p.number for p in pages.skipped] == [1, pages.page_count]
    assert [f.page for f in pages.frames] == list(range(1, pages.page_count + 1))
    assert pages.method == "text"


def test_a_scan_page_is_never_skipped(tmp_path):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "封面", fontname="china-s", fontsize=20)
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 200), False)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)
    path = tmp_path / "scan.pdf"
    doc.save(path)
    never = read_layouts(path, replace(DEFAULT_SETTINGS, ocr=replace(DEFAULT_SETTINGS.ocr, mode="never")))
    assert never.unread == [2]  # seen as a page needing OCR, not skipped as prose


def test_the_users_rules_judge_a_scanned_forms_arithmetic(monkeypatch):
    forms, _ = extract_forms(sorted((FIXTURES / "text").glob("*.pdf"))[0])
    seen = []
    real = checks.build_context
    monkeypatch.setattr(checks, "build_context", lambda *a: seen.append(a[-1]) or real(*a))
    rules = replace(load_rules(), epsilon=0.5)
    flag_arithmetic_doubts(forms, rules)
    assert seen == [rules]
    executor = _local_executor(IngestConfig(workers=1, rules=rules), 3)
    settings = executor.settings
    assert settings.audit_rules is rules and executor.here.audit_rules is rules
    seen.clear()
    extract_forms(sorted((FIXTURES / "text").glob("*.pdf"))[0], settings)  # text forms: not checked
    assert seen == []


def test_a_batch_runs_small_batches_here():
    ex = _local_executor(IngestConfig(workers=2), 3)
    assert ex.config.in_process_docs_per_worker > 0 and ex.config.in_process_bytes > 0
    assert ex.here.ocr.threads is None  # run here, the OCR engine has every core
