"""`jixiao show --overlay`: the recovered grid and each mapped field, coloured by block,
drawn over the pages of a document's forms; uncertain fields marked. With `layers`, any stage
of the reading: the rules as read, the lines they snap to, the cells, the words, the fields —
the same records from a text layer and from OCR."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from extract.grid import PageLayout
from extract.records import DocumentResult, FieldBox, PageFrame
from extract.report.views import DOUBT_COLOUR, Canvas, Colour, Mark, Rect, open_source, page_pixmap
from extract.settings import Layer, one_of
from extract.values.form import REVIEW_CONFIDENCE

BLOCK_COLOURS: dict[str, Colour] = {
    "header": (0.12, 0.47, 0.71),
    "funds": (0.80, 0.60, 0.10),  # ochre: apart from the doubts' orange
    "goals": (0.17, 0.60, 0.17),
    "indicators": (0.55, 0.35, 0.75),
    "total": (0.05, 0.62, 0.68),
}
GRID_COLOUR: Colour = (0.55, 0.55, 0.55)
RULE_COLOUR: Colour = (0.80, 0.10, 0.75)  # magenta: the strokes as read
LINE_COLOUR: Colour = (0.10, 0.10, 0.10)  # the lines they snap to
WORD_COLOUR: Colour = (0.00, 0.45, 0.95)


DEFAULT_LAYERS = (Layer.cells, Layer.fields)
LAYER_COLOURS = {Layer.rules: RULE_COLOUR, Layer.lines: LINE_COLOUR, Layer.cells: GRID_COLOUR, Layer.words: WORD_COLOUR}
LAYER_NAMES = {Layer.rules: "笔画 rules", Layer.lines: "线 lines", Layer.cells: "表格单元格", Layer.words: "文字 words"}
BLOCK_NAMES = {"header": "表头", "funds": "项目资金", "goals": "年度目标", "indicators": "绩效指标", "total": "总分/等级"}
LEGEND_HEIGHT = 22.0
GAP = 8.0  # points between stacked pages


@dataclass(frozen=True)
class PlacedField:
    """A field box as drawn: its FieldBox and where its page sits on the canvas."""

    box: FieldBox
    top: float  # canvas y of its page's top edge
    doubtful: bool


@dataclass
class Overlay:
    png: bytes
    dpi: float
    pages: list[int]
    tops: dict[int, float]  # page → canvas y of its top edge, in points
    cells: dict[int, list[Rect]] = field(default_factory=dict)  # page → grid cells drawn
    fields: list[PlacedField] = field(default_factory=list)


def field_marks(box: FieldBox) -> list[Mark]:
    colour = BLOCK_COLOURS.get(box.block, (0.3, 0.3, 0.3))
    cell = (box.x0, box.y0, box.x1, box.y1)
    marks = [Mark(cell, colour, width=0.8, fill_opacity=0.12)]
    if box.confidence < REVIEW_CONFIDENCE:
        marks.append(Mark(cell, DOUBT_COLOUR, width=2.0, dashed=True, label=f"? {box.confidence:.2f}"))
    if box.text_bbox is not None:
        marks.append(Mark(box.text_bbox, colour, width=1.2))
    return marks


def stage_marks(layout: PageLayout, layer: Layer) -> list[Mark]:
    """One stage of a page's reading as marks (the fields are drawn by `field_marks`)."""
    colour = LAYER_COLOURS[layer]
    if layer is Layer.rules:
        return [Mark((s.x0, s.y0, s.x1, s.y1), colour, width=0.8) for s in layout.page.segments]
    if layer is Layer.lines:
        return ([Mark((ln.start, ln.pos, ln.end, ln.pos), colour, width=0.5) for ln in layout.hlines]
                + [Mark((ln.pos, ln.start, ln.pos, ln.end), colour, width=0.5) for ln in layout.vlines])
    if layer is Layer.cells:
        return [Mark((c.x0, c.y0, c.x1, c.y1), colour, width=0.4) for g in layout.grids for c in g.cells]
    if layer is Layer.words:
        return [Mark((w.x0, w.y0, w.x1, w.y1), DOUBT_COLOUR, width=0.6, dashed=True)
                if w.confidence < REVIEW_CONFIDENCE else Mark((w.x0, w.y0, w.x1, w.y1), colour, width=0.3)
                for w in layout.page.words if not w.text.isspace()]
    raise ValueError(layer)


