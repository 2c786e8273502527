"""Putting a service's refusal next to the field it names."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

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


def edit_submit(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict], object],
    reload: Callable[[], Model],
    done: str,
    message: str,
) -> tuple[HttpResponse | None, int, dict | None]:
    """Handle an edit page's submission: (response, status, conflict).

    A GET answers (None, 200, None) and an invalid form (None, 400, None). A valid form's
    ``cleaned_data`` is copied to a dict (``version`` and ``reason`` included) and handed to
    ``save``, run through ``edit_attempt``: on success the ``message`` is shown and the
    response redirects to ``done``; otherwise the page re-renders with the status and
    conflict, and after a conflict the form carries the current version.
    """
    if request.method != "POST":
        return None, 200, None
    if not form.is_valid():
        return None, 400, None
    data = dict(form.cleaned_data)
    saved, status, conflict = edit_attempt(form, save=lambda: save(data), reload=reload)
    if saved:
        messages.success(request, message)
        return redirect(done), 200, None
    carry_current_version(form, conflict)
    return None, status, conflict


def change_page(
    request: HttpRequest,
    template: str,
    record: Model,
    form: forms.Form,
    *,
    mode: str,
    url_name: str,
    conflict: dict | None = None,
    status: int = 200,
    **context,
) -> HttpResponse:
    """A page that corrects (``mode="correct"``) or voids (``"void"``) one money row: the
    row as it is now (after a conflict, as the other person left it), the form, and the
    row's own latest changes. ``url_name`` is the page's URL name without the mode."""
    context |= {
        "record": conflict["current"] if conflict else record,
        "form": form,
        "mode": mode,
        "conflict": conflict,
        "reload_url": reverse(f"{url_name}{mode}", args=[record.pk]),
        "history": change_history_for(record)[:20],
    }
    return render(request, template, context, status=status)


@dataclass(frozen=True)
class RowPages:
    """How one kind of recorded row (a fund transaction, funds in place, a sales record) is
    corrected and voided from its own pages."""

    read: Callable  # (user=, pk=) -> the row, 404 if the user may not see it
    read_rw: Callable  # the same, 403 if the user may only read it
    template: str
    url_name: str  # the pages' URL name without the mode: "projects:transaction_"
    parent: str  # the row's attribute the page shows it under: "project", "deal"…
    done: Callable[[Model], str]  # where a saved change returns to
    fields: tuple[str, ...]  # what a correction may change, shown as the form's start


def row_change(
    request: HttpRequest,
    pk: int,
    pages: RowPages,
    *,
    mode: str,
    form_class: type[forms.Form],
    service: Callable,
    message: str,
) -> HttpResponse:
    """A correct (``mode="correct"``) or void (``"void"``) page of one row: the form, the
    service called through ``edit_submit`` (400 beside the field, 409 with the other
    person's change), then back to the row's parent page."""
    record = pages.read_rw(user=request.user, pk=pk)
    shown = pages.fields if mode == "correct" else ()
    initial = {name: getattr(record, name) for name in (*shown, "version")}
    form = form_class(request.POST or None, initial=initial)
    response, status, conflict = edit_submit(
        request,
        form,
        save=lambda data: service(record=record, actor=request.user, source="页面录入", **data),
        reload=lambda: pages.read(user=request.user, pk=pk),
        done=pages.done(record),
        message=message,
    )
    if response:
        return response
    return change_page(
        request,
        pages.template,
        record,
        form,
        mode=mode,
        url_name=pages.url_name,
        conflict=conflict,
        status=status,
        **{pages.parent: getattr(record, pages.parent)},
    )
