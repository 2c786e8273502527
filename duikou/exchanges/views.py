"""Partnerships, events and sales channels: lists, one event's page and the forms that
record and correct them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from duikou import policy
from duikou.audit.selectors import change_history_for
from duikou.geo.selectors import region_find
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import organisation_list_writable
from duikou.web.forms import edit_attempt, errors_onto_form
from duikou.web.listing import Listing, is_htmx, list_page

from .forms import EventEditForm, EventForm, PartnershipForm, SalesChannelForm
from .models import EventKind, PartnershipKind, SalesChannel
from .selectors import (
    event_list_for_user,
    get_event_for_user,
    get_event_for_user_rw,
    partnership_list_for_user,
    sales_channel_list_for_user,
)
from .services import event_create, event_update, partnership_create, sales_channel_create

PARTNERSHIPS = Listing(
    search=("donor_party_name", "local_party_name", "code"),
    sorts={"code": "code", "kind": "kind", "signed": "signed_on", "status": "status"},
    default_sort="-signed",
    filters={"kind": "kind", "status": "status", "year": "year"},
    org_field="donor_org",
    region_field="region",
)
EVENTS = Listing(
    search=("title", "place", "code"),
    sorts={"on": "on", "title": "title", "kind": "kind", "participants": "participants"},
    default_sort="-on",
    filters={"kind": "kind", "year": "year"},
    org_field="organiser",
    region_field="region",
)
CHANNELS = Listing(
    search=("name", "operator", "location", "code"),
    sorts={"code": "code", "name": "name", "kind": "kind", "opened": "opened_on"},
    default_sort="code",
    filters={"kind": "kind"},
    org_field="donor_org",
    region_field="region",
)


def _donor_orgs(user):
    return organisation_list_writable(user=user).filter(side=Organisation.Side.DONOR)


def _render_list(request, template: str, context: dict) -> HttpResponse:
    return render(request, f"{template}#rows" if is_htmx(request) else template, context)


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, partnership_list_for_user(user=request.user), PARTNERSHIPS)
    context = {
        "listing": listing,
        "kinds": PartnershipKind.choices,
        "can_create": _donor_orgs(request.user).exists(),
    }
    return _render_list(request, "exchanges/partnerships.html", context)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, event_list_for_user(user=request.user), EVENTS)
    context = {
        "listing": listing,
        "kinds": EventKind.choices,
        "can_create": organisation_list_writable(user=request.user).exists(),
    }
    return _render_list(request, "exchanges/events.html", context)


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, sales_channel_list_for_user(user=request.user), CHANNELS)
    context = {
        "listing": listing,
        "kinds": SalesChannel.Kind.choices,
        "can_create": _donor_orgs(request.user).exists(),
    }
    return _render_list(request, "exchanges/channels.html", context)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(user=request.user, pk=pk)
    context = {
        "event": event,
        "history": change_history_for(event)[:50],
        "can_edit": policy.can_write_for_org(request.user, event.organiser_id),
    }
    return render(request, "exchanges/event.html", context)


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    """Record an event through ``event_create``; refusals show beside their fields."""
    orgs = organisation_list_writable(user=request.user)
    if not orgs.exists():
        raise PermissionDenied("无权新建活动")
    form = EventForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                data["region"] = region_find(text=data["region"]) if data["region"] else None
                event = event_create(actor=request.user, source="页面录入", **data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("活动已创建。"))
                return redirect("exchanges:event", pk=event.pk)
    return render(request, "exchanges/event_form.html", {"form": form}, status=status)


def _event_initial(event) -> dict:
    fields = (
        "kind",
        "title",
        "on",
        "end_on",
        "place",
        "participants",
        "exhibitors",
        "deals_signed",
        "amount_traded",
        "intended_orders",
        "people_served",
        "medicine_value",
        "note",
        "version",
    )
    initial = {name: getattr(event, name) for name in fields}
    return {**initial, "region": event.region.code if event.region_id else ""}


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an event or add its outcomes through ``event_update``. A save based on an
    older version is refused (409) and shows what the other person changed."""
    event = get_event_for_user_rw(user=request.user, pk=pk)
    form = EventEditForm(request.POST or None, initial=_event_initial(event))
    conflict = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = dict(form.cleaned_data)
            version, reason = changes.pop("version"), changes.pop("reason")

            def save():
                changes["region"] = (
                    region_find(text=changes["region"]) if changes["region"] else None
                )
                event_update(
                    event=event, version=version, reason=reason, actor=request.user, **changes
                )

            saved, status, conflict = edit_attempt(
                form, save=save, reload=lambda: get_event_for_user(user=request.user, pk=pk)
            )
            if saved:
                messages.success(request, _("活动已保存。"))
                return redirect("exchanges:event", pk=event.pk)
    context = {"form": form, "event": event, "conflict": conflict}
    return render(request, "exchanges/event_form.html", context, status=status)


@login_required
def partnership_new(request: HttpRequest) -> HttpResponse:
    """Record a partnership through ``partnership_create``; refusals show beside their fields."""
    orgs = _donor_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied("无权新建结对合作")
    form = PartnershipForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                data["region"] = region_find(text=data["region"])
                partnership_create(actor=request.user, source="页面录入", **data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("结对合作已创建。"))
                return redirect("exchanges:partnerships")
    return render(request, "exchanges/partnership_form.html", {"form": form}, status=status)


@login_required
def channel_new(request: HttpRequest) -> HttpResponse:
    """Register a sales channel through ``sales_channel_create``."""
    orgs = _donor_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied("无权新建外销渠道")
    form = SalesChannelForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                data["region"] = region_find(text=data["region"])
                sales_channel_create(actor=request.user, source="页面录入", **data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("外销渠道已创建。"))
                return redirect("exchanges:channels")
    return render(request, "exchanges/channel_form.html", {"form": form}, status=status)
