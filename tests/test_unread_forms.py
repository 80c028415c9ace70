"""A page that looks like a 自评表 but gave no form is sent to people, not passed off as
"no form": documents.needs_review, and the error names the page."""

from __future__ import annotations

from extract.document import process_document
from extract.pages.mupdf import pymupdf


def _pdf(path, title: str, rows: list[list[str]]):
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((180, 80), title, fontname="china-s", fontsize=16)
    x0, y0, w, h = 60, 120, 160, 30
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            rect = pymupdf.Rect(x0 + c * w, y0 + r * h, x0 + (c + 1) * w, y0 + (r + 1) * h)
            page.draw_rect(rect, color=(0, 0, 0), width=0.8)
            page.insert_text((rect.x0 + 6, rect.y0 + 19), text, fontname="china-s", fontsize=10)
    doc.save(path)
    return path


def test_a_titled_table_that_yields_no_form_is_flagged(tmp_path):
    path = _pdf(tmp_path / "a.pdf", "项目支出绩效自评表", [["甲", "乙", "丙"], ["一", "二", "三"]])
    res = process_document(path, "a.pdf")
    assert (res.status, res.needs_review) == ("no_form", True)
    assert "page(s) 1" in res.error and "check by eye" in res.error


def test_another_table_is_no_form_and_no_doubt(tmp_path):
    path = _pdf(tmp_path / "b.pdf", "一般公共预算财政拨款支出决算表", [["科目", "金额"], ["教育支出", "10.00"]])
    res = process_document(path, "b.pdf")
    assert (res.status, res.needs_review, res.error) == ("no_form", False, None)
