"""`jixiao export`: the dataset as an xlsx workbook or CSV files, read back as a spreadsheet
user's program would read them."""

import json
import tomllib

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from extract.audit import CONSISTENCY, FINDINGS
from extract.batch import IngestConfig, ingest
from extract.cli.main import app
from extract.dataset import export
from extract.dataset.export import (
    LABELS_PATH,
    column_labels,
    column_width,
    display_width,
    export_csv,
    export_xlsx,
    flatten,
    sheet_name,
)
from extract.dataset.load import TABLE_ORDER, load_tables
from extract.dataset.schema import TABLES

runner = CliRunner()
SEED, FAULTS = "seed_hongqiao", "audit_planted_faults"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, fixtures_dir):
    out = tmp_path_factory.mktemp("dataset")
    ingest([fixtures_dir / "text" / f"{name}.pdf" for name in (SEED, FAULTS)], out, IngestConfig(workers=1))
    return out


@pytest.fixture(scope="module")
def tables(dataset):
    return load_tables(dataset)


@pytest.fixture(scope="module")
def truth(fixtures_dir):
    return json.loads((fixtures_dir / "text" / f"{SEED}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def book_en(tables, tmp_path_factory):
    path = export_xlsx(tables, tmp_path_factory.mktemp("en") / "en.xlsx")
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def book_zh(tables, tmp_path_factory):
    path = export_xlsx(tables, tmp_path_factory.mktemp("zh") / "zh.xlsx", labels="zh")
    return openpyxl.load_workbook(path)


def _headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


def _column(ws, header: str) -> list:
    c = _headers(ws).index(header) + 1
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=c, max_col=c, values_only=True)]


def _widths(ws) -> dict[int, float]:
    """Column index (1-based) → width; openpyxl groups equal neighbours into one range."""
    out = {}
    for dim in ws.column_dimensions.values():
        for c in range(dim.min, dim.max + 1):
            out[c] = dim.width
    return out


def test_one_sheet_per_table_in_order(tables, book_en):
    assert list(tables)[:6] == list(TABLE_ORDER)[:6]  # ingest audits: findings and consistency are there (corrections: when any)
    assert set(tables) <= set(TABLES) | {"findings", "consistency"}
    assert book_en.sheetnames == list(tables)


def test_zh_sheet_names_are_chinese(book_zh, tables):
    assert book_zh.sheetnames[:5] == ["文件", "自评表", "项目资金", "绩效指标", "审核发现"]
    assert book_zh.sheetnames == [sheet_name(t, "zh") for t in tables]


def test_header_row_is_frozen_bold_and_filtered(book_en, tables):
    for ws in book_en.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref.startswith("A1:"), ws.title
        assert all(c.font.bold for c in ws[1]), ws.title
        assert ws.max_row == tables[ws.title].height + 1


def test_zh_headers_are_the_forms_own_words(book_zh, tables):
    forms = _headers(book_zh["自评表"])
    flat = flatten(tables["forms"]).columns
    for column, label in {"project_name": "项目名称", "department": "主管部门", "budget_full_year": "全年预算数",
                          "executed": "全年执行数", "execution_rate_pct": "执行率(%)", "total_score": "总分得分",
                          "grade": "评分等级", "form_id": "表单编号", "needs_review": "需复核"}.items():
        assert forms[flat.index(column)] == label
    indicators = _headers(book_zh["绩效指标"])
    flat = flatten(tables["indicators"]).columns
    for column, label in {"level1": "一级指标", "target": "年度指标值", "actual": "实际完成值", "weight": "分值",
                          "score": "得分", "deviation_note": "偏差原因分析及改进措施"}.items():
        assert indicators[flat.index(column)] == label
    assert _headers(book_zh["审核发现"])[:3] == ["表单编号", "检查项", "严重程度"]


def test_numbers_are_numeric_cells_equal_to_the_dataset(book_en, tables, truth):
    ws = book_en["forms"]
    forms = tables["forms"]
    for header in ("total_score", "budget_full_year", "executed", "execution_rate_pct", "year", "form_index"):
        cells = _column(ws, header)
        assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells if v is not None), header
        assert cells == forms[header].to_list(), header
    seed = dict(zip(_column(ws, "path"), _column(ws, "total_score"), strict=True))
    by_project = dict(zip(_column(ws, "project_name"), _column(ws, "total_score"), strict=True))
    assert f"{SEED}.pdf" in seed
    for form in truth["forms"]:
        assert by_project[form["project_name"]] == form["total_score"]
    assert all(isinstance(v, bool) for v in _column(ws, "needs_review"))


def test_nulls_are_empty_cells(book_en, tables):
    indicators = tables["indicators"]
    cells = _column(book_en["indicators"], "target_value")
    assert indicators["target_value"].null_count() > 0  # qualitative rows
    assert [v is None for v in cells] == indicators["target_value"].is_null().to_list()


def test_structs_are_flattened(book_en, tables):
    headers = _headers(book_en["forms"])
    assert "decimals" not in headers
    assert _column(book_en["forms"], "decimals.total_score") == tables["forms"]["decimals"].struct.field("total_score").to_list()
    assert {"decimals.weight", "decimals.score"} <= set(_headers(book_en["indicators"]))


