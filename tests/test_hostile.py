"""Hostile inputs in one batch: each reported truthfully in documents.parquet, nothing
written outside --out, exit status 0."""

import zipfile

import numpy as np
import polars as pl
import pymupdf
import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from extract.cli.main import app

pytest.importorskip("paddleocr", reason="the image inputs need the OCR extra")
pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    src = root / "in"
    src.mkdir()
    (src / "zero.pdf").write_bytes(b"")
    for name in ("truncated.pdf", "encrypted.pdf", "not_a_pdf.pdf"):
        (src / name).write_bytes((FIXTURES / "bad" / name).read_bytes())
    (src / "no_pages.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    blank = pymupdf.open()
    for _ in range(200):
        blank.new_page()
    blank.save(src / "blank_200.pdf")
    from PIL import Image

    Image.new("L", (12000, 12000), 255).save(src / "huge.png")
    rng = np.random.default_rng(1)
    photo = (np.linspace(0, 255, 1500)[:, None] * 0.5 + rng.normal(120, 30, (1500, 2000))).clip(0, 255).astype(np.uint8)
    Image.fromarray(photo).save(src / "photo.jpg", quality=80)
    (src / "garbage.tiff").write_bytes(b"II*\x00" + bytes(rng.integers(0, 256, 5000, dtype=np.uint8)))
    with zipfile.ZipFile(src / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.pdf", b"\0" * (50 << 20))
    with zipfile.ZipFile(src / "climb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../escaped.pdf", (FIXTURES / "text" / "two_forms_one_page.pdf").read_bytes())
    out = root / "out"
    result = CliRunner().invoke(app, ["ingest", str(src), "--out", str(out), "-q", "--workers", "2"])
    docs = {r["path"]: r for r in pl.read_parquet(out / "documents.parquet").iter_rows(named=True)}
    return root, result, docs


def test_exit_0_and_every_file_recorded(batch):
    _, result, docs = batch
    assert result.exit_code == 0, result.output
    assert len(docs) == 11


@pytest.mark.parametrize(
    "path, status, reason",
    [
        ("zero.pdf", "failed", "empty file"),
        ("truncated.pdf", "failed", "damaged PDF"),
        ("encrypted.pdf", "failed", "encrypted PDF"),
        ("not_a_pdf.pdf", "failed", "not a PDF"),
        ("no_pages.pdf", "failed", "PDF with no pages"),
        ("blank_200.pdf", "no_form", None),
        ("huge.png", "no_form", None),
        ("photo.jpg", "no_form", None),
        ("garbage.tiff", "failed", "unreadable image"),
        ("bomb.zip/bomb.pdf", "failed", "zip bomb"),
        ("climb.zip/../../escaped.pdf", "ok", None),
    ],
)
def test_each_hostile_file_is_reported_truthfully(batch, path, status, reason):
    _, _, docs = batch
    row = docs[path]
    assert row["status"] == status, row
    if reason:
        assert reason in row["error"] and "\n" not in row["error"]


def test_nothing_written_outside_out(batch):
    root, _, docs = batch
    assert docs["climb.zip/../../escaped.pdf"]["forms"] == 2
    assert not list(root.parent.rglob("escaped.pdf")) and not list(root.rglob("escaped.pdf"))
    assert sorted(p.name for p in root.iterdir()) == ["in", "out"]
