"""Scanned fixtures: text fixtures degraded the way scanners degrade paper.

Each spec takes a rendered text fixture (its truth is known) and turns pages into scans:
greyscale or colour JPEG at 150–300 dpi, skewed up to ±2°, blurred, noisy, a red seal
stamped over the table, a page turned 90° or 180°; written as an image-only PDF or as
TIFF/PNG/JPEG files. The truth is the text fixture's, with method "ocr".

Needs numpy, opencv and Pillow (the OCR extra brings them). Deterministic: a fixed seed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pymupdf

SEED = 20241126

# name, source text fixture, output kind, pages (1-based, None = all), per-page degradation
SCANS = [
    dict(name="seed_hongqiao_scan", source="seed_hongqiao", kind="pdf", dpi=200, colour=False,
         skew=[1.2, -0.8, 0.5, -1.5, 2.0], seal=[1, 5], noise=4.0, blur=0.6, quality=60),
    dict(name="two_forms_colour_seal", source="two_forms_one_page", kind="pdf", dpi=300, colour=True,
         skew=[-1.5], seal=[1], noise=4.0, blur=0.8, quality=80),
    dict(name="split_row_150dpi", source="split_row_values_second", kind="pdf", dpi=150, colour=False,
         skew=[0.8, -0.4], seal=[], noise=8.0, blur=0.7, quality=65),
    dict(name="two_forms_turned", source="two_forms_one_page", kind="png", dpi=200, colour=False,
         skew=[0.6], seal=[], noise=0.0, blur=0.5, turn=90),
    dict(name="long_forms_multipage", source="long_forms_repeat_header", kind="tiff", dpi=200, colour=False,
         skew=[-0.7, 1.0, -1.8], seal=[2], noise=4.0, blur=0.6, quality=70),
    dict(name="two_forms_upside_down", source="two_forms_one_page", kind="jpeg", dpi=180, colour=True,
         skew=[-1.0], seal=[1], noise=5.0, blur=0.5, turn=180, quality=80),
]


def _seal(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A red round seal (ring, star, text) blended like ink over the lower half of the page."""
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    h, w = img.shape[:2]
    r = int(min(h, w) * 0.09)
    cx = int(w * rng.uniform(0.55, 0.75))
    cy = int(h * rng.uniform(0.45, 0.7))
    stamp = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(stamp)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=max(3, r // 18))
    star = [(cx + r * 0.3 * np.cos(np.pi / 2 + k * 4 * np.pi / 5), cy - r * 0.3 * np.sin(np.pi / 2 + k * 4 * np.pi / 5))
            for k in range(5)]
    draw.polygon(star, fill=255)
    font = ImageFont.truetype(io.BytesIO(pymupdf.Font("china-s").buffer), size=max(12, r // 4))
    text = "江城市审计测试局"
    for i, ch in enumerate(text):
        angle = np.pi * (1.15 - 1.3 * i / (len(text) - 1))
        x, y = cx + 0.72 * r * np.cos(angle), cy - 0.72 * r * np.sin(angle)
        draw.text((x, y), ch, fill=255, font=font, anchor="mm")
    mask = np.asarray(stamp, dtype=np.float32) / 255 * rng.uniform(0.6, 0.85)
    mask = cv2.GaussianBlur(mask, (3, 3), 0.8)
    red = np.array([40, 40, 210], dtype=np.float32)  # BGR
    out = img.astype(np.float32)
    ink = out * (1 - mask[:, :, None]) + np.minimum(out, red) * mask[:, :, None]
    return ink.astype(np.uint8)


def _degrade(img: np.ndarray, spec: dict, page: int, rng: np.random.Generator) -> np.ndarray:
    import cv2

    if page in spec["seal"]:
        img = _seal(img, rng)
    skew = spec["skew"][(page - 1) % len(spec["skew"])]
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    img = cv2.GaussianBlur(img, (3, 3), spec["blur"])
    noise = rng.normal(0, spec["noise"], img.shape)
    img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if not spec["colour"]:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if spec.get("bilevel"):
        img = np.where(img < 150, 0, 255).astype(np.uint8)
    turn = spec.get("turn", 0)
    if turn:
        img = np.ascontiguousarray(np.rot90(img, -turn // 90))  # clockwise, as a scanner feeds it
    return img


def _render(src: Path, spec: dict, rng: np.random.Generator) -> list[tuple[np.ndarray, pymupdf.Rect]]:
    pages = []
    with pymupdf.open(src) as doc:
        for page in doc:
            pix = page.get_pixmap(dpi=spec["dpi"])
            rgb = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, :3]
            pages.append((_degrade(np.ascontiguousarray(rgb[:, :, ::-1]), spec, page.number + 1, rng), page.rect))
    return pages


def _encode_jpeg(img: np.ndarray, quality: int) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


def _write(pages, spec: dict, out: Path) -> Path:
    from PIL import Image

    kind = spec["kind"]
    if kind == "pdf":
        doc = pymupdf.open()
        for img, rect in pages:
            page = doc.new_page(width=rect.width, height=rect.height)
            page.insert_image(page.rect, stream=_encode_jpeg(img, spec.get("quality", 75)))
        path = out / f"{spec['name']}.pdf"
        doc.save(path, garbage=4, deflate=True, no_new_id=True)
        return path

    def pil(img):
        image = Image.fromarray(img if img.ndim == 2 else img[:, :, ::-1])
        return image.convert("1") if spec.get("bilevel") else image

    dpi = (spec["dpi"], spec["dpi"])
    if kind == "tiff":
        path = out / f"{spec['name']}.tiff"
        first, *rest = [pil(img) for img, _ in pages]
        first.save(path, save_all=True, append_images=rest, compression="jpeg", quality=spec.get("quality", 75), dpi=dpi)
    elif kind == "png":
        assert len(pages) == 1
        path = out / f"{spec['name']}.png"
        pil(pages[0][0]).save(path, dpi=dpi, optimize=True)
    else:
        assert len(pages) == 1, "a JPEG holds one page"
        path = out / f"{spec['name']}.jpg"
        pil(pages[0][0]).save(path, quality=spec.get("quality", 75), dpi=dpi)
    return path


def make_scans(
    textdir: Path, scandir: Path, specs: list[dict] | None = None, seed: int = SEED
) -> list[tuple[str, dict]]:
    """Scan `specs` (default SCANS) of the text fixtures in textdir into scandir; one random
    stream per call, so adding a set of specs elsewhere leaves these bytes unchanged."""
    scandir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    results = []
    for spec in SCANS if specs is None else specs:
        truth = json.loads((textdir / f"{spec['source']}.json").read_text(encoding="utf-8"))
        pages = _render(textdir / truth["file"], spec, rng)
        path = _write(pages, spec, scandir)
        for form in truth["forms"]:
            form["method"] = "ocr"
        truth["file"] = path.name
        (scandir / f"{spec['name']}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        results.append((spec["name"], truth))
    return results
