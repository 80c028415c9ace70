#!/usr/bin/env python3
"""Fixtures whose text layer lies, made from text fixtures whose truth is known.

    python scripts/lying_fixtures.py            # (re)writes fixtures/lying/
    python scripts/lying_fixtures.py --check    # regenerates into a temp dir; exit 1 if any
                                                # truth, text layer or drawing differs

Each spec takes a rendered text fixture and spoils its text layer the way some print drivers
do, leaving the pixels as they were:

- `permuted`: every font's ToUnicode map sends each CJK code point to another CJK code point
  of the same font (a derangement): the layer reads as valid, wrong Chinese;
- `pua`: the code points of the title's characters map into the Private Use Area (wherever
  they are printed), the rest reads: a mixed page, 3.5% of its characters unmapped;
- `curves` / `image`: the title and the label cells stay text, every other cell's text is
  drawn as glyph outlines (curves) or pasted as an image under the rules.

The truth is the source's, with `method` "ocr" (those pages must go through OCR). One more
document is honest: `clean_unlabelled_table` is the 收入支出决算总表 page of
dept_final_accounts with its 合计/总计 cells blanked, a ruled table of Chinese text with no
label of the lexicon that must stay on the text path. Deterministic: fixed seeds, no new /ID.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extract.grid import recover_layout  # noqa: E402
from extract.pages import read_pdf_page  # noqa: E402
from extract.settings import DEFAULT_SETTINGS  # noqa: E402

FIXTURES = ROOT / "fixtures"
OUT = FIXTURES / "lying"
SEED = 20250611

# name, source fixture (folder/stem), how the layer is spoiled, source pages kept (1-based)
SPECS = [
    dict(name="permuted_two_forms", source="text/two_forms_one_page", kind="permuted"),
    dict(name="permuted_split_row", source="text/split_row_values_second", kind="permuted"),
    dict(name="pua_mixed", source="variants/text/hubei", kind="pua"),
    dict(name="partial_curves", source="variants/text/anhui", kind="curves"),
    dict(name="partial_image", source="variants/text/yunnan", kind="image"),
    dict(name="clean_unlabelled_table", source="text/dept_final_accounts", kind="clean", pages=[2]),
]

# The cells kept as text in the partial fixtures, and blanked in the clean one: the label
# spellings of extract/segment/lexicon.toml that these sources print, frozen here (a label
# matches when a cell's compacted text starts with it) so that the fixtures do not move
# when the lexicon grows.
LABELS = (
    "项目名称", "主管部门", "实施单位", "项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
    "得分", "年度资金总额", "上年结转资金", "其他资金", "年度总体目标", "预期目标", "实际完成情况", "一级指标",
    "二级指标", "三级指标", "年度指标值", "指标性质", "指标值", "度量单位", "实际完成值", "偏差原因分析",
    "产出指标", "效益指标", "满意度指标", "成本指标", "数量指标", "质量指标", "时效指标", "社会效益指标",
    "生态效益指标", "可持续影响指标", "服务对象满意度指标", "总分", "评分等级", "总计", "合计",
)

_BFCHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_PUA = 0xE000
# Image fixtures: the values are pasted at this resolution (a scanned-in filling is 150–300).
IMAGE_DPI = 150


def _is_cjk(cp: int) -> bool:
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF


def _tounicode_streams(doc: pymupdf.Document) -> list[int]:
    out = []
    for xref in range(1, doc.xref_length()):
        kind, val = doc.xref_get_key(xref, "ToUnicode")
        if kind == "xref":
            out.append(int(val.split()[0]))
    return sorted(set(out))


def _remap(doc: pymupdf.Document, mapping_for) -> None:
    """Rewrite every ToUnicode CMap's single-code-point CJK targets through mapping_for(cps)."""
    for sxref in _tounicode_streams(doc):
        cmap = doc.xref_stream(sxref).decode("latin-1")
        if "beginbfrange" in cmap:
            raise SystemExit("bfrange in a ToUnicode map: not handled (the fixtures write bfchar only)")
        targets = sorted({int(t, 16) for _, t in _BFCHAR.findall(cmap) if len(t) == 4 and _is_cjk(int(t, 16))})
        table = mapping_for(targets)

        def sub(m: re.Match) -> str:
            t = m.group(2)
            if len(t) == 4 and int(t, 16) in table:
                return f"<{m.group(1)}> <{table[int(t, 16)]:04X}>"
            return m.group(0)

        doc.update_stream(sxref, _BFCHAR.sub(sub, cmap).encode("latin-1"))


