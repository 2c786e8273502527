"""Find quantity mentions (number + multiplier + qualifier + unit) in raw text.

Works on the text exactly as captured: white space and a single line break
may sit inside a mention (``4200 余万元``, ``750\\n余万元``) and stay in its
span. Dates, ordinals, codes, ages, scale labels and vague amounts are
rejected here, before any attribute is looked at.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from .numerals import (
    CHINESE_NUMERAL_CHARS,
    UNIT_CANONICAL,
    multiplier_value,
    parse_number,
)
from .regions import first_char_checked

# Blanks and at most one line break: a number wrapped at a column edge.
_WS = r"[ \t\u3000\xa0]*(?:\r?\n[ \t\u3000\xa0]*)?"
_ARABIC = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"
_CHINESE = f"[{CHINESE_NUMERAL_CHARS}]+"
_UNITS = "|".join(sorted(map(re.escape, UNIT_CANONICAL), key=len, reverse=True))

_MENTION = re.compile(
    rf"(?:(?P<pre>超过|约|近|超|逾|上(?=[百千万亿])){_WS})?"
    rf"(?P<num>{_GROUPED}|{_ARABIC}|{_CHINESE})"
    rf"(?:{_WS}(?P<dash>[—–\-~～至到]{{1,2}}){_WS}(?P<num2>{_ARABIC}))?"
    rf"(?:{_WS}(?P<q1>余|多))?"
    # 千瓦时/千克/千米 and 百分点 start with a multiplier character.
    rf"(?:{_WS}(?P<mult>[十百千万亿]*[百千万亿](?![瓦克米]|分点)))?"
    rf"(?:{_WS}(?P<q2>余|多))?"
    rf"{_WS}(?P<unit>{_UNITS})"
    r"(?P<alt>[(（][^()（）\n]{1,3}[)）])?"
    rf"(?:{_WS}(?P<post>以上|以下|左右))?"
)
_MENTION = first_char_checked(_MENTION)
_PERCENT_WORDS = re.compile(rf"百分之(?P<num>{_ARABIC}|{_CHINESE})")

# Characters that, right after a unit, turn it into part of a word:
# 家庭, 人民, 个月 (a duration), 期间, 天山, 场所 ...
_NOT_A_UNIT_AFTER: dict[str, re.Pattern[str]] = {
    unit: re.compile(pattern)
    for unit, pattern in {
        "家": "庭|人|乡(?!镇)|门口|属|长|园|具|电|政|居|族|务",
        "人": "[民才员口士物大社生群文格均心类体事手家]",
        "名": "[单额称片牌义字胜]",
        "位": "[于置列居]",
        "个": "月|小时|工作日",
        "场": "[所景地馆面合]",
        "台": "[湾阶词风]",
        "种": "[植子类养苗]",
        "只": "[有是要能]",
        "次": "[日年月要生级数]",
        "批": "[准复示评]",
        "期": "[间待望盼刊货限]",
        "条": "[件例款形纹]",
        "节": "[日约能点目]",
        "所": "[有以谓在属长需能]",
        "天": "[山然津地空下]",
        "元": "[素旦宵首]",
        "例": "如",
        "项": "目",
    }.items()
}
# Words right before a number that make it vague or not a statistic.
_VAGUE_BEFORE = ("数", "几", "若干", "成千", "成百", "第", "前", "每")
_TALLY_BEFORE = ("共", "累计", "合计", "总计", "计")
_QUALIFIERS = {"约": "约", "近": "近", "超": "超", "超过": "超", "逾": "超", "上": "约"}
_POST_QUALIFIERS = {"以上": "以上", "以下": "以下", "左右": "约"}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_BLANKS = " \t\u3000\xa0\r\n"
_CODE_CHARS = re.compile(r"[A-Za-z0-9０-９.．·•/\-_#№]")


@dataclass(slots=True)
class Mention:
    """A quantity mention found in raw text, before attributes are assigned."""

    start: int
    end: int
    value: float
    unit: str
    qualifier: str


def _inside(spans: list[tuple[int, int]], starts: list[int], position: int) -> bool:
    index = bisect_right(starts, position) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _previous_char(text: str, position: int) -> str:
    index = position - 1
    while index >= 0 and text[index] in _BLANKS:
        index -= 1
    return text[index] if index >= 0 else ""


def _next_chars(text: str, position: int, count: int = 2) -> str:
    index = position
    while index < len(text) and text[index] in _BLANKS:
        index += 1
    return text[index : index + count]


def _is_chinese(numeral: str) -> bool:
    return numeral[0] in CHINESE_NUMERAL_CHARS


def _chinese_is_statistic(match: re.Match[str], text: str, value: float) -> bool:
    """Chinese numerals count only where they state a statistic.

    A bare magnitude (百, 亿) needs a qualifier (近百种, 百余位, 超亿元); small
    numbers (两所学校, 三位专家) are narrative unless tallied (两批共76名).
    """
    numeral = match.group("num")
    has_qualifier = bool(match.group("pre") or match.group("q1") or match.group("q2"))
    if numeral[0] in "十百千万亿" and numeral[0] != "十" and not has_qualifier:
        return False
    if value == 1 and not match.group("mult"):
        return False  # 一家, 一例: "a", not a count.
    if value < 10 and not match.group("mult"):
        before = text[max(0, match.start() - 2) : match.start()]
        after = _next_chars(text, match.end(), 1)
        tallied = before.endswith(_TALLY_BEFORE)
        followed = after == "共" or after.isdigit()
        return tallied or followed
    return True


def _reject(match: re.Match[str], text: str) -> bool:
    """True when the mention is a code, ordinal, rate, duration or vague amount."""
    start = match.start()
    previous = _previous_char(text, start)
    if previous and _CODE_CHARS.fullmatch(previous):
        return True
    before = text[max(0, start - 2) : start]
    if before.endswith(_VAGUE_BEFORE):
        return True
    unit = match.group("unit")
    following = _next_chars(text, match.end("unit"), 4)
    word = _NOT_A_UNIT_AFTER.get(unit)
    if match.group("alt") is None and word is not None and word.match(following):
        return True
    # 170吨/时: a rate inside a project name, not an amount.
    return following.startswith("/")


def _qualifier(match: re.Match[str]) -> str:
    if match.group("pre"):
        return _QUALIFIERS[match.group("pre")]
    if match.group("q1") or match.group("q2"):
        return match.group("q1") or match.group("q2") or ""
    if match.group("post"):
        return _POST_QUALIFIERS[match.group("post")]
    return ""


def _value(match: re.Match[str]) -> float | None:
    numeral = match.group("num2") or match.group("num")
    factor = multiplier_value(match.group("mult") or "")
    if not _is_chinese(numeral):
        # Decimal keeps 1024.59亿 at 102459000000 instead of ...999.99998.
        digits = numeral.translate(_FULLWIDTH).replace(",", "")
        return float(Decimal(digits) * Decimal(int(factor)))
    value = parse_number(numeral)
    return None if value is None else value * factor


def find_mentions(text: str, excluded: list[tuple[int, int]]) -> list[Mention]:
    """Quantity mentions in ``text`` outside the ``excluded`` spans, in order."""
    starts = [span[0] for span in excluded]
    mentions: list[Mention] = []
    for match in _MENTION.finditer(text):
        if _inside(excluded, starts, match.start()) or _reject(match, text):
            continue
        value = _value(match)
        if value is None:
            continue
        if _is_chinese(match.group("num")) and not _chinese_is_statistic(match, text, value):
            continue
        end = match.end()
        while text[end - 1] in _BLANKS:
            end -= 1
        mentions.append(
            Mention(
                match.start(), end, value, UNIT_CANONICAL[match.group("unit")], _qualifier(match)
            )
        )
    for match in _PERCENT_WORDS.finditer(text):
        value = parse_number(match.group("num"))
        if value is not None and not _inside(excluded, starts, match.start()):
            mentions.append(Mention(match.start(), match.end(), value, "%", ""))
    mentions.sort(key=lambda mention: mention.start)
    return mentions
