"""Writes for investment deals: creation, edits, stage moves, funds in place and jobs.

Every service validates before writing, runs in one transaction and appends to
the change history; a refusal raises ValidationError with a Chinese message
keyed by the offending field, and nothing is written.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum

from duikou import policy
from duikou.audit.services import change_record, snapshot
from duikou.core.errors import ConflictError, refuse
from duikou.core.money import to_money
from duikou.core.services import (
    acting_user,
    bump_version,
    lock_for_update,
    reason_required,
    refuse_unknown,
    validate_fields,
)
from duikou.geo.models import Region
from duikou.geo.selectors import region_resolve
from duikou.orgs.models import Organisation

from .models import (
    MILESTONE_FIELD,
    PIPELINE,
    RANK,
    Deal,
    DealStageChange,
    FundsInPlace,
    JobsReport,
    Stage,
)
from .selectors import deal_funds_in_place_total

EDITABLE_FIELDS = (
    "name",
    "enterprise",
    "industry",
    "industry_chain",
    "industrial_park",
    "description",
    "donor_org",
    "region",
    "location",
    "planned_investment",
    "signed_amount",
    "jobs_expected",
)
MONEY_FIELDS = {"planned_investment": "计划投资额", "signed_amount": "签约金额"}
ZERO = Decimal("0.00")
OVER_SIGNED_CONFIRMED = "已确认累计到位资金超过签约金额"


def _money_or_none(value: object, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    label = MONEY_FIELDS[field]
    try:
        amount = to_money(value, field=label)
    except ValidationError as error:
        raise refuse(field, error.messages[0]) from None
    if amount < 0:
        raise refuse(field, f"{label}不能为负数")
    return amount


def _check_jobs_expected(value: object) -> int:
    if not isinstance(value, int) or value < 0:
        raise refuse("jobs_expected", "预计带动就业人数必须是不小于0的整数")
    return value


def _derive(deal: Deal) -> None:
    if deal.donor_org.side != Organisation.Side.DONOR:
        raise refuse("donor_org", f"“{deal.donor_org.name}”不是支援方机构")
    deal.donor_province_id = deal.donor_org.root_id or deal.donor_org.pk
    deal.prefecture_id = deal.region.prefecture_id


def _set_milestones(deal: Deal, stage: Stage, on: date) -> list[str]:
    """Keep the ``*_on`` columns in step with a move to ``stage`` on ``on``.

    Reaching a stage dates every earlier stage not dated yet (a skipped stage was
    passed by then at the latest); falling back undates the stages above.
    """
    changed = []
    if stage == Stage.TERMINATED:
        deal.terminated_on = on
        return ["terminated_on"]
    rank = RANK[stage]
    for other in PIPELINE:
        field = MILESTONE_FIELD[other]
        if RANK[other] <= rank and getattr(deal, field) is None:
            setattr(deal, field, on)
            changed.append(field)
        elif RANK[other] > rank and getattr(deal, field) is not None:
            setattr(deal, field, None)
            changed.append(field)
    if deal.terminated_on is not None:
        deal.terminated_on = None
        changed.append("terminated_on")
    deal.signed_year = deal.signed_on.year if deal.signed_on else None
    deal.signed_month = deal.signed_on.month if deal.signed_on else None
    return [*changed, "signed_year", "signed_month"]


def _stage_change(deal: Deal, here: str, there: Stage, on: date, *, irregular, actor, reason):
    DealStageChange.objects.create(
        deal=deal,
        from_stage=here,
        to_stage=there,
        to_rank=RANK[there],
        on=on,
        year=on.year,
        month=on.month,
        is_irregular=irregular,
        reason=reason,
        actor=acting_user(actor),
    )


@transaction.atomic
def deal_create(
    *,
    code: str,
    name: str,
    enterprise: str,
    donor_org: Organisation,
    region: Region | str,
    stage_date: date,
    stage: str = Stage.LEAD,
    industry: str = "",
    industry_chain: str = "",
    industrial_park: str = "",
    planned_investment: object = None,
    signed_amount: object = None,
    jobs_expected: int = 0,
    description: str = "",
    location: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> Deal:
    """Create a deal at ``stage`` on ``stage_date`` (线索 unless entered mid-life).

    A deal entered mid-life gets its earlier stages dated ``stage_date``; the first
    dated transition is recorded either way.
    """
    policy.require_write(actor, donor_org, what="招商项目")
    code = code.strip()
    if not code:
        raise refuse("code", "项目编号不能为空")
    if Deal.objects.filter(code=code).exists():
        raise refuse("code", f"项目编号“{code}”已存在")
    if not name.strip():
        raise refuse("name", "项目名称不能为空")
    if not enterprise.strip():
        raise refuse("enterprise", "投资企业不能为空")
    if stage not in Stage.values or stage == Stage.TERMINATED:
        raise refuse("stage", f"招商项目阶段“{stage}”无效，新建项目应处于线索至投产之间")
    deal = Deal(
        code=code,
        name=name.strip(),
        enterprise=enterprise.strip(),
        industry=industry,
        industry_chain=industry_chain,
        industrial_park=industrial_park,
        description=description,
        donor_org=donor_org,
        region=region_resolve(region),
        location=location.strip(),
        stage=stage,
        stage_date=stage_date,
        planned_investment=_money_or_none(planned_investment, "planned_investment"),
        signed_amount=_money_or_none(signed_amount, "signed_amount"),
        jobs_expected=_check_jobs_expected(jobs_expected),
        is_demo=is_demo,
    )
    _derive(deal)
    _set_milestones(deal, Stage(stage), stage_date)
    validate_fields(deal)
    deal.save()
    _stage_change(deal, "", Stage(stage), stage_date, irregular=False, actor=actor, reason="")
    change_record(instance=deal, action="create", actor=actor, source=source)
    return deal


def _locked(deal: Deal, version: int | None, actor) -> Deal:
    """Re-read the deal under a row lock, check the actor may change it (its organisation
    as stored now) and that the editor saw the latest version."""
    current = Deal.objects.select_for_update().select_related("donor_org", "region").get(pk=deal.pk)
    policy.require_write(actor, current.donor_org, what="招商项目")
    if version is not None and current.version != version:
        raise ConflictError(entity="招商项目", expected=version, current=current.version)
    return current


@transaction.atomic
def deal_update(
    *, deal: Deal, version: int, actor, reason: str = "", source: str = "", **changes
) -> Deal:
    """Edit a deal's fields. Stage, dates and jobs created have their own services."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise refuse(sorted(unknown)[0], "该字段不能在此修改")
    current = _locked(deal, version, actor)
    before = snapshot(current)
    for field in MONEY_FIELDS:
        if field in changes:
            changes[field] = _money_or_none(changes[field], field)
    if "jobs_expected" in changes:
        _check_jobs_expected(changes["jobs_expected"])
    if "region" in changes:
        changes["region"] = region_resolve(changes["region"])
    for field in ("name", "enterprise"):
        if field in changes and not str(changes[field]).strip():
            label = "项目名称" if field == "name" else "投资企业"
            raise refuse(field, f"{label}不能为空")
    for field, value in changes.items():
        setattr(current, field, value)
    policy.require_write(actor, current.donor_org, what="招商项目")  # not moved out of reach
    _derive(current)
    validate_fields(current)
    bump_version(current, [*changes, "donor_province", "prefecture"])
    change_record(
        instance=current, action="update", actor=actor, before=before, reason=reason, source=source
    )
    return current


