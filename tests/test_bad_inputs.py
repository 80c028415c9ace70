"""Bad input gets a truthful one-line reason; nothing raises out of the document boundary."""

import pytest

from conftest import truth_cases
from extract.document import process_document


@pytest.mark.parametrize("pdf, truth", truth_cases("bad"))
def test_bad_fixture_fails_with_one_line_reason(pdf, truth):
    res = process_document(pdf, pdf.name)
    assert res.status == truth["status"] == "failed"
    assert res.error and "\n" not in res.error
    assert res.forms == []


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("zero.pdf", b"", "empty file"),
        ("page.pdf", b"<html><body>not a pdf</body></html>", "not a PDF"),
        ("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "PDF"),
        ("notes.docx", b"PK\x03\x04 a word file", "not a readable .docx"),
    ],
)
def test_made_up_bad_files(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    res = process_document(path, name)
    assert res.status == "failed"
    assert reason in res.error


def test_text_pdf_without_form_is_no_form(fixtures_dir):
    res = process_document(fixtures_dir / "text" / "no_form_report.pdf", "no_form_report.pdf")
    assert (res.status, res.error, res.forms) == ("no_form", None, [])


def test_a_zip_from_chinese_windows_keeps_its_member_names(tmp_path, fixtures_dir):
    """Member names in GBK without the UTF-8 flag (as Chinese Windows writes them) are read
    as what they say, not as cp437 mojibake."""
    import zipfile

    from extract.inputs import find_inputs

    name = "2024年度部门决算/项目支出绩效自评表.pdf"
    archive = tmp_path / "archive.zip"
    gbk = name.encode("gbk")
    placeholder = b"x" * len(gbk)  # an ASCII name of the same length, then its bytes swapped for GBK
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(placeholder.decode(), (fixtures_dir / "text" / "seed_hongqiao.pdf").read_bytes())
    archive.write_bytes(archive.read_bytes().replace(placeholder, gbk))
    with zipfile.ZipFile(archive) as zf:
        assert not zf.infolist()[0].flag_bits & 0x800
    (found,) = find_inputs([archive])
    assert found.shown == f"archive.zip/{name}"
    assert found.sha256()  # and the member is still read by its stored name


def test_a_damaged_pdf_says_whether_its_repair_held_a_form(tmp_path, fixtures_dir):
    """A PDF cut short is repaired by the reader: where forms survive, they are read and put
    under review; where none does, the row fails saying so — not "repaired" alone, which
    reads as if all were well."""
    whole = (fixtures_dir / "text" / "seed_hongqiao.pdf").read_bytes()
    cut = tmp_path / "cut_xref.pdf"
    cut.write_bytes(whole[: whole.rindex(b"startxref")])  # the cross-reference pointer lost
    res = process_document(cut, cut.name)
    assert res.status == "ok" and len(res.forms) == 3
    assert "repaired by the reader, forms read" in res.error
    assert all(f.needs_review and any("damaged PDF" in r for r in f.review_reasons) for f in res.forms)
    res = process_document(fixtures_dir / "bad" / "truncated.pdf", "truncated.pdf")
    assert res.status == "failed" and "no form could be read" in res.error and "\n" not in res.error


def test_a_7z_archive_is_read_like_a_zip_under_the_same_limits(tmp_path, fixtures_dir):
    """Archives also come as .7z: their forms are read through libarchive, named
    `archive.7z/member`; a member that would inflate past the limits, and a broken archive,
    are failed rows with one-line reasons, and the batch goes on."""
    import libarchive
    import polars as pl

    from extract.batch import IngestConfig, ingest

    pdf = (fixtures_dir / "text" / "two_forms_one_page.pdf").read_bytes()
    inputs = tmp_path / "in"
    inputs.mkdir()
    with libarchive.file_writer(str(inputs / "archive.7z"), "7zip") as archive:
        archive.add_file_from_memory("2024年度/项目支出绩效自评表.pdf", len(pdf), pdf)
        archive.add_file_from_memory("说明.txt", 3, b"abc")
        zeros = 50 << 20
        archive.add_file_from_memory("bomb.pdf", zeros, b"\0" * zeros)
    whole = (inputs / "archive.7z").read_bytes()
    (inputs / "cut.7z").write_bytes(whole[: len(whole) // 2])
    (inputs / "blank.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(200))
    out = tmp_path / "out"
    summary = ingest([inputs], out, IngestConfig(workers=1))
    docs = {r["path"]: r for r in pl.read_parquet(out / "documents.parquet").iter_rows(named=True)}
    assert set(docs) == {"archive.7z/2024年度/项目支出绩效自评表.pdf", "archive.7z/bomb.pdf", "cut.7z", "blank.7z"}
    good = docs["archive.7z/2024年度/项目支出绩效自评表.pdf"]
    assert (good["status"], good["forms"], good["member"]) == ("ok", 2, "2024年度/项目支出绩效自评表.pdf")
    assert docs["archive.7z/bomb.pdf"]["status"] == "failed" and "a bomb?" in docs["archive.7z/bomb.pdf"]["error"]
    for broken in ("cut.7z", "blank.7z"):
        assert docs[broken]["status"] == "failed" and docs[broken]["error"].startswith("corrupt 7z archive: ")
        assert "retcode" not in docs[broken]["error"] and "\n" not in docs[broken]["error"]
    assert summary.forms == 2
