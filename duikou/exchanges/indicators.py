"""Indicator values computed from partnerships and events, for the results catalogue.

Each function takes a date range and returns rows ``{"org_id", "region_id", "year",
"month", "value"}`` summed per organisation, place and month from one grouped query.
Events count in the month they were held, for their organiser and the recipient
place they serve. Partnerships are stocks: those in force at ``end``, reported in
the month of ``end`` (the catalogue aggregates them with ``last``).

Which events count where:

- ``exchanges.events`` / ``event_participants``: 交往交流交融 events — exchanges
  (交流联谊), study tours, performances and cultural events;
- ``fairs``, ``fair_sales``, ``fair_exhibitors``: trade fairs (展销会) — their number,
  amount traded and exhibitors;
- one kind each for performances, cultural events, free clinics, investment
  promotion (招商活动) and promotion meetings (推介会); study-tour participants.
- ``partnerships.medical``: medical agreements in force (医联体, 专科联盟, 远程医疗协作,
  医院结对帮扶); ``partnerships.hospital``: distinct recipient hospitals in them;
  ``partnerships.school``: distinct recipient schools in school pairings.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from .models import MEDICAL_KINDS, SCHOOL_KINDS, Event, EventKind, Partnership

EXCHANGE_KINDS = (
    EventKind.EXCHANGE,
    EventKind.STUDY_TOUR,
    EventKind.PERFORMANCE,
    EventKind.CULTURAL,
)


def _rows(qs: QuerySet, *, org: str, value, year: str | int = "year", month: str | int = "month"):
    keys = {"o": F(org), "r": F("region_id")}
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


def _events(kinds, value) -> Callable[..., list[dict]]:
    def measure(*, start: date, end: date) -> list[dict]:
        qs = Event.objects.filter(kind__in=kinds, on__range=(start, end))
        return _rows(qs, org="organiser_id", value=value)

    return measure


def _in_force(kinds, value) -> Callable[..., list[dict]]:
    def measure(*, start: date, end: date) -> list[dict]:
        qs = Partnership.objects.filter(
            Q(kind__in=kinds),
            Q(signed_on__lte=end),
            Q(ended_on__isnull=True) | Q(ended_on__gt=end),
        )
        return _rows(qs, org="donor_org_id", value=value, year=end.year, month=end.month)

    return measure


RECORD_INDICATORS: dict[str, Callable[..., list[dict]]] = {
    "exchanges.events": _events(EXCHANGE_KINDS, Count("id")),
    "exchanges.event_participants": _events(EXCHANGE_KINDS, Sum("participants")),
    "exchanges.study_tour_participants": _events([EventKind.STUDY_TOUR], Sum("participants")),
    "exchanges.performances": _events([EventKind.PERFORMANCE], Count("id")),
    "exchanges.cultural_events": _events([EventKind.CULTURAL], Count("id")),
    "exchanges.fairs": _events([EventKind.FAIR], Count("id")),
    "exchanges.fair_sales": _events([EventKind.FAIR], Sum("amount_traded")),
    "exchanges.fair_exhibitors": _events([EventKind.FAIR], Sum("exhibitors")),
    "exchanges.free_clinics": _events([EventKind.FREE_CLINIC], Count("id")),
    "exchanges.investment_events": _events([EventKind.INVESTMENT], Count("id")),
    "exchanges.promotion_meetings": _events([EventKind.PROMOTION], Count("id")),
    "exchanges.partnerships.medical": _in_force(MEDICAL_KINDS, Count("id")),
    "exchanges.partnerships.hospital": _in_force(
        MEDICAL_KINDS, Count("local_party_name", distinct=True)
    ),
    "exchanges.partnerships.school": _in_force(
        SCHOOL_KINDS, Count("local_party_name", distinct=True)
    ),
}
