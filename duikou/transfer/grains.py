"""Figures reported at a finer grain than their indicator is kept by (monthly figures of a
quarterly indicator), combined as the catalogue says.

``Indicator.finer_periods`` is "keep" (store each month as it came) or "combine" (one
value per indicator period, by the indicator's aggregation: sum adds the months, last
takes the latest, max the largest, avg the mean). A combined value names the months it
came from in a warning on each row, and says so when a period is incomplete.
"""

from decimal import Decimal

from duikou.results.periods import Period, quarter_period, year_period

from .cells import Number

_GRAIN = {"month": 1, "quarter": 2, "year": 3}


def _target(period: Period, frequency: str) -> Period | None:
    if frequency == "quarter" and period.kind == "month":
        return quarter_period(period.start.year, (period.start.month - 1) // 3 + 1)
    if frequency == "year" and period.kind in ("month", "quarter"):
        return year_period(period.start.year)
    return None


def _parts(target: Period, finer: str) -> int:
    months = (target.end.year - target.start.year) * 12 + target.end.month - target.start.month + 1
    return months if finer == "month" else months // 3


def grains_combine(rows: list, outcome) -> list:
    """Rows (``services._Row``) with finer periods combined into their indicator's own."""
    from .services import Problem, _Row

    kept, groups = [], {}
    for row in rows:
        values = row.values
        indicator = values["indicator"]
        period = values["period"]
        target = _target(period, indicator.frequency)
        if target is None or indicator.finer_periods == "keep":
            kept.append(row)
            continue
        key = (
            indicator.pk,
            getattr(values.get("org"), "pk", None),
            getattr(values.get("region"), "pk", None),
            values.get("disaggregation", ""),
            target,
        )
        groups.setdefault(key, []).append(row)
    for key, members in groups.items():
        target = key[-1]
        members.sort(key=lambda r: r.values["period"].start)
        indicator = members[0].values["indicator"]
        numbers = [r.values["value"].value for r in members]
        how = indicator.aggregation
        if how == "last":
            combined, word = numbers[-1], "取最后一期"
        elif how == "max":
            combined, word = max(numbers), "取最大值"
        elif how == "avg":
            combined, word = sum(numbers, Decimal(0)) / len(numbers), "取平均"
        else:
            combined, word = sum(numbers, Decimal(0)), "相加"
        labels = "、".join(r.values["period"].label() for r in members)
        finer = members[0].values["period"].kind
        expected = _parts(target, finer)
        gap = (
            f"；只有{len(members)}期，缺{expected - len(members)}期"
            if len(members) < expected
            else ""
        )
        message = (
            f"指标“{indicator.name_zh}”按{indicator.get_frequency_display()}保存："
            f"{labels}{word}为{combined.normalize():f}，记为{target.label()}{gap}"
        )
        for member in members:
            outcome.notes.append(Problem(member.line, member.period_header or "数值", message))
        first = members[0]
        values = dict(first.values)
        values["period"] = target
        values["value"] = Number(
            combined,
            any(r.values["value"].approximate for r in members),
            first.values["value"].unit,
        )
        kept.append(_Row(first.line, values, first.period_header))
    kept.sort(key=lambda r: (r.line, r.values["period"].start))
    return kept
