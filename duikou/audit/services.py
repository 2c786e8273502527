"""Writing the change history. Every service that changes a record calls ``change_record``."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import ChangeEntry


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe picture of a record's concrete fields (foreign keys by id)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields and field.attname not in fields:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, Decimal):
            places = getattr(field, "decimal_places", None)
            value = str(value.quantize(Decimal(1).scaleb(-places)) if places else value)
        elif isinstance(value, (date, datetime)):
            value = value.isoformat()
        elif isinstance(value, FieldFile):
            value = value.name or ""
        elif value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        data[field.attname] = value
    return data


def change_record(
    *,
    instance: models.Model,
    action: str,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    source: str = "",
) -> ChangeEntry:
    """Append one entry to the change history."""
    if after is None and action != ChangeEntry.Action.DELETE:
        after = snapshot(instance)
    return ChangeEntry.objects.create(
        entity=instance._meta.label_lower,
        entity_id=str(instance.pk),
        action=action,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        before=before,
        after=after,
        reason=reason,
        source=source,
    )


def diff(before: dict, after: dict) -> dict:
    """Only the fields that changed, as {field: [old, new]}."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
