"""Who may see and change what. Views, the API, exports and reports all ask this module.

A user holds one or more memberships; each binds a role to an organisation
(and everything below it in the donor or recipient tree) or to a region (and
everything inside it). National officers and auditors see everything;
auditors and the public change nothing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from duikou.core.ledger_cache import ledger_cached
from duikou.orgs.models import Membership, Organisation

READ_ALL = {Membership.Role.NATIONAL, Membership.Role.AUDITOR}
WRITERS = {Membership.Role.NATIONAL, Membership.Role.FRONT_COMMAND, Membership.Role.SUB_COMMAND}


@dataclass(frozen=True)
class Scope:
    """What one user's memberships add up to."""

    sees_all: bool = False
    writes_all: bool = False
    org_ids: frozenset[int] = field(default_factory=frozenset)
    region_ids: frozenset[int] = field(default_factory=frozenset)
    write_org_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)


class SystemActor:
    """The actor of work nobody asked for by hand: jobs, loads of reference data, the demo,
    migrations. It may write anything and is stored as no user. Services are given it
    explicitly; an actor of None is refused, so no path skips the checks by forgetting one."""

    pk = id = None
    username = "system"
    is_authenticated = False
    is_active = True
    is_superuser = False
    is_staff = False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


class ActorMissing(TypeError):
    """A write service was called without saying who acts."""


