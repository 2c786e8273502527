"""The extractor finds the figures of the annotation guide, and only those."""

from __future__ import annotations

import pytest

from duikou.extract import Figure, extract
from duikou.extract.tests.conftest import load_case

CASES = [
    "split_numbers",
    "chinese_numerals",
    "ranges_and_qualifiers",
    "changes",
    "notices_and_ads",
    "not_figures",
]


def _check(text: str, expected: list[dict[str, object]]) -> None:
    figures = extract(text, doc="case")
    assert [figure.text for figure in figures] == [row["text"] for row in expected]
    for figure, row in zip(figures, expected, strict=True):
        assert text[figure.start : figure.end] == figure.text
        for key, value in row.items():
            if key == "indicator":
                assert str(value) in figure.indicator, (figure.text, figure.indicator)
            else:
                assert getattr(figure, key) == value, (figure.text, key)


@pytest.mark.parametrize("name", CASES)
def test_it_matches_the_fixture(name: str) -> None:
    _check(*load_case(name))


def test_it_joins_a_number_split_by_a_line_break() -> None:
    [figure] = extract("投入750\n余万元购置设备。")
    assert (figure.text, figure.value, figure.qualifier) == ("750\n余万元", 7_500_000, "余")


def test_it_reads_chinese_numerals_that_state_a_statistic() -> None:
    [figure] = extract("近百种农特产品集中亮相。")
    assert (figure.value, figure.unit, figure.qualifier) == (100, "种", "近")


def test_it_ignores_a_one_that_means_a() -> None:
    assert extract("一家企业和一例手术。") == []


def test_it_values_a_range_at_its_upper_bound() -> None:
    [figure] = extract("每村建成1—2家合作社。")
    assert (figure.text, figure.value) == ("1—2家", 2)


def test_it_keeps_a_verb_qualifier_outside_the_text() -> None:
    [figure] = extract("门店数量已突破100家。")
    assert (figure.text, figure.qualifier) == ("100家", "超")


def test_it_reads_percentage_points_as_a_change() -> None:
    [figure] = extract("上线率提高13.8个百分点。")
    assert (figure.unit, figure.change) == ("百分点", "up")


def test_it_keeps_the_first_unit_of_a_compound_count() -> None:
    [figure] = extract("销售牛羊8000余头(只)。")
    assert (figure.text, figure.unit) == ("8000余头(只)", "头")


def test_it_skips_everything_inside_a_notice() -> None:
    text = "●张三遗失1016422号收据，金额：30000 元，特此声明。"
    assert extract(text) == []


def test_it_excludes_dates_ordinals_and_phone_numbers() -> None:
    text = "2025年3月12日，第九批干部到岗。联系电话0994-2343036。"
    assert extract(text) == []


def test_it_reads_subject_place_and_period_from_the_sentence() -> None:
    text = "2025年，福建援疆工作队促成13项招商引资新签约项目落地昌吉州，签约金额238.05亿元。"
    projects, amount = extract(text, doc="d")
    assert projects.subject == "福建援疆工作队"
    assert projects.place == "昌吉州"
    assert projects.period == "2025年"
    assert "招商引资新签约项目" in projects.indicator
    assert amount.indicator == "签约金额"
    assert amount.value == 23_805_000_000


def test_it_carries_a_span_period_to_the_following_sentences() -> None:
    text = "三年来，山西援疆工作队持续发力。民生领域投入占比始终高于90%。"
    [figure] = extract(text)
    assert figure.period == "三年来"
    assert figure.subject == "山西援疆工作队"


def test_it_resolves_a_village_pointed_back_to() -> None:
    text = (
        "在昌吉市三工镇二工村的示范点，游客络绎不绝。\n\n2025年以来，该村累计接待游客超10万人次。"
    )
    [figure] = extract(text)
    assert "二工村" in figure.place
    assert figure.indicator.endswith("接待游客")


def test_it_gives_offsets_into_the_text_as_given() -> None:
    text = "\ufeff标题\n\n  累计完成手术7360台。"
    [figure] = extract(text)
    assert text[figure.start : figure.end] == "7360台"


def test_a_figure_serialises_to_the_gold_fields() -> None:
    figure = Figure("d", 0, 6, "1.2万余人", 12000.0, "人", "余")
    assert figure.to_dict() == {
        "doc": "d",
        "start": 0,
        "end": 6,
        "text": "1.2万余人",
        "value": 12000,
        "unit": "人",
        "qualifier": "余",
        "change": "",
        "indicator": "",
        "subject": "",
        "place": "",
        "period": "",
    }
