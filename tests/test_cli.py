"""The command line, in process: exit codes, messages, the dataset it writes, re-runs."""

import json
import shutil

import polars as pl
import pytest
from typer.testing import CliRunner

from extract.cli.main import app
from extract.dataset.schema import TABLES

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, fixtures_dir):
    """A copy of the fixture corpus (text + bad) and its truth, ingested once."""
    root = tmp_path_factory.mktemp("corpus")
    for folder in ("text", "bad"):
        shutil.copytree(fixtures_dir / folder, root / "in" / folder, ignore=shutil.ignore_patterns("*.json"))
    truth = {}
    for folder in ("text", "bad"):
        for t in (fixtures_dir / folder).glob("*.json"):
            data = json.loads(t.read_text(encoding="utf-8"))
            truth[f"{folder}/{data['file']}"] = data
    out = root / "out"
    result = runner.invoke(app, ["ingest", str(root / "in"), "--out", str(out), "--workers", "2", "--quiet"])
    return root, out, truth, result


def test_ingest_exits_0_and_writes_every_table(corpus):
    _, out, _, result = corpus
    assert result.exit_code == 0, result.output
    for name, schema in TABLES.items():
        frame = pl.read_parquet(out / f"{name}.parquet")
        assert dict(frame.schema) == schema, name


def test_documents_record_every_file_truthfully(corpus):
    _, out, truth, _ = corpus
    docs = pl.read_parquet(out / "documents.parquet")
    assert sorted(docs["path"].to_list()) == sorted(truth)
    for row in docs.iter_rows(named=True):
        want = truth[row["path"]]
        assert row["status"] == want["status"], row
        assert row["forms"] == len(want["forms"])
        assert len(row["doc_id"]) == 64
        if row["status"] == "failed":
            assert row["error"] and "\n" not in row["error"]
        else:
            assert row["pages"] == want["pages"]


def test_forms_link_to_documents(corpus):
    _, out, truth, _ = corpus
    forms = pl.read_parquet(out / "forms.parquet")
    docs = pl.read_parquet(out / "documents.parquet")
    assert forms.height == sum(len(t["forms"]) for t in truth.values())
    assert forms["form_id"].n_unique() == forms.height
    joined = forms.join(docs, on="doc_id", how="anti")
    assert joined.height == 0
    assert (forms["form_id"] == forms["doc_id"] + ":" + forms["form_index"].cast(pl.String)).all()
    indicators = pl.read_parquet(out / "indicators.parquet")
    assert set(indicators["form_id"]) <= set(forms["form_id"])


def test_lines_and_indicators_carry_their_form_s_project_department_and_year(corpus):
    """No analysis has to start with a join on a 64-hex id."""
    _, out, _, _ = corpus
    forms = pl.read_parquet(out / "forms.parquet").select("form_id", "project_name", "department", "year")
    for table in ("indicators", "fund_lines"):
        rows = pl.read_parquet(out / f"{table}.parquet")
        assert rows.height > 0
        joined = rows.join(forms, on="form_id", suffix="_form")
        assert joined.height == rows.height
        for column in ("project_name", "department", "year"):
            assert joined[column].equals(joined[column + "_form"], null_equal=True), (table, column)


def test_rerun_skips_done_files_and_adds_new_ones(corpus, fixtures_dir):
    root, out, _, _ = corpus
    before = {name: pl.read_parquet(out / f"{name}.parquet") for name in TABLES}
    again = runner.invoke(app, ["ingest", str(root / "in"), "--out", str(out), "--quiet"])
    assert again.exit_code == 0
    for name in TABLES:
        assert pl.read_parquet(out / f"{name}.parquet").equals(before[name]), name
    extra = root / "extra"
    extra.mkdir()
    (extra / "new.pdf").write_bytes(b"%PDF-1.4 broken")
    runner.invoke(app, ["ingest", str(extra), "--out", str(out), "--quiet"])
    docs = pl.read_parquet(out / "documents.parquet")
    assert docs.height == before["documents"].height + 1
    assert docs.filter(pl.col("path") == "new.pdf")["status"].to_list() == ["failed"]


def test_strict_exits_1_and_names_failures(tmp_path, fixtures_dir):
    result = runner.invoke(app, ["ingest", str(fixtures_dir / "bad"), "--out", str(tmp_path), "--strict", "-q", "--workers", "1"])
    assert result.exit_code == 1
    assert "failed: empty.pdf: empty file (0 bytes)" in result.stderr


def test_missing_input_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unwritable_out_is_a_one_line_usage_error(tmp_path, fixtures_dir):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["ingest", str(fixtures_dir / "bad"), "--out", str(blocker / "sub")])
    assert result.exit_code == 2
    assert result.stderr.startswith("jixiao: cannot write to") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["ingest", "show"])
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


