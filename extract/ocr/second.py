"""A second reading of what the first reading is unsure of.

PP-OCRv4 reads every text box; where it is unsure (a word scored below SECOND_READ_BELOW, or
a reading print does not make: extract/ocr/convert.py) PP-OCRv6 small, a recogniser trained
apart on other data (Engine.second), reads the same crop. Two independent readings that
agree are trusted: the word keeps its text and takes AGREED_CONFIDENCE. Two more kinds of
agreement settle a difference: where the first recogniser's own timing shows it passed over
an inked character (Reading.passed_over) and the second surely reads just that character
more; and where the second surely reads, for a glyph the first was unsure of, the first's
own runner-up for it. Elsewhere nothing changes — the first reading stays, as unsure as it
was, and the form goes to review naming it. PP-OCRv5 mobile was measured first and dropped:
it silently loses characters of long lines at scores of 0.999. Measured on the degradation
sweep (scripts/bench.py --scan-sweep).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from extract.grid.pixels import ink_mask
from extract.grid.text import group_by_baseline
from extract.ocr.convert import as_per_mille, crop, is_speck_reading, not_print, rect_word, without_specks
from extract.ocr.engine import Engine
from extract.ocr.glyphs import OPERATOR_READINGS, leading_glyph, operator_of, operator_shape, solid
from extract.ocr.recognizer import Reading
from extract.ocr.types import CellWords
from extract.pages.images import grey
from extract.pages.types import Word
from extract.settings import TextSettings
from extract.values.text import lost_list_stops, normalize, unended_items

# Words read below this are read again. Above it the first reading stands on its own.
SECOND_READ_BELOW = 0.85
# Words holding a digit are read again however sure: a number's or a target's meaning turns on
# one glyph (≥ read as "2" at 0.9: "290%"), and the first recogniser drops a glyph at 0.999
# ("≥95%" read "95%", "0.3‰" read "0.3%"). Only a bare number read surely glyph by glyph whose
# ink holds one digit-high stroke per digit (sure_number) is not: 145 of 369 such words on the
# speed set, and leaving them unread again changed no field of the scan sweeps (seeds 7, 11).
# A sure glyph-by-glyph reading alone is not enough beyond bare numbers: the dropped glyphs
# above were each read at 0.99 or more.
NUMBER_READ_BELOW = 1.01
# Except in prose: a line of this many Chinese characters, no operator and no percent sign is
# a goal's or a note's sentence, read again as text is (a dropped glyph leaves a gap the first
# recogniser's timing shows: Reading.passed_over). A third of the second reading's work on
# the speed set was such lines, read surely. "%" stays a number's: the first recogniser reads
# ‰ as % in a sentence too, surely ("0.9‰以内", scan sweep seed 7).
PROSE_CHINESE = 8
_NOT_IN_PROSE = OPERATOR_READINGS | frozenset("%％‰")
NUMBER_SURE, GLYPH_SURE = 0.98, 0.99
_BARE_NUMBER = re.compile(r"\d[\d,]*(\.\d+)?")
# A stroke this tall against the tallest is a digit's (a point's or a comma's is lower).
_DIGIT_HEIGHT_SHARE = 0.6
# A digit's ink narrower than this share of its height is a "1"'s (the others' are 0.5–0.75).
_ONE_WIDTH_SHARE = 0.45
# A word one glyph of which was read below this is read again however sure the rest: 竣 read
# as 峻 at 0.72 in a line scored 0.94 (fixtures/lying/permuted_split_row.pdf).
GLYPH_READ_BELOW = 0.8
# Words holding a Chinese comma or stop are read again below this: at low resolution the
# first recogniser takes 。 for ， at 0.94 (the second read it at 0.999; scan sweep, seed 7).
STOP_READ_BELOW = 0.97
_STOPS = frozenset("，。")
# A first reading the second contradicts surely, and a third does not settle, is a doubt
# however sure the first recogniser was: below the review threshold.
DISPUTED_CONFIDENCE = 0.8
# What two agreeing readings are worth: above the review threshold (values.form), below the
# operator threshold, so an operator still needs its ink shape to be trusted.
AGREED_CONFIDENCE = 0.9
# A second reading this unsure does not count as a reading.
MIN_SECOND_SCORE = 0.5
# Dashes as either recogniser reads a printed "-" or "—" (values hold them as "-").
DASHES = str.maketrans({"一": "-", "—": "-", "–": "-", "－": "-", "‐": "-"})


def same_reading(first: str, second: str) -> bool:
    """Whether two readings say the same, as the dataset stores text (NFKC, straight quotes,
    no spaces beside Chinese characters)."""
    a, b = (normalize(without_specks(as_per_mille(t))) for t in (first, second))
    if len(a) == 1 and len(b) == 1:
        a, b = a.translate(DASHES), b.translate(DASHES)
    return bool(a) and a == b


def read_doubts_again(engine: Engine, cells: list[CellWords], pixels: np.ndarray, scale: float) -> list[CellWords]:
    """Every unsure word of the tables read again with the second recogniser: the cells with
    the doubts two readings settled. `pixels`: the image the first reading was cut from."""
    words = [list(cell.words) for cell in cells]
    targets: list[tuple[int, int, Word]] = []
    for k, cell_words in enumerate(words):
        for i, word in enumerate(cell_words):
            limit = (NUMBER_READ_BELOW if any(ch.isdigit() for ch in word.text) and not is_prose(word.text)
                     else STOP_READ_BELOW if _STOPS & set(word.text) else SECOND_READ_BELOW)
            unsure = word.confidence < limit or word.weakest < GLYPH_READ_BELOW or word.passed_over
            if unsure and not sure_number(word, pixels, scale):
                targets.append((k, i, word))
    if not targets:
        return cells
    crops = [crop(pixels, (w.x0 / scale, w.y0 / scale, w.x1 / scale, w.y1 / scale)) for _, _, w in targets]
    split: list[tuple[int, int, Word, str, np.ndarray]] = []
    for (k, i, word), second, image in zip(targets, engine.recognize_again(crops), crops):
        text, score = second.text, second.score
        if word.passed_over and _fills_passed_over(word, second) and not not_print(text):
            # The first recogniser's timing says a character is missing where the second read
            # one surely: two readings that a character stands there, one that says which.
            words[k][i] = replace(word, text=without_specks(as_per_mille(text.strip())), confidence=AGREED_CONFIDENCE,
                                  passed_over=0)
        elif score >= MIN_SECOND_SCORE and same_reading(word.text, text):
            if word.passed_over:  # both passed over the same ink
                words[k][i] = replace(word, confidence=min(word.confidence, DISPUTED_CONFIDENCE))
            elif not not_print(word.text):
                words[k][i] = replace(word, confidence=max(word.confidence, AGREED_CONFIDENCE))
        elif score >= SURE_SECOND_SCORE and _operator_by_shape(word.text, text, image):
            # "290%" or "90%" / "≥90%": the second reads an operator where the first read a
            # glyph or nothing, the rest agrees, and the glyph's ink is that operator's shape:
            # two of three readings.
            words[k][i] = replace(word, text=without_specks(as_per_mille(text.strip())), confidence=AGREED_CONFIDENCE)
        elif _reads_a_runner_up(word, second) and not not_print(text):
            # Where the first was unsure of a glyph, the second surely reads the first's own
            # runner-up for it (：/；, 0.54/0.38): both recognisers say that glyph.
            words[k][i] = replace(word, text=without_specks(as_per_mille(text.strip())), confidence=AGREED_CONFIDENCE)
        elif score >= SURE_SECOND_SCORE and not not_print(text):
            split.append((k, i, word, text, image))
    # Where the two differ and the second is sure, the first recogniser reads the crop again
    # enlarged, alone (packed, its reading would turn on its neighbours): if it now says what
    # the second said, two recognisers agree on that reading.
    for (k, i, word, text, _), third in zip(split, engine.rec.read_all([_enlarged(x[4]) for x in split])):
        if third.score >= MIN_SECOND_SCORE and same_reading(third.text, text) and not not_print(text):
            words[k][i] = replace(word, text=without_specks(as_per_mille(text.strip())), confidence=AGREED_CONFIDENCE)
        else:
            words[k][i] = replace(word, confidence=min(word.confidence, DISPUTED_CONFIDENCE))
    return [cell.holding(ws) for cell, ws in zip(cells, words)]


def _glyphs(word: Word, second: Reading) -> tuple[list[str], list[tuple[str, float]]]:
    """The first reading's characters and the second's with their probabilities, spaces left out."""
    return [ch for ch in word.text if not ch.isspace()], [(ch, p) for ch, p in zip(second.text, second.probs)
                                                            if not ch.isspace()]


def _fills_passed_over(word: Word, second: Reading) -> bool:
    """Whether the second reading is the first with just the characters it passed over put
    in, each read surely (GLYPH_SURE)."""
    first, read = _glyphs(word, second)
    if second.score < SURE_SECOND_SCORE or len(read) != len(first) + word.passed_over:
        return False
    at, inserted = 0, []
    for ch, p in read:
        if at < len(first) and normalize(first[at]) == normalize(ch):
            at += 1
        else:
            inserted.append(p)
    return at == len(first) and all(p >= GLYPH_SURE for p in inserted)


# Glyphs both recognisers confuse alike (a dash and 1, ≥ and 2, one digit and another): a
# runner-up the second agrees on is no second opinion there.
_SHARED_CONFUSIONS = frozenset("0123456789-一—–‐－") | OPERATOR_READINGS


def _reads_a_runner_up(word: Word, second: Reading) -> bool:
    """Whether the second reading differs from the first only in glyphs the first read
    unsurely, each read by the second surely as the first's runner-up for it."""
    first, read = _glyphs(word, second)
    if not word.unsure_glyphs or second.score < SURE_SECOND_SCORE or len(read) != len(first):
        return False
    changed = [(normalize(a), normalize(b), p) for a, (b, p) in zip(first, read) if normalize(a) != normalize(b)]
    unsure = {(normalize(a), normalize(b)) for a, b in word.unsure_glyphs}
    return bool(changed) and all((a, b) in unsure and p >= SURE_SECOND_SCORE and not _SHARED_CONFUSIONS & {a, b}
                                 for a, b, p in changed)


