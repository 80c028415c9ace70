"""The scan half of scripts/bench.py: jixiao's OCR ingest against a plain PaddleOCR pass."""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
from pathlib import Path

from extract.document import open_document, process_document
from extract.evaluation import compare_form
from extract.ocr.models import model_dirs
from extract.pages.images import page_image


def plain_engine():
    """PaddleOCR's own full-page pipeline on the same weights, with its shipped settings:
    the recogniser's default 320 px input width (ours: models/manifest.toml)."""
    os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
    import yaml
    from paddleocr import PaddleOCR

    dirs = model_dirs()
    rec = dirs["rec"].path.with_name(dirs["rec"].path.name + "-plain")
    if not rec.exists():
        rec.mkdir()
        (rec / "inference.onnx").symlink_to((dirs["rec"].path / "inference.onnx").resolve())
        config = yaml.safe_load((dirs["rec"].path / "inference.yml").read_text(encoding="utf-8"))
        for op in config["PreProcess"]["transform_ops"]:
            if "RecResizeImg" in op:
                op["RecResizeImg"]["image_shape"] = [3, 48, 320]
        (rec / "inference.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return PaddleOCR(
        engine="onnxruntime",
        text_detection_model_name=dirs["det"].name, text_detection_model_dir=str(dirs["det"].path),
        text_recognition_model_name=dirs["rec"].name, text_recognition_model_dir=str(rec),
        use_doc_orientation_classify=False, use_doc_unwarping=False, use_textline_orientation=False,
    )


def plain_pass(engine, path: Path) -> float:
    started = time.perf_counter()
    with open_document(path) as doc:
        for page in doc:
            engine.predict(page_image(page, 200).pixels)
    return time.perf_counter() - started


def main(folder: Path, rounds: int = 2) -> None:
    truths = sorted(folder.glob("*.json"))
    engine = plain_engine()
    process_document(folder / json.loads(truths[0].read_text())["file"], "warm-up")  # load our engine
    ours_t, plain_t, pages = 0.0, 0.0, 0
    fields = {"numeric": [0, 0], "text": [0, 0]}
    silent, forms_found, forms_total, review = 0, 0, 0, 0
    per_doc = []
    for truth_path in truths:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        path = folder / truth["file"]
        # Alternate the two, `rounds` times, and keep each one's median: this machine's
        # speed wanders by tens of percent from minute to minute.
        ours_runs, plain_runs = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            res = process_document(path, path.name)
            ours_runs.append(time.perf_counter() - started)
            plain_runs.append(plain_pass(engine, path))
        ours, plain = statistics.median(ours_runs), statistics.median(plain_runs)
        ours_t, plain_t, pages = ours_t + ours, plain_t + plain, pages + (res.pages or 0)
        per_doc.append((path.name, res.pages, ours / max(1, res.pages or 1), plain / max(1, res.pages or 1)))
        forms_total += len(truth["forms"])
        forms_found += min(len(res.forms), len(truth["forms"]))
        for i, want in enumerate(truth["forms"]):
            form = res.forms[i] if i < len(res.forms) else None
            review += bool(form and form.needs_review)
            for check in compare_form(form, want):
                bucket = fields["numeric" if check.numeric else "text"]
                bucket[0] += check.ok
                bucket[1] += 1
                silent += (not check.ok) and not (form and form.needs_review)
    for name, n, a, b in per_doc:
        print(f"  {name:32} {n} page(s)  jixiao {a:5.2f} s/page  plain PaddleOCR {b:5.2f} s/page")
    num, txt = fields["numeric"], fields["text"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"forms found: {forms_found}/{forms_total}; needs_review: {review}/{forms_found}")
    print(f"numeric fields exact: {num[0]}/{num[1]} = {100 * num[0] / num[1]:.2f}% (target >= 99.5)")
    print(f"text fields exact:    {txt[0]}/{txt[1]} = {100 * txt[0] / txt[1]:.2f}% (target >= 98)")
    print(f"wrong fields in forms not marked needs_review: {silent} (target 0)")
    print(f"jixiao whole ingest: {ours_t / pages:.2f} s/page; plain PaddleOCR pass: {plain_t / pages:.2f} s/page; "
          f"ratio {ours_t / plain_t:.3f} (target <= 0.6); peak RSS {peak_mb:.0f} MB")