def scope_for(user) -> Scope:
    """Compute the user's scope once per request (cached on the user object)."""
    if user is None:
        raise ActorMissing("写入服务必须给出操作人（系统任务用 policy.SYSTEM）")
    if isinstance(user, SystemActor):
        return SYSTEM_SCOPE
    cached = getattr(user, "_duikou_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = Scope(roles=frozenset({Membership.Role.PUBLIC}))
    elif user.is_superuser:
        scope = Scope(sees_all=True, writes_all=True, roles=frozenset({Membership.Role.NATIONAL}))
    else:
        # Built from memberships and the organisation and region trees, all ledger tables:
        # kept until the next ledger write (core/ledger_cache.py), so a role or tree change
        # counts at once. Whether the account is active or a superuser is read above, from
        # the user's own row, on every request.
        scope = ledger_cached(("scope", user.pk), lambda: _scope_of_memberships(user))
    user._duikou_scope = scope
    return scope


def _scope_of_memberships(user) -> Scope:
    memberships = list(Membership.objects.filter(user=user))
    roles = frozenset(m.role for m in memberships)
    org_roots = [m.organisation_id for m in memberships if m.organisation_id]
    region_roots = [m.region_id for m in memberships if m.region_id]
    org_ids = frozenset(
        Organisation.objects.filter(ancestor_links__ancestor_id__in=org_roots).values_list(
            "id", flat=True
        )
    )
    from duikou.geo.models import Region

    region_ids = frozenset(
        Region.objects.filter(ancestor_links__ancestor_id__in=region_roots).values_list(
            "id", flat=True
        )
    )
    writer_roots = [
        m.organisation_id for m in memberships if m.role in WRITERS and m.organisation_id
    ]
    if set(writer_roots) == set(org_roots):  # the usual case: one writing membership
        write_org_ids = org_ids
    else:
        write_org_ids = frozenset(
            Organisation.objects.filter(ancestor_links__ancestor_id__in=writer_roots).values_list(
                "id", flat=True
            )
        )
    return Scope(
        sees_all=bool(roles & READ_ALL),
        writes_all=Membership.Role.NATIONAL in roles,
        org_ids=org_ids,
        region_ids=region_ids,
        write_org_ids=write_org_ids,
        roles=roles,
    )


def filter_by_org_and_region(
    user, queryset: QuerySet, *, org_field: str, region_field: str
) -> QuerySet:
    """Rows whose organisation or place lies in the user's scope."""
    scope = scope_for(user)
    if scope.sees_all:
        return queryset
    condition = Q(**{f"{org_field}__in": scope.org_ids}) | Q(
        **{f"{region_field}__in": scope.region_ids}
    )
    if not scope.org_ids and not scope.region_ids:
        return queryset.none()
    return queryset.filter(condition)


def can_write_for_org(user, org_id: int) -> bool:
    """May ``user`` create or change records reported by organisation ``org_id``?"""
    scope = scope_for(user)
    return scope.writes_all or org_id in scope.write_org_ids


def is_writer(user) -> bool:
    """Does ``user`` change anything at all? Auditors, recipients and the public do not."""
    scope = scope_for(user)
    return scope.writes_all or bool(scope.write_org_ids)


def require_writer(actor) -> None:
    """Refuse a read-only role (PermissionDenied) before any write."""
    if not is_writer(actor):
        raise PermissionDenied("只读角色不能修改数据")


def require_write(actor, org, *, what: str = "数据") -> None:
    """Refuse (PermissionDenied) unless ``actor`` may write records of ``org``.

    Services call it on the record's owner before a change and on its owner after the
    change, so a record can neither be changed from outside its chain nor moved out of
    the actor's chain."""
    if org is None:
        require_writer(actor)
        return
    org_id = getattr(org, "pk", org)
    if not can_write_for_org(actor, org_id):
        name = getattr(org, "name", None) or Organisation.objects.get(pk=org_id).name
        raise PermissionDenied(f"您无权修改“{name}”的{what}")


def require_national(actor, *, what: str) -> None:
    """Refuse unless ``actor`` is the national office (or the system)."""
    if not scope_for(actor).writes_all:
        raise PermissionDenied(f"只有国家援疆办可以{what}")


def value_approval_refusal(user, value) -> str | None:
    """Why ``user`` may not approve, return or unlock ``value`` (None when they may).

    Separation of duties: nobody approves a value they entered or submitted. Approval
    belongs to the level above the reporting organisation: a user who reports for its
    parent. The national office approves only where no level sits between: for a tree's
    top organisations (a donor province, a front command directly under it), not for a
    team whose front command is the level above it.
    """
    if isinstance(user, SystemActor):
        return None
    scope = scope_for(user)
    user_id = getattr(user, "pk", None)
    if user_id is not None and user_id in (value.entered_by_id, value.submitted_by_id):
        return "不能审核自己填报或提交的数据"
    org = value.org
    parent_id = org.parent_id
    if parent_id is not None and parent_id in scope.write_org_ids:
        return None
    top = parent_id is None or org.parent.parent_id is None
    if top and scope.writes_all:
        return None
    if top:
        return f"“{org.name}”的数据由国家援疆办审核"
    return f"只有“{org.name}”的上级机构可以审核、退回或解锁"


def can_submit_value(user, value) -> bool:
    """Submitting is the reporter's: anyone who may report for the value's organisation."""
    return can_write_for_org(user, value.org_id)


SYSTEM_SCOPE = Scope(sees_all=True, writes_all=True, roles=frozenset({Membership.Role.NATIONAL}))

PERSONAL_DATA_ROLES = {
    Membership.Role.NATIONAL,
    Membership.Role.FRONT_COMMAND,
    Membership.Role.SUB_COMMAND,
    Membership.Role.AUDITOR,
}


def can_see_personal_data(user) -> bool:
    """Names, phone and ID numbers of people: only roles that manage or audit them.

    Recipient governments and the public see aggregates only.
    """
    scope = scope_for(user)
    return scope.writes_all or bool(scope.roles & PERSONAL_DATA_ROLES)


HISTORY_READERS = {Membership.Role.NATIONAL, Membership.Role.AUDITOR}


def can_read_history(user) -> bool:
    """The whole change history, across every record: the national office and auditors only.

    It holds the before and after of every record, personal data included.
    """
    scope = scope_for(user)
    return scope.writes_all or bool(scope.roles & HISTORY_READERS)


def sees_nothing_internal(user) -> bool:
    """Does ``user`` see no ledger at all (the public account, a visitor, a user without a
    membership)? Such users are shown the published figures instead of empty pages."""
    scope = scope_for(user)
    return not (scope.sees_all or scope.org_ids or scope.region_ids)


def publication_refusal(user, org) -> str | None:
    """Why ``user`` may not publish (or withdraw) a year's figures of ``org``'s chain; None
    when they may. ``org`` None is everything, which only the national office publishes; a
    front command publishes its own chain (its organisations and the places paired with
    them), the national office any front command's. Nobody else publishes."""
    if isinstance(user, SystemActor):
        return None
    scope = scope_for(user)
    if scope.writes_all:
        return None
    if org is None:
        return "只有国家援疆办可以发布全部数据"
    if org.kind != Organisation.Kind.FRONT_COMMAND:
        return "只有国家援疆办和前方指挥部可以发布数据"
    if Membership.Role.FRONT_COMMAND in scope.roles and org.pk in scope.write_org_ids:
        return None
    return f"您无权发布“{org.name}”的数据"


def can_publish(user) -> bool:
    """Does ``user`` publish anything: the national office and front commands."""
    scope = scope_for(user)
    return scope.writes_all or (
        Membership.Role.FRONT_COMMAND in scope.roles and bool(scope.write_org_ids)
    )


class ChainReader:
    """A reader whose scope is one front command's chain: the organisations under it, as
    the command's own officials read them. Not the places it is paired with: other
    provinces' teams and the recipient governments report there too, and their figures
    are not the command's to publish. The figures a front command publishes are read as
    it, through the same scoped selectors as every page."""

    pk = id = None
    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False

    def __init__(self, org: Organisation):
        org_ids = frozenset(
            Organisation.objects.filter(ancestor_links__ancestor=org).values_list("id", flat=True)
        )
        self.org = org
        self._duikou_scope = Scope(org_ids=org_ids, roles=frozenset({Membership.Role.PUBLIC}))

    def __repr__(self) -> str:
        return f"ChainReader({self.org.code})"