@transaction.atomic
def deal_advance_stage(
    *,
    deal: Deal,
    to_stage: str,
    on: date,
    reason: str = "",
    signed_amount: object = None,
    actor,
    version: int | None = None,
) -> Deal:
    """Move a deal to ``to_stage`` on ``on``.

    The normal move is one step along 线索 → 储备 → 洽谈 → 签约 → 开工 → 投产.
    Skipping a stage, going back, leaving 终止 and terminating all need a
    reason; with one they are allowed and the step is marked irregular.
    ``signed_amount`` may be given with the move to 签约.
    """
    current = _locked(deal, version, actor)
    if to_stage not in Stage.values:
        raise refuse("stage", f"招商项目阶段“{to_stage}”无效")
    here, there = Stage(current.stage), Stage(to_stage)
    reason = reason.strip()
    if here == there:
        raise refuse("stage", f"招商项目已处于“{here.label}”阶段")
    if on < current.stage_date:
        raise refuse("on", f"阶段变更日期不能早于上一次阶段日期（{current.stage_date}）")
    amount = _money_or_none(signed_amount, "signed_amount")
    irregular = False
    if there == Stage.TERMINATED:
        if not reason:
            raise refuse("reason", "终止招商项目必须说明原因")
    elif here == Stage.TERMINATED:
        irregular = True
        if not reason:
            raise refuse("stage", f"已终止的招商项目恢复为“{there.label}”须填写原因")
    elif RANK[there] != RANK[here] + 1:
        irregular = True
        if not reason:
            if RANK[there] < RANK[here]:
                message = f"招商项目不能从“{here.label}”退回“{there.label}”，如确需回退请填写原因"
            else:
                skipped = "、".join(str(s.label) for s in PIPELINE[RANK[here] : RANK[there] - 1])
                message = (
                    f"招商项目不能从“{here.label}”直接变为“{there.label}”（跳过“{skipped}”），"
                    "如确需跳过请填写原因"
                )
            raise refuse("stage", message)
    before = snapshot(current)
    current.stage, current.stage_date = there, on
    fields = ["stage", "stage_date", *_set_milestones(current, there, on)]
    if amount is not None:
        current.signed_amount = amount
        fields.append("signed_amount")
    bump_version(current, fields)
    _stage_change(current, here, there, on, irregular=irregular, actor=actor, reason=reason)
    change_record(instance=current, action="transition", actor=actor, before=before, reason=reason)
    return current


