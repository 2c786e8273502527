"""Writes for partnerships, events and sales channels.

Every service validates before writing, runs in one transaction and appends to
the change history; a refusal raises ValidationError with a Chinese message
keyed by the offending field, and nothing is written.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from duikou import policy
from duikou.audit.services import change_record, snapshot
from duikou.core.errors import refuse
from duikou.core.money import to_money
from duikou.core.services import (
    bump_version,
    lock_for_update,
    reason_required,
    record_update,
    validate_fields,
)
from duikou.geo.models import Region
from duikou.geo.selectors import region_resolve
from duikou.orgs.models import Organisation

from .models import Event, EventKind, Partnership, PartnershipKind, SalesChannel, SalesRecord

EVENT_COUNTS = {
    "participants": "参加人数",
    "exhibitors": "参展企业数",
    "deals_signed": "签约项目数",
    "people_served": "服务群众人次",
}
EVENT_AMOUNTS = {
    "amount_traded": "成交金额",
    "intended_orders": "意向订单金额",
    "medicine_value": "赠送药品价值",
}
EVENT_FIELDS = (
    "kind",
    "title",
    "on",
    "end_on",
    "place",
    "region",
    "note",
    *EVENT_COUNTS,
    *EVENT_AMOUNTS,
)
PARTNERSHIP_FIELDS = (
    "kind",
    "donor_party_name",
    "local_party_name",
    "region",
    "planned_end",
    "note",
)
CHANNEL_FIELDS = ("name", "operator", "location", "region", "is_active", "note")
SALES_AMOUNTS = {"sales_amount": "销售额", "subsidy_paid": "发放补贴"}
SALES_DATES = {"period_start": "期间开始", "period_end": "期间结束"}
SALES_CORRECTABLE = (*SALES_DATES, *SALES_AMOUNTS, "note")


def _count(value: object, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse(field, f"{label}必须是整数")
    if value < 0:
        raise refuse(field, f"{label}不能为负数")
    return value


def _amount(value: object, field: str, label: str) -> Decimal:
    try:
        amount = to_money(value, field=label)
    except ValidationError as error:
        raise refuse(field, error.messages[0]) from None
    if amount < 0:
        raise refuse(field, f"{label}不能为负数")
    return amount


def _new_code(model, code: str) -> str:
    code = code.strip()
    if not code:
        raise refuse("code", "编号不能为空")
    if model.objects.filter(code=code).exists():
        raise refuse("code", f"编号“{code}”已存在")
    return code


def _resolve_region(current, changes: dict) -> None:
    if "region" in changes:
        changes["region"] = region_resolve(changes["region"])


def _donor(org: Organisation, field: str = "donor_org") -> Organisation:
    if org.side != Organisation.Side.DONOR:
        raise refuse(field, f"“{org.name}”不是支援方机构")
    return org


# Partnerships ----------------------------------------------------------------------------


@transaction.atomic
def partnership_create(
    *,
    code: str,
    kind: str,
    donor_org: Organisation,
    region: Region | str,
    signed_on: date,
    donor_party_name: str = "",
    donor_party_org: Organisation | None = None,
    local_party_name: str = "",
    local_party_org: Organisation | None = None,
    planned_end: date | None = None,
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> Partnership:
    """Record a partnership (医联体, 专科联盟, 学校结对 …) between two institutions.

    Each party is given by name, by organisation, or both (the name defaults to the
    organisation's).
    """
    policy.require_write(actor, donor_org, what="合作共建")
    code = _new_code(Partnership, code)
    if kind not in PartnershipKind.values:
        raise refuse("kind", f"合作类型“{kind}”无效")
    donor_party_name = donor_party_name.strip() or (donor_party_org.name if donor_party_org else "")
    local_party_name = local_party_name.strip() or (local_party_org.name if local_party_org else "")
    if not donor_party_name:
        raise refuse("donor_party_name", "请填写援方单位")
    if not local_party_name:
        raise refuse("local_party_name", "请填写受援方单位")
    if planned_end is not None and planned_end < signed_on:
        raise refuse("planned_end", "约定截止日期不能早于建立日期")
    partnership = Partnership(
        code=code,
        kind=kind,
        donor_party_name=donor_party_name,
        donor_party_org=donor_party_org,
        local_party_name=local_party_name,
        local_party_org=local_party_org,
        donor_org=_donor(donor_org),
        region=region_resolve(region),
        signed_on=signed_on,
        year=signed_on.year,
        month=signed_on.month,
        planned_end=planned_end,
        note=note,
        is_demo=is_demo,
    )
    validate_fields(partnership)
    partnership.save()
    change_record(instance=partnership, action="create", actor=actor, source=source)
    return partnership


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    version: int,
    actor,
    reason: str = "",
    source: str = "",
    **changes,
) -> Partnership:
    """Correct a partnership's kind, party names, place, planned end or note."""

    def prepare(current: Partnership, changes: dict) -> None:
        if "kind" in changes and changes["kind"] not in PartnershipKind.values:
            raise refuse("kind", f"合作类型“{changes['kind']}”无效")
        _resolve_region(current, changes)
        for field in ("donor_party_name", "local_party_name"):
            if field in changes and not str(changes[field]).strip():
                raise refuse(field, "单位名称不能为空")

    def check(current: Partnership) -> None:
        if current.planned_end is not None and current.planned_end < current.signed_on:
            raise refuse("planned_end", "约定截止日期不能早于建立日期")

    return record_update(
        Partnership,
        partnership,
        version=version,
        changes=changes,
        allowed=PARTNERSHIP_FIELDS,
        entity="合作共建",
        actor=actor,
        owner=lambda r: r.donor_org,
        reason=reason,
        source=source,
        prepare=prepare,
        check=check,
    )


@transaction.atomic
def partnership_end(
    *,
    partnership: Partnership,
    on: date,
    reason: str,
    actor,
    version: int | None = None,
    source: str = "",
) -> Partnership:
    """End a partnership on a date; the reason is required and kept."""
    current = lock_for_update(Partnership, partnership, version, "合作共建")
    policy.require_write(actor, current.donor_org, what="合作共建")
    if current.status == Partnership.Status.ENDED:
        raise refuse("status", "该合作已结束")
    if not reason.strip():
        raise refuse("reason", "结束合作必须说明原因")
    if on < current.signed_on:
        raise refuse("on", f"结束日期不能早于建立日期（{current.signed_on}）")
    before = snapshot(current, ["status", "ended_on"])
    current.status, current.ended_on = Partnership.Status.ENDED, on
    bump_version(current, ["status", "ended_on"])
    change_record(
        instance=current,
        action="transition",
        actor=actor,
        before=before,
        after=snapshot(current, ["status", "ended_on"]),
        reason=reason,
        source=source,
    )
    return current


# Events ----------------------------------------------------------------------------------


def _check_event(event: Event) -> None:
    if event.kind not in EventKind.values:
        raise refuse("kind", f"活动类型“{event.kind}”无效")
    if not event.title.strip():
        raise refuse("title", "活动名称不能为空")
    if not event.place.strip():
        raise refuse("place", "举办地点不能为空")
    if event.end_on is not None and event.end_on < event.on:
        raise refuse("end_on", "结束日期不能早于活动日期")
    for field, label in EVENT_COUNTS.items():
        _count(getattr(event, field), field, label)
    for field, label in EVENT_AMOUNTS.items():
        setattr(event, field, _amount(getattr(event, field), field, label))
    event.year, event.month = event.on.year, event.on.month


@transaction.atomic
def event_create(
    *,
    code: str,
    kind: str,
    title: str,
    on: date,
    place: str,
    organiser: Organisation,
    region: Region | str | None = None,
    end_on: date | None = None,
    participants: int = 0,
    exhibitors: int = 0,
    deals_signed: int = 0,
    amount_traded: object = 0,
    intended_orders: object = 0,
    people_served: int = 0,
    medicine_value: object = 0,
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> Event:
    """Record an event and its outcomes. Negative counts and amounts are refused."""
    policy.require_write(actor, organiser, what="活动")
    event = Event(
        code=_new_code(Event, code),
        kind=kind,
        title=title.strip(),
        on=on,
        end_on=end_on,
        place=place,
        region=region_resolve(region),
        organiser=organiser,
        participants=participants,
        exhibitors=exhibitors,
        deals_signed=deals_signed,
        amount_traded=amount_traded,
        intended_orders=intended_orders,
        people_served=people_served,
        medicine_value=medicine_value,
        note=note,
        is_demo=is_demo,
    )
    _check_event(event)
    validate_fields(event)
    event.save()
    change_record(instance=event, action="create", actor=actor, source=source)
    return event


@transaction.atomic
def event_update(
    *, event: Event, version: int, actor, reason: str = "", source: str = "", **changes
) -> Event:
    """Correct an event or add its outcomes once known."""
    return record_update(
        Event,
        event,
        version=version,
        changes=changes,
        allowed=EVENT_FIELDS,
        entity="活动",
        actor=actor,
        owner=lambda r: r.organiser,
        reason=reason,
        source=source,
        prepare=_resolve_region,
        check=_check_event,
        also=("year", "month"),
    )


# Sales channels --------------------------------------------------------------------------


@transaction.atomic
def sales_channel_create(
    *,
    code: str,
    name: str,
    kind: str,
    operator: str,
    donor_org: Organisation,
    region: Region | str,
    location: str = "",
    opened_on: date | None = None,
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> SalesChannel:
    """Register a store, fair stand or online shop selling recipient-area products."""
    policy.require_write(actor, donor_org, what="外销渠道")
    code = _new_code(SalesChannel, code)
    if kind not in SalesChannel.Kind.values:
        raise refuse("kind", f"渠道类型“{kind}”无效，应为门店、展会或线上平台")
    if not name.strip():
        raise refuse("name", "渠道名称不能为空")
    if not operator.strip():
        raise refuse("operator", "请填写外销主体")
    channel = SalesChannel(
        code=code,
        name=name.strip(),
        kind=kind,
        operator=operator.strip(),
        location=location,
        donor_org=_donor(donor_org),
        region=region_resolve(region),
        opened_on=opened_on,
        note=note,
        is_demo=is_demo,
    )
    validate_fields(channel)
    channel.save()
    change_record(instance=channel, action="create", actor=actor, source=source)
    return channel


@transaction.atomic
def sales_channel_update(
    *,
    channel: SalesChannel,
    version: int,
    actor,
    reason: str = "",
    source: str = "",
    **changes,
) -> SalesChannel:
    """Correct a channel's name, operator, location or place, or mark it closed."""
    return record_update(
        SalesChannel,
        channel,
        version=version,
        changes=changes,
        allowed=CHANNEL_FIELDS,
        entity="外销渠道",
        actor=actor,
        owner=lambda r: r.donor_org,
        reason=reason,
        source=source,
        prepare=_resolve_region,
    )


def _check_sales_period(channel_id: int, start: date, end: date, *, exclude=None) -> None:
    """Refuse a period that ends before it starts or overlaps another of the channel's
    records (the channel locked by the caller, so two writers cannot both pass)."""
    if end < start:
        raise refuse("period_end", "期间结束不能早于期间开始")
    clash = SalesRecord.objects.filter(
        channel_id=channel_id, period_start__lte=end, period_end__gte=start
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    clash = clash.first()
    if clash is not None:
        raise refuse(
            "period_start",
            f"该渠道已有{clash.period_start}至{clash.period_end}的销售记录，期间不能重叠",
        )


@transaction.atomic
def sales_record_create(
    *,
    channel: SalesChannel,
    period_start: date,
    period_end: date,
    sales_amount: object,
    subsidy_paid: object = 0,
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> SalesRecord:
    """Record one period's sales and subsidy for a channel; periods may not overlap."""
    if period_end < period_start:
        raise refuse("period_end", "期间结束不能早于期间开始")
    sales = _amount(sales_amount, "sales_amount", "销售额")
    subsidy = _amount(subsidy_paid, "subsidy_paid", "发放补贴")
    locked = lock_for_update(SalesChannel, channel, None, "外销渠道")  # one writer of periods
    policy.require_write(actor, locked.donor_org, what="外销渠道")
    _check_sales_period(channel.pk, period_start, period_end)
    record = SalesRecord(
        channel=channel,
        period_start=period_start,
        period_end=period_end,
        year=period_end.year,
        month=period_end.month,
        sales_amount=sales,
        subsidy_paid=subsidy,
        note=note,
        is_demo=is_demo,
    )
    validate_fields(record)
    record.save()
    change_record(instance=record, action="create", actor=actor, source=source)
    return record


SALES_RECORD_GONE = "该销售记录已被作废，请刷新页面后查看"


def _lock_sales_channel(record: SalesRecord) -> None:
    """Lock the record's channel first, as ``sales_record_create`` does: one writer of a
    channel's periods at a time, always taking the locks in the same order."""
    lock_for_update(SalesChannel, SalesChannel(pk=record.channel_id), None, "外销渠道")


@transaction.atomic
def sales_record_correct(
    *,
    record: SalesRecord,
    version: int | None,
    reason: str,
    actor,
    source: str = "",
    **changes,
) -> SalesRecord:
    """Correct the period, sales, subsidy or note of a recorded period, with a reason.

    The channel cannot change: a record on the wrong channel is voided and entered again.
    The corrected period is checked like a new one (this record not counted against
    itself); the year and month follow the period's end. The history keeps the old values
    and the reason.
    """

    def prepare(current: SalesRecord, changes: dict) -> None:
        for field, label in SALES_DATES.items():
            value = changes.get(field, getattr(current, field))
            if not isinstance(value, date) or isinstance(value, datetime):
                raise refuse(field, f"{label}日期无效")
        for field, label in SALES_AMOUNTS.items():
            if field in changes:
                changes[field] = _amount(changes[field], field, label)
        for field in [k for k, v in changes.items() if getattr(current, k) == v]:
            del changes[field]
        if not changes:
            raise ValidationError("没有需要更正的内容：期间、销售额、发放补贴和说明都与原记录相同")

    def check(current: SalesRecord) -> None:
        _check_sales_period(
            current.channel_id, current.period_start, current.period_end, exclude=current
        )
        current.year, current.month = current.period_end.year, current.period_end.month

    _lock_sales_channel(record)
    return record_update(
        SalesRecord,
        record,
        version=version,
        changes=changes,
        allowed=SALES_CORRECTABLE,
        entity="外销销售记录",
        actor=actor,
        owner=lambda r: r.channel.donor_org,
        reason=reason,
        source=source,
        reason_message="更正销售记录必须说明原因",
        prepare=prepare,
        check=check,
        also=("year", "month"),
        gone=SALES_RECORD_GONE,
    )


@transaction.atomic
def sales_record_void(
    *,
    record: SalesRecord,
    version: int | None,
    reason: str,
    actor,
    source: str = "",
) -> None:
    """Void (作废) a mistaken sales record: the row goes, and the history keeps every old
    value with who voided it and why (``deletions_of(SalesRecord, channel_id=…)``)."""
    reason = reason_required(reason, "作废销售记录必须说明原因")
    _lock_sales_channel(record)
    try:
        current = lock_for_update(SalesRecord, record, version, "外销销售记录")
    except SalesRecord.DoesNotExist:
        raise refuse("record", SALES_RECORD_GONE) from None
    policy.require_write(actor, current.channel.donor_org, what="外销销售记录")
    change_record(
        instance=current,
        action="delete",
        actor=actor,
        before=snapshot(current),
        reason=reason,
        source=source,
    )
    current.delete()
