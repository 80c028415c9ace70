"""Printed values → numbers and measures, on the spellings seen in real forms."""

import pytest

from extract.values import Measure, normalize, parse_measure, parse_number


@pytest.mark.parametrize(
    "printed, value",
    [
        ("110.00", 110.0),
        ("215,457.6", 215457.6),
        ("1,215,457.60", 1215457.6),
        ("207.4538", 207.4538),
        ("93.27%", 93.27),
        ("0", 0.0),
        (" 10.00 ", 10.0),
        ("—", None),
        ("-", None),
        ("－", None),
        ("/", None),
        ("", None),
        ("——", None),
    ],
)
def test_numbers(printed, value):
    parsed = parse_number(printed)
    assert parsed.readable
    assert parsed.value == value


@pytest.mark.parametrize("printed", ["abc", "1O.00", "12,34", "9.3.3", "达成指标"])
def test_unreadable_numbers_are_flagged_not_guessed(printed):
    parsed = parse_number(printed)
    assert parsed.value is None and not parsed.readable


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("≥4.00(份)", Measure(">=", 4.0, "份")),
        (">90.00(百分比)", Measure(">", 90.0, "%")),
        ("＞90%", Measure(">", 90.0, "%")),
        ("93.00(百分比)", Measure(None, 93.0, "%")),
        (">=95%", Measure(">=", 95.0, "%")),
        ("=100%", Measure("=", 100.0, "%")),
        ("＝100%", Measure("=", 100.0, "%")),
        ("═100%", Measure("=", 100.0, "%")),
        ("≧95(%)", Measure(">=", 95.0, "%")),
        ("≦3天", Measure("<=", 3.0, "天")),
        ("≤5 天", Measure("<=", 5.0, "天")),
        ("＜2次", Measure("<", 2.0, "次")),
        ("不少于3000家", Measure(">=", 3000.0, "家")),
        ("不低于90%", Measure(">=", 90.0, "%")),
        ("不超过110万元", Measure("<=", 110.0, "万元")),
        ("90%以上", Measure(">=", 90.0, "%")),
        ("5天以内", Measure("<=", 5.0, "天")),
        ("≥266米", Measure(">=", 266.0, "米")),
        ("4场", Measure(None, 4.0, "场")),
        ("1,200人次", Measure(None, 1200.0, "人次")),
    ],
)
def test_measures(printed, expected):
    assert parse_measure(normalize(printed)) == expected


@pytest.mark.parametrize("printed", ["有效", "合规", "达成指标", "显著提升", "2024年底前完成全部验收工作", ""])
def test_qualitative_values_have_no_measure(printed):
    assert parse_measure(printed) is None


def test_normalize_is_nfkc_and_folds_spaces():
    assert normalize("  项目资金（万元）：  ") == "项目资金(万元):"
    assert normalize("a  b\n c ") == "a b\nc"


def test_a_numbered_item_that_lost_its_stop_is_found_in_the_whole_text():
    from extract.values.text import lost_list_stops

    # item 1 alone in its cell on one page, 2 and 3 in the next: seen in the joined text
    assert lost_list_stops(["1全年保障1,292处测站正常运行;", "2.完成水文测验任务;", "3.汛期共报送雨水情信息。"]) == {0}
    assert lost_list_stops(["1.全年实施", "2.完成", "3全年实施"]) == {2}
    assert lost_list_stops(["全年新建管网88.6公里;", "2.全年开展水质检测;", "3.全年实施工程项目25处。"]) == {0}
    assert lost_list_stops(["全年新建管网88.6公里;", "受益群众满意度95.3%。"]) == set()
    assert lost_list_stops(["1全年实施", "2完成"]) == {0, 1}  # every stop lost: still a list
    # a count opening a wrapped line, in no list, is print
    assert lost_list_stops(["新建", "2座,改建3座"]) == set()
    assert lost_list_stops(["1.新建泵站", "2.完成改造", "3.0版平台上线"]) == set()


