"""Writes for organisations, programmes and pairings."""

import csv
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from duikou import policy
from duikou.audit.services import change_record, snapshot
from duikou.core.errors import ConflictError, refuse
from duikou.core.services import validate
from duikou.geo.models import Region
from duikou.geo.selectors import region_find

from .models import Membership, OrgAncestor, Organisation, Pairing, Programme

PAIRINGS_CSV = Path(__file__).resolve().parent / "fixtures" / "pairings.csv"
ORG_FIELDS = (
    "name",
    "short_name",
    "name_en",
    "side",
    "kind",
    "parent",
    "region",
    "is_active",
    "credit_code",
    "iati_ref",
    "iati_publisher",
)


def _rebuild_ancestors(orgs: list[Organisation]) -> None:
    """Recompute closure rows and ``root`` for ``orgs`` and everything below them."""
    ids = set()
    for org in orgs:
        ids |= set(OrgAncestor.objects.filter(ancestor=org).values_list("org_id", flat=True)) | {
            org.pk
        }
    everyone = {o.pk: o for o in Organisation.objects.only("id", "parent_id", "root_id")}
    links, changed_roots = [], []
    for pk in ids:
        chain = [everyone[pk]]
        while chain[-1].parent_id is not None:
            parent = everyone[chain[-1].parent_id]
            if parent in chain:
                raise refuse("parent", "上级机构不能是机构自身或其下级")
            chain.append(parent)
        root = chain[-1]
        if everyone[pk].root_id != root.pk:
            everyone[pk].root_id = root.pk
            changed_roots.append(everyone[pk])
        links.extend(OrgAncestor(org_id=pk, ancestor_id=a.pk, depth=d) for d, a in enumerate(chain))
    OrgAncestor.objects.filter(org_id__in=ids).delete()
    OrgAncestor.objects.bulk_create(links, batch_size=1000)
    Organisation.objects.bulk_update(changed_roots, ["root"], batch_size=500)


def _require_parent(actor, parent: Organisation | None) -> None:
    if parent is None:
        policy.require_national(actor, what="新建或移动顶层机构")
    else:
        policy.require_write(actor, parent, what="下级机构")


@transaction.atomic
def organisation_create(
    *,
    code: str,
    name: str,
    side: str,
    kind: str,
    region: Region,
    parent: Organisation | None = None,
    short_name: str = "",
    name_en: str = "",
    is_demo: bool = False,
    actor,
) -> Organisation:
    """Create an organisation under ``parent`` and record it in the change history: a
    writer for the parent adds below it; a top organisation is the national office's."""
    _require_parent(actor, parent)
    if Organisation.objects.filter(code=code).exists():
        raise refuse("code", f"机构编码“{code}”已存在")
    org = Organisation(
        code=code,
        name=name,
        side=side,
        kind=kind,
        region=region,
        parent=parent,
        short_name=short_name,
        name_en=name_en,
        is_demo=is_demo,
    )
    validate(org, exclude=["root"])
    org.save()
    _rebuild_ancestors([org])
    org.refresh_from_db()
    change_record(instance=org, action="create", actor=actor)
    return org


@transaction.atomic
def organisation_update(
    *, org: Organisation, version: int, actor, reason: str = "", **changes
) -> Organisation:
    """Change an organisation's fields; refused if someone else saved it since ``version``."""
    unknown = set(changes) - set(ORG_FIELDS)
    if unknown:
        raise refuse(sorted(unknown)[0], "该字段不能修改")
    current = Organisation.objects.select_for_update().get(pk=org.pk)
    policy.require_write(actor, current, what="机构信息")
    if current.version != version:
        raise ConflictError(entity="机构", expected=version, current=current.version)
    before = snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    if "parent" in changes:  # moved: the new parent must be the actor's too
        _require_parent(actor, current.parent)
    current.version += 1
    current.updated_at = timezone.now()
    validate(current, exclude=["root"])
    current.save(update_fields=[*changes, "version", "updated_at"])
    if "parent" in changes:
        _rebuild_ancestors([current])
        current.refresh_from_db()
    after = snapshot(current)
    change_record(
        instance=current, action="update", actor=actor, before=before, after=after, reason=reason
    )
    return current


def organisation_get_or_create(*, code: str, defaults: dict, actor) -> Organisation:
    """The organisation with ``code``, created from ``defaults`` if missing (for loaders)."""
    org = Organisation.objects.filter(code=code).first()
    return org or organisation_create(code=code, actor=actor, **defaults)


@transaction.atomic
def programme_get_or_create(
    *, code: str, name: str, name_en: str, start_date: date, actor
) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        policy.require_national(actor, what="新建援助计划")
        programme = Programme(code=code, name=name, name_en=name_en, start_date=start_date)
        programme.full_clean()
        programme.save()
        change_record(instance=programme, action="create", actor=actor, source="参考数据")
    return programme


