"""Gazetteer, period and indicator linking work on plain data."""

from __future__ import annotations

from datetime import date

import pytest

from duikou.extract import Gazetteer, match_indicator, resolve_period

REGIONS = [
    ("652300", "昌吉回族自治州"),
    ("652301", "昌吉市"),
    ("652324", "玛纳斯县"),
    ("654000", "伊犁哈萨克自治州"),
    ("652700", "博尔塔拉蒙古自治州"),
    ("653200", "和田地区"),
    ("653201", "和田市"),
    ("660800", "新疆生产建设兵团第八师", "兵团第八师", "八师"),
]
DOC_DATE = date(2025, 11, 20)


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("昌吉回族自治州", "652300"),
        ("昌吉州", "652300"),
        ("伊犁州", "654000"),
        ("博州", "652700"),
        ("玛纳斯", "652324"),
        ("和田", "653200"),
        ("和田市", "653201"),
        ("兵团第八师", "660800"),
        ("昌吉市六工镇十三户村", "652301"),
        ("“昌吉州”", "652300"),
        ("福州", None),
        ("", None),
    ],
)
def test_the_gazetteer_resolves_written_place_names(phrase: str, code: str | None) -> None:
    assert Gazetteer(REGIONS).resolve(phrase) == code


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("2025年", (date(2025, 1, 1), date(2025, 12, 31))),
        ("2025年上半年", (date(2025, 1, 1), date(2025, 6, 30))),
        ("截至2025年底", (date(2025, 12, 31), date(2025, 12, 31))),
        ("2025年以来", (date(2025, 1, 1), DOC_DATE)),
        ("今年", (date(2025, 1, 1), date(2025, 12, 31))),
        ("去年", (date(2024, 1, 1), date(2024, 12, 31))),
        ("今年8月", (date(2025, 8, 1), date(2025, 8, 31))),
        ("三年来", (date(2022, 11, 20), DOC_DATE)),
        ("一年多来", (date(2024, 11, 20), DOC_DATE)),
        ("“十四五”期间", (date(2021, 1, 1), date(2025, 12, 31))),
        ('"十四五"以来', (date(2021, 1, 1), DOC_DATE)),
        ("1-10月", (date(2025, 1, 1), date(2025, 10, 31))),
        ("2025年5月至6月", (date(2025, 5, 1), date(2025, 6, 30))),
        ("2025年9月6日", (date(2025, 9, 6), date(2025, 9, 6))),
        ("截至目前", (DOC_DATE, DOC_DATE)),
        ("每年", None),
    ],
)
def test_it_resolves_period_phrases_to_date_ranges(phrase: str, expected: object) -> None:
    assert resolve_period(phrase, DOC_DATE) == expected


CATALOGUE = [
    ("investment.signed", ["签约金额", "签约资金"]),
    ("jobs", ["吸纳就业", "带动就业", "就业人数"]),
    ("health.patients", ["接诊患者", "门诊人次"]),
    ("health.surgery", ["完成手术", "手术台次"]),
]


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("签约金额", "investment.signed"),
        ("累计接诊患者", "health.patients"),
        ("带动就业人数", "jobs"),
        ("开展手术", "health.surgery"),
        ("年产值", None),
    ],
)
def test_it_matches_an_indicator_phrase_to_the_catalogue(phrase: str, code: str | None) -> None:
    assert match_indicator(phrase, CATALOGUE) == code