def test_an_item_ending_without_the_stop_its_list_s_other_items_end_with_is_found():
    from extract.values.text import unended_items

    lines = ["1.完成维修改造,更新课桌椅3120套。", "2.工程验收合格率100%,未发生安全", "事故", "3.单位面积维修成本286元。"]
    assert unended_items(lines) == {2}
    assert unended_items(lines[:2] + ["事故。", "3.单位面积维修成本286元"]) == {3}  # the last item too
    assert unended_items(["1.完成维修;", "2.工程验收合格", "3.成本下降。"]) == {1}  # ； closes items too
    assert unended_items(["1.完成维修", "2.工程验收合格", "3.成本下降。"]) == set()  # a list that does not stop its items
    assert unended_items(["完成维修改造。", "工程验收合格"]) == set()  # no numbered list
    # a line opening with a decimal ("99.5%。", wrapped off its item) opens no item
    assert unended_items(["1.保障系统安全", "稳定运行,可用率不低于", "99.5%。", "2.建立值守机制。"]) == set()


def _scanned_goals(planned: str, actual: str, method: str = "ocr"):
    from extract.segment import load_lexicon
    from extract.segment.types import Field, SegmentedForm
    from extract.values.form import to_form

    box = (0.0, 0.0, 100.0, 20.0)
    seg = SegmentedForm("项目支出绩效自评表", 1, 1, 2024, "mof2020", notes=["单位：万元"],
                        goals={"planned": Field(planned, 0.95, 1, box), "actual": Field(actual, 0.95, 1, box)})
    return to_form(seg, 0, method, load_lexicon())


def test_a_scanned_text_that_print_would_not_make_sends_its_form_to_review():
    """Read surely, each reading passes its own threshold; the whole text shows what print
    does not make: an item that lost its stop beside items that kept theirs, a lone quote."""
    form = _scanned_goals("1全年保障测站运行;\n2.完成整编;\n3.报送信息。", '达成预期指标"')
    assert form.needs_review
    assert any("goal_planned: a numbered item's stop" in r for r in form.review_reasons)
    assert any("goal_actual: a quote mark without its pair" in r for r in form.review_reasons)
    clean = _scanned_goals("1.全年保障测站运行;\n2.完成整编。", '达成"预期"指标')
    assert not any("stop" in r or "quote" in r for r in clean.review_reasons)
    # a text layer prints what it holds: no such doubt
    text = _scanned_goals("1全年保障测站运行;\n2.完成整编;", '达成预期指标"', method="text")
    assert not any("stop" in r or "quote" in r for r in text.review_reasons)


def test_a_number_in_a_split_target_unit_column_is_doubted():
    """Yunnan's 度量单位 column holds a unit; a scan's ‰ read there as "960" is no unit."""
    from extract.segment import load_lexicon
    from extract.segment.types import Field, RawIndicator, SegmentedForm
    from extract.values.form import to_form

    box = (0.0, 0.0, 100.0, 20.0)

    def form(unit: str):
        cells = {name: Field(text, 0.99, 1, box) for name, text in
                 [("level3", "森林火灾受害率"), ("target_op", "≤"), ("target", "0.9"), ("target_unit", unit),
                  ("actual", "0.3"), ("weight", "10"), ("score", "10")]}
        row = RawIndicator(Field("产出指标", 0.99, 1, box), Field("质量指标", 0.99, 1, box), cells, 1)
        seg = SegmentedForm("项目支出绩效自评表", 1, 1, 2024, "yunnan", notes=["单位：万元"], indicators=[row])
        return to_form(seg, 0, "ocr", load_lexicon())

    assert any("度量单位: a number where a unit is printed ('960')" in r for r in form("960").review_reasons)
    assert not any("度量单位" in r for r in form("‰").review_reasons)


