"""Regional variants of the form (DOMAIN.md), text and scanned, against the truth they were
rendered from; the family recorded in forms.template; the audit following the family."""

from __future__ import annotations

import json

import polars as pl
import pytest

from compare import form_differences
from conftest import FIXTURES, truth_cases
from extract.audit import audit_dataset
from extract.dataset import to_frames
from extract.document import process_document
from extract.evaluation import compare_form

FAMILIES = {"central_pre2020", "sichuan", "yunnan", "hubei", "anhui", "dept_overall"}
# Fields that tell the families apart: exact on scans too.
FAMILY_FIELDS = ("template", "funds_weight", "grade", "department", "project_name")
FAMILY_ROW_FIELDS = ("level1", "level1_weight", "goal_index", "weight", "score")
# Where the operator has a column of its own, it is a family field too (an operator inside
# a target's text, "≥3000台", may be misread: that puts the form under review).
SPLIT_TARGET_FAMILIES = {"sichuan", "yunnan"}
# PP-OCRv4's character set holds neither ≧ ≦ nor ═: a scan reads them as the operator they
# mean (the shape of a lone operator's ink is read in extract/ocr/glyphs.py).
SCAN_LOOKALIKES = str.maketrans({"≧": "≥", "≦": "≤", "═": "="})
MIN_NUMERIC_SHARE = 0.97
MIN_TEXT_SHARE = 0.90


def _read(name: str, folder: str):
    truth = json.loads((FIXTURES / folder / f"{name}.json").read_text("utf-8"))
    path = FIXTURES / folder / truth["file"]
    return process_document(path, path.name), truth


def test_every_family_has_a_text_and_a_scanned_fixture():
    text = {json.loads(p.read_text("utf-8"))["forms"][0]["template"] for p in (FIXTURES / "variants" / "text").glob("*.json")}
    scans = {json.loads(p.read_text("utf-8"))["forms"][0]["template"] for p in (FIXTURES / "variants" / "scans").glob("*.json")}
    assert FAMILIES <= text and FAMILIES <= scans


@pytest.mark.parametrize("pdf, truth", truth_cases("variants/text"))
def test_variant_text_fixture_matches_truth_field_for_field(pdf, truth):
    res = process_document(pdf, pdf.name)
    assert res.status == "ok", res.error
    assert len(res.forms) == len(truth["forms"])
    diffs = [d for form, want in zip(res.forms, truth["forms"]) for d in form_differences(form, want)]
    assert not diffs, "\n".join(diffs)


def test_unknown_labels_keep_the_rest_and_are_named():
    """Two columns no lexicon entry knows: every other field is read, the form is under
    review, and an info finding names both labels for the lexicon."""
    res, truth = _read("unknown_labels", "variants/text")
    (form,) = res.forms
    assert form.unmapped_labels == ["资金到位率", "评分依据"]
    assert form.needs_review and any("资金到位率" in r for r in form.review_reasons)
    assert not form_differences(form, truth["forms"][0])  # the other fields, all right
    findings = audit_dataset(to_frames([res]))
    named = findings.filter(pl.col("check") == "form.unmapped_labels")
    assert named["severity"].to_list() == ["info"] and named["source"].to_list() == ["extraction"]
    assert named["found"][0] == "资金到位率、评分依据"


def test_the_audit_follows_the_family():
    """Hubei's 20-point budget and Sichuan's 10 + 90 are their rule, not a departure;
    Anhui's first-level labels set the split its rows are held to."""
    results = [_read(name, "variants/text")[0] for name in ("hubei", "sichuan", "anhui")]
    findings = audit_dataset(to_frames(results))
    by_form = {f"{r.doc_id}:0": r.forms[0].template for r in results}
    split = findings.filter(pl.col("check") == "weights.default_split")
    assert not split.filter(pl.col("form_id").is_in(list(by_form))).height, split
    assert not findings.filter(pl.col("severity") == "error").height
    hubei = results[0].forms[0]
    assert hubei.funds_weight == 20 and hubei.total_weight == 20 + sum(i.weight for i in hubei.indicators)


def test_a_declared_first_level_weight_is_checked(tmp_path):
    res, _ = _read("anhui", "variants/text")
    ind = next(i for i in res.forms[0].indicators if i.level1 == "效益指标")
    ind.weight += 5  # the rows under 效益指标(30分) now add up to 35
    findings = audit_dataset(to_frames([res]))
    hits = findings.filter(pl.col("check") == "weights.level1_declared")
    assert [float(v) for v in hits["expected"]] == [30] and [float(v) for v in hits["found"]] == [35]
    assert hits["severity"].to_list() == ["error"] and "效益指标" in hits["message"][0]


@pytest.mark.ocr
@pytest.mark.parametrize("pdf, truth", truth_cases("variants/scans"))
def test_variant_scan_reads_every_form_and_flags_every_error(pdf, truth):
    pytest.importorskip("paddleocr", reason="the OCR extra is not installed")
    res = process_document(pdf, pdf.name)
    assert res.status == "ok" and res.method == "ocr", res.error
    assert len(res.forms) == len(truth["forms"])
    numeric, text, silent, family = [], [], [], []
    for form, want in zip(res.forms, truth["forms"]):
        want = json.loads(json.dumps(want, ensure_ascii=False).translate(SCAN_LOOKALIKES))
        for check in compare_form(form, want):
            (numeric if check.numeric else text).append(check.ok)
            if not check.ok and not form.needs_review:
                silent.append(f"{check.where}: {check.got!r} ≠ {check.want!r}")
            field = check.where.rsplit(".", 1)[-1]
            row_fields = FAMILY_ROW_FIELDS + (("target_op",) if want["template"] in SPLIT_TARGET_FAMILIES else ())
            if not check.ok and (field in row_fields if "]." in check.where else field in FAMILY_FIELDS):
                family.append(f"{check.where}: {check.got!r} ≠ {check.want!r}")
    assert not silent, f"wrong but not flagged: {silent}"
    assert not family, family
    assert sum(numeric) / len(numeric) >= MIN_NUMERIC_SHARE
    assert sum(text) / len(text) >= MIN_TEXT_SHARE


def test_a_declared_goal_weight_is_checked():
    """Hubei's goal blocks declare 40 points each: their rows are held to it."""
    res, _ = _read("hubei", "variants/text")
    inds = res.forms[0].indicators
    assert {(i.goal_index, i.goal_weight) for i in inds} == {(1, 40.0), (2, 40.0)}
    assert not audit_dataset(to_frames([res])).filter(pl.col("check") == "weights.goal_declared").height
    next(i for i in inds if i.goal_index == 2).weight -= 5  # block 2 now adds up to 35
    hits = audit_dataset(to_frames([res])).filter(pl.col("check") == "weights.goal_declared")
    assert [float(v) for v in hits["found"]] == [35] and "年度绩效目标2" in hits["message"][0]