def _funds_amount(amount: object) -> Decimal:
    try:
        amount = to_money(amount, field="到位金额")
    except ValidationError as error:
        raise refuse("amount", error.messages[0]) from None
    if amount <= 0:
        raise refuse("amount", "到位金额必须大于零")
    return amount


@transaction.atomic
def deal_record_funds_in_place(
    *,
    deal: Deal,
    amount: object,
    on: date,
    confirm_over_signed: bool = False,
    reference: str = "",
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> FundsInPlace:
    """Record money put in on a date (到位资金). A deal must be signed first.

    A running total above the signed amount is refused unless the caller confirms
    it (``confirm_over_signed``, e.g. the investor added to the contract); the row
    then carries the confirmation.
    """
    amount = _funds_amount(amount)
    current = _locked(deal, None, actor)  # serialises concurrent entries on one deal
    if current.signed_on is None:
        raise refuse("deal", f"招商项目“{current.name}”尚未签约，不能登记到位资金")
    if on < current.signed_on:
        raise refuse("on", f"到位日期不能早于签约日期（{current.signed_on}）")
    total = deal_funds_in_place_total(deal=current) + amount
    signed = current.signed_amount or ZERO
    over = total > signed
    if over and not confirm_over_signed:
        raise refuse(
            "amount",
            f"累计到位资金将达到{total}元，超过签约金额{signed}元；如属实请确认后再登记",
        )
    record = FundsInPlace(
        deal=current,
        amount=amount,
        on=on,
        year=on.year,
        month=on.month,
        over_signed=over,
        reference=reference,
        note=note,
        is_demo=is_demo,
    )
    validate_fields(record)
    record.save()
    change_record(
        instance=record,
        action="create",
        actor=actor,
        reason=OVER_SIGNED_CONFIRMED if over else "",
        source=source,
    )
    return record


FUNDS_CORRECTABLE = ("amount", "on", "reference", "note")


def _locked_funds(record: FundsInPlace, version: int | None) -> FundsInPlace:
    """Re-read a funds row under a row lock (its deal already locked) and check the editor
    saw its latest version; a row voided meanwhile is refused, not a server error."""
    try:
        return lock_for_update(FundsInPlace, record, version, "到位资金")
    except FundsInPlace.DoesNotExist:
        raise refuse("record", "该笔到位资金已被作废，请刷新页面后查看") from None


@transaction.atomic
def funds_in_place_correct(
    *,
    record: FundsInPlace,
    version: int | None,
    reason: str,
    confirm_over_signed: bool = False,
    actor,
    source: str = "",
    **changes,
) -> FundsInPlace:
    """Correct the amount, date, reference or note of recorded funds in place, with a reason.

    A new date may not precede the signing. A larger amount that takes the running total
    (this row counted once) above the signed amount needs ``confirm_over_signed``, as a new
    entry does; the row's ``over_signed`` flag then says so, and clears when a smaller
    amount brings the total back within the contract. The history keeps the old values.
    """
    refuse_unknown(changes, FUNDS_CORRECTABLE)
    reason = reason_required(reason, "更正到位资金必须说明原因")
    if "amount" in changes:
        changes["amount"] = _funds_amount(changes["amount"])
    if "on" in changes and not isinstance(changes["on"], date):
        raise refuse("on", "到位日期无效")
    deal = _locked(record.deal, None, actor)  # serialises money writes on one deal
    current = _locked_funds(record, version)
    changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changes:
        raise ValidationError("没有需要更正的内容：金额、日期、凭证和备注都与原记录相同")
    if ("amount" in changes or "on" in changes) and deal.signed_on is None:
        raise refuse("deal", f"招商项目“{deal.name}”尚未签约，不能更正到位金额或日期")
    if "on" in changes and changes["on"] < deal.signed_on:
        raise refuse("on", f"到位日期不能早于签约日期（{deal.signed_on}）")
    before = snapshot(current)
    old_amount, new_amount = current.amount, changes.get("amount", current.amount)
    over_signed = current.over_signed
    confirmed = False
    if new_amount != old_amount:
        others = FundsInPlace.objects.filter(deal=deal).exclude(pk=current.pk)
        total = (others.aggregate(total=Sum("amount"))["total"] or ZERO) + new_amount
        signed = deal.signed_amount or ZERO
        over = total > signed
        if over and new_amount > old_amount:
            if not confirm_over_signed:
                raise refuse(
                    "amount",
                    f"更正后累计到位资金将达到{total}元，超过签约金额{signed}元；"
                    "如属实请确认后再更正",
                )
            over_signed = confirmed = True
        else:  # a smaller amount never newly confirms an excess, but may end one
            over_signed = over_signed and over
    for field, value in changes.items():
        setattr(current, field, value)
    current.year, current.month = current.on.year, current.on.month
    current.over_signed = over_signed
    validate_fields(current)
    bump_version(current, [*changes, "year", "month", "over_signed"])
    change_record(
        instance=current,
        action="update",
        actor=actor,
        before=before,
        reason=f"{reason}（{OVER_SIGNED_CONFIRMED}）" if confirmed else reason,
        source=source,
    )
    return current


@transaction.atomic
def funds_in_place_void(
    *,
    record: FundsInPlace,
    version: int | None,
    reason: str,
    actor,
    source: str = "",
) -> None:
    """Void (作废) mistaken funds in place: the row goes, the deal's running total drops, and
    the history keeps every old value with who voided it and why."""
    reason = reason_required(reason, "作废到位资金必须说明原因")
    _locked(record.deal, None, actor)
    current = _locked_funds(record, version)
    change_record(
        instance=current,
        action="delete",
        actor=actor,
        before=snapshot(current),
        reason=reason,
        source=source,
    )
    current.delete()


@transaction.atomic
def deal_record_jobs(
    *,
    deal: Deal,
    jobs_total: int,
    on: date,
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> JobsReport:
    """Record how many jobs a deal has created so far (累计吸纳就业) as of ``on``."""
    if not isinstance(jobs_total, int) or jobs_total < 0:
        raise refuse("jobs_total", "累计吸纳就业人数必须是不小于0的整数")
    current = _locked(deal, None, actor)
    last = JobsReport.objects.filter(deal=current).aggregate(on=Max("on"))["on"]
    if last is not None and on < last:
        raise refuse("on", f"登记日期不能早于上一次吸纳就业登记（{last}）")
    if jobs_total < current.jobs_created:
        raise refuse(
            "jobs_total",
            f"累计吸纳就业人数不能少于上次登记的{current.jobs_created}人，更正请通过管理后台",
        )
    report = JobsReport(
        deal=current,
        on=on,
        year=on.year,
        month=on.month,
        jobs_total=jobs_total,
        jobs_added=jobs_total - current.jobs_created,
        note=note,
        is_demo=is_demo,
    )
    validate_fields(report)
    report.save()
    before = snapshot(current, ["jobs_created"])
    current.jobs_created = jobs_total
    bump_version(current, ["jobs_created"])
    change_record(instance=report, action="create", actor=actor, source=source)
    change_record(
        instance=current,
        action="update",
        actor=actor,
        before=before,
        after=snapshot(current, ["jobs_created"]),
        source=source,
    )
    return report