@transaction.atomic
def pairing_create(
    *,
    programme: Programme,
    donor: Organisation,
    recipient: Region,
    start_date: date,
    end_date: date | None = None,
    parent: Pairing | None = None,
    confidence: str = Pairing.Confidence.REPORTED,
    source: str = "",
    is_demo: bool = False,
    actor,
) -> Pairing:
    """Pair a donor organisation with a recipient region for a period.

    A sub-pairing must lie inside its parent: the same programme, a donor under
    the parent's donor, a recipient inside the parent's region, dates within. Pairings
    are set by the national office.
    """
    policy.require_national(actor, what="设定结对关系")
    if donor.side != Organisation.Side.DONOR:
        raise refuse("donor", f"“{donor.name}”不是支援方机构")
    if end_date and end_date < start_date:
        raise refuse("end_date", "结束日期不能早于开始日期")
    if parent is not None:
        if not OrgAncestor.objects.filter(org=donor, ancestor=parent.donor).exists():
            raise refuse("donor", f"“{donor.name}”不在上级结对的支援方“{parent.donor.name}”之下")
        inside = recipient.ancestor_links.filter(ancestor=parent.recipient).exists()
        if not inside:
            raise refuse(
                "recipient", f"“{recipient.name}”不在上级结对的受援地“{parent.recipient.name}”之内"
            )
        if start_date < parent.start_date:
            raise refuse("start_date", "子结对的开始日期不能早于上级结对")
    pairing = Pairing(
        programme=programme,
        donor=donor,
        recipient=recipient,
        parent=parent,
        start_date=start_date,
        end_date=end_date,
        confidence=confidence,
        source=source,
        is_demo=is_demo,
    )
    pairing.full_clean()
    pairing.save()
    change_record(instance=pairing, action="create", actor=actor)
    return pairing


def donor_province_code(region: Region) -> str:
    return f"DP{region.code}"


def donor_province_get_or_create(*, region: Region, actor) -> Organisation:
    """The donor-side organisation for a donor province or city (e.g. 福建省)."""
    kind = (
        Organisation.Kind.DONOR_PROVINCE
        if region.level == Region.Level.PROVINCE
        else Organisation.Kind.DONOR_CITY
    )
    return organisation_get_or_create(
        code=donor_province_code(region),
        defaults={
            "name": region.name,
            "side": Organisation.Side.DONOR,
            "kind": kind,
            "region": region,
        },
        actor=actor,
    )


@transaction.atomic
def pairings_load_csv(*, path: Path | None = None, programme: Programme, actor) -> int:
    """Load the 2010 pairing list; rows already present are skipped. Returns rows created."""
    path = path or PAIRINGS_CSV
    created = 0
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                donor_region = region_find(text=row["donor"])
                recipient = region_find(text=row["recipient"])
            except Exception as error:
                raise refuse("pairings", f"结对表第{number}行：{error.messages[0]}") from None
            donor = donor_province_get_or_create(region=donor_region, actor=actor)
            exists = Pairing.objects.filter(
                programme=programme, donor=donor, recipient=recipient, parent=None
            ).exists()
            if not exists:
                pairing_create(
                    programme=programme,
                    donor=donor,
                    recipient=recipient,
                    start_date=programme.start_date,
                    confidence=row["confidence"],
                    source=row["source"],
                    actor=actor,
                )
                created += 1
    return created


@transaction.atomic
def membership_set(*, user, role: str, organisation=None, region=None, actor) -> Membership:
    """Give ``user`` one role bound to an organisation or region (replacing earlier ones).
    A front or sub-command grants roles inside its own chain; every other grant (regions,
    the national office, auditors) is the national office's."""
    if organisation is not None and role in policy.WRITERS - {Membership.Role.NATIONAL}:
        policy.require_write(actor, organisation, what="用户角色")
    else:
        policy.require_national(actor, what="授予该角色")
    if role in (Membership.Role.FRONT_COMMAND, Membership.Role.SUB_COMMAND) and not organisation:
        raise refuse("organisation", "指挥部角色必须绑定机构")
    if role == Membership.Role.RECIPIENT and not (region or organisation):
        raise refuse("region", "受援地角色必须绑定地区或机构")
    for earlier in Membership.objects.select_for_update().filter(user=user):
        change_record(
            instance=earlier,
            action="delete",
            actor=actor,
            before=snapshot(earlier),
            reason="角色变更，原角色被替换",
        )
        earlier.delete()
    membership = Membership.objects.create(
        user=user, role=role, organisation=organisation, region=region
    )
    change_record(instance=membership, action="create", actor=actor)
    user.__dict__.pop("_duikou_scope", None)  # the scope cached on this user object is stale
    return membership
