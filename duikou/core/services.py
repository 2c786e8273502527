"""Steps every domain service shares: row locks with version checks, version bumps, actors."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from duikou import policy
from duikou.audit.services import change_record
from duikou.audit.services import snapshot as full_snapshot

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


def reason_required(reason: str, message: str) -> str:
    """The stripped reason of a correction or deletion; refused (keyed "reason") when blank."""
    reason = (reason or "").strip()
    if not reason:
        raise refuse("reason", message)
    return reason


def acting_user(actor):
    """The user to store as author: None for system jobs and anonymous callers."""
    return actor if actor is not None and actor.is_authenticated else None


def validate(
    instance: models.Model, *, exclude: list[str] | None = None, validate_constraints: bool = True
) -> None:
    """``full_clean`` whose length refusals name the field, so no string reaches a column
    too narrow for it (PostgreSQL would fail the whole transaction with a DataError)."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=validate_constraints)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        for name, errors in error.error_dict.items():
            for i, problem in enumerate(errors):
                if problem.code == "max_length" and problem.params:
                    label = instance._meta.get_field(name).verbose_name
                    limit, length = problem.params["limit_value"], problem.params["show_value"]
                    errors[i] = ValidationError(
                        f"{label}不能超过{limit}个字（现有{length}个）", code="max_length"
                    )
        raise


def validate_fields(instance: models.Model) -> None:
    """Field checks only. Foreign keys arrive as saved instances and the constraints are
    checked by the service with Chinese messages (and enforced by the database), so neither
    is read back one query each — that made loading many records slow."""
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    validate(instance, exclude=relations, validate_constraints=False)


def record_update(
    model: type[models.Model],
    record: models.Model,
    *,
    version: int | None,
    changes: dict,
    allowed: tuple,
    entity: str,
    actor,
    owner: Callable[[models.Model], object],
    reason: str = "",
    source: str = "",
    reason_message: str | None = None,
    prepare: Callable[[models.Model, dict], None] | None = None,
    check: Callable[[models.Model], None] | None = None,
    also: tuple[str, ...] = (),
    snapshot: Callable[[models.Model], dict] = full_snapshot,
    gone: str | None = None,
):
    """The common part of an edit or correction of one record; call it inside the
    service's transaction.

    ``owner(record)`` is the organisation the record belongs to: the actor must be allowed
    to write for it before the change and after it (``policy.require_write``), so an edit
    can neither reach into another chain nor move the record out of the actor's.

    In order: refuse a field outside ``allowed``; when ``reason_message`` is given,
    refuse a blank reason with it (keyed "reason"); re-read the record under a row lock
    and refuse with ConflictError if it moved past ``version`` (with ``gone``, a record
    deleted meanwhile is refused keyed "record" instead of raising DoesNotExist); take the
    before-snapshot; ``prepare(current, changes)`` checks and normalises the new values
    before they are applied (it may edit ``changes`` in place); apply them;
    ``check(current)`` checks the record as a whole and sets derived fields; field checks;
    save the changed fields and ``also`` with the version moved on; append an "update"
    entry with before, after, reason and source. ``snapshot`` pictures the record for the
    history (people's services mask identifiers). Returns the saved record.
    """
    refuse_unknown(changes, allowed)
    if reason_message is not None:
        reason = reason_required(reason, reason_message)
    try:
        current = lock_for_update(model, record, version, entity)
    except model.DoesNotExist:
        if gone is None:
            raise
        raise refuse("record", gone) from None
    policy.require_write(actor, owner(current), what=entity)
    before = snapshot(current)
    if prepare is not None:
        prepare(current, changes)
    for field, value in changes.items():
        setattr(current, field, value)
    policy.require_write(actor, owner(current), what=entity)
    if check is not None:
        check(current)
    validate_fields(current)
    bump_version(current, [*changes, *also])
    change_record(
        instance=current,
        action="update",
        actor=actor,
        before=before,
        after=snapshot(current),
        reason=reason,
        source=source,
    )
    return current