def test_number_formats_and_wrapped_text(book_en):
    ws = book_en["forms"]
    headers = _headers(ws)
    row = ws[2]
    assert row[headers.index("budget_full_year")].number_format == "#,##0.00##"
    assert row[headers.index("execution_rate_pct")].number_format == "0.00"
    assert not row[headers.index("template")].alignment.wrap_text
    goals = [r[headers.index("goal_planned")] for r in ws.iter_rows(min_row=2)]
    long = [c for c in goals if c.value and "\n" in c.value]  # the seed's numbered paragraphs
    short = [c for c in goals if c.value and display_width(c.value) < 55]
    assert long and short
    assert all(c.alignment.wrap_text for c in long) and not any(c.alignment.wrap_text for c in short)


def test_chinese_columns_are_wider(book_en):
    assert display_width("项目名称") == 8 and display_width("ab\n中文字") == 6
    assert column_width("x", ["中文中文中文"]) > column_width("x", ["abcdef"])
    assert column_width("x", ["短"]) == 6 and column_width("x", ["长" * 100]) == 60
    ws = book_en["forms"]
    headers = _headers(ws)
    widths = _widths(ws)
    chinese = widths[headers.index("project_name") + 1]
    ascii_ = widths[headers.index("template") + 1]  # 'mof2020'
    assert chinese > ascii_ and chinese <= 61


def test_a_table_longer_than_a_sheet_continues(tables, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "EXCEL_ROWS", 11)  # 10 rows a sheet
    book = openpyxl.load_workbook(export_xlsx({"indicators": tables["indicators"]}, tmp_path / "x.xlsx"))
    n = tables["indicators"].height
    assert book.sheetnames == ["indicators"] + [f"indicators ({k})" for k in range(2, -(-n // 10) + 1)]
    assert sum(ws.max_row - 1 for ws in book.worksheets) == n
    assert _headers(book.worksheets[-1]) == _headers(book.worksheets[0])


def test_csv_has_a_bom_and_reads_back_equal(tables, tmp_path):
    written = export_csv(tables, tmp_path)
    assert [p.name for p in written] == [f"{t}.csv" for t in tables]
    for name, frame in tables.items():
        path = tmp_path / f"{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        flat = flatten(frame)
        back = pl.read_csv(path, schema=flat.schema)
        assert back.equals(flat), name


def test_csv_zh_headers(tables, tmp_path):
    export_csv(tables, tmp_path, labels="zh")
    head = (tmp_path / "forms.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert head[:2] == ["表单编号", "文件编号"] and "项目名称" in head and "全年预算数" in head
    back = pl.read_csv(tmp_path / "indicators.csv", infer_schema=False)
    assert back.columns == column_labels("indicators", flatten(tables["indicators"]).columns, "zh")


def test_labels_cover_every_column_of_every_table():
    """A column added to the schema needs its Chinese header in labels.toml."""
    zh = tomllib.loads(LABELS_PATH.read_text(encoding="utf-8"))
    from extract.dataset.dictionary import schemas  # the tables as read: the journal's columns too

    for table, schema in schemas().items():
        columns = flatten(pl.DataFrame(schema=schema)).columns
        missing = [c for c in columns if c not in zh.get(table, {})]
        assert not missing, f"labels.toml [{table}] lacks {missing}"
        labels = column_labels(table, columns, "zh")
        assert len(set(labels)) == len(labels), f"[{table}] labels repeat"
        assert table in zh["sheet_names"], table
    sheets = list(zh["sheet_names"].values())
    assert len(set(sheets)) == len(sheets) and all(len(s) <= 31 for s in sheets)


def test_unknown_columns_keep_their_names():
    assert column_labels("forms", ["project_name", "new_column"], "zh") == ["项目名称", "new_column"]
    assert column_labels("nope", ["a"], "zh") == ["a"] and sheet_name("nope", "zh") == "nope"
    assert column_labels("forms", ["project_name", "project_name"], "zh") == ["项目名称", "项目名称 (project_name)"]


def test_cli_writes_the_default_outputs(dataset):
    result = runner.invoke(app, ["export", str(dataset), "--format", "xlsx", "--labels", "zh"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {dataset / 'jixiao.xlsx'}\n" and result.stdout == ""
    book = openpyxl.load_workbook(dataset / "jixiao.xlsx")
    assert "项目名称" in _headers(book["自评表"])
    result = runner.invoke(app, ["export", str(dataset), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert (dataset / "csv" / "forms.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_usage_errors_are_one_line(tmp_path, dataset):
    result = runner.invoke(app, ["export", str(tmp_path), "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"jixiao: {tmp_path}: no dataset here") and result.stderr.count("\n") == 1
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for fmt, out in (("xlsx", blocker / "x.xlsx"), ("csv", blocker)):
        result = runner.invoke(app, ["export", str(dataset), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 2, fmt
        assert result.stderr.startswith(f"jixiao: cannot write to {out}") and result.stderr.count("\n") == 1
        assert "Traceback" not in result.output