def test_a_funds_line_label_misread_by_one_character_is_named_by_elimination():
    """年度资金总额 with its 额 under a seal, 当年财政拨款 with its 款, a speck before a label:
    each is the one line it could be that no other label of the block is."""
    from extract.segment import load_lexicon
    from extract.segment.types import Field, RawFundLine, SegmentedForm
    from extract.values.form import to_form

    box = (0.0, 0.0, 100.0, 20.0)

    def line(label, initial, full, executed):
        cells = {k: Field(v, 0.99, 1, box) for k, v in
                 [("budget_initial", initial), ("budget_full_year", full), ("executed", executed)]}
        return RawFundLine(Field(label, 0.99, 1, box), cells)

    seg = SegmentedForm("项目支出绩效自评表", 1, 1, 2024, "mof2020", notes=["单位：万元"],
                        fund_lines=[line("年度资金总", "135.00", "150.00", "146.22"),
                                    line("其中:当年财政拨", "120.00", "135.00", "131.22"),
                                    line(",上年结转资金", "15.00", "15.00", "15.00")])
    form = to_form(seg, 0, "ocr", load_lexicon())
    assert [ln.line for ln in form.fund_lines] == ["年度资金总额", "当年财政拨款", "上年结转资金"]
    assert (form.budget_initial, form.executed) == (135.0, 146.22)
    assert "年度资金总额 line not found" not in form.review_reasons


def test_an_item_closed_by_a_colon_in_a_list_closed_by_semicolons_is_a_semicolon():
    from extract.values.text import item_end_colons

    lines = ["1、每年4份,三年合计8份:", "2、收集企业诉求不少于500家次;", "3、精准匹配政策不少于500家次:", "4、不少于30家。"]
    assert item_end_colons(lines) == ["1、每年4份,三年合计8份;", "2、收集企业诉求不少于500家次;",
                                      "3、精准匹配政策不少于500家次;", "4、不少于30家。"]
    # a heading's colon before the list, a colon inside an item, a list closed by colons only: print
    print_ = ["主要完成以下工作:", "1、确保秋季学期正常开学:加强造价控制;", "2、按期完工。"]
    assert item_end_colons(print_) == print_
    colons = ["1、项目一:", "2、项目二:", "3、项目三。"]
    assert item_end_colons(colons) == colons


@pytest.mark.parametrize("read, name", [
    ("1社会效益指标", "社会效益指标"), ("丨满意度指标", "满意度指标"), ("成本指标丨", "成本指标"),
    ('产出指"标', "产出指标"), ("产出指标", "产出指标"),
    ("1.产出指标", "1.产出指标"),  # two marks: not a stray one
    ("数1量指标", "数1量指标"),  # a stub stands beside a label, not inside it
    ("出指标", "产出指标"), ("服务对象满意指标", "服务对象满意度指标"),  # one character lost (a seal over it)
    ("量指标", "量指标"), ("效指标", "效指标"),  # ...that two names could have lost: neither
    ("服务对象满意", "服务对象满意度指标"), ("可持续影响", "可持续影响指标"),  # a wrapped name's last line lost
    ("经济成本", "经济成本指标"), ("社会", "社会"),  # (too short to say which: 社会效益指标 or 社会成本指标)
])
def test_a_level_name_with_a_stray_mark_or_a_lost_character_is_the_name(read, name):
    from extract.segment import load_lexicon

    assert load_lexicon().level_name(read) == name


@pytest.mark.parametrize("level1, level2, sure", [
    ("产出指标", "数量指标", True), ("效益指标", "可持续影响指标", True), ("产出指标", "社会效益指标", False),
    ("产出指杯", "数量指标", False),  # a misread name agrees with nothing
])
def test_level_names_read_apart_that_agree_are_sure(level1, level2, sure):
    """Two unsure readings, 一级 and 二级, that spell a pair one holds the other of: both right."""
    from extract.segment import load_lexicon
    from extract.segment.types import Field, RawIndicator, SegmentedForm
    from extract.values.form import to_form

    box = (0.0, 0.0, 100.0, 20.0)
    cells = {name: Field(text, 0.99, 1, box) for name, text in
             [("level3", "培训人次"), ("target", "≥100人次"), ("actual", "120人次"), ("weight", "10"), ("score", "10")]}
    row = RawIndicator(Field(level1, 0.7, 1, box), Field(level2, 0.7, 1, box), cells, 1)
    seg = SegmentedForm("项目支出绩效自评表", 1, 1, 2024, "mof2020", notes=["单位：万元"], indicators=[row])
    form = to_form(seg, 0, "ocr", load_lexicon())
    unsure = any("read below confidence" in r for r in form.review_reasons)
    assert unsure is not sure
