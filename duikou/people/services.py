"""Writes for aid personnel: batches, members, assignments, mentorships and training.

Every service validates before writing, runs in one transaction and appends to
the change history; a refusal raises ValidationError with a Chinese message
keyed by the offending field, and nothing is written. ID and phone numbers are
checked here (``identity``) and never written to the change history in clear.
"""

from datetime import date

from django.db import transaction

from duikou import policy
from duikou.audit.services import change_record, snapshot
from duikou.core.errors import refuse
from duikou.core.services import record_update, validate_fields
from duikou.geo.models import Region
from duikou.geo.selectors import region_resolve
from duikou.orgs.models import Organisation

from .identity import id_number_clean, id_number_mask, phone_clean
from .models import (
    AidBatch,
    AidMember,
    Assignment,
    Category,
    MentorPair,
    Sex,
    Term,
    Training,
    TrainingParticipant,
)

BATCH_FIELDS = ("name", "region", "term_start", "term_end", "note")
MEMBER_FIELDS = (
    "name",
    "sex",
    "category",
    "home_organisation",
    "post",
    "role",
    "phone",
    "id_number",
    "host_org",
    "host_org_name",
    "region",
    "note",
)
PAIR_FIELDS = ("apprentice_institution", "field", "end", "can_do_alone")
TRAINING_FIELDS = ("title", "place", "days", "participants", "region", "note")


def snapshot_masked(instance) -> dict:
    """A snapshot for the change history with identifiers masked."""
    data = snapshot(instance)
    for field in ("id_number", "apprentice_id_number"):
        if data.get(field):
            data[field] = id_number_mask(data[field])
    return data


def _record(instance, action: str, *, actor, before=None, reason="", source="") -> None:
    change_record(
        instance=instance,
        action=action,
        actor=actor,
        before=before,
        after=snapshot_masked(instance),
        reason=reason,
        source=source,
    )


def _check_dates(start: date, end: date | None, *, field: str = "end") -> None:
    if end is not None and end < start:
        raise refuse(field, "结束日期不能早于开始日期")


def _resolve_region(current, changes: dict) -> None:
    if "region" in changes:
        changes["region"] = region_resolve(changes["region"])


