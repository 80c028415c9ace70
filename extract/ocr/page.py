"""A scanned page → the same `Page` record the text layer gives (words and ruling segments in
page points), for the one `recover_layout` both paths share.

The stages, each a function of what the one before made: the scan made upright and level
(`make_upright`); its rules found in the pixels (`pixel_segments`) and the tables they draw
(`recover_layout` on the rules alone); the text boxes cut at the rules and read (`read_words`);
the words put in their cells (`CellWords`) and settled there from the ink (dashes, lone
glyphs, operators), a second recogniser and unread ink (`settle_cells`). No stage writes into
its input: each returns new records.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from extract.grid import Grid, recover_layout
from extract.grid.pixels import ink_mask, pixel_segments
from extract.grid.text import bucket_words
from extract.ocr.convert import (FONT_SHARE_OF_BOX, SPECK_DOUBT, Rect, crop, cut_through, drop_doubled_marks,
                                 is_list_number, is_speck_reading, not_print, quad_to_rect, rect_word, split_at_rules,
                                 to_em_box, to_words, untangle, without_specks)
from extract.ocr.engine import Engine, get_engine
from extract.ocr.recognizer import Reading
from extract.ocr.types import CellWords, UprightScan
from extract.ocr.second import (AGREED_CONFIDENCE, DASHES, DISPUTED_CONFIDENCE, MIN_SECOND_SCORE, UNREAD_INK_CONFIDENCE,
                               doubt_lost_list_stops, read_doubts_again, read_lines_again, same_reading)
from extract.ocr.glyphs import (OPERATOR_READINGS, ends_in_stop, ink_touching, is_slash, leading_glyph, operator_of, operator_shape,
                               percent_shape, shows, solid, stacked_glyph, stop_after_digit)
from extract.pages.images import (
    MIN_SKEW_DEGREES, PageImage, clear_speckle_fields, despeckle, find_seals, grey, remove_grey_seals, remove_red, rotate, skew_angle, text_ink_level,
)
from extract.pages.types import Page, Word
from extract.settings import Settings
from extract.values.text import list_stop, lost_list_stops, normalize
from extract.values.form import OPERATOR_CONFIDENCE, REVIEW_CONFIDENCE

# Recognition scores compared between a page and its 180° turn, on this many short lines.
_ORIENT_SAMPLES = 6
# Read this well as they are, the sample lines are upright: no need to try them turned.
_SURELY_UPRIGHT = 0.85
# Reads below this score are noise (stray marks, seal strokes), not text.
MIN_WORD_SCORE = 0.3
# A lone dash the detector missed: how sure we are of the ink-shape reading.
DASH_CONFIDENCE = 0.9
# Pixels around a detected rule also erased: deskewing and blur spread a rule's edge.
RULE_FRINGE_PX = 2
# A blob of ink this large (pixels) left outside every text box is something unread (a
# 10 pt comma at 200 dpi is ~25 px); smaller ones are scan noise.
UNREAD_INK_MIN_AREA = 20


def _dilate(mask: np.ndarray, px: int) -> np.ndarray:
    import cv2

    return cv2.dilate(mask, np.ones((2 * px + 1, 2 * px + 1), np.uint8))


def _boxes(engine: Engine, pixels: np.ndarray) -> list[Rect]:
    h, w = pixels.shape[:2]
    return [quad_to_rect(d.quad, w, h) for d in engine.detect(pixels)]


def upright(engine: Engine, pixels: np.ndarray, boxes: list[Rect]) -> tuple[int, np.ndarray, list[Rect]]:
    """Quarter turns (counter-clockwise, np.rot90's k) that make the text upright, with the
    turned page and its text boxes.

    Text lines are wide when the page is upright or upside down and tall when it lies on
    its side; which of two is decided by reading a few short lines both ways round.
    """
    wide = sum((r[2] - r[0]) > 1.5 * (r[3] - r[1]) for r in boxes)
    tall = sum((r[3] - r[1]) > 1.5 * (r[2] - r[0]) for r in boxes)
    turns = 0
    if tall > wide:
        turns, pixels = 1, np.ascontiguousarray(np.rot90(pixels, 1))
        boxes = _boxes(engine, pixels)
    # Short lines (2–6 characters) read fast and surely; long ones cost time for nothing.
    short = [r for r in boxes if 2 <= (r[2] - r[0]) / max(1.0, r[3] - r[1]) <= 6]
    crops = [crop(pixels, r) for r in sorted(short, key=lambda r: r[3] - r[1], reverse=True)[:_ORIENT_SAMPLES]]
    if crops:
        as_is = np.mean([r.score for r in engine.recognize(crops)])
        if as_is >= _SURELY_UPRIGHT:
            return turns, pixels, boxes
        flipped = np.mean([r.score for r in engine.recognize([np.ascontiguousarray(np.rot90(c, 2)) for c in crops])])
        if flipped > as_is:
            h, w = pixels.shape[:2]
            turns, pixels = turns + 2, np.ascontiguousarray(np.rot90(pixels, 2))
            boxes = [(w - x1, h - y1, w - x0, h - y0) for x0, y0, x1, y1 in boxes]
    return turns, pixels, boxes


# Beside a dash's stroke, blobs up to this share of its size are specks, not characters.
DASH_SPECK_SHARE = 0.2


def is_dash(ink: np.ndarray, max_width_share: float = 0.6) -> bool:
    """Whether an ink mask (a cell's inside, or a text box) holds one short flat stroke and
    nothing else."""
    import cv2

    if ink.size == 0 or not ink.any():
        return False
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = sorted((st for st in stats[1:n] if st[4] >= 6), key=lambda st: st[4], reverse=True)
    # Specks of noise or of a seal's remains beside the stroke do not count.
    if not blobs or any(st[4] > DASH_SPECK_SHARE * blobs[0][4] for st in blobs[1:]):
        return False
    _, _, bw, bh, _ = blobs[0]
    return bool(bw >= 2.5 * bh and bh <= 0.3 * ink.shape[0] and bw <= max_width_share * ink.shape[1])


def _cell_ink(ink: np.ndarray, cell, scale: float, pad: int = 4) -> tuple[np.ndarray, int, int]:
    x0, y0, x1, y1 = (int(v / scale) for v in (cell.x0, cell.y0, cell.x1, cell.y1))
    return ink[y0 + pad:y1 - pad, x0 + pad:x1 - pad], x0 + pad, y0 + pad


def _glyph_ink(ink: np.ndarray, cell, word: Word, scale: float, stacked: bool = False) -> np.ndarray:
    """A lone word's ink in its cell: the strokes its text box reaches (glyphs.ink_touching);
    `stacked`: only those stacked on the one in its middle (glyphs.stacked_glyph)."""
    inside, ox, oy = _cell_ink(ink, cell, scale)
    box = (int(word.x0 / scale) - ox - 1, int(word.y0 / scale) - oy - 1,
           int(word.x1 / scale) - ox + 2, int(word.y1 / scale) - oy + 2)
    touching = ink_touching(inside, box)
    return stacked_glyph(touching, ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)) if stacked else touching


def settle_dashes(cells: list[CellWords], ink: np.ndarray, scale: float) -> list[CellWords]:
    """Dashes, read or missed: a cell whose only mark is one flat stroke holds "-".

    The recogniser scores its reading of a dash low (一, —, - at 0.3–0.8), and the
    detector often misses a lone dash altogether; the stroke's shape settles both.
    """
    import cv2

    out = []
    for cell in cells:
        # A short reading ("1", "一", "—") may be a dash; the ink's shape decides.
        if len("".join(w.text for w in cell.words)) <= 2:
            inside, ox, oy = _cell_ink(ink, cell, scale)
            if is_dash(inside):
                _, _, stats, _ = cv2.connectedComponentsWithStats(inside, connectivity=8)
                bx, by, bw, bh, _ = max(stats[1:], key=lambda st: st[4])
                x0, y0 = (ox + bx) * scale, (oy + by) * scale
                cell = cell.holding([Word("-", x0, y0, x0 + bw * scale, y0 + bh * scale, y0 + bh * scale / 2,
                                          max(bw * scale, 6.0), DASH_CONFIDENCE)])
        out.append(cell)
    return out


# A lone operator whose shape is clear: as sure as a clean dash. Where the shape and the
# recogniser disagree the shape wins (measured: the recogniser's confusions score ≥ 0.97).
OPERATOR_SHAPE_CONFIDENCE = 0.97
# A lone glyph read this unsurely may be an operator the recogniser does not know (≧ → "W").
_UNSURE_GLYPH = 0.9
_SLASHES = frozenset("/／")


def settle_lone_glyphs(cells: list[CellWords], ink: np.ndarray, scale: float) -> list[CellWords]:
    """A cell holding one operator glyph (≥ ≤ > < =) gets the operator its ink shows, and
    one holding % or ‰ the sign its loops show."""
    out = []
    for cell in cells:
        if len(cell.words) == 1 and len(cell.words[0].text) == 1:
            word = cell.words[0]
            if word.text in _SLASHES:
                # An empty value's "/", read unsurely and by the second recogniser as "1": its
                # leaning stroke confirms it.
                if is_slash(_glyph_ink(ink, cell, word, scale), word.size / scale):
                    sure = max(word.confidence, OPERATOR_SHAPE_CONFIDENCE)
                    cell = cell.holding([replace(word, confidence=sure, weakest=sure)])
                out.append(cell)
                continue
            if word.text in "%‰":
                shape = percent_shape
            elif word.text in OPERATOR_READINGS or (
                    word.confidence < _UNSURE_GLYPH and word.text.translate(DASHES) != "-"):
                # (a dash read unsurely is one bar, as a blurred "=" is: settle_dashes tells it)
                shape = operator_shape
            else:
                shape = None
            # (a digit's strokes, broken by a seal, stacked apart may pass for an operator's)
            glyph = _glyph_ink(ink, cell, word, scale, stacked=shape is operator_shape and not word.text.isdigit())
            sign = shape(glyph) if shape is not None else None
            if sign is not None and shows(sign, word.text):
                cell = cell.holding([replace(word, confidence=max(word.confidence, OPERATOR_SHAPE_CONFIDENCE))])
            elif sign is not None:
                cell = cell.holding([replace(word, text=sign, confidence=OPERATOR_SHAPE_CONFIDENCE)])
        out.append(cell)
    return out


# A text's operator corrected from its shape stays in doubt (below the operator threshold
# of values.form): measured on the scan fixtures, the doubts that unsure operators raise
# also cover other misreadings of their forms that no other check catches yet.
CORRECTED_OPERATOR_CONFIDENCE = 0.9
# Letters the recogniser reads an operator as, before a number.
_OPERATOR_AS_LETTER = re.compile(r"^[sS$§](?=\d)")
_ASCII_OPERATORS = frozenset({">=", "<="})


def settle_leading_operators(cells: list[CellWords], ink: np.ndarray, scale: float) -> list[CellWords]:
    """A text that starts with an operator ("≥95%", ">3000人次") gets the operator its first
    glyph's ink shows, where the shape is clear: the recogniser takes ≥ for > (and back) at
    scores up to 0.97."""
    return [cell.holding(_leading_operator(w, ink, scale) for w in cell.words) for cell in cells]


def _leading_operator(word: Word, ink: np.ndarray, scale: float) -> Word:
    misread = _OPERATOR_AS_LETTER.match(word.text) is not None
    if len(word.text) < 2 or not (word.text[0] in OPERATOR_READINGS or misread) or word.text[:2] in _ASCII_OPERATORS:
        # (">=95%": as printed in ASCII, or a ≥ so spelt; a ">" and its "=" touching look like
        # a ≥ to the shape, so the shape cannot tell the two)
        return word
    glyph = leading_glyph(crop(ink, (word.x0 / scale, word.y0 / scale, word.x1 / scale, word.y1 / scale)))
    sign = operator_shape(glyph) if glyph is not None else None
    if misread:
        # "s3天", "$4.50万元": a ≤ its ink shows, read as a letter print never puts before a number.
        if sign is None:
            return word
        return replace(word, text=sign + word.text[1:], confidence=min(word.confidence, CORRECTED_OPERATOR_CONFIDENCE))
    if sign is not None and sign != word.text[0] and operator_of(sign) == operator_of(word.text[0]):
        # ≧ read as ≥ (PP-OCRv4 has no ≧): the same operator, taken as printed.
        word = replace(word, text=sign + word.text[1:])
    if sign is not None and not shows(sign, word.text[0]):
        return replace(word, text=sign + word.text[1:], confidence=min(word.confidence, CORRECTED_OPERATOR_CONFIDENCE))
    if sign is not None and REVIEW_CONFIDENCE <= word.confidence < OPERATOR_CONFIDENCE:
        # Recogniser and ink shape, two readings made apart, agree on the operator: the one
        # doubt the operator threshold guards against is settled.
        return replace(word, confidence=OPERATOR_CONFIDENCE)
    return word


def settle_list_numbers(cells: list[CellWords]) -> list[CellWords]:
    """A word "2." followed on its line by text is a numbered item's number, boxed apart
    from it: its stop is print. Anywhere else ("5." alone in a 得分 cell) the stop is a speck."""
    return [cell.holding(_number_stop(cell.words, i) for i in range(len(cell.words))) for cell in cells]


def _number_stop(words: tuple[Word, ...], i: int) -> Word:
    word = words[i]
    if not is_list_number(word.text):
        return word
    h = word.y1 - word.y0
    opens_item = any(abs(w.cy - word.cy) < 0.5 * h and 0 <= w.x0 - word.x1 < h for w in words if w is not word)
    return word if opens_item else replace(word, text=word.text[:-1], confidence=min(word.confidence, SPECK_DOUBT))


# A line of prose ending in one of these (a Chinese character, a closing bracket) may have lost
# its 。 to both recognisers; one ending in these read the 。 as something else ("整°").
_STOP_LOST_AFTER = re.compile(r"[\u3400-\u9fff)）]$")
_CHINESE = re.compile(r"[\u3400-\u9fff]")
_STOP_MISREAD = frozenset("°˚.·o")
_STOP_SEARCH_EM = 0.9  # how far past a line's box its 。 is looked for


def _follows(word: Word, after: Word) -> bool:
    """Whether `after` stands to the right of `word` on its line."""
    return after.x0 >= word.x1 - 1 and after.y0 < word.y1 and after.y1 > word.y0


def settle_final_stops(cells: list[CellWords], ink: np.ndarray, scale: float) -> list[CellWords]:
    """A line of prose whose ink ends in a "。" (glyphs.ends_in_stop) that its reading left out,
    or read as "°" or ".", gets it. Lines ending in "%" are left alone: a ‰'s third ring looks
    like a stop."""
    return [cell.holding(_final_stop(cell, i, ink, scale) for i in range(len(cell.words))) for cell in cells]


def _final_stop(cell: CellWords, i: int, ink: np.ndarray, scale: float) -> Word:
    word = cell.words[i]
    text = word.text.rstrip()
    stem = text[:-1] if text[-1:] in _STOP_MISREAD else text
    if not _CHINESE.search(stem) or not _STOP_LOST_AFTER.search(stem):
        return word
    em_px = word.size / scale
    x1 = min(word.x1 / scale + _STOP_SEARCH_EM * em_px, cell.x1 / scale - 2)
    # ...up to the next word on its line
    for w in cell.words:
        if w is not word and _follows(word, w):
            x1 = min(x1, w.x0 / scale - 1)
    x0 = max(word.x0 / scale, word.x1 / scale - 2 * em_px)
    y0, y1 = int(word.y0 / scale), int(word.y1 / scale) + 1
    if x1 <= x0 or not ends_in_stop(ink[y0:y1, int(x0):int(x1) + 1], em_px):
        return word
    return replace(word, text=stem + "。", x1=max(word.x1, x1 * scale))


_BARE_ITEM = re.compile(r"^\d(?=[\u3400-\u9fff])")
# A list number's stop is looked for this far from the digit's left, and this far below its
# box (the stop sits on the baseline, which a digit's box may cut).
_LIST_STOP_SEARCH_EM, _LIST_STOP_BELOW_EM = 2.5, 0.25


def settle_list_stops(cells: list[CellWords], ink: np.ndarray, scale: float) -> list[CellWords]:
    """A numbered item read without its stop ("1全年…" among "2." "3.": values/text.py
    `lost_list_stops`) whose ink shows a small mark low after the digit gets the stop its
    list's other items print; where the ink shows none it stays in doubt."""
    out = []
    for cell in cells:
        words = cell.words
        # A lone digit boxed apart from the text after it on its line reads as one item ("1" | "全年…").
        texts = [w.text + words[i + 1].text if w.text.isdigit() and len(w.text) == 1 and i + 1 < len(words)
                 and _follows(w, words[i + 1]) else w.text for i, w in enumerate(words)]
        lost = {i for i in lost_list_stops(texts) if _BARE_ITEM.match(texts[i])}
        if lost:
            stops = [stop for t in texts if (stop := list_stop(t))]
            stop = max(set(stops), key=stops.count) if stops else "."
            cell = cell.holding(_with_list_stop(w, words[i + 1] if i + 1 < len(words) else None, stop, ink, scale)
                                if i in lost else w for i, w in enumerate(words))
        out.append(cell)
    return out




def _with_list_stop(word: Word, after: Word | None, stop: str, ink: np.ndarray, scale: float) -> Word:
    """`after`: the next word (where the digit was boxed alone, its ink ends the glyphs looked at)."""
    em_px = word.size / scale
    x0, y0 = int(word.x0 / scale), int(word.y0 / scale)
    y1 = int(word.y1 / scale + _LIST_STOP_BELOW_EM * em_px) + 1
    x1 = x0 + _LIST_STOP_SEARCH_EM * em_px
    if len(word.text) == 1 and after is not None:
        x1 = after.x0 / scale + em_px
    if not stop_after_digit(ink[y0:y1, max(0, x0 - 2):int(x1)], em_px):
        return word
    return replace(word, text=word.text[0] + stop + word.text[1:])


def drop_lone_specks(cells: list[CellWords]) -> list[CellWords]:
    """A speck read on its own beside a cell's text is dropped (after the lone glyphs took
    what were operators)."""
    return [cell.holding(w for w in cell.words if not is_speck_reading(w.text))
            if len(cell.words) > 1 and any(not is_speck_reading(w.text) for w in cell.words) else cell
            for cell in cells]


# After a red seal is painted out, the light fringe of its strokes remains; the recogniser
# reads some of it as characters (测 → "上" at 0.98), as it reads a faint grey seal's
# inscription (市 at 0.99) and the reverse page showing through (出, both recognisers agreeing).
# Print is dark: a word whose darkest ink is lighter than this share of the way from the
# page's print to white is none of it.
FAINT_INK_SHARE = 0.6


def print_level(words: list[Word], g: np.ndarray, scale: float) -> tuple[float, list[float]]:
    """How dark the page's print is (the median of its words' darkest ink), and each word's
    darkest ink."""
    darkest = []
    for w in words:
        pixels = crop(g, (w.x0 / scale, w.y0 / scale, w.x1 / scale, w.y1 / scale))
        darkest.append(float(np.percentile(pixels, 2)) if pixels.size else 255.0)
    return (float(np.median(darkest)) if darkest else 0.0), darkest


# Ink no box covered counts as unread print only darker than this share of the way from the
# page's print to white: a faint grey stamp's strokes sit at about 0.55 on a blurred JPEG whose
# print is light (scan sweep, seed 7: the word-residue share, 0.6, doubted such cells).
UNREAD_INK_SHARE = 0.5


def faint_limit(level: float, share: float = FAINT_INK_SHARE) -> float:
    """Ink lighter than this is not print (`share` of the way from print to white)."""
    return level + share * (255 - level)


def drop_faint_words(words: list[Word], cleaned: np.ndarray, scale: float) -> list[Word]:
    """Words read from ink far fainter than the page's print: a seal's remains or strokes,
    bleed-through."""
    level, darkest = print_level(words, grey(cleaned), scale)
    if not darkest:
        return words
    limit = faint_limit(level)
    return [w for w, d in zip(words, darkest) if d <= limit or w.text == "-"]


def doubt_unread_ink(cells: list[CellWords], ink: np.ndarray, rects: list[Rect], scale: float,
                     g: np.ndarray | None = None, level: float | None = None) -> dict[int, list[Rect]]:
    """Cells (by index) holding ink that no text box covered (a comma at a line's end, a
    character the detector passed over), with that ink's boxes (pixels): their text may be incomplete.
    With the grey page `g` and its print `level`, ink much lighter than print (a grey
    stamp's strokes, bleed-through) does not count: it is not print that went unread; nor
    does the edge of something larger that reaches in across a rule. An empty cell counts
    where its ink is a character's worth: a value lost under a seal."""
    import cv2

    heights = [w.y1 - w.y0 for cell in cells for w in cell.words]
    em_px = float(np.median(heights)) / scale if heights else 0.0
    covered = np.zeros_like(ink)
    for x0, y0, x1, y1 in rects:
        covered[max(0, int(y0) - 2):int(y1) + 3, max(0, int(x0) - 2):int(x1) + 3] = 255
    limit = faint_limit(level, UNREAD_INK_SHARE) if g is not None and level is not None else None
    doubted = {}
    for k, cell in enumerate(cells):
        if cell.words and all(w.text == "-" for w in cell.words):
            continue
        inside, ox, oy = _cell_ink(ink, cell, scale)
        if min(inside.shape) < 3:
            continue  # a sliver of a cell (a rule drawn twice): nothing could be printed in it
        cov, _, _ = _cell_ink(covered, cell, scale)
        loose = cv2.bitwise_and(inside, cv2.bitwise_not(cov))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(loose, connectivity=8)
        blobs = [i for i in range(1, n) if stats[i, 4] >= UNREAD_INK_MIN_AREA and stats[i, 3] >= 3
                 and not _from_across_a_rule(stats[i], inside.shape, em_px)]
        if blobs and limit is not None:
            shade = g[oy:oy + inside.shape[0], ox:ox + inside.shape[1]]
            blobs = [i for i in blobs if float(np.percentile(shade[labels == i], 10)) <= limit]
        if blobs and not cell.words:
            # An empty cell: print lost under a seal or passed over by the detector, if it has
            # a character's worth of ink; scan noise otherwise.
            blobs = [i for i in blobs if stats[i, 3] >= EMPTY_CELL_INK_HEIGHT * em_px]
            if sum(stats[i, 4] for i in blobs) < EMPTY_CELL_INK_AREA:
                blobs = []
        if blobs:
            doubted[k] = [(ox + stats[i, 0], oy + stats[i, 1], ox + stats[i, 0] + stats[i, 2],
                           oy + stats[i, 1] + stats[i, 3]) for i in blobs]
    return doubted


# Ink that enters a cell across its rule and reaches less than this share of a text box's
# height in is a seal's, a blot's or a shadow's edge: a cell's print keeps clear of its rules.
ACROSS_RULE_DEPTH = 0.4
ACROSS_RULE_LENGTH = 1.5


def _from_across_a_rule(stat, shape: tuple[int, int], em_px: float) -> bool:
    x, y, w, h = (int(v) for v in stat[:4])
    rows, cols = shape
    depth, m = ACROSS_RULE_DEPTH * em_px, RULE_FRINGE_PX  # (a rule's erased fringe may part it from the edge)
    # Longer along the edge than a character is wide: a stroke of print ("1", a comma) near
    # the edge is no sliver of something larger.
    return bool((y <= m or y + h >= rows - m) and h < depth and w >= ACROSS_RULE_LENGTH * em_px) or bool(
        (x <= m or x + w >= cols - m) and w < depth and h >= ACROSS_RULE_LENGTH * em_px)


# An empty cell's unread ink counts where its blobs stand this share of a text box's height
# and hold this many pixels together (a 10 pt character at 150 dpi: ~60).
EMPTY_CELL_INK_HEIGHT = 0.4
EMPTY_CELL_INK_AREA = 3 * UNREAD_INK_MIN_AREA


# Toner dust and scan noise near print survive despeckling (extract/pages/images.py), and no
# text box covers them. A blob of unread ink no larger than this share of an em each way,
# solid (no loop: a wrapped "。" has one), and clear of the print — on none of its cell's
# lines, or on one but this far (ems) from its words — is dust, not print the boxes missed:
# print sets no lone dot on a line of its own, nor a dot before its text or an em past it.
# The recognisers are no judge of such dots: read alone they come out as "·", "+" or "，"
# at 0.3–0.9; read with the line, they turn its reading ("≥4500人" read "4500人" with a
# dot before it, at 0.91).
DUST_EMS = 0.4
DUST_CLEAR_EMS = 0.4
# A blob this near (share of its line's box height) above or below a line's box is on it.
_ON_LINE_SLACK = 0.15


def drop_dust(cells: list[CellWords], unread: dict[int, list[Rect]], ink: np.ndarray,
              scale: float) -> dict[int, list[Rect]]:
    """`unread` (doubt_unread_ink's cells and blobs) without the blobs that are dust, and
    without the cells only dust was left unread in."""
    out = {}
    for k, blobs in unread.items():
        cell = cells[k]
        kept = [b for b in blobs if not (cell.words and _is_dust(b, cell, ink, scale))]
        if kept:
            out[k] = kept
    return out


def _is_dust(blob: Rect, cell: CellWords, ink: np.ndarray, scale: float) -> bool:
    em = float(np.median([w.size for w in cell.words])) / scale
    if blob[2] - blob[0] > DUST_EMS * em or blob[3] - blob[1] > DUST_EMS * em:
        return False
    cy = (blob[1] + blob[3]) / 2
    line = [w for w in cell.words
            if (w.y0 - _ON_LINE_SLACK * (w.y1 - w.y0)) / scale <= cy <= (w.y1 + _ON_LINE_SLACK * (w.y1 - w.y0)) / scale]
    gap = min((max(w.x0 / scale - blob[2], blob[0] - w.x1 / scale) for w in line), default=np.inf)
    return gap >= DUST_CLEAR_EMS * em and solid(crop(ink, (blob[0] - 1, blob[1] - 1, blob[2] + 1, blob[3] + 1)))


def read_empty_cell(engine: Engine, cell: CellWords, blobs: list[Rect], pixels: np.ndarray, scale: float) -> list[Word]:
    """An empty cell's unread ink as the recogniser reads it, in doubt however the two
    recognisers agree (a seal's own characters read alike by both); nothing where it reads
    no character."""
    x0, y0 = min(b[0] for b in blobs) - 3, min(b[1] for b in blobs) - 3
    x1, y1 = max(b[2] for b in blobs) + 3, max(b[3] for b in blobs) + 3
    rect = (max(x0, cell.x0 / scale), max(y0, cell.y0 / scale), min(x1, cell.x1 / scale), min(y1, cell.y1 / scale))
    text = engine.recognize([crop(pixels, rect)])[0].text
    text = without_specks(text.strip())
    if not text or is_speck_reading(text):
        return []
    return [rect_word(text, rect, scale, UNREAD_INK_CONFIDENCE)]


def settle_unread_ink(engine: Engine, cells: list[CellWords], unread: dict[int, list[Rect]], pixels: np.ndarray,
                      scale: float, settings: Settings) -> list[CellWords]:
    """The lines of a cell that hold unread ink are read again, the cell's whole width, by
    both recognisers (second.read_lines_again); where that cannot be done, the cell's words
    lose their certainty, so the form goes to review instead of carrying a silently
    shortened text."""
    out = list(cells)
    for k, blobs in unread.items():
        cell = cells[k]
        if not cell.words:
            out[k] = cell.holding(read_empty_cell(engine, cell, blobs, pixels, scale))
            continue
        reread = read_lines_again(engine, cell, blobs, pixels, scale, settings.text) if settings.ocr.second_reading else None
        if reread is None:
            reread = [replace(w, confidence=min(w.confidence, UNREAD_INK_CONFIDENCE)) for w in cell.words]
        out[k] = cell.holding(reread)
    return out


def read_boxes(engine: Engine, pixels: np.ndarray, rects: list[Rect], scale: float) -> list[Word]:
    """The words of the text boxes. Boxes left empty by the erased rules are skipped, and a
    box holding one flat stroke is a dash without asking the recogniser (which reads a lone
    dash as 1, 一 or — at low scores)."""
    ink = ink_mask(grey(pixels))
    to_read, inked, dashes = [], [], []
    for r in rects:
        box_ink = crop(ink, r)
        if not box_ink.any():
            continue
        if is_dash(box_ink, max_width_share=1.0):
            dashes.append(r)
        else:
            to_read.append(r)
            inked.append(box_ink.any(axis=0))
    readings = engine.recognize([crop(pixels, r) for r in to_read])
    passed = [reading.passed_over(columns) for reading, columns in zip(readings, inked)]
    words = to_words(to_read, readings, scale, MIN_WORD_SCORE, passed)
    words += to_words(dashes, [Reading.scored("-", DASH_CONFIDENCE)] * len(dashes), scale, MIN_WORD_SCORE)
    return words


def make_upright(engine: Engine, image: PageImage) -> UprightScan:
    """Red ink painted out (a seal is neither text nor rule; where it covers black ink, the
    ink stays black), fields of specks cleared, the rules levelled (they are level in any
    quarter turn), then the text found once and turned upright."""
    pixels = remove_red(image.pixels)
    g = grey(pixels)
    cleared = clear_speckle_fields(pixels, g, image.scale)
    if cleared is not pixels:
        pixels, g = cleared, grey(cleared)
    skew = skew_angle(g)
    if abs(skew) >= MIN_SKEW_DEGREES:
        pixels = rotate(pixels, skew)
    turns, pixels, boxes = upright(engine, pixels, _boxes(engine, pixels))
    return UprightScan(pixels, image.scale, skew, turns, boxes)


def erase_rules(pixels: np.ndarray, rules: np.ndarray, grids: list[Grid], scale: float) -> np.ndarray:
    """The tables' rules painted out (with their anti-aliased fringe): nothing is read from a
    line. Only inside tables: a big title's strokes are long enough to pass for rules."""
    out = pixels.copy()
    in_tables = np.zeros_like(rules)
    for grid in grids:
        x0, y0, x1, y1 = (int(v / scale) for v in grid.bbox)
        m = 2 * RULE_FRINGE_PX
        in_tables[max(0, y0 - m):y1 + m + 1, max(0, x0 - m):x1 + m + 1] = 1
    out[_dilate(rules * in_tables, RULE_FRINGE_PX) > 0] = 255
    return out


def read_words(engine: Engine, pixels: np.ndarray, boxes: list[Rect], tables, scale: float) -> list[Word]:
    """The text boxes, cut where a table's rule crosses them, read once each; words read
    from faint ink dropped."""
    rects = [part for box in untangle(boxes) for part in split_at_rules(box, scale, tables.grids, tables.vlines)]
    words = drop_doubled_marks(read_boxes(engine, pixels, rects, scale))
    # (a union across a rule: the detector reached over it into a cell's first glyph; its part
    # past the rule is the join)
    joins = [part for u in cut_through(boxes) for part in split_at_rules(u, scale, tables.grids, tables.vlines)]
    words = read_joins_again(engine, words, joins, pixels, scale)
    return drop_faint_words(words, pixels, scale)


def read_joins_again(engine: Engine, words: list[Word], joins: list[Rect], pixels: np.ndarray,
                     scale: float) -> list[Word]:
    """Where the detector parted a line inside a character (convert.cut_through), the whole
    stretch is read again: if its reading says more than its parts and both recognisers
    agree on it, it replaces them; if they differ, the parts stay, in doubt. A part no wider
    than a glyph whose text the whole stretch does not hold was that glyph's cut-off edge
    read as a glyph of its own ("二" beside "工。…" that holds 工): where both recognisers
    read the stretch as the other parts, it goes."""
    for x0, y0, x1, y1 in joins:
        parts = sorted((w for w in words if x0 - 1 <= w.x0 / scale and w.x1 / scale <= x1 + 1
                        and y0 - 1 <= w.cy / scale <= y1 + 1), key=lambda w: w.x0)
        if len(parts) < 2:
            continue
        image = crop(pixels, (x0, y0, x1, y1))
        first = engine.recognize([image])[0]
        joined = "".join(w.text for w in parts)
        if same_reading(first.text, joined):
            continue
        says_more = len(normalize(without_specks(first.text))) > len(normalize(joined))
        if not says_more and not _cut_edge_read_apart(first.text, parts):
            continue
        second = engine.recognize_again([image])[0]
        agreed = (min(first.score, second.score) >= MIN_SECOND_SCORE and same_reading(first.text, second.text)
                  and not not_print(first.text))
        if agreed:
            union = rect_word(without_specks(first.text.strip()), (x0, y0, x1, y1), scale, AGREED_CONFIDENCE)
            ids = {id(w) for w in parts}
            words = [union if w is parts[0] else w for w in words if w is parts[0] or id(w) not in ids]
        elif not says_more:
            continue
        else:
            ids = {id(w) for w in parts}
            words = [replace(w, confidence=min(w.confidence, DISPUTED_CONFIDENCE)) if id(w) in ids else w for w in words]
    return words


def _cut_edge_read_apart(reading: str, parts: list[Word]) -> bool:
    for i, part in enumerate(parts):
        rest = "".join(w.text for j, w in enumerate(parts) if j != i)
        if len(part.text) == 1 and part.x1 - part.x0 <= part.y1 - part.y0 and same_reading(reading, rest):
            return True
    return False


def cell_words(grids: list[Grid], words: list[Word]) -> tuple[list[CellWords], list[Word]]:
    """Every cell of the tables with the words whose centres it holds, and the words outside."""
    buckets, outside = bucket_words(grids, words)
    cells = [CellWords(c.x0, c.y0, c.x1, c.y1, tuple(buckets.get((g, k), ())))
             for g, grid in enumerate(grids) for k, c in enumerate(grid.cells)]
    return cells, outside


def settle_cells(engine: Engine, cells: list[CellWords], outside: list[Word], read: list[Word],
                 pixels: np.ndarray, scale: float, settings: Settings) -> list[CellWords]:
    """The cells' words settled from the ink and a second recogniser. `read`: the words as
    first read (they give the page's print level); `pixels`: the page they were read from."""
    g = grey(pixels)
    ink = ink_mask(g)
    cells = settle_list_numbers(settle_dashes(cells, ink, scale))
    cells = settle_lone_glyphs(cells, ink, scale)
    if settings.ocr.second_reading:
        cells = read_doubts_again(engine, cells, pixels, scale)
    # After the second reading: a text both recognisers agree on whose leading operator its
    # ink shape confirms is settled, operator included.
    cells = settle_leading_operators(cells, ink, scale)
    cells = drop_lone_specks(cells)
    # Only boxes that gave text cover ink: one whose reading was dropped (too unsure, a speck,
    # or empty) leaves its ink unread, and the cell in doubt.
    kept = [(w.x0 / scale, w.y0 / scale, w.x1 / scale, w.y1 / scale)
            for w in [w for cell in cells for w in cell.words] + outside]
    unread = doubt_unread_ink(cells, ink, kept, scale, g, print_level(read, g, scale)[0])
    unread = drop_dust(cells, unread, ink, scale)
    empty = [k for k in unread if not cells[k].words]
    cells = settle_unread_ink(engine, cells, unread, pixels, scale, settings)
    # A lone glyph found in an empty cell (an operator under a seal, read "S") is told by its shape.
    for k, cell in zip(empty, settle_lone_glyphs([cells[k] for k in empty], ink, scale)):
        cells[k] = cell
    # Last: a 。 past a line's box is unread ink, which both recognisers read across first.
    return doubt_lost_list_stops(settle_list_stops(settle_final_stops(cells, ink, scale), ink, scale))


def read_scan(image: PageImage, number: int, settings: Settings) -> Page:
    """A scanned page as the record the text layer gives: its settled words and the segments
    of its rules, in page points of the upright, level image (`turns`, `skew` say how)."""
    engine = get_engine(settings.ocr.threads)
    scan = make_upright(engine, image)
    scale, pixels, boxes = scan.scale, scan.pixels, scan.boxes
    g = grey(pixels)
    h, w = g.shape
    em_px = float(np.median([b[3] - b[1] for b in boxes])) * FONT_SHARE_OF_BOX if boxes else 12.0 / scale
    seals = find_seals(g)
    segments, rules = pixel_segments(g, scale, em_px, seals=seals, text_boxes=boxes)
    if seals:  # a seal scanned in grey: paint out what is as light as its ring, then read again
        pixels = remove_grey_seals(pixels, seals, text_ink_level(g, boxes, seals))
        boxes = _boxes(engine, pixels)
    page = Page(number=number, width=w * scale, height=h * scale, method="ocr", segments=segments,
                turns=scan.turns, skew=scan.skew, dpi=image.dpi)
    tables = recover_layout(page, settings)  # the rules' tables: the text is cut and settled by them
    text_pixels = erase_rules(despeckle(pixels, em_px), rules, tables.grids, scale)
    words = read_words(engine, text_pixels, boxes, tables, scale)
    cells, outside = cell_words(tables.grids, words)
    cells = settle_cells(engine, cells, outside, words, text_pixels, scale, settings)
    return replace(page, words=[to_em_box(word) for word in [w for cell in cells for w in cell.words] + outside])
