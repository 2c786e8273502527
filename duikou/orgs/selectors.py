"""Reads for organisations and pairings."""

from datetime import date

from django.db.models import Q, QuerySet

from duikou.geo.models import Region

from .models import Organisation, Pairing


def organisation_descendant_ids(*, org: Organisation) -> QuerySet:
    """Ids of the organisation and everything below it."""
    return Organisation.objects.filter(ancestor_links__ancestor=org).values("id")


def pairings_active_on(*, day: date) -> QuerySet[Pairing]:
    return Pairing.objects.filter(start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def pairing_covers(*, donor: Organisation, region: Region, day: date) -> bool:
    """Whether ``region`` lies inside a pairing held by ``donor`` or an organisation above it.

    An XPCC division and its city (师市合一) count as one place.
    """
    region_ids = set(region.ancestor_links.values_list("ancestor_id", flat=True))
    twins = Region.objects.filter(pk__in=region_ids, twin__isnull=False).values_list(
        "twin_id", flat=True
    )
    region_ids |= set(twins)
    return (
        pairings_active_on(day=day)
        .filter(donor__descendant_links__org=donor, recipient_id__in=region_ids)
        .exists()
    )


def pairing_list(*, donor: Organisation | None = None) -> QuerySet[Pairing]:
    qs = Pairing.objects.select_related("donor", "recipient", "programme", "parent")
    if donor is not None:
        qs = qs.filter(donor__descendant_links__org=donor)
    return qs.order_by("donor__code", "recipient__code")


def organisation_list_writable(*, user) -> QuerySet[Organisation]:
    """Organisations the user may report for, donor side first."""
    from duikou import policy

    scope = policy.scope_for(user)
    qs = Organisation.objects.filter(is_active=True).select_related("region")
    if not scope.writes_all:
        qs = qs.filter(pk__in=scope.write_org_ids)
    return qs.order_by("side", "code")


def get_organisation_for_user_rw(*, user, code: str) -> Organisation:
    """An organisation the user may report for, or 404."""
    from django.http import Http404

    org = organisation_list_writable(user=user).filter(code=code).first()
    if org is None:
        raise Http404("机构不存在或无权填报")
    return org


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation, with what list pages show. Organisations are reference data that
    every signed-in user may read; what they did is scoped by the policy elsewhere."""
    return Organisation.objects.select_related("parent", "region", "root")


def get_organisation(*, pk: int) -> Organisation:
    from django.http import Http404

    org = organisation_list().filter(pk=pk).first()
    if org is None:
        raise Http404("机构不存在")
    return org


def pairings_for_org(*, org: Organisation) -> QuerySet[Pairing]:
    """Pairings held by the organisation or any organisation below it."""
    return (
        Pairing.objects.filter(donor__ancestor_links__ancestor=org)
        .select_related("donor", "recipient", "parent")
        .order_by("recipient__code")
    )


def pairings_for_region(*, region: Region) -> QuerySet[Pairing]:
    """Pairings whose recipient is the region, a place inside it, or a place containing it."""
    inside = Region.objects.filter(ancestor_links__ancestor=region).values("pk")
    above = region.ancestor_links.values("ancestor_id")
    return (
        Pairing.objects.filter(Q(recipient__in=inside) | Q(recipient__in=above))
        .select_related("donor", "recipient", "parent")
        .order_by("donor__code", "recipient__code")
    )


def organisation_list_readable(*, user) -> QuerySet[Organisation]:
    """Organisations whose own figures the user may read (their scope, or all for the
    national office and auditors)."""
    from duikou import policy

    scope = policy.scope_for(user)
    qs = Organisation.objects.filter(is_active=True).select_related("region")
    if not scope.sees_all:
        qs = qs.filter(pk__in=scope.org_ids)
    return qs.order_by("side", "code")
