"""Turn period phrases written in reports into date ranges."""

from __future__ import annotations

import calendar
import re
from datetime import date

from .numerals import parse_chinese_number

_NOISE = re.compile(r"[\s\"'“”‘’「」]")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR = r"(?P<year>\d{4}|今年|去年|前年|明年|本年|上年)年?"
_MONTHS = r"(?P<m1>\d{1,2})(?:月份?)?(?:[-—–~～至到](?P<m2>\d{1,2}))?月份?"
_PART = (
    r"(?P<part>上半年|下半年|前[三3]季度|第[一二三四1-4]季度|[一二三四1-4]季度"
    r"|底|末|初|全年)"
)
_RELATIVE_YEARS = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _years_before(day: date, years: float) -> date:
    months = round(years * 12)
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _plan_years(number: int) -> tuple[int, int]:
    # The 3rd Five-Year Plan began in 1966, after the 1963-65 adjustment years.
    start = 1953 + 5 * (number - 1) if number <= 2 else 1966 + 5 * (number - 3)
    return start, start + 4


def _year_of(token: str, doc_date: date) -> int:
    if token in _RELATIVE_YEARS:
        return doc_date.year + _RELATIVE_YEARS[token]
    return int(token)


def _calendar_range(text: str, doc_date: date) -> tuple[date, date] | None:
    match = re.search(rf"(?:{_YEAR})?(?:{_MONTHS})?(?:{_PART})?", text)
    if not match or not (match.group("year") or match.group("m1") or match.group("part")):
        return None
    if not (match.group("year") or match.group("m1")) and match.group("part") in ("底", "末", "初"):
        return None
    year = _year_of(match.group("year"), doc_date) if match.group("year") else doc_date.year
    start, end = date(year, 1, 1), date(year, 12, 31)
    if match.group("m1"):
        first = int(match.group("m1"))
        last = int(match.group("m2") or first)
        if not (1 <= first <= 12 and 1 <= last <= 12):
            return None
        day = re.match(r"(\d{1,2})[日号]", text[match.end() :])
        if day and first == last:
            single = date(year, first, int(day.group(1)))
            return single, single
        start, end = date(year, first, 1), _month_end(year, last)
    part = match.group("part") or ""
    if part == "上半年":
        end = date(year, 6, 30)
    elif part == "下半年":
        start = date(year, 7, 1)
    elif part.startswith("前"):
        end = date(year, 9, 30)
    elif "季度" in part:
        quarter = _QUARTERS[part.lstrip("第")[0]]
        start, end = date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    elif part in ("底", "末"):
        start = end
    elif part == "初":
        end = start
    return start, end


def resolve_period(phrase: str, doc_date: date) -> tuple[date, date] | None:
    """Date range ``(start, end)`` a period phrase covers, or ``None``.

    ``doc_date`` is the report's date, the anchor for 今年, 三年来, 截至目前.
    Handles 2025年, 2025年上半年, 1-10月, 2025年5月至6月, 截至2025年底 (the day
    itself: a stock), 2025年以来, 今年/去年, 三年来, 一年多来, 一年半,
    "十四五"期间 (2021-01-01..2025-12-31), "十四五"以来 and 16年 (a duration
    ending on ``doc_date``).
    """
    raw = re.sub(r"^(?:从|自)", "", _NOISE.sub("", phrase or ""))
    text = raw.translate(_CN_DIGITS)
    if not text:
        return None
    if text in ("截至目前", "截止目前", "目前", "至今", "到目前为止"):
        return doc_date, doc_date
    plan = re.match(r"十([一二三四五六七八九])五(期间|以来|时期)?$", raw)
    if plan:
        number = 10 + int(plan.group(1).translate(_CN_DIGITS))
        first, last = _plan_years(number)
        if plan.group(2) == "以来":
            return date(first, 1, 1), doc_date
        return date(first, 1, 1), date(last, 12, 31)
    lasting = re.match(
        r"^(?:近)?([一二两三四五六七八九十]+|\d{1,2})年(多|半)?(来|以来|时间)?$", raw
    )
    if lasting:
        count = lasting.group(1)
        years = float(count) if count.isdigit() else parse_chinese_number(count) or 0
        years += 0.5 if lasting.group(2) == "半" else 0
        return _years_before(doc_date, years), doc_date
    until = re.match(r"^(?:截至|截止到|截止|到)(.+)$", text)
    if until:
        found = _calendar_range(until.group(1), doc_date)
        return (found[1], found[1]) if found else None
    since = re.match(r"^(.+?)(?:以来|开始|起|至今)$", text)
    if since:
        found = _calendar_range(since.group(1), doc_date)
        return (found[0], doc_date) if found else None
    return _calendar_range(text, doc_date)
