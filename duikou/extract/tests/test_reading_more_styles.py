"""Who, where and when in phrasings met in the development set's later reports."""

from __future__ import annotations

from duikou.extract import extract
from duikou.extract.entities import find_orgs, find_persons, find_places


def _one(text: str, value: float):
    [figure] = [figure for figure in extract(text) if figure.value == value]
    return figure


def test_a_transliterated_township_after_zai_is_read_whole() -> None:
    texts = [
        place.text for place in find_places("工作组在也克先拜巴扎镇建设示范田，在达勒特镇义诊。")
    ]
    assert texts == ["也克先拜巴扎镇", "达勒特镇"]


def test_produce_named_after_a_region_is_no_place() -> None:
    assert [place.text for place in find_places("推广哈密瓜新品种，和田玉雕走俏")] == []


def test_an_event_name_with_a_dot_is_no_person() -> None:
    assert find_persons("第十届中国·哈密瓜节于8月举办") == []


def test_counts_after_fenbie_pair_with_a_list_of_local_places_and_the_total_keeps_it() -> None:
    text = (
        "1—10月，上海各级预算单位采购巴楚县、莎车县农副产品分别达1.62亿元和2.15亿元，合计3.77亿元。"
    )
    places = [figure.place for figure in extract(text)]
    assert places == ["巴楚县", "莎车县", "巴楚县、莎车县"]


def test_a_site_in_brackets_after_a_count_is_its_place() -> None:
    figure = _one("此外，前指培训电商主播260人（喀什电商产业园）。", 260)
    assert figure.place == "喀什电商产业园"
    assert figure.indicator == "培训电商主播"


def test_a_datelines_place_is_not_where_things_happened() -> None:
    text = (
        "哈密讯（记者　田晓军）　“今年的瓜甜度高，一亩地多卖了800多元。”"
        "在伊州区二堡镇的瓜田边，种植户笑得合不拢嘴。"
    )
    figure = _one(text, 800)
    assert figure.place == "伊州区二堡镇"


def test_a_lead_naming_where_an_event_opened_gives_the_venue_of_what_follows() -> None:
    text = (
        "11月8日上午，第三届深喀电商直播节在喀什市深喀科技创新园开幕。\n\n"
        "开幕当天，上海援疆莎车分指挥部开设直播间12个，线上成交额达到215万元。"
    )
    figures = extract(text)
    assert {figure.place for figure in figures} == {"喀什市深喀科技创新园"}
    assert {figure.period for figure in figures} == {"开幕当天"}


def test_goods_shipped_to_donor_cities_are_placed_there() -> None:
    figure = _one("今年前10个月，工厂已销往沈阳、大连等地冷鲜牛肉1200吨。", 1200)
    assert figure.place == "沈阳、大连等地"


def test_an_organisation_helped_is_no_place() -> None:
    text = "工作组协调援疆资金2800万元，为农机合作社购置采棉机16台，全县棉花机采率达92%。"
    assert _one(text, 16).place != "农机合作社"
    assert _one(text, 92).place == "全县"


def test_our_hospital_is_the_one_the_report_first_names() -> None:
    text = (
        "皮山县人民医院2025年工作总结\n\n"
        "全年，医院帮扶乡镇卫生院12家。全年，我院门急诊量达到41.3万人次。"
    )
    assert _one(text, 413000).subject == "皮山县人民医院"


def test_a_donors_companies_acting_are_the_doer_but_not_when_counted() -> None:
    acting = _one("伊州区花园乡的项目由河南企业投资，总投资1.8亿元。", 180000000)
    assert acting.subject == "河南企业"
    counted = _one("吸引20家泉州企业设置展位。", 20)
    assert counted.subject == ""
    assert counted.indicator.startswith("泉州企业")


def test_a_reporting_period_and_a_bare_year_end_are_periods() -> None:
    text = "报告期内，本集团在昌吉州投入援疆相关资金3.2亿元。力争年底在校生达到3500名。"
    assert [figure.period for figure in extract(text)] == ["报告期内", "年底"]


def test_a_lines_label_says_what_its_numbers_count() -> None:
    figures = extract("投资：6800万元\n\n带动就业：2024年1120人，2025年1460人")
    assert [figure.indicator for figure in figures] == ["投资", "带动就业", "带动就业"]


def test_a_grade_is_no_hospitals_name() -> None:
    assert find_orgs("以创建三级医院为目标") == []


def test_a_level_given_for_an_earlier_time_has_that_time_as_period() -> None:
    text = "三四级手术占比由去年的38.5%提高到今年的52.1%。"
    assert [(f.indicator, f.period) for f in extract(text)] == [
        ("三四级手术占比", "去年"),
        ("三四级手术占比", "今年"),
    ]


def test_an_increase_per_household_keeps_the_paragraphs_period() -> None:
    text = "今年，合作社带动牧户出栏牛羊2300余头，户均增收1.2万元，人均月收入3200元。"
    assert [f.period for f in extract(text)] == ["今年", "今年", ""]


def test_a_resort_named_with_jiangjun_and_a_division_funded_are_places() -> None:
    text = (
        "早上九点，将军山国际滑雪度假区的魔毯上已经站满了游客。这个雪季以来，"
        "度假区接待滑雪游客42.3万人次。“十四五”以来，湖北累计投入第五师产业援疆资金9.6亿元。"
    )
    assert [f.place for f in extract(text)] == ["将军山国际滑雪度假区", "第五师"]


def test_institutions_counted_after_their_place_are_placed_there() -> None:
    text = "依托云课堂平台，长沙、株洲、湘潭的23所学校与吐鲁番的41所学校结成对子。"
    assert [f.place for f in extract(text)] == ["长沙、株洲、湘潭", "吐鲁番"]
