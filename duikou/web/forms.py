"""Putting a service's refusal next to the field it names."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

from duikou.audit.selectors import change_history_for
from duikou.core.errors import ConflictError


def errors_onto_form(form: forms.Form, error: ValidationError, aliases: dict | None = None) -> None:
    """Attach a service's ValidationError to the form: keyed messages beside their fields
    (``aliases`` maps a service field to a form field), the rest above the form."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = aliases.get(name, name)
            for message in messages:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def edit_attempt(
    form: forms.Form, *, save: Callable[[], object], reload: Callable[[], Model]
) -> tuple[bool, int, dict | None]:
    """Run an edit page's service call: (saved, status, conflict).

    A stale version answers 409 with the record as it is now and its latest changes, so
    the page can show what the other person did; a refusal answers 400 with the messages
    beside their fields.
    """
    try:
        save()
    except ConflictError as error:
        form.add_error(None, error.messages[0])
        current = reload()
        return False, 409, {"current": current, "history": change_history_for(current)[:5]}
    except ValidationError as error:
        errors_onto_form(form, error)
        return False, 400, None
    return True, 200, None


def carry_current_version(form: forms.Form, conflict: dict | None) -> None:
    """After a conflict, let the re-shown form carry the version it was refused against, so
    the user who has merged the other person's change into it can save it (once)."""
    if conflict is None or not form.is_bound or "version" not in form.fields:
        return
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = conflict["current"].version