def is_prose(text: str) -> bool:
    """Whether a line reads as a sentence: PROSE_CHINESE Chinese characters or more, no
    operator, no percent or per-mille sign."""
    return (sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= PROSE_CHINESE
            and not _NOT_IN_PROSE & set(text))


def sure_number(word: Word, pixels: np.ndarray, scale: float) -> bool:
    """A bare number ("1,430.50") every glyph of which the first recogniser read surely, and
    whose ink holds as many digit-high strokes as it has digits: none dropped, none added."""
    import cv2

    if word.confidence < NUMBER_SURE or word.weakest < GLYPH_SURE or not _BARE_NUMBER.fullmatch(word.text):
        return False
    ink = ink_mask(grey(crop(pixels, (word.x0 / scale, word.y0 / scale, word.x1 / scale, word.y1 / scale))))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:n, 3]
    if not len(heights):
        return False
    tall = heights >= _DIGIT_HEIGHT_SHARE * heights.max()
    widths = stats[1:n, 2][tall]
    # Digits run together on a 200 dpi copy ("00" one blob): a stroke as wide as two of the
    # narrowest digit not a "1" is two digits.
    digit = widths[widths >= _ONE_WIDTH_SHARE * heights.max()]
    pitch = float(digit.min()) if len(digit) else np.inf
    strokes = sum(max(1, int(w / pitch + 0.5)) for w in widths)
    return strokes == sum(ch.isdigit() for ch in word.text)


