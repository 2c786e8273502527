"""Report periods as users name them: a year, a run of years, the 14th five-year plan, a batch."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from duikou.results.periods import Period, period_parse

FIVE_YEAR_PLANS = {"十四五": (2021, 2025), "14th": (2021, 2025), "十五五": (2026, 2030)}
_YEARS = re.compile(r"^(\d{4})\s*[-–—至~]\s*(\d{4})年?$")
_BATCH = re.compile(r"^batch:(\d+)$")


@dataclass(frozen=True)
class ReportPeriod:
    """A date range with the words a report uses for it (2025年, “十四五”以来…)."""

    start: date
    end: date
    label: str
    key: str

    @property
    def whole_years(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def months(self) -> list[tuple[int, int]]:
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def report_period_parse(text: str) -> ReportPeriod:
    """``2025``, ``2023-2025``, ``十四五``/``14th`` (2021–2025), ``batch:ID`` (a batch's
    term), or anything ``results.periods.period_parse`` reads (2025Q3, 2025-03, ranges)."""
    text = str(text).strip()
    if text in FIVE_YEAR_PLANS:
        first, last = FIVE_YEAR_PLANS[text]
        name = "十四五" if first == 2021 else "十五五"
        return ReportPeriod(date(first, 1, 1), date(last, 12, 31), f"“{name}”以来", text)
    if m := _YEARS.match(text):
        first, last = int(m[1]), int(m[2])
        if last < first:
            raise ValidationError({"period": "期间结束年份不能早于开始年份"})
        label = f"{first}年" if first == last else f"{first}年至{last}年"
        return ReportPeriod(date(first, 1, 1), date(last, 12, 31), label, f"{first}-{last}")
    if m := _BATCH.match(text):
        return _batch_period(int(m[1]))
    period: Period = period_parse(text)
    label = period.label()
    if period.kind == "custom":
        label = (
            f"{period.start.year}年{period.start.month}月至{period.end.year}年{period.end.month}月"
        )
    return ReportPeriod(period.start, period.end, label, text)


def _batch_period(batch_id: int) -> ReportPeriod:
    from duikou.people.models import AidBatch

    batch = AidBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise ValidationError({"period": f"援疆批次“{batch_id}”不存在"})
    end = batch.term_end or date(batch.term_start.year + 3, batch.term_start.month, 1)
    return ReportPeriod(batch.term_start, end, f"{batch.name}在疆期间", f"batch:{batch_id}")