def permute(doc: pymupdf.Document, rng: random.Random) -> None:
    def mapping(cps: list[int]) -> dict[int, int]:
        order = cps[:]
        rng.shuffle(order)
        # A cycle through the shuffled order: no code point keeps its own meaning.
        return {a: b for a, b in zip(order, order[1:] + order[:1])}

    _remap(doc, mapping)


def to_pua(doc: pymupdf.Document, chars: set[str] | None = None) -> None:
    """Map the CJK code points (those of `chars` only, if given) into the Private Use Area."""
    _remap(doc, lambda cps: {cp: _PUA + i for i, cp in enumerate(c for c in cps if chars is None or chr(c) in chars)})


def _layout(page: pymupdf.Page):
    record = read_pdf_page(page, DEFAULT_SETTINGS.grid)
    return recover_layout(record, DEFAULT_SETTINGS)


def _inner(cell, inset: float = 1.0) -> pymupdf.Rect:
    return pymupdf.Rect(cell.x0 + inset, cell.y0 + inset, cell.x1 - inset, cell.y1 - inset)


def _label_cells(layout) -> tuple[list, list]:
    """A page's cells with text: (label cells, value cells), by the lexicon's spellings."""
    labels, values = [], []
    for grid in layout.grids:
        for cell in grid.cells:
            if not cell.words:
                continue
            text = "".join("".join(w.text for w in cell.words).split())
            (labels if text.startswith(LABELS) else values).append(cell)
    return labels, values


def _redact(page: pymupdf.Page, rects, *, text: bool = True, line_art: bool = False) -> None:
    for r in rects:
        page.add_redact_annot(r, fill=False)
    page.apply_redactions(
        images=pymupdf.PDF_REDACT_IMAGE_NONE,
        graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED if line_art else pymupdf.PDF_REDACT_LINE_ART_NONE,
        text=pymupdf.PDF_REDACT_TEXT_REMOVE if text else pymupdf.PDF_REDACT_TEXT_NONE,
    )


def _outside_grids(page: pymupdf.Page, layout) -> list[pymupdf.Rect]:
    """Bands of the page outside every grid (where the title and notes are)."""
    rect = page.rect
    out, y = [], rect.y0
    for g in sorted(layout.grids, key=lambda g: g.bbox[1]):
        x0, y0, x1, y1 = g.bbox
        if y0 > y:
            out.append(pymupdf.Rect(rect.x0, y, rect.x1, y0))
        out += [pymupdf.Rect(rect.x0, y0, x0, y1), pymupdf.Rect(x1, y0, rect.x1, y1)]
        y = max(y, y1)
    out.append(pymupdf.Rect(rect.x0, y, rect.x1, rect.y1))
    return [r for r in out if not r.is_empty]


def values_only(src: pymupdf.Document, pno: int, layout, labels) -> pymupdf.Document:
    """One page holding only the value cells' text: no rules, no labels, no title."""
    doc = pymupdf.open()
    doc.insert_pdf(src, from_page=pno, to_page=pno)
    page = doc[0]
    _redact(page, [page.rect], text=False, line_art=True)
    _redact(page, [_inner(c) for c in labels] + _outside_grids(page, layout))
    return doc


