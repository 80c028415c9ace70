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


def _cells_text(layout):
    return [[(c.row, c.col, c.rowspan, c.colspan, c.text, c.confidence) for c in g.cells] for g in layout.grids]


def _stages_of(path):
    """A document's form pages read, and each layout next to one recovered again from its page
    record alone (pages → Page → recover_layout: the one road of both paths)."""
    from extract.grid import recover_layout
    from extract.settings import DEFAULT_SETTINGS

    res, layouts, _ = _overlay(path, None)
    pages = [lay for lay in layouts if lay.grids]
    return res, layouts, [(lay, recover_layout(lay.page, DEFAULT_SETTINGS)) for lay in pages]


def _drawn_in(pix, overlay, rect, top, colour) -> bool:
    """Whether a pixel along a mark's edge wears its colour (not the page's black or white)."""
    k = overlay.dpi / 72
    x0, y0, x1, y1 = rect
    xs = [int(((x0 + x1) / 2) * k) + d for d in (-1, 0, 1)]
    ys = [int((y0 + top) * k) + d for d in (-1, 0, 1)]
    want = [round(c * 255) for c in colour]
    return any(sum(abs(a - b) for a, b in zip(pix.pixel(x, y)[:3], want)) < 120 for x in xs for y in ys)


def _check_stages(path, page_method):
    from extract.report.overlay import LAYER_COLOURS, stage_marks
    from extract.settings import Layer

    res, layouts, pairs = _stages_of(path)
    assert pairs and all(lay.page.method == page_method for lay, _ in pairs)
    for layout, again in pairs:
        # the layout is a function of the page record: nothing was settled behind its back
        assert _cells_text(again) == _cells_text(layout)
        assert [ln.text for ln in again.free_text] == [ln.text for ln in layout.free_text]
        for layer in (Layer.rules, Layer.lines, Layer.cells, Layer.words):
            marks = stage_marks(layout, layer)
            assert marks, layer
            w, h = layout.page.width, layout.page.height
            assert all(_inside(m.rect, (0, 0, w, h), 1.0) for m in marks), layer
    # each stage drawn alone shows in its own colour where its records lie
    for layer in (Layer.rules, Layer.lines):
        overlay = draw_overlay(path, res, layouts, 0, layers=(layer,))
        pix = pymupdf.Pixmap(overlay.png)
        page = overlay.pages[0]
        layout = next(lay for lay, _ in pairs if lay.page.number == page)
        long = [m for m in stage_marks(layout, layer) if m.rect[2] - m.rect[0] > 100][:10]
        assert long and all(_drawn_in(pix, overlay, m.rect, overlay.tops[page], LAYER_COLOURS[layer]) for m in long), layer
        # the fields are not asked for: a field cell's inner corner (tinted when drawn) is untinted paper
        corners = [_pixel(pix, overlay, b.x0 + 2.0, overlay.tops[b.page] + b.y0 + 2.0)
                   for b in (p.box for p in overlay.fields) if b.x1 - b.x0 > 8 and b.y1 - b.y0 > 8]
        assert corners and sum(max(c[:3]) - min(c[:3]) <= 6 for c in corners) > 0.9 * len(corners), layer


def test_each_stage_of_a_text_page_is_drawn_from_its_records(fixtures_dir):
    _check_stages(fixtures_dir / "text" / "seed_hongqiao.pdf", "text")


@pytest.mark.ocr
def test_each_stage_of_a_scan_is_drawn_from_the_same_records(fixtures_dir):
    """A scan's reading ends in the Page record a text layer gives (its settled words and the
    rules' segments); the layout is recovered from it as from text, so every stage draws alike."""
    _check_stages(fixtures_dir / "scans" / "split_row_150dpi.pdf", "ocr")


def test_show_draws_the_stages_it_is_asked_for_and_refuses_others(tmp_path, fixtures_dir):
    seed = str(fixtures_dir / "text" / "seed_hongqiao.pdf")
    out = tmp_path / "o.png"
    result = CliRunner().invoke(app, ["show", seed, "--form", "0", "--overlay", str(out), "--layer", "rules",
                                      "--layer", "words"])
    assert result.exit_code == 0, result.output
    assert pymupdf.Pixmap(out.read_bytes()).width > 500
    result = CliRunner().invoke(app, ["show", seed, "--overlay", str(out), "--layer", "glyphs"])
    assert result.exit_code == 2 and "glyphs" in result.output
