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


def score(folder: Path, truths: list[Path]) -> None:
    """Every field of every scanned form against its truth."""
    fields = {"numeric": [0, 0], "text": [0, 0]}
    silent, forms_found, forms_total, review = 0, 0, 0, 0
    for truth_path in truths:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        res = process_document(folder / truth["file"], truth["file"])
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
    num, txt = fields["numeric"], fields["text"]
    print(f"forms found: {forms_found}/{forms_total}; needs_review: {review}/{forms_found}")
    print(f"numeric fields exact: {num[0]}/{num[1]} = {100 * num[0] / num[1]:.2f}% (target >= 99.5)")
    print(f"text fields exact:    {txt[0]}/{txt[1]} = {100 * txt[0] / txt[1]:.2f}% (target >= 98)")
    print(f"wrong fields in forms not marked needs_review: {silent} (target 0)")


def main(folder: Path, rounds: int = 2) -> None:
    import tempfile

    from extract.batch import IngestConfig, ingest

    truths = sorted(folder.glob("*.json"))
    files = [folder / json.loads(t.read_text(encoding="utf-8"))["file"] for t in truths]
    pages = sum(open_document(f).page_count for f in files)
    score(folder, truths)
    engine = plain_engine()
    ours, plain = [], []
    # The whole ingest as `jixiao ingest` runs it (worker processes, default count, model
    # loading, dataset and audit included) against PaddleOCR's plain pass over the same
    # pages, alternated: this machine's speed wanders by tens of percent between minutes.
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            summary = ingest(files, Path(out), IngestConfig())
            ours.append(time.perf_counter() - started)
        assert summary.ok == len(files), summary
        plain.append(sum(plain_pass(engine, f) for f in files))
    a, b = statistics.median(ours), statistics.median(plain)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rounds: jixiao {[round(x, 1) for x in ours]} s, plain {[round(x, 1) for x in plain]} s over {pages} pages")
    print(f"jixiao whole ingest ({IngestConfig().workers} workers): {a / pages:.2f} s/page; "
          f"plain PaddleOCR pass: {b / pages:.2f} s/page; ratio {a / b:.3f} (target <= 0.6); "
          f"peak RSS of this process {peak_mb:.0f} MB")
