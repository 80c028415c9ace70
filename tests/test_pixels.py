"""The pixel steps of the OCR path on images drawn here with known truth (no OCR engine)."""

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2", reason="the OCR extra is not installed")

from extract.grid.cells import find_grids  # noqa: E402
from extract.grid.lines import snap_segments  # noqa: E402
from extract.grid.pixels import pixel_segments  # noqa: E402
from extract.ocr.page import is_dash  # noqa: E402
from extract.pages.images import (clear_speckle_fields, find_seals, remove_grey_seals, remove_red, rotate,  # noqa: E402
                                  skew_angle, speckle_fields)
from extract.settings import DEFAULT_SETTINGS as S  # noqa: E402


def ruled_page(rows=12, cols=6, w=1400, h=1800):
    img = np.full((h, w, 3), 255, np.uint8)
    x0, y0, x1, y1 = 100, 150, 1300, 150 + rows * 60
    for r in range(rows + 1):
        cv2.line(img, (x0, y0 + r * 60), (x1, y0 + r * 60), (0, 0, 0), 2)
    for c in range(cols + 1):
        x = x0 + c * (x1 - x0) // cols
        cv2.line(img, (x, y0), (x, y1), (0, 0, 0), 2)
    for r in range(rows):  # some text-like strokes in the cells
        cv2.putText(img, "12.50", (x0 + 20, y0 + r * 60 + 42), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    return img


@pytest.mark.parametrize("angle", [-2.0, -0.7, 0.0, 1.2, 2.0])
def test_skew_is_measured_to_a_tenth_of_a_degree(angle):
    img = rotate(ruled_page(), angle)
    assert skew_angle(img.mean(axis=2).astype(np.uint8)) == pytest.approx(-angle, abs=0.1)


def test_grid_from_pixels_has_the_drawn_cells():
    scale = 72 / 200
    segments, _ = pixel_segments(ruled_page().mean(axis=2).astype(np.uint8), scale, em_px=20)
    hl, vl = snap_segments(segments, S.grid)
    grids = find_grids(1, hl, vl, S.grid)
    assert len(grids) == 1
    assert (grids[0].n_rows, len(grids[0].xs) - 1) == (12, 6)


def test_broken_rule_still_closes():
    img = ruled_page()
    img[150 + 5 * 60 - 3:150 + 5 * 60 + 3, 400:410] = 255  # a 10 px break in one rule
    segments, _ = pixel_segments(img.mean(axis=2).astype(np.uint8), 72 / 200, em_px=20)
    hl, vl = snap_segments(segments, S.grid)
    assert find_grids(1, hl, vl, S.grid)[0].n_rows == 12


def _stamp(img, colour):
    cv2.circle(img, (800, 600), 150, colour, 10)
    cv2.putText(img, "SEAL", (700, 620), cv2.FONT_HERSHEY_SIMPLEX, 2.5, colour, 8)
    return img


def test_red_seal_neither_breaks_nor_adds_rules():
    img = remove_red(_stamp(ruled_page(), (40, 40, 210)))
    segments, _ = pixel_segments(img.mean(axis=2).astype(np.uint8), 72 / 200, em_px=20)
    hl, vl = snap_segments(segments, S.grid)
    grid = find_grids(1, hl, vl, S.grid)[0]
    assert (grid.n_rows, len(grid.xs) - 1) == (12, 6)


def test_grey_seal_is_found_and_painted_out_but_print_stays():
    img = _stamp(ruled_page(), (140, 140, 140))
    grey = img.mean(axis=2).astype(np.uint8)
    seals = find_seals(grey)
    assert len(seals) == 1 and abs(seals[0][0] - 800) < 10 and abs(seals[0][2] - 150) < 12
    clean = remove_grey_seals(img, seals, text_level=0.0)
    assert clean[450, 800].min() == 255  # the ring's top is gone
    assert clean[150 + 6 * 60, 800].max() < 100  # the rule under it is not


def test_a_dark_shaded_corner_is_no_seal():
    """An unevenly lit page's dark edge is dark along any circle through it, and as dark just
    outside: no ring."""
    img = ruled_page()
    shade = np.clip(np.linspace(120, 0, 500)[:, None] + np.zeros((1, img.shape[1])), 0, 255)
    img[:500] = np.minimum(img[:500], (255 - shade)[:, :, None] * 0.7).astype(np.uint8)
    assert all(y > 600 for _, y, _ in find_seals(img.mean(axis=2).astype(np.uint8)))


def _binarised_copy(img, shade, seed=3):
    """A black-and-white copy of a page lit unevenly: grey falling by `shade` towards the left
    edge (over its first 45%), sensor noise, then one threshold (as the scan sweep makes them)."""
    rng = np.random.default_rng(seed)
    g = img.mean(axis=2).astype(np.float32)
    light = 1 - shade * np.clip(1 - np.arange(g.shape[1]) / (0.45 * g.shape[1]), 0, 1)
    return np.where(g * light[None, :] + rng.normal(0, 10, g.shape) < 184, 0, 255).astype(np.uint8)


def test_a_field_of_specks_is_cleared_and_the_print_in_it_kept():
    """The shade of a binarised copy's dark edge comes out as dither: cleared, it turns back to
    paper, and the print inside it stays ink."""
    scale, page = 72 / 200, ruled_page()
    printed = page.mean(axis=2) < 128
    band = (slice(150, 870), slice(110, 500))
    copy = _binarised_copy(page, 0.35)
    assert speckle_fields(copy, scale)[band].mean() > 0.2
    cleared = clear_speckle_fields(copy, copy, scale)
    before, after = copy[band] < 128, cleared[band] < 128
    assert before[~printed[band]].mean() > 0.05  # the field, as copied
    assert after[~printed[band]].mean() < 0.03
    assert after[printed[band]].mean() > 0.9


@pytest.mark.parametrize("shade", [0.0, 0.2])
def test_a_binarised_copy_without_a_field_of_specks_is_left_as_it_is(shade):
    copy = _binarised_copy(ruled_page(), shade)
    assert not speckle_fields(copy, 72 / 200).any()
    assert clear_speckle_fields(copy, copy, 72 / 200) is copy


@pytest.mark.parametrize("shape, dash", [((2, 14), True), ((3, 30), True), ((20, 4), False), ((12, 12), False)])
def test_dash_is_one_flat_stroke(shape, dash):
    ink = np.zeros((30, 80), np.uint8)
    h, w = shape
    ink[15 - h // 2:15 - h // 2 + h, 40 - w // 2:40 - w // 2 + w] = 255
    assert is_dash(ink) is dash


def test_a_rule_broken_into_short_pieces_stays_a_border():
    """A photocopy's dropouts leave a one-line row's border as pieces shorter than the
    opening's length; on the line of the rules above and below they are still the border,
    so the row's two cells are not merged."""
    img = ruled_page()
    x = 100 + 2 * 1200 // 6
    y0 = 150 + 4 * 60
    img[y0 + 2:y0 + 58, x - 3:x + 4] = 255
    for a, b in ((y0 + 2, y0 + 16), (y0 + 24, y0 + 36), (y0 + 44, y0 + 58)):  # 12–14 px pieces (em 20)
        img[a:b, x - 1:x + 1] = 0
    segments, _ = pixel_segments(img.mean(axis=2).astype(np.uint8), 72 / 200, em_px=20)
    hl, vl = snap_segments(segments, S.grid)
    grid = find_grids(1, hl, vl, S.grid)[0]
    assert len(grid.row_cells(4)) == 6


def test_character_strokes_on_a_rule_s_line_inside_text_are_no_border():
    """Where a merged cell's border is not drawn, a character's stroke may stand on the line
    of the rules above and below; inside a text box it is not taken for a piece of rule."""
    img = ruled_page()
    x = 100 + 2 * 1200 // 6
    y0 = 150 + 4 * 60
    img[y0 + 2:y0 + 58, x - 3:x + 4] = 255  # the border is not drawn: one merged cell
    img[y0 + 20:y0 + 40, x - 1:x + 1] = 0  # a 20 px vertical stroke of a character
    grey = img.mean(axis=2).astype(np.uint8)
    box = (x - 40, y0 + 15, x + 40, y0 + 45)
    segments, _ = pixel_segments(grey, 72 / 200, em_px=20, text_boxes=[box])
    hl, vl = snap_segments(segments, S.grid)
    assert len(find_grids(1, hl, vl, S.grid)[0].row_cells(4)) == 5


def _thick_ruled_page(rows=20):
    """Rules drawn 4 px wide, as a 150 dpi scan's blur leaves a 0.5 pt border."""
    img = np.full((1600, 1400, 3), 255, np.uint8)
    x0, y0, x1, y1 = 100, 150, 1300, 150 + rows * 60
    for r in range(rows + 1):
        cv2.line(img, (x0, y0 + r * 60), (x1, y0 + r * 60), (0, 0, 0), 4)
    for c in range(7):
        x = x0 + c * (x1 - x0) // 6
        cv2.line(img, (x, y0), (x, y1), (0, 0, 0), 4)
    return img


def _grid_shape(img, scale):
    segments, _ = pixel_segments(img.mean(axis=2).astype(np.uint8), scale, em_px=14)
    hl, vl = snap_segments(segments, S.grid)
    grids = find_grids(1, hl, vl, S.grid)
    return [(g.n_rows, len(g.xs) - 1) for g in grids]


def test_a_long_rule_left_a_little_off_level_is_still_a_rule():
    """Deskewing leaves a fraction of a degree: a table's outer rules, a page long, then span
    a box wider than their stroke. They are measured along their length (at 150 dpi, 0.48 pt
    a pixel, the old box test threw out the table's borders and broke the form apart)."""
    img = rotate(_thick_ruled_page(), 0.3)
    assert _grid_shape(img, 72 / 150) == [(20, 6)]


def test_a_photocopy_s_black_edge_beside_a_table_gives_no_rule():
    """A binarised photocopy's dark edge is a field of ink fading into the page; runs of it
    survive the openings side by side. With ink on both sides they are no rules, and the
    table's own border just past it stays the border."""
    img = rotate(_thick_ruled_page(), 0.3)
    rng = np.random.default_rng(3)
    density = np.clip(1.0 - np.arange(260) / 95, 0, 1)  # black at the paper's edge, fading
    img[:, :260][rng.random((1600, 260)) < density] = 0
    assert _grid_shape(img, 72 / 150) == [(20, 6)]


def test_a_rule_that_characters_touch_is_still_a_rule():
    """Where a blurred scan joins a cell's characters to the column rule beside them, the
    run's box is many strokes wide; along most of its length it is still a rule's stroke."""
    img = _thick_ruled_page()
    x = 100 + 3 * 1200 // 6
    for r in range(0, 20, 3):  # strokes of "1" and "|" against the rule every third row
        y = 150 + r * 60
        cv2.line(img, (x - 4, y + 12), (x - 4, y + 48), (0, 0, 0), 3)
        cv2.line(img, (x + 4, y + 12), (x + 4, y + 48), (0, 0, 0), 3)
    assert _grid_shape(img, 72 / 150) == [(20, 6)]
