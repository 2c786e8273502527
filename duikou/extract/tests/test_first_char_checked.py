"""``first_char_checked``: the same matches as the pattern it guards, found faster."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from duikou.extract import entities, mentions
from duikou.extract.regions import first_char_checked

REPORTS = sorted((Path(__file__).parent / "devset" / "dev" / "reports").glob("*.txt"))
_CHECK = re.compile(r"\(\?=\[[^\]]*\](?:\|.*?)?\)\(\?:(?P<body>.*)\)", re.DOTALL)


_ANY_EVENT_NAME = r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{1,7}?"


def _unchecked(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The extractor's pattern as written, without the look-ahead put before it."""
    return re.compile(_CHECK.fullmatch(pattern.pattern).group("body"))


@pytest.mark.parametrize(
    "pattern",
    [r"[^x]y", r".y", r"a?", r"(?i)ab", r"\Wa", r"(?:x|)"],
)
def test_it_leaves_a_pattern_whose_first_character_is_open(pattern):
    compiled = re.compile(pattern)
    assert first_char_checked(compiled) is compiled


def test_it_reads_the_first_characters_through_optional_parts_and_alternatives():
    checked = first_char_checked(re.compile(r"(?:约|近)?(?P<num>\d+|[一二三]+)(?<!x)万?人"))
    assert checked.pattern.startswith("(?=[")
    text = "约3万人，近两千人，一二三人，4x人，人"
    original = re.compile(r"(?:约|近)?(?P<num>\d+|[一二三]+)(?<!x)万?人")
    assert [m.groupdict() | {"span": m.span()} for m in checked.finditer(text)] == [
        m.groupdict() | {"span": m.span()} for m in original.finditer(text)
    ]
    assert checked.groupindex == original.groupindex


@pytest.mark.parametrize(
    "pattern",
    [
        _unchecked(mentions._MENTION),
        _unchecked(entities._BINGTUAN_RE),
        _unchecked(entities._ANAPHORA_RE),
        _unchecked(entities._TIME_RE),
    ],
    ids=["mention", "bingtuan", "anaphora", "time"],
)
def test_the_extractors_patterns_match_the_dev_reports_as_before(pattern):
    open_part = _ANY_EVENT_NAME if _ANY_EVENT_NAME in pattern.pattern else ""
    checked = first_char_checked(pattern, open_part=open_part)
    assert checked is not pattern
    for path in REPORTS:
        text = path.read_text(encoding="utf-8")
        assert [m.span() for m in checked.finditer(text)] == [
            m.span() for m in pattern.finditer(text)
        ], path.name


def test_an_open_part_is_checked_as_written_and_a_missing_one_leaves_the_pattern():
    pattern = re.compile(r"(?:今年|(?<![a-z])[a-z]{1,3}?)期间")
    checked = first_char_checked(pattern, open_part=r"(?<![a-z])[a-z]{1,3}?")
    text = "今年期间 xy期间 abcd期间 b期间"
    assert [m.span() for m in checked.finditer(text)] == [m.span() for m in pattern.finditer(text)]
    assert checked is not pattern
    assert first_char_checked(pattern, open_part="[0-9]+") is pattern