def partial(doc: pymupdf.Document, kind: str) -> None:
    """The value cells' text as outlines (curves) or an image; labels and title stay text."""
    for pno in range(doc.page_count):
        page = doc[pno]
        layout = _layout(page)
        labels, values = _label_cells(layout)
        vals = values_only(doc, pno, layout, labels)
        _redact(page, [_inner(c) for c in values])
        if kind == "curves":
            svg = vals[0].get_svg_image(text_as_path=True)
            drawn = pymupdf.open("pdf", pymupdf.open("svg", svg.encode()).convert_to_pdf())
            page.show_pdf_page(page.rect, drawn, 0, overlay=True)
        else:
            x0 = min(g.bbox[0] for g in layout.grids)
            y0 = min(g.bbox[1] for g in layout.grids)
            x1 = max(g.bbox[2] for g in layout.grids)
            y1 = max(g.bbox[3] for g in layout.grids)
            box = pymupdf.Rect(x0, y0, x1, y1)
            pix = vals[0].get_pixmap(dpi=IMAGE_DPI, clip=box, colorspace=pymupdf.csGRAY, alpha=False)
            page.insert_image(box, stream=pix.tobytes("png"), overlay=False)


def blank_labels(doc: pymupdf.Document) -> None:
    for page in doc:
        labels, _ = _label_cells(_layout(page))
        _redact(page, [_inner(c) for c in labels])


def make(spec: dict, out: Path) -> dict:
    folder, stem = spec["source"].rsplit("/", 1)
    truth = json.loads((FIXTURES / folder / f"{stem}.json").read_text(encoding="utf-8"))
    src = pymupdf.open(FIXTURES / folder / truth["file"])
    doc = pymupdf.open()
    pages = spec.get("pages") or list(range(1, src.page_count + 1))
    for p in pages:
        doc.insert_pdf(src, from_page=p - 1, to_page=p - 1)
    rng = random.Random(f"{SEED}:{spec['name']}")
    kind = spec["kind"]
    if kind == "permuted":
        permute(doc, rng)
    elif kind == "pua":
        title = next(ln.text for ln in _layout(doc[0]).free_text if "自评表" in ln.text)
        to_pua(doc, set(title))
    elif kind in ("curves", "image"):
        partial(doc, kind)
    elif kind == "clean":
        blank_labels(doc)
    else:
        raise SystemExit(f"unknown kind {kind}")
    doc.set_metadata({
        "title": "", "author": "", "subject": "", "keywords": "", "creator": "jixiao lying_fixtures",
        "producer": "PyMuPDF", "creationDate": "D:20250301000000Z", "modDate": "D:20250301000000Z",
    })
    path = out / f"{spec['name']}.pdf"
    path.write_bytes(doc.tobytes(garbage=4, deflate=True, no_new_id=True))
    if kind == "clean":
        truth.update(pages=len(pages), status="no_form", forms=[], audit_errors=[])
    else:
        for form in truth["forms"]:
            form["method"] = "ocr"
    truth["file"] = path.name
    (out / f"{spec['name']}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth


def make_all(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for spec in SPECS:
        make(spec, out)


def _summary(path: Path):
    """What --check compares: a truth file's bytes; a PDF's text layer, images and drawing
    items per page (its bytes may differ with the PyMuPDF that wrote it)."""
    if path.suffix != ".pdf":
        return path.read_bytes()
    with pymupdf.open(path) as doc:
        return [(p.get_text("text"), len(p.get_images()), sum(len(d["items"]) for d in p.get_cdrawings())) for p in doc]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="regenerate into a temp dir and compare with fixtures/lying/")
    args = ap.parse_args()
    if not args.check:
        make_all(OUT)
        for spec in SPECS:
            print(f"{spec['name']}: {(OUT / (spec['name'] + '.pdf')).stat().st_size // 1024} KB")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        make_all(Path(tmp))
        differ = [p.name for p in sorted(Path(tmp).iterdir())
                  if not (OUT / p.name).exists() or _summary(OUT / p.name) != _summary(p)]
    if differ:
        print("differ from the committed fixtures:", ", ".join(differ))
        return 1
    print("fixtures/lying/ is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