def _check_count(value: object, *, field: str, label: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise refuse(field, f"{label}必须是不小于0的整数")
    return value


# Batches ---------------------------------------------------------------------------------


@transaction.atomic
def batch_create(
    *,
    donor_org: Organisation,
    number: int,
    term_start: date,
    term: str = Term.LONG,
    name: str = "",
    region: Region | str | None = None,
    term_end: date | None = None,
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> AidBatch:
    """Create a batch (第N批) of a donor organisation, or a short-term group (柔性援疆批次)."""
    policy.require_write(actor, donor_org, what="援疆批次")
    if donor_org.side != Organisation.Side.DONOR:
        raise refuse("donor_org", f"“{donor_org.name}”不是支援方机构")
    if not isinstance(number, int) or number < 1:
        raise refuse("number", "批次必须是正整数")
    if term not in Term.values:
        raise refuse("term", f"批次类型“{term}”无效")
    _check_dates(term_start, term_end, field="term_end")
    name = name.strip() or (f"第{number}批" if term == Term.LONG else f"第{number}批柔性援疆")
    if AidBatch.objects.filter(donor_org=donor_org, name=name).exists():
        raise refuse("name", f"“{donor_org.name}”已有批次“{name}”")
    batch = AidBatch(
        donor_org=donor_org,
        number=number,
        name=name,
        term=term,
        region=region_resolve(region),
        term_start=term_start,
        term_end=term_end,
        year=term_start.year,
        month=term_start.month,
        note=note,
        is_demo=is_demo,
    )
    validate_fields(batch)
    batch.save()
    _record(batch, "create", actor=actor, source=source)
    return batch


@transaction.atomic
def batch_update(
    *,
    batch: AidBatch,
    version: int,
    actor,
    reason: str = "",
    source: str = "",
    **changes,
) -> AidBatch:
    """Edit a batch's name, place, term dates or note."""

    def check(current: AidBatch) -> None:
        _check_dates(current.term_start, current.term_end, field="term_end")
        current.year, current.month = current.term_start.year, current.term_start.month

    return record_update(
        AidBatch,
        batch,
        version=version,
        changes=changes,
        allowed=BATCH_FIELDS,
        entity="援疆批次",
        actor=actor,
        owner=lambda r: r.donor_org,
        reason=reason,
        source=source,
        prepare=_resolve_region,
        check=check,
        also=("year", "month"),
        snapshot=snapshot_masked,
    )


# Members ---------------------------------------------------------------------------------


def _check_member(member: AidMember) -> None:
    if not member.name.strip():
        raise refuse("name", "姓名不能为空")
    if member.sex not in Sex.values:
        raise refuse("sex", f"性别“{member.sex}”无效")
    if member.category not in Category.values:
        raise refuse("category", f"人员类别“{member.category}”无效")
    member.phone = phone_clean(member.phone)
    member.id_number = id_number_clean(member.id_number)
    if member.id_number:
        clash = AidMember.objects.filter(id_number=member.id_number).exclude(pk=member.pk).first()
        if clash is not None:
            raise refuse("id_number", f"身份证号已登记在援疆人员“{clash.name}”名下")
    if member.host_org_id and not member.host_org_name:
        member.host_org_name = member.host_org.name


@transaction.atomic
def member_create(
    *,
    name: str,
    sex: str,
    category: str,
    region: Region | str,
    batch: AidBatch | None = None,
    donor_org: Organisation | None = None,
    home_organisation: str = "",
    post: str = "",
    role: str = "",
    phone: str = "",
    id_number: str = "",
    host_org: Organisation | None = None,
    host_org_name: str = "",
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> AidMember:
    """Register a person sent to Xinjiang. ID number (GB 11643) and phone are checked."""
    if batch is not None and donor_org is not None and batch.donor_org_id != donor_org.pk:
        raise refuse("donor_org", f"选派机构与批次“{batch.name}”的选派机构不一致")
    donor_org = donor_org or (batch.donor_org if batch else None)
    if donor_org is None:
        raise refuse("donor_org", "请填写选派机构或所属批次")
    policy.require_write(actor, donor_org, what="援疆人员")
    member = AidMember(
        batch=batch,
        donor_org=donor_org,
        name=name.strip(),
        sex=sex,
        category=category,
        home_organisation=home_organisation,
        post=post,
        role=role,
        phone=phone,
        id_number=id_number,
        host_org=host_org,
        host_org_name=host_org_name,
        region=region_resolve(region),
        note=note,
        is_demo=is_demo,
    )
    _check_member(member)
    validate_fields(member)
    member.save()
    _record(member, "create", actor=actor, source=source)
    return member


@transaction.atomic
def member_update(
    *,
    member: AidMember,
    version: int,
    actor,
    reason: str = "",
    source: str = "",
    **changes,
) -> AidMember:
    """Edit a person's details; a new ID or phone number is checked like a new one."""
    return record_update(
        AidMember,
        member,
        version=version,
        changes=changes,
        allowed=MEMBER_FIELDS,
        entity="援疆人员",
        actor=actor,
        owner=lambda r: r.donor_org,
        reason=reason,
        source=source,
        prepare=_resolve_region,
        check=_check_member,
        also=("phone", "id_number", "host_org_name"),
        snapshot=snapshot_masked,
    )


@transaction.atomic
def assignment_create(
    *,
    member: AidMember,
    term: str,
    start: date,
    end: date | None = None,
    batch: AidBatch | None = None,
    region: Region | str | None = None,
    host_org_name: str = "",
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> Assignment:
    """Record a stint: the long-term term in a batch, or a short-term visit (柔性援疆)."""
    policy.require_write(actor, member.donor_org, what="援疆人员")
    if batch is not None:
        policy.require_write(actor, batch.donor_org, what="援疆批次")
    if term not in Term.values:
        raise refuse("term", f"任务类型“{term}”无效")
    _check_dates(start, end)
    batch = batch or (member.batch if term == Term.LONG else None)
    if term == Term.LONG and batch is None:
        raise refuse("batch", "长期援疆任务必须属于一个批次")
    if batch is not None and batch.term != term:
        raise refuse("batch", f"批次“{batch.name}”是{batch.get_term_display()}批次")
    if (
        term == Term.LONG
        and Assignment.objects.filter(member=member, batch=batch, term=Term.LONG).exists()
    ):
        raise refuse("batch", f"“{member.name}”在“{batch.name}”已有长期援疆任务")
    assignment = Assignment(
        member=member,
        term=term,
        batch=batch,
        region=region_resolve(region) or member.region,
        host_org_name=host_org_name or member.host_org_name,
        start=start,
        end=end,
        year=start.year,
        month=start.month,
        note=note,
        is_demo=is_demo,
    )
    validate_fields(assignment)
    assignment.save()
    _record(assignment, "create", actor=actor, source=source)
    return assignment


# Mentorships -----------------------------------------------------------------------------


@transaction.atomic
def mentor_pair_create(
    *,
    mentor: AidMember,
    apprentice_name: str,
    apprentice_institution: str,
    field: str,
    start: date,
    end: date | None = None,
    apprentice_id_number: str = "",
    apprentice_member: AidMember | None = None,
    region: Region | str | None = None,
    can_do_alone: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> MentorPair:
    """Pair an aid member (师傅) with a local apprentice (徒弟).

    The apprentice must be a local person: refused when the caller links an aid
    member as the apprentice, or when the apprentice's ID number belongs to an
    aid member.
    """
    policy.require_write(actor, mentor.donor_org, what="师带徒")
    name = apprentice_name.strip()
    if not name:
        raise refuse("apprentice_name", "徒弟姓名不能为空")
    if not apprentice_institution.strip():
        raise refuse("apprentice_institution", "徒弟所在单位不能为空")
    if not field.strip():
        raise refuse("field", "专业领域不能为空")
    _check_dates(start, end)
    id_number = id_number_clean(
        apprentice_id_number, field="apprentice_id_number", label="徒弟身份证号"
    )
    if apprentice_member is not None:
        raise refuse(
            "apprentice_name",
            f"徒弟“{apprentice_member.name}”是援疆人员，师带徒的徒弟应为本地人员",
        )
    if id_number:
        member = AidMember.objects.filter(id_number=id_number).first()
        if member is not None:
            same = "" if member.name == name else f"（登记姓名为“{member.name}”）"
            raise refuse(
                "apprentice_name",
                f"徒弟“{name}”的身份证号属于援疆人员{same}，师带徒的徒弟应为本地人员",
            )
    pair = MentorPair(
        mentor=mentor,
        apprentice_name=name,
        apprentice_id_number=id_number,
        apprentice_institution=apprentice_institution.strip(),
        region=region_resolve(region) or mentor.region,
        field=field.strip(),
        start=start,
        end=end,
        year=start.year,
        month=start.month,
        can_do_alone=can_do_alone,
        is_demo=is_demo,
    )
    validate_fields(pair)
    pair.save()
    _record(pair, "create", actor=actor, source=source)
    return pair


@transaction.atomic
def mentor_pair_update(
    *,
    pair: MentorPair,
    version: int,
    actor,
    reason: str = "",
    source: str = "",
    **changes,
) -> MentorPair:
    """Record progress: the end date and what the apprentice can now do alone."""
    return record_update(
        MentorPair,
        pair,
        version=version,
        changes=changes,
        allowed=PAIR_FIELDS,
        entity="师带徒",
        actor=actor,
        owner=lambda r: r.mentor.donor_org,
        reason=reason,
        source=source,
        check=lambda current: _check_dates(current.start, current.end),
        snapshot=snapshot_masked,
    )


# Training and study visits ---------------------------------------------------------------


@transaction.atomic
def training_create(
    *,
    title: str,
    kind: str,
    direction: str,
    organiser: Organisation,
    place: str,
    start: date,
    days: int,
    participants: int | None = None,
    participant_list: list[dict] | None = None,
    region: Region | str | None = None,
    batch: AidBatch | None = None,
    note: str = "",
    is_demo: bool = False,
    actor,
    source: str = "",
) -> Training:
    """Record a training course or study visit, with an optional list of named participants.

    Without a count the list's length is the count; a count below the list's length is refused.
    """
    policy.require_write(actor, organiser, what="培训")
    if not title.strip():
        raise refuse("title", "名称不能为空")
    if kind not in Training.Kind.values:
        raise refuse("kind", f"类型“{kind}”无效，应为培训班或考察进修")
    if direction not in Training.Direction.values:
        raise refuse("direction", f"方式“{direction}”无效，应为请进来或走出去")
    if not place.strip():
        raise refuse("place", "举办地点不能为空")
    if not isinstance(days, int) or days < 1:
        raise refuse("days", "天数必须是正整数")
    people = [p for p in (participant_list or []) if str(p.get("name", "")).strip()]
    if participants is None:
        participants = len(people)
    _check_count(participants, field="participants", label="参加人数")
    if participants < len(people):
        raise refuse("participants", f"参加人数（{participants}）少于学员名单人数（{len(people)}）")
    training = Training(
        title=title.strip(),
        kind=kind,
        direction=direction,
        organiser=organiser,
        batch=batch,
        region=region_resolve(region),
        place=place.strip(),
        start=start,
        days=days,
        participants=participants,
        year=start.year,
        month=start.month,
        note=note,
        is_demo=is_demo,
    )
    validate_fields(training)
    training.save()
    TrainingParticipant.objects.bulk_create(
        TrainingParticipant(
            training=training,
            name=str(p["name"]).strip(),
            workplace=p.get("workplace", ""),
            post=p.get("post", ""),
        )
        for p in people
    )
    _record(training, "create", actor=actor, source=source)
    return training


@transaction.atomic
def training_update(
    *,
    training: Training,
    version: int,
    actor,
    reason: str = "",
    source: str = "",
    **changes,
) -> Training:
    """Correct a training's title, place, days, count, place of the trainees or note."""

    def prepare(current: Training, changes: dict) -> None:
        _resolve_region(current, changes)
        if "days" in changes and (not isinstance(changes["days"], int) or changes["days"] < 1):
            raise refuse("days", "天数必须是正整数")
        if "participants" in changes:
            _check_count(changes["participants"], field="participants", label="参加人数")
            listed = current.participant_list.count()
            if changes["participants"] < listed:
                raise refuse("participants", f"参加人数少于学员名单人数（{listed}）")

    return record_update(
        Training,
        training,
        version=version,
        changes=changes,
        allowed=TRAINING_FIELDS,
        entity="培训",
        actor=actor,
        owner=lambda r: r.organiser,
        reason=reason,
        source=source,
        prepare=prepare,
        snapshot=snapshot_masked,
    )