def doubt_lost_list_stops(cells: list[CellWords]) -> list[CellWords]:
    """In a cell whose lines number their items, a word that opens the next number without
    its stop lost it to the reading (values/text.py `lost_list_stops`), and one that ends an
    item without the 。 the others end with lost that (`unended_items`): they are put in doubt."""
    return [_doubt_lost_stops(cell) for cell in cells]


def _doubt_lost_stops(cell: CellWords) -> CellWords:
    texts = [w.text for w in cell.words]
    doubted = lost_list_stops(texts) | unended_items(texts)
    if not doubted:
        return cell
    return cell.holding(replace(w, confidence=min(w.confidence, DISPUTED_CONFIDENCE)) if i in doubted else w
                        for i, w in enumerate(cell.words))


# A second reading this sure, against a first one, is worth a third (see read_doubts_again).
SURE_SECOND_SCORE = 0.9


def _operator_by_shape(first: str, second: str, image: np.ndarray) -> bool:
    a, b = normalize(without_specks(first)), normalize(without_specks(second))
    if len(b) < 2 or b[0] not in "≥≤<>=" or a[:1] == b[:1]:
        return False
    # The first read the operator as another glyph ("290%") or passed over it ("90%").
    if not (same_reading(a[1:], b[1:]) or same_reading(a, b[1:])):
        return False
    glyph = leading_glyph(ink_mask(grey(image)))
    sign = operator_shape(glyph) if glyph is not None else None
    return sign is not None and operator_of(sign) == b[0]


