"""Reads for partnerships, events and sales channels, scoped by the policy module."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from duikou import policy
from duikou.audit.selectors import deletions_of

from .models import Event, EventKind, Partnership, SalesChannel, SalesRecord

ZERO = Decimal("0.00")


def partnership_list_for_user(
    *, user, kind: str | None = None, active_on: date | None = None
) -> QuerySet[Partnership]:
    """Partnerships the user may see; ``active_on`` keeps those in force on that day."""
    qs = policy.filter_by_org_and_region(
        user, Partnership.objects.all(), org_field="donor_org_id", region_field="region_id"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if active_on:
        qs = qs.filter(signed_on__lte=active_on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=active_on)
        )
    return qs.select_related("donor_org", "region", "donor_party_org", "local_party_org")


def get_partnership_for_user(*, user, pk: int) -> Partnership:
    partnership = partnership_list_for_user(user=user).filter(pk=pk).first()
    if partnership is None:
        raise Http404("合作不存在或无权查看")
    return partnership


def get_partnership_for_user_rw(*, user, pk: int) -> Partnership:
    partnership = get_partnership_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, partnership.donor_org_id):
        raise PermissionDenied("无权修改该合作")
    return partnership


def event_list_for_user(
    *, user, kind: str | None = None, year: int | None = None
) -> QuerySet[Event]:
    """Events the user may see, newest first."""
    qs = policy.filter_by_org_and_region(
        user, Event.objects.all(), org_field="organiser_id", region_field="region_id"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("organiser", "region")


def get_event_for_user(*, user, pk: int) -> Event:
    event = event_list_for_user(user=user).filter(pk=pk).first()
    if event is None:
        raise Http404("活动不存在或无权查看")
    return event


def get_event_for_user_rw(*, user, pk: int) -> Event:
    event = get_event_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, event.organiser_id):
        raise PermissionDenied("无权修改该活动")
    return event


def event_totals_for_user(*, user, year: int | None = None) -> list[dict]:
    """Per kind of event: how many, and the sums of their outcomes, in one grouped query."""
    rows = {
        row["kind"]: row
        for row in event_list_for_user(user=user, year=year)
        .order_by()
        .values("kind")
        .annotate(
            events=Count("id"),
            participants=Sum("participants"),
            deals_signed=Sum("deals_signed"),
            amount_traded=Sum("amount_traded"),
            intended_orders=Sum("intended_orders"),
            people_served=Sum("people_served"),
            medicine_value=Sum("medicine_value"),
        )
    }
    totals = []
    for kind in EventKind:
        row = rows.get(kind.value, {})
        totals.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "events": row.get("events", 0),
                "participants": row.get("participants") or 0,
                "deals_signed": row.get("deals_signed") or 0,
                "amount_traded": row.get("amount_traded") or ZERO,
                "intended_orders": row.get("intended_orders") or ZERO,
                "people_served": row.get("people_served") or 0,
                "medicine_value": row.get("medicine_value") or ZERO,
            }
        )
    return totals


def sales_channel_list_for_user(*, user, kind: str | None = None) -> QuerySet[SalesChannel]:
    qs = policy.filter_by_org_and_region(
        user, SalesChannel.objects.all(), org_field="donor_org_id", region_field="region_id"
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("donor_org", "region")


def get_sales_channel_for_user(*, user, pk: int) -> SalesChannel:
    channel = sales_channel_list_for_user(user=user).filter(pk=pk).first()
    if channel is None:
        raise Http404("外销渠道不存在或无权查看")
    return channel


def get_sales_channel_for_user_rw(*, user, pk: int) -> SalesChannel:
    channel = get_sales_channel_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, channel.donor_org_id):
        raise PermissionDenied("无权修改该外销渠道")
    return channel


def sales_totals_for_user(*, user, start: date | None = None, end: date | None = None) -> dict:
    """Operators, channels per kind, sales and subsidies for periods ending within the range."""
    channels = sales_channel_list_for_user(user=user)
    records = SalesRecord.objects.filter(channel__in=channels.values("pk"))
    if start:
        records = records.filter(period_end__gte=start)
    if end:
        records = records.filter(period_end__lte=end)
    money = records.aggregate(sales=Sum("sales_amount"), subsidies=Sum("subsidy_paid"))
    by_kind = dict(channels.order_by().values_list("kind").annotate(n=Count("id")))
    return {
        "operators": channels.order_by().values("operator").distinct().count(),
        "channels": {k.value: by_kind.get(k.value, 0) for k in SalesChannel.Kind},
        "sales": money["sales"] or ZERO,
        "subsidies": money["subsidies"] or ZERO,
    }


def sales_record_list_for_channel(*, channel: SalesChannel) -> QuerySet[SalesRecord]:
    """One channel's sales, one row per period, oldest first. ``channel`` comes from
    ``get_sales_channel_for_user``, which decided the user may see it."""
    return SalesRecord.objects.filter(channel=channel).order_by("period_start")


def get_sales_record_for_user(*, user, pk: int) -> SalesRecord:
    """A sales record of a channel the user may see, or 404."""
    channels = sales_channel_list_for_user(user=user).values("pk")
    record = (
        SalesRecord.objects.filter(channel__in=channels, pk=pk)
        .select_related("channel", "channel__donor_org", "channel__region")
        .first()
    )
    if record is None:
        raise Http404("销售记录不存在或无权查看")
    return record


def get_sales_record_for_user_rw(*, user, pk: int) -> SalesRecord:
    """A sales record the user may correct or void: 404 if invisible, 403 if only readable."""
    record = get_sales_record_for_user(user=user, pk=pk)
    if not policy.can_write_for_org(user, record.channel.donor_org_id):
        raise PermissionDenied("无权修改该外销渠道的销售记录")
    return record


@dataclass(frozen=True)
class VoidedSalesRecord:
    """A voided (作废) sales record as its delete entry in the history keeps it."""

    period_start: date
    period_end: date
    sales_amount: Decimal
    subsidy_paid: Decimal
    note: str
    voided_at: datetime
    voided_by: object
    reason: str


def sales_record_voided_list(*, channel: SalesChannel, limit: int = 100) -> list[VoidedSalesRecord]:
    """The voided sales records of a channel the caller may see, newest first."""
    rows = []
    for entry in deletions_of(SalesRecord, channel_id=channel.pk)[:limit]:
        old = entry.before or {}
        rows.append(
            VoidedSalesRecord(
                period_start=date.fromisoformat(old["period_start"]),
                period_end=date.fromisoformat(old["period_end"]),
                sales_amount=Decimal(str(old["sales_amount"])),
                subsidy_paid=Decimal(str(old.get("subsidy_paid") or "0")),
                note=old.get("note", ""),
                voided_at=entry.at,
                voided_by=entry.actor,
                reason=entry.reason,
            )
        )
    return rows


def sales_record_totals_for_channel(*, channel: SalesChannel) -> dict:
    """One channel's sales and subsidies: in all, and per year (of the period's end)."""
    records = SalesRecord.objects.filter(channel=channel).order_by()
    by_year = [
        {
            "year": row["year"],
            "periods": row["periods"],
            "sales": row["sales"] or ZERO,
            "subsidies": row["subsidies"] or ZERO,
        }
        for row in records.values("year")
        .annotate(periods=Count("id"), sales=Sum("sales_amount"), subsidies=Sum("subsidy_paid"))
        .order_by("year")
    ]
    return {
        "periods": sum(row["periods"] for row in by_year),
        "sales": sum((row["sales"] for row in by_year), ZERO),
        "subsidies": sum((row["subsidies"] for row in by_year), ZERO),
        "by_year": by_year,
    }