@pytest.mark.parametrize("args, option, choices", [
    (["ingest", "x.pdf", "--out", "o", "--ocr", "sometimes"], "--ocr", "auto, always, never"),
    (["export", ".", "--format", "ods"], "--format", "xlsx, csv"),
    (["report", ".", "--crops", "some"], "--crops", "all, flagged, none"),
    (["show", "x.pdf", "--layer", "glyphs"], "--layer", "rules, lines, cells, words, fields"),
])
def test_a_wrong_choice_is_named_with_the_choices(args, option, choices, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': '{args[-1]}' is not one of {choices}" in result.output
    assert "Value error" not in result.output


def test_help_names_what_an_option_takes_not_its_python_type():
    for command in ("ingest", "show", "report", "audit", "export"):
        text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output
        assert not any(t in text for t in ("<bool>", "<int range>", "<float range>", "Value error")), command
    assert "--ocr <auto|always|never>" in runner.invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"}).output


def test_show_prints_the_forms(fixtures_dir):
    result = runner.invoke(app, ["show", str(fixtures_dir / "text" / "seed_hongqiao.pdf"), "--form", "1"], env={"COLUMNS": "240"})
    assert result.exit_code == 0
    assert "虹桥国际中央商务区企业服务专项" in result.stdout
    assert "吸引优质企业落地虹桥" in result.stdout


def test_a_run_killed_between_two_writes_leaves_no_duplicate(tmp_path, fixtures_dir):
    """documents.parquet is written last: forms written for a document it does not list yet
    are dropped on reading, and the re-run reads that document again, once."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(fixtures_dir / "text" / "seed_hongqiao.pdf", src)
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", str(src), "--out", str(out), "-q", "--workers", "1"]).exit_code == 0
    whole = {name: pl.read_parquet(out / f"{name}.parquet") for name in ("forms", "indicators")}
    # A kill after the forms were written but before documents.parquet was:
    pl.DataFrame(schema=TABLES["documents"]).write_parquet(out / "documents.parquet")
    assert runner.invoke(app, ["ingest", str(src), "--out", str(out), "-q", "--workers", "1"]).exit_code == 0
    for name, frame in whole.items():
        assert pl.read_parquet(out / f"{name}.parquet").equals(frame), name


def test_byte_identical_files_are_read_once_and_every_path_recorded(tmp_path, fixtures_dir):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(fixtures_dir / "text" / "two_forms_one_page.pdf", src / "a.pdf")
    shutil.copy(fixtures_dir / "text" / "two_forms_one_page.pdf", src / "sub" / "b.pdf")
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", str(src), "--out", str(out), "-q", "--workers", "1"]).exit_code == 0
    docs = pl.read_parquet(out / "documents.parquet").sort("path")
    assert docs["path"].to_list() == ["a.pdf", "sub/b.pdf"]
    assert docs["doc_id"].n_unique() == 1
    assert docs["forms"].to_list() == [2, 2] and docs["duplicate_of"].to_list() == [None, "a.pdf"]
    assert pl.read_parquet(out / "forms.parquet").height == 2  # the forms once
    shutil.copy(fixtures_dir / "text" / "two_forms_one_page.pdf", src / "c.pdf")  # a later run, a third copy
    assert runner.invoke(app, ["ingest", str(src), "--out", str(out), "-q", "--workers", "1"]).exit_code == 0
    docs = pl.read_parquet(out / "documents.parquet").sort("path")
    assert docs["path"].to_list() == ["a.pdf", "c.pdf", "sub/b.pdf"]
    assert pl.read_parquet(out / "forms.parquet").height == 2


def test_progress_is_one_line_per_document_when_not_a_terminal(tmp_path, fixtures_dir):
    result = runner.invoke(app, ["ingest", str(fixtures_dir / "bad"), "--out", str(tmp_path), "--workers", "1"])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == "4 file(s) to read, 0 already done"
    assert sorted(line.split("]", 1)[0] for line in lines[1:]) == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert "failed" in lines[1]
    quiet = runner.invoke(app, ["ingest", str(fixtures_dir / "bad"), "--out", str(tmp_path / "q"), "-q"])
    assert quiet.stderr == "" and quiet.stdout == ""


def test_a_rerun_that_skips_everything_still_tells_what_the_dataset_holds(corpus):
    root, out, _, _ = corpus
    again = runner.invoke(app, ["ingest", str(root / "in"), "--out", str(out)])
    forms = pl.read_parquet(out / "forms.parquet").height
    docs = pl.read_parquet(out / "documents.parquet").height
    assert f"dataset: {docs} document(s), {forms} form(s)" in again.stdout


@pytest.mark.parametrize("content", [None, "notes.txt"])
def test_no_input_under_the_paths_is_a_usage_error(tmp_path, content):
    folder = tmp_path / "in"
    folder.mkdir()
    if content:
        (folder / content).write_text("not a form")
    result = runner.invoke(app, ["ingest", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"jixiao: no PDF, scan image or archive (.zip, .7z, .rar) under {folder}"
    assert not (tmp_path / "out" / "documents.parquet").exists()