def _enlarged(image: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.resize(image, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)


# Unread ink lower than this share of its line's font size, and narrower than SPECK_WIDTH_EM,
# is a speck (scan noise, a rule's remnant) where both recognisers, reading the line across
# it, find nothing more than its boxes held; a character or mark of print stands taller or
# reaches wider (一 is as flat, but an em wide). Flat ink off the line's middle half is a
# speck however wide: the flat marks of print (一 — -) sit at mid-height (measured: a seal's
# stroke 0.6 em wide under a goal's line, scan sweep seed 7).
SPECK_HEIGHT_EM = 0.2
SPECK_WIDTH_EM = 0.5
_DASH_BAND = (0.25, 0.75)
# A round, solid dot up to this share of the font size is a speck there too (toner dust is
# 0.25–0.35 of an em on 150–200 dpi copies); the marks of print that size are a comma (twice
# as tall as wide) and 。 (a loop).
DOT_EM = 0.35
_ROUND = (0.7, 1.45)
# What a text worth doubting for ink left unread beside it is worth: below the review threshold.
UNREAD_INK_CONFIDENCE = 0.6


def _is_speck(blob, size_px: float, pixels: np.ndarray, band: tuple[float, float]) -> bool:
    """`band`: the top and bottom of the blob's line (pixels)."""
    w, h = blob[2] - blob[0], blob[3] - blob[1]
    if h < SPECK_HEIGHT_EM * size_px:
        middle = (blob[1] + blob[3]) / 2
        lo, hi = (band[0] + share * (band[1] - band[0]) for share in _DASH_BAND)
        if w < SPECK_WIDTH_EM * size_px or not lo <= middle <= hi:
            return True
    if not (max(w, h) <= DOT_EM * size_px and _ROUND[0] <= h / max(w, 1) <= _ROUND[1]):
        return False
    # The ink told on some paper around the dot (the threshold is the neighbourhood's), then cut to it.
    m = 8
    x0, y0 = max(0, int(blob[0]) - m), max(0, int(blob[1]) - m)
    ink = ink_mask(grey(crop(pixels, (x0, y0, blob[2] + m, blob[3] + m))))
    return solid(ink[int(blob[1]) - y0 - 1:int(blob[3]) - y0 + 1, int(blob[0]) - x0 - 1:int(blob[2]) - x0 + 1])


def read_lines_again(engine: Engine, cell: CellWords, blobs, pixels: np.ndarray, scale: float,
                     settings: TextSettings) -> list[Word] | None:
    """The cell's words with every line that holds ink its text boxes missed (`blobs`, pixel
    boxes) read again across the cell's width by both recognisers: where they agree on more
    than the line's boxes held, their reading replaces the line; where they agree on just
    what it held and the ink is specks, the line stands; elsewhere the line's words are in
    doubt. Ink on no line is a line the detector passed over (read_lost_line), or specks.
    None where it is neither."""
    lines = group_by_baseline(list(cell.words), settings)
    bands = [(min(w.y0 for w in ln) / scale, max(w.y1 for w in ln) / scale) for ln in lines]
    em_px = float(np.median([w.size for w in cell.words])) / scale
    touched: dict[int, list] = {}
    loose = []
    for b in blobs:
        cy = (b[1] + b[3]) / 2
        at = [i for i, (y0, y1) in enumerate(bands) if y0 - 2 <= cy <= y1 + 2]
        if not at:
            # Print puts no small mark on a line of its own (no line opens with 。 or ，).
            if not _is_speck(b, em_px, pixels, (b[1], b[3])):
                loose.append(b)
            continue
        # A blob between two lines whose boxes overlap belongs to the one whose middle is nearer.
        touched.setdefault(min(at, key=lambda i: abs(cy - sum(bands[i]) / 2)), []).append(b)
    lost = read_lost_line(engine, cell, loose, pixels, scale, em_px) if loose else []
    if lost is None:
        return None
    crops, rects = [], []
    for i, hits in touched.items():
        y0, y1 = bands[i]
        x0 = max(cell.x0 / scale + 1, min(min(w.x0 for w in lines[i]) / scale, min(b[0] for b in hits) - 3))
        x1 = min(cell.x1 / scale - 1, max(max(w.x1 for w in lines[i]) / scale, max(b[2] for b in hits) + 3))
        rects.append((x0, y0, x1, y1))
        crops.append(crop(pixels, rects[-1]))
    firsts, seconds = engine.recognize(crops), engine.recognize_again(crops)
    out = {i: ln for i, ln in enumerate(lines)}
    for i, (x0, y0, x1, y1), first, second in zip(touched, rects, firsts, seconds):
        a, held = first.text, "".join(w.text for w in lines[i])
        agreed = min(first.score, second.score) >= MIN_SECOND_SCORE and same_reading(a, second.text) and not not_print(a)
        size_px = max(w.size for w in lines[i]) / scale
        if agreed and len(normalize(without_specks(a))) > len(normalize(held)):
            out[i] = [rect_word(without_specks(a.strip()), (x0, y0, x1, y1), scale, AGREED_CONFIDENCE)]
        elif not (agreed and same_reading(a, held) and all(_is_speck(b, size_px, pixels, (y0, y1)) for b in touched[i])):
            out[i] = [replace(w, confidence=min(w.confidence, UNREAD_INK_CONFIDENCE)) for w in lines[i]]
    # A lost line goes before the first line below its top; the lines keep their order.
    words: list[Word] = []
    for i in sorted(out):
        words += [w for w in lost if bands[i][0] > w.y0 / scale and w not in words] + out[i]
    return words + [w for w in lost if w not in words]


# A line the detector passed over is this tall (share of the cell's font size), and starts
# where the cell's other lines start, or centres where they centre, within LOST_LINE_ALIGN_EM.
LOST_LINE_EMS = (0.6, 1.6)
LOST_LINE_ALIGN_EM = 1.5
LOST_LINE_SURE = 0.8  # ...and both recognisers read it alike at least this surely


def read_lost_line(engine: Engine, cell: CellWords, blobs, pixels: np.ndarray, scale: float,
                   em_px: float) -> list[Word] | None:
    """A cell's ink on no line of its words (`blobs`, pixel boxes), read as one line by both
    recognisers: their agreed reading as a word ("小。" wrapped off "…空间较", a label's last
    line "年度总体"), at AGREED_CONFIDENCE; None where the ink is not one line aligned with
    the cell's text, or the two do not agree surely (a seal's inscription is neither)."""
    y0, y1 = min(b[1] for b in blobs), max(b[3] for b in blobs)
    if not LOST_LINE_EMS[0] * em_px <= y1 - y0 <= LOST_LINE_EMS[1] * em_px:
        return None
    x0 = max(cell.x0 / scale + 1, min(b[0] for b in blobs) - 3)
    x1 = min(cell.x1 / scale - 1, max(b[2] for b in blobs) + 3)
    left = min(w.x0 for w in cell.words) / scale
    middle = (left + max(w.x1 for w in cell.words) / scale) / 2
    reach = LOST_LINE_ALIGN_EM * em_px
    if abs(x0 + 3 - left) > reach and abs((x0 + x1) / 2 - middle) > reach:
        return None
    rect = (x0, y0 - 3, x1, y1 + 3)
    image = crop(pixels, rect)
    first, second = engine.recognize([image])[0], engine.recognize_again([image])[0]
    text = without_specks(first.text.strip())
    if (min(first.score, second.score) < LOST_LINE_SURE or not same_reading(first.text, second.text)
            or not text or not_print(first.text) or is_speck_reading(text)):
        return None
    return [rect_word(text, rect, scale, AGREED_CONFIDENCE)]
