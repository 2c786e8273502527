"""Steps every domain service shares: row locks with version checks, version bumps, actors."""

from django.db import models
from django.utils import timezone

from .errors import ConflictError, refuse


def lock_for_update(model: type[models.Model], instance, version: int | None, entity: str):
    """Re-read ``instance`` under a row lock; refuse if it changed since ``version`` was read."""
    current = model.objects.select_for_update().get(pk=instance.pk)
    if version is not None and current.version != version:
        raise ConflictError(entity=entity, expected=version, current=current.version)
    return current


def bump_version(instance, fields) -> None:
    """Save ``fields`` of a tracked record with its version and update time moved on."""
    instance.version += 1
    instance.updated_at = timezone.now()
    instance.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def refuse_unknown(changes: dict, allowed: tuple) -> None:
    """Refuse an edit that names a field the service does not let users change."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise refuse(sorted(unknown)[0], "该字段不能在此修改")


def acting_user(actor):
    """The user to store as author: None for system jobs and anonymous callers."""
    return actor if actor is not None and actor.is_authenticated else None
