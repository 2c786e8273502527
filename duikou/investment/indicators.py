"""Indicator values computed from deal records, for the results catalogue (`record_source`).

Each function takes a date range and returns rows ``{"org_id", "region_id", "year",
"month", "value"}`` summed per organisation, place and month, from one grouped query.

Flows (signed deals, amounts, funds in place, jobs) are dated by the record: a deal
counts in the month it was signed. Stocks (deals under way, the pipeline, enterprises
in parks) are measured at ``end`` and reported in the month of ``end``, as the
catalogue aggregates them with ``last``.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from .models import Deal, FundsInPlace, JobsReport


def _rows(
    qs: QuerySet,
    *,
    org: str,
    region: str,
    value,
    year: str | int = "year",
    month: str | int = "month",
) -> list[dict]:
    """Group ``qs`` by organisation, place and month: ``year``/``month`` name columns, or are
    fixed numbers for stocks measured at one date."""
    keys = {"o": F(org), "r": F(region)}
    if isinstance(year, str):
        keys |= {"y": F(year), "m": F(month)}
    grouped = qs.order_by().values(**keys).annotate(v=value)
    return [
        {
            "org_id": row["o"],
            "region_id": row["r"],
            "year": row.get("y", year),
            "month": row.get("m", month),
            "value": Decimal(row["v"] or 0),
        }
        for row in grouped
    ]


def _signed(start: date, end: date) -> QuerySet[Deal]:
    return Deal.objects.filter(signed_on__range=(start, end))


def _signed_rows(qs: QuerySet[Deal], value) -> list[dict]:
    return _rows(
        qs,
        org="donor_org_id",
        region="region_id",
        year="signed_year",
        month="signed_month",
        value=value,
    )


def _at(qs: QuerySet[Deal], end: date, value) -> list[dict]:
    """A stock measured at ``end``, reported in the month of ``end``."""
    return _rows(
        qs, org="donor_org_id", region="region_id", year=end.year, month=end.month, value=value
    )


def _not_closed(end: date) -> Q:
    """Deals not terminated by ``end``."""
    return Q(terminated_on__isnull=True) | Q(terminated_on__gt=end)


def deals_signed(*, start: date, end: date) -> list[dict]:
    """Deals signed (签约项目), counted in the month of signing."""
    return _signed_rows(_signed(start, end), Count("id"))


def signed_amount(*, start: date, end: date) -> list[dict]:
    """Amounts signed (签约金额), in the month of signing."""
    return _signed_rows(
        _signed(start, end).filter(signed_amount__isnull=False), Sum("signed_amount")
    )


def enterprises_introduced(*, start: date, end: date) -> list[dict]:
    """Distinct enterprises whose deal was signed in the month (引进企业)."""
    return _signed_rows(_signed(start, end), Count("enterprise", distinct=True))


def funds_in_place(*, start: date, end: date) -> list[dict]:
    """Funds in place (到位资金) dated within the range."""
    qs = FundsInPlace.objects.filter(on__range=(start, end))
    return _rows(qs, org="deal__donor_org_id", region="deal__region_id", value=Sum("amount"))


def jobs_created(*, start: date, end: date) -> list[dict]:
    """Jobs added (吸纳就业) by the reports dated within the range."""
    qs = JobsReport.objects.filter(on__range=(start, end))
    return _rows(qs, org="deal__donor_org_id", region="deal__region_id", value=Sum("jobs_added"))


def _active(end: date) -> QuerySet[Deal]:
    """Signed or started by ``end``, not yet producing nor terminated (在推进)."""
    return Deal.objects.filter(
        Q(signed_on__lte=end),
        Q(producing_on__isnull=True) | Q(producing_on__gt=end),
        _not_closed(end),
    )


def _pipeline(end: date) -> QuerySet[Deal]:
    """In reserve or negotiation at ``end``: reached 储备, not yet signed, not terminated."""
    return Deal.objects.filter(
        Q(reserve_on__lte=end),
        Q(signed_on__isnull=True) | Q(signed_on__gt=end),
        _not_closed(end),
    )


def deals_active(*, start: date, end: date) -> list[dict]:
    return _at(_active(end), end, Count("id"))


def deals_pipeline(*, start: date, end: date) -> list[dict]:
    return _at(_pipeline(end), end, Count("id"))


def pipeline_amount(*, start: date, end: date) -> list[dict]:
    qs = _pipeline(end).filter(planned_investment__isnull=False)
    return _at(qs, end, Sum("planned_investment"))


def enterprises_in_park(*, start: date, end: date) -> list[dict]:
    """Distinct enterprises settled in a park (started by ``end``, not terminated)."""
    qs = Deal.objects.filter(Q(started_on__lte=end), _not_closed(end)).exclude(industrial_park="")
    return _at(qs, end, Count("enterprise", distinct=True))


RECORD_INDICATORS: dict[str, Callable[..., list[dict]]] = {
    "investment.deals_signed": deals_signed,
    "investment.signed_amount": signed_amount,
    "investment.funds_in_place": funds_in_place,
    "investment.jobs_created": jobs_created,
    "investment.deals_active": deals_active,
    "investment.deals_pipeline": deals_pipeline,
    "investment.pipeline_amount": pipeline_amount,
    "investment.enterprises_introduced": enterprises_introduced,
    "investment.enterprises_in_park": enterprises_in_park,
}
