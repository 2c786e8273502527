"""Reads of the change history: one record's history, and the auditors' search."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from duikou import policy

from .models import ChangeEntry

# Never shown, whatever a snapshot happened to hold.
SECRET_FIELDS = {"password", "key", "secret", "token", "bin_key"}
HIDDEN = "（已隐藏）"


def change_history_for(instance: models.Model):
    """The change history of one record, newest first."""
    return ChangeEntry.objects.filter(
        entity=instance._meta.label_lower, entity_id=str(instance.pk)
    ).select_related("actor")


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
) -> QuerySet[ChangeEntry]:
    """The auditors' search over the whole history; refused to anyone else.

    ``since`` and ``until`` are calendar days in the site's time zone, both included.
    """
    if not policy.can_read_history(user):
        raise PermissionDenied("只有审计人员和援疆办可以查看变更记录")
    entries = ChangeEntry.objects.select_related("actor")
    if entity:
        entries = entries.filter(entity=entity)
    if entity_id:
        entries = entries.filter(entity_id=entity_id.strip())
    if actor:
        entries = entries.filter(actor__username__icontains=actor.strip())
    zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        entries = entries.filter(at__lte=datetime.combine(until, time.max, tzinfo=zone))
    if reason:
        entries = entries.filter(reason__icontains=reason.strip())
    return entries


def entity_choices() -> list[tuple[str, str]]:
    """Every record type that can appear in the history, with its Chinese name."""
    choices = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model is ChangeEntry or model._meta.app_label in {"sessions", "contenttypes", "admin"}:
            continue
        choices.append((label, f"{model._meta.verbose_name}（{label}）"))
    return sorted(choices, key=lambda choice: choice[0])


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: object
    after: object


def _label(model, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = next((f for f in model._meta.concrete_fields if f.attname == name), None)
        if field is None:
            return name
    # Reverse relations (e.g. a report's "figures" summary) have no verbose name.
    return str(getattr(field, "verbose_name", name))


def entry_changes(entry: ChangeEntry) -> list[FieldChange]:
    """Field by field what one entry changed: all fields of a creation or deletion,
    only the changed ones of an update. Secrets are masked."""
    before, after = entry.before or {}, entry.after or {}
    try:
        model = apps.get_model(entry.entity)
    except (LookupError, ValueError):
        model = None
    changes = []
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if entry.before is not None and entry.after is not None and old == new:
            continue
        if name in {"version", "updated_at"}:
            continue
        if name in SECRET_FIELDS:
            old, new = (HIDDEN if old is not None else None), (HIDDEN if new is not None else None)
        changes.append(FieldChange(name, _label(model, name), old, new))
    return changes
