"""Putting a service's refusal next to the field it names."""

from django import forms
from django.core.exceptions import ValidationError


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
