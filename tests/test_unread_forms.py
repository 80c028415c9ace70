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


def _without_second_head(fixtures_dir, tmp_path):
    """The two-form page with the second form's title and first rows blanked (text only, the
    rules stay): what a seal, a shadow or a cut does to a form's head."""
    doc = pymupdf.open(fixtures_dir / "text" / "two_forms_one_page.pdf")
    page = doc[0]
    second = page.search_for("项目支出绩效自评表")[1]
    page.add_redact_annot(pymupdf.Rect(0, second.y0 - 2, page.rect.width, second.y1 + 120))
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    path = tmp_path / "headless_second.pdf"
    doc.save(path)
    return path


def test_a_form_whose_head_was_lost_beside_one_read_is_flagged_and_not_merged(fixtures_dir, tmp_path):
    """The first form closed at its 评分等级: the headless table below it on the page is not
    taken for its rows (it was: the first form then held eight indicators and the second's
    total), and the document goes to people, naming the page, instead of losing a form unseen."""
    import json

    truth = json.loads((fixtures_dir / "text" / "two_forms_one_page.json").read_text("utf-8"))["forms"][0]
    res = process_document(_without_second_head(fixtures_dir, tmp_path), "headless_second.pdf")
    assert res.status == "ok" and res.needs_review
    assert "page(s) 1 hold a ruled table that looks like a 自评表" in res.error
    [form] = res.forms
    assert form.project_name == truth["project_name"] and form.total_score == truth["total_score"]
    assert [i.level3 for i in form.indicators] == [i["level3"] for i in truth["indicators"]]


def test_a_page_of_two_forms_read_whole_is_not_flagged(fixtures_dir):
    res = process_document(fixtures_dir / "text" / "two_forms_one_page.pdf", "two_forms_one_page.pdf")
    assert (res.status, res.needs_review, res.error, len(res.forms)) == ("ok", False, None, 2)
