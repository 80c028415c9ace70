"""`show --overlay`: field boxes drawn where the fields were printed, on real fixture pages."""

from __future__ import annotations

import json

import pymupdf
import pytest
from typer.testing import CliRunner

from extract.cli.main import app
from extract.document import process_document
from extract.report.overlay import BLOCK_COLOURS, draw_overlay


def _overlay(path, form):
    layouts = []
    res = process_document(path, path.name, layouts=layouts)
    return res, layouts, draw_overlay(path, res, layouts, form)


def _inside(inner, outer, tol):
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def _pixel(pix: pymupdf.Pixmap, overlay, x: float, y: float) -> tuple[int, ...]:
    k = overlay.dpi / 72
    return pix.pixel(int(x * k), int(y * k))


def _nearest_block(rgb) -> str:
    """The block whose colour, laid thinly over white paper, points the way a pixel departs
    from white (the direction of 1 - colour, whatever the opacity)."""
    away = [255 - p for p in rgb]

    def cosine(colour):
        ref = [1 - c for c in colour]
        dot = sum(a * r for a, r in zip(away, ref))
        return dot / ((sum(a * a for a in away) * sum(r * r for r in ref)) ** 0.5 or 1)
    return max(BLOCK_COLOURS, key=lambda b: cosine(BLOCK_COLOURS[b]))


@pytest.fixture(scope="module")
def seed(fixtures_dir):
    return _overlay(fixtures_dir / "text" / "seed_hongqiao.pdf", 0)


def test_every_field_box_lies_inside_its_cell_of_the_recovered_grid(seed):
    _, _, overlay = seed
    assert len(overlay.fields) > 60
    for placed in overlay.fields:
        box = placed.box
        cell = (box.x0, box.y0, box.x1, box.y1)
        assert box.text_bbox is not None or box.field in ("deviation_note",), box
        if box.text_bbox is not None:
            assert _inside(box.text_bbox, cell, 0.01), (box.subject, box.field, box.text_bbox, cell)
        assert any(_inside(cell, c, 0.5) for c in overlay.cells[box.page]), (box.subject, box.field)


def test_the_printed_text_is_inside_its_field_box(seed, fixtures_dir):
    """The PDF's own text, found by PyMuPDF, lies in the box drawn for the field that holds it."""
    res, _, overlay = seed
    truth = json.loads((fixtures_dir / "text" / "seed_hongqiao.json").read_text("utf-8"))["forms"][0]
    boxes = {(b.subject, b.field): b for b in res.forms[0].boxes}
    with pymupdf.open(fixtures_dir / "text" / "seed_hongqiao.pdf") as doc:
        for key, needle in [(("form", "project_name"), truth["project_name"][:6]),
                            (("form", "total_score"), "99.33"),
                            (("fund_lines[0]", "execution_rate_pct"), "93.27"),
                            (("indicators[1]", "level3"), truth["indicators"][1]["level3"])]:
            box = boxes[key]
            hits = doc[box.page - 1].search_for(needle)
            assert any(_inside(tuple(h), (box.x0, box.y0, box.x1, box.y1), 0.5) for h in hits), key


def test_boxes_are_drawn_in_their_block_colour_at_their_place(seed):
    _, _, overlay = seed
    pix = pymupdf.Pixmap(overlay.png)
    checked = 0
    for placed in overlay.fields:
        b = placed.box
        if placed.doubtful or b.x1 - b.x0 < 8 or b.y1 - b.y0 < 8:
            continue
        # the cell's inner corner: tinted with the block colour, away from text and rules
        rgb = _pixel(pix, overlay, b.x0 + 2.0, placed.top + b.y0 + 2.0)
        assert _nearest_block(rgb) == b.block, (b.subject, b.field, rgb)
        checked += 1
    assert checked > 40


def test_low_confidence_fields_are_marked(fixtures_dir):
    """A text layer reads surely: no doubt marks; the marks' rule is the review threshold."""
    _, _, overlay = _overlay(fixtures_dir / "text" / "two_forms_one_page.pdf", None)
    assert overlay.fields and not any(p.doubtful for p in overlay.fields)


def test_show_overlay_writes_a_png_of_the_form_pages(tmp_path, fixtures_dir):
    out = tmp_path / "o.png"
    result = CliRunner().invoke(app, ["show", str(fixtures_dir / "text" / "seed_hongqiao.pdf"), "--form", "1",
                                      "--overlay", str(out)])
    assert result.exit_code == 0, result.output
    pix = pymupdf.Pixmap(out.read_bytes())
    assert pix.width > 500 and pix.height > 700


def test_show_refuses_a_form_the_document_does_not_have(fixtures_dir):
    result = CliRunner().invoke(app, ["show", str(fixtures_dir / "text" / "seed_hongqiao.pdf"), "--form", "9"])
    assert result.exit_code == 2


@pytest.mark.ocr
def test_a_turned_scan_is_drawn_upright_under_its_boxes(fixtures_dir):
    """On a scan lying on its side, the boxes sit on the text of the upright image."""
    _, _, overlay = _overlay(fixtures_dir / "scans" / "two_forms_turned.png", 1)
    pix = pymupdf.Pixmap(overlay.png)
    k = overlay.dpi / 72
    with_ink = total = 0
    for placed in overlay.fields:
        b = placed.box
        assert _inside((b.x0, b.y0, b.x1, b.y1), (0, 0, 10_000, 10_000), 0)
        if b.text_bbox is None:
            continue
        x0, y0, x1, y1 = b.text_bbox
        assert _inside(b.text_bbox, (b.x0, b.y0, b.x1, b.y1), 2.5), (b.subject, b.field)
        if y1 - y0 < 4:
            continue  # a dash: one flat stroke, covered by the box's own outline
        # ink of the page inside the text box (its outline drawn 1.2 pt wide is left out)
        dark = any(sum(pix.pixel(int(x), int(y + placed.top * k))) < 450
                   for x in range(int((x0 + 1.5) * k), int((x1 - 1.5) * k))
                   for y in range(int((y0 + 1.5) * k), int((y1 - 1.5) * k)))
        with_ink += dark
        total += 1
    assert total > 40 and with_ink == total


def test_a_colour_means_one_thing_in_the_overlay_and_the_report():
    """Dashed orange is a doubtful reading in both; no block of the overlay wears it or the
    findings' red."""
    from extract.report import crops, overlay, views

    assert overlay.DOUBT_COLOUR == crops.DOUBT_COLOUR == views.DOUBT_COLOUR
    assert not {views.DOUBT_COLOUR, views.FINDING_COLOUR} & set(overlay.BLOCK_COLOURS.values())