def draw_overlay(path: Path, result: DocumentResult, layouts: list[PageLayout], form: int | None = None,
                 dpi: float = 110.0, layers: tuple[Layer, ...] = DEFAULT_LAYERS) -> Overlay:
    """The pages of the document's forms (or of one form) stacked, with the stages `layers`
    names drawn over them (by default the grid's cells and the fields)."""
    forms = [f for f in result.forms if form is None or f.form_index == form]
    wanted = sorted({p for f in forms for p in range(f.page_start, f.page_end + 1)})
    frames = {fr.page: fr for fr in result.frames}
    if not wanted:  # no form: show what grids were found
        wanted = [lay.page.number for lay in layouts if lay.grids]
    pages = [p for p in wanted if p in frames]
    by_page = {lay.page.number: lay for lay in layouts}
    layers = tuple(Layer(one_of(Layer, x, "overlay layer")) for x in layers)
    width = max((frames[p].width for p in pages), default=595.0)
    height = LEGEND_HEIGHT + sum(frames[p].height + GAP for p in pages)
    canvas = Canvas(width, height)
    overlay = Overlay(b"", dpi, pages, {})
    try:
        _legend(canvas, layers)
        doc = open_source(path)
        try:
            top = LEGEND_HEIGHT
            for p in pages:
                frame: PageFrame = frames[p]
                canvas.image(page_pixmap(doc, frame, dpi), top, frame)
                overlay.tops[p] = top
                layout = by_page.get(p)
                overlay.cells[p] = [(c.x0, c.y0, c.x1, c.y1) for g in layout.grids for c in g.cells] if layout else []
                for layer in (x for x in layers if x is not Layer.fields and layout is not None):
                    for m in stage_marks(layout, layer):
                        canvas.mark(m, top)
                drawn: set[tuple] = set()  # a merged 一级 cell is every row's level1 box: drawn once
                for f in forms:
                    for box in (b for b in f.boxes if b.page == p):
                        key = (box.block, box.x0, box.y0, box.x1, box.y1)
                        if key not in drawn and Layer.fields in layers:
                            drawn.add(key)
                            for m in field_marks(box):
                                canvas.mark(m, top)
                        overlay.fields.append(PlacedField(box, top, box.confidence < REVIEW_CONFIDENCE))
                top += frame.height + GAP
        finally:
            doc.close()
        overlay.png = canvas.render(dpi).tobytes("png")
    finally:
        canvas.close()
    return overlay


def _legend(canvas: Canvas, layers: tuple[Layer, ...]) -> None:
    x = 6.0
    if Layer.fields in layers:
        for block, colour in BLOCK_COLOURS.items():
            canvas.mark(Mark((x, 6, x + 12, 16), colour, width=0.8, fill_opacity=0.35))
            canvas.text(x + 15, 14.5, BLOCK_NAMES[block], colour)
            x += 20 + 9 * len(BLOCK_NAMES[block])
    if Layer.fields in layers or Layer.words in layers:
        canvas.mark(Mark((x, 6, x + 12, 16), DOUBT_COLOUR, width=1.5, dashed=True))
        canvas.text(x + 15, 14.5, "低置信度", DOUBT_COLOUR)
        canvas.text(x + 52, 14.5, f"(< {REVIEW_CONFIDENCE})", DOUBT_COLOUR)
        x += 90
    for layer in (x for x in Layer if x in layers and x is not Layer.fields):
        colour = LAYER_COLOURS[layer]
        canvas.mark(Mark((x, 6, x + 12, 16), colour, width=0.6))
        canvas.text(x + 15, 14.5, LAYER_NAMES[layer], colour)
        x += 20 + 6 * len(LAYER_NAMES[layer])
