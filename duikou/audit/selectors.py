"""Reads of the change history: one record's history, and the auditors' search."""

from datetime import date, datetime, time

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from duikou import policy
from duikou.core.models import Tracked

from .models import ChangeEntry


def change_history_for(instance: models.Model, *, including=()):
    """The change history of one record, newest first; with ``including`` (records that
    belong to it, such as a project's budget lines) theirs too, mixed in by time."""
    condition = Q(entity=instance._meta.label_lower, entity_id=str(instance.pk))
    children: dict[str, list[str]] = {}
    for child in including:
        children.setdefault(child._meta.label_lower, []).append(str(child.pk))
    for entity, ids in children.items():
        condition |= Q(entity=entity, entity_id__in=ids)
    return ChangeEntry.objects.filter(condition).select_related("actor")


def deletions_of(model: type[models.Model], **before) -> QuerySet[ChangeEntry]:
    """The delete entries of ``model`` whose last state matches ``before`` (e.g.
    ``project_id=5``), newest first: what is left of rows that were deleted or voided.
    Callers have checked that the user may see the records these rows belonged to."""
    lookups = {f"before__{name}": value for name, value in before.items()}
    return ChangeEntry.objects.filter(
        entity=model._meta.label_lower, action=ChangeEntry.Action.DELETE, **lookups
    ).select_related("actor")


def change_entry_list_for_user(
    *,
    user,
    entity: str = "",
    entity_id: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
    reason: str = "",
    organisation=None,
) -> QuerySet[ChangeEntry]:
    """The auditors' search over the whole history; refused to anyone else.

    ``since`` and ``until`` are calendar days in the site's time zone, both included.
    ``organisation`` keeps the entries of records that name it or one of its units as their
    organisation (a project's 实施援疆机构, an event's organiser…) and of those units themselves.
    """
    if not policy.can_read_history(user):
        raise PermissionDenied("只有审计人员和援疆办可以查看变更记录")
    entries = ChangeEntry.objects.select_related("actor")
    if entity:
        entries = entries.filter(entity=entity)
    if entity_id:
        entries = entries.filter(entity_id=entity_id.strip())
    if actor:
        who = actor.strip()
        entries = entries.filter(
            Q(actor__username__icontains=who)
            | Q(actor__first_name__icontains=who)
            | Q(actor__last_name__icontains=who)
        )
    zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        entries = entries.filter(at__lte=datetime.combine(until, time.max, tzinfo=zone))
    if reason:
        entries = entries.filter(reason__icontains=reason.strip())
    if organisation is not None:
        entries = entries.filter(_of_organisation(organisation))
    return entries


# The snapshot keys by which a record names the organisation it belongs to.
ORG_KEYS = ["donor_org_id", "organiser_id", "org_id", "organisation_id", "host_org_id", "donor_id"]


def _of_organisation(organisation) -> Q:
    from duikou.orgs.models import OrgAncestor

    units = list(
        OrgAncestor.objects.filter(ancestor=organisation).values_list("org_id", flat=True)
    ) or [organisation.pk]
    condition = Q(entity="orgs.organisation", entity_id__in=[str(pk) for pk in units])
    for key in ORG_KEYS:
        condition |= Q(**{f"after__{key}__in": units}) | Q(**{f"before__{key}__in": units})
    return condition


# Apps whose tables are machinery (sign-in throttling, one-time codes, task results,
# sessions, the history itself): never offered as a record kind to search.
INTERNAL_APPS = {
    "admin",
    "axes",
    "contenttypes",
    "sessions",
    "otp_totp",
    "django_otp",
    "django_tasks",
    "django_tasks_database",
    "audit",
    "jobs",
    "web",
    "duikou_api",
}
DOMAIN_APPS = ["orgs", "geo", "projects", "investment", "people", "exchanges", "results"]


def entity_choices() -> list[tuple[str, str]]:
    """The record kinds worth searching, in Chinese: the ledger's own records and any other
    domain record that has history. Machinery tables are never listed."""
    kinds = {
        model._meta.label_lower: model
        for model in apps.get_models()
        if model._meta.app_label in DOMAIN_APPS and issubclass(model, Tracked)
    }
    for entity in ChangeEntry.objects.order_by().values_list("entity", flat=True).distinct():
        try:
            model = apps.get_model(entity)
        except (LookupError, ValueError):
            continue
        if model._meta.app_label not in INTERNAL_APPS:
            kinds.setdefault(entity, model)
    order = {label: n for n, label in enumerate(DOMAIN_APPS)}
    declared = {model: n for n, model in enumerate(apps.get_models())}
    names = [str(model._meta.verbose_name) for model in kinds.values()]
    choices = []
    for label, model in kinds.items():
        name = str(model._meta.verbose_name)
        if names.count(name) > 1:  # two kinds share a name: say whose it is
            name = f"{name}（{model._meta.app_config.verbose_name}）"
        rank = (order.get(model._meta.app_label, len(order)), declared.get(model, 0))
        choices.append((rank, label, name))
    return [(label, name) for _, label, name in sorted(choices)]
