"""Reporting periods: explicit date ranges with their calendar grain.

A value's period is stored as a range plus the finest calendar unit (year,
quarter, month) that contains the whole range, so it is counted in exactly
one cell of each grain at or above that unit, never twice.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.core.exceptions import ValidationError

_YEAR = re.compile(r"^(\d{4})年?$")
_QUARTER = re.compile(r"^(\d{4})\s*(?:[Qq]|年第?)([1-4])(?:季度?)?$")
_MONTH = re.compile(r"^(\d{4})[-./年](\d{1,2})月?$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|至|~|—|/)\s*(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @cached_property  # imports ask it for every value; the instance stays immutable
    def kind(self) -> str:
        year, quarter, month = grain_keys(self.start, self.end)
        if month and self == month_period(year, month):
            return "month"
        if quarter and self == quarter_period(year, quarter):
            return "quarter"
        if year and self == year_period(year):
            return "year"
        return "custom"

    def label(self) -> str:
        kind = self.kind
        if kind == "year":
            return f"{self.start.year}年"
        if kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}"

    def code(self) -> str:
        """The period as the API and files write it: 2025, 2025Q3, 2025-03 or a range."""
        kind = self.kind
        if kind == "year":
            return f"{self.start.year}"
        if kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"

    def same_period_last_year(self) -> "Period":
        def shift(day: date) -> date:
            last = calendar.monthrange(day.year - 1, day.month)[1]
            return day.replace(year=day.year - 1, day=min(day.day, last))

        end = shift(self.end)
        if self.end.day == calendar.monthrange(self.end.year, self.end.month)[1]:
            end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
        return Period(shift(self.start), end)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(
        date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])
    )


def month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def period_parse(text: str) -> Period:
    """Read a period as users write it: 2025, 2025Q3, 2025年第3季度, 2025-03, 2025年3月,
    2025.3, or a range 2025-01-01..2025-06-30."""
    text = str(text).strip()
    if m := _YEAR.match(text):
        return year_period(int(m[1]))
    if m := _QUARTER.match(text):
        return quarter_period(int(m[1]), int(m[2]))
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        return month_period(int(m[1]), int(m[2]))
    if m := _RANGE.match(text):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            start = end = None
        if start and end:
            return period_check(start, end)
    raise ValidationError(
        {"period": f"期间“{text}”无法识别，请写成 2025、2025Q3、2025-03 或 2025-01-01..2025-06-30"}
    )


def period_check(start: date, end: date) -> Period:
    if end < start:
        raise ValidationError({"period": "期间结束日期不能早于开始日期"})
    return Period(start, end)


def grain_keys(start: date, end: date) -> tuple[int | None, int | None, int | None]:
    """(year, quarter, month) of the finest calendar units containing the whole range."""
    if start.year != end.year:
        return None, None, None
    quarter = (start.month - 1) // 3 + 1
    if (end.month - 1) // 3 + 1 != quarter:
        return start.year, None, None
    if start.month != end.month:
        return start.year, quarter, None
    return start.year, quarter, start.month


def cells(year: int | None, quarter: int | None, month: int | None) -> list[tuple[str, int, int]]:
    """The summary cells (grain, year, period number) a value with these keys falls in."""
    if year is None:
        return []
    keys = [("y", year, 0)]
    if quarter:
        keys.append(("q", year, quarter))
    if month:
        keys.append(("m", year, month))
    return keys


def cell_period(grain: str, year: int, period_no: int) -> Period:
    if grain == "m":
        return month_period(year, period_no)
    if grain == "q":
        return quarter_period(year, period_no)
    return year_period(year)
