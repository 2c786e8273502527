"""Partnerships, events and sales channels: lists, one record's page and the forms that
record and correct them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duikou import policy
from duikou.audit.selectors import change_history_for
from duikou.core.errors import ConflictError
from duikou.geo.selectors import region_find
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import organisation_list_writable
from duikou.web.forms import RowPages, edit_submit, errors_onto_form, row_change
from duikou.web.listing import Listing, is_htmx, list_page
from duikou.web.once import submitted_once
from duikou.web.page_cache import ledger_page

from .forms import (
    EventEditForm,
    EventForm,
    PartnershipEditForm,
    PartnershipEndForm,
    PartnershipForm,
    SalesChannelEditForm,
    SalesChannelForm,
    SalesRecordCorrectForm,
    SalesRecordForm,
    SalesRecordVoidForm,
)
from .models import EventKind, Partnership, PartnershipKind, SalesChannel
from .selectors import (
    event_list_for_user,
    get_event_for_user,
    get_event_for_user_rw,
    get_partnership_for_user,
    get_partnership_for_user_rw,
    get_sales_channel_for_user,
    get_sales_channel_for_user_rw,
    get_sales_record_for_user,
    get_sales_record_for_user_rw,
    partnership_list_for_user,
    sales_channel_list_for_user,
    sales_record_list_for_channel,
    sales_record_totals_for_channel,
    sales_record_voided_list,
)
from .services import (
    event_create,
    event_update,
    partnership_create,
    partnership_end,
    partnership_update,
    sales_channel_create,
    sales_channel_update,
    sales_record_correct,
    sales_record_create,
    sales_record_void,
)

SOURCE = "页面录入"

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
@ledger_page
def partnership_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, partnership_list_for_user(user=request.user), PARTNERSHIPS)
    context = {
        "listing": listing,
        "kinds": PartnershipKind.choices,
        "can_create": _donor_orgs(request.user).exists(),
    }
    return _render_list(request, "exchanges/partnerships.html", context)


@login_required
@ledger_page
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
@ledger_page
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(user=request.user, pk=pk)
    context = {
        "event": event,
        "history": change_history_for(event)[:50],
        "can_edit": policy.can_write_for_org(request.user, event.organiser_id),
    }
    return render(request, "exchanges/event.html", context)


@login_required
@submitted_once
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
                event = event_create(actor=request.user, source=SOURCE, **data)
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

    def save(data):
        data["region"] = region_find(text=data["region"]) if data["region"] else None
        event_update(event=event, actor=request.user, source=SOURCE, **data)

    response, status, conflict = edit_submit(
        request,
        form,
        save=save,
        reload=lambda: get_event_for_user(user=request.user, pk=pk),
        done=reverse("exchanges:event", args=[pk]),
        message=_("活动已保存。"),
    )
    if response:
        return response
    context = {"form": form, "event": event, "conflict": conflict}
    return render(request, "exchanges/event_form.html", context, status=status)


@login_required
@submitted_once
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
                partnership = partnership_create(actor=request.user, source=SOURCE, **data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("结对合作已创建。"))
                return redirect("exchanges:partnership", pk=partnership.pk)
    return render(request, "exchanges/partnership_form.html", {"form": form}, status=status)


@login_required
@submitted_once
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
                channel = sales_channel_create(actor=request.user, source=SOURCE, **data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("外销渠道已创建。"))
                return redirect("exchanges:channel", pk=channel.pk)
    return render(request, "exchanges/channel_form.html", {"form": form}, status=status)


# One partnership ---------------------------------------------------------------------------


def _partnership_page(request, partnership, *, end_form=None, status=200):
    """The partnership page; a refused end form comes back with its errors in place."""
    can_edit = policy.can_write_for_org(request.user, partnership.donor_org_id)
    if end_form is None and can_edit and partnership.status == Partnership.Status.ACTIVE:
        end_form = PartnershipEndForm(initial={"version": partnership.version})
    context = {
        "partnership": partnership,
        "history": change_history_for(partnership)[:50],
        "can_edit": can_edit,
        "end_form": end_form,
    }
    return render(request, "exchanges/partnership.html", context, status=status)


@login_required
@ledger_page
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One partnership: its parties, dates and status, and its change history."""
    return _partnership_page(request, get_partnership_for_user(user=request.user, pk=pk))


def _partnership_initial(partnership) -> dict:
    fields = ("kind", "donor_party_name", "local_party_name", "planned_end", "note", "version")
    initial = {name: getattr(partnership, name) for name in fields}
    return {**initial, "region": partnership.region.code}


@login_required
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a partnership through ``partnership_update``. A save based on an older version
    is refused (409) and shows what the other person changed."""
    partnership = get_partnership_for_user_rw(user=request.user, pk=pk)
    form = PartnershipEditForm(request.POST or None, initial=_partnership_initial(partnership))

    def save(data):
        data["region"] = region_find(text=data["region"])
        partnership_update(partnership=partnership, actor=request.user, source=SOURCE, **data)

    response, status, conflict = edit_submit(
        request,
        form,
        save=save,
        reload=lambda: get_partnership_for_user(user=request.user, pk=pk),
        done=reverse("exchanges:partnership", args=[pk]),
        message=_("结对合作已保存。"),
    )
    if response:
        return response
    context = {"form": form, "partnership": partnership, "conflict": conflict}
    return render(request, "exchanges/partnership_form.html", context, status=status)


@login_required
@require_POST
def partnership_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """End a partnership on a date, with its reason, through ``partnership_end``."""
    partnership = get_partnership_for_user_rw(user=request.user, pk=pk)
    form = PartnershipEndForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            partnership_end(
                partnership=partnership,
                on=data["on"],
                reason=data["reason"],
                version=data["version"],
                actor=request.user,
                source=SOURCE,
            )
        except ConflictError as error:
            status = 409
            form.add_error(None, error.messages[0])
            partnership = get_partnership_for_user(user=request.user, pk=pk)
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("结对合作已结束。"))
            return redirect("exchanges:partnership", pk=pk)
    return _partnership_page(request, partnership, end_form=form, status=status)


# One sales channel -------------------------------------------------------------------------


def _channel_page(request, channel, *, sales_form=None, status=200):
    """The channel page; a refused sales record comes back with its errors in place.
    Writers and those who may read the history also see the voided records."""
    can_edit = policy.can_write_for_org(request.user, channel.donor_org_id)
    context = {
        "channel": channel,
        "records": sales_record_list_for_channel(channel=channel),
        "voided": (
            sales_record_voided_list(channel=channel)
            if can_edit or policy.can_read_history(request.user)
            else None
        ),
        "totals": sales_record_totals_for_channel(channel=channel),
        "history": change_history_for(channel)[:50],
        "can_edit": can_edit,
        "sales_form": (sales_form or SalesRecordForm()) if can_edit else None,
    }
    return render(request, "exchanges/channel.html", context, status=status)


@login_required
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One sales channel: its sales and subsidies per period, with totals, and its history."""
    return _channel_page(request, get_sales_channel_for_user(user=request.user, pk=pk))


def _channel_initial(channel) -> dict:
    fields = ("name", "operator", "location", "is_active", "note", "version")
    initial = {name: getattr(channel, name) for name in fields}
    return {**initial, "region": channel.region.code}


@login_required
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a channel through ``sales_channel_update``. A save based on an older version
    is refused (409) and shows what the other person changed."""
    channel = get_sales_channel_for_user_rw(user=request.user, pk=pk)
    form = SalesChannelEditForm(request.POST or None, initial=_channel_initial(channel))

    def save(data):
        data["region"] = region_find(text=data["region"])
        sales_channel_update(channel=channel, actor=request.user, source=SOURCE, **data)

    response, status, conflict = edit_submit(
        request,
        form,
        save=save,
        reload=lambda: get_sales_channel_for_user(user=request.user, pk=pk),
        done=reverse("exchanges:channel", args=[pk]),
        message=_("外销渠道已保存。"),
    )
    if response:
        return response
    context = {"form": form, "channel": channel, "conflict": conflict}
    return render(request, "exchanges/channel_form.html", context, status=status)


@login_required
@submitted_once
@require_POST
def sales_record_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one period's sales and subsidy through ``sales_record_create``."""
    channel = get_sales_channel_for_user_rw(user=request.user, pk=pk)
    form = SalesRecordForm(request.POST)
    if form.is_valid():
        try:
            sales_record_create(
                channel=channel, actor=request.user, source=SOURCE, **form.cleaned_data
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("销售记录已登记。"))
            return redirect("exchanges:channel", pk=pk)
    return _channel_page(request, channel, sales_form=form, status=400)


# Correcting or voiding one sales record ----------------------------------------------------


SALES_PAGES = RowPages(
    read=get_sales_record_for_user,
    read_rw=get_sales_record_for_user_rw,
    template="exchanges/sales_record_change.html",
    url_name="exchanges:sales_record_",
    parent="channel",
    done=lambda record: reverse("exchanges:channel", args=[record.channel_id]) + "#sales",
    fields=("period_start", "period_end", "sales_amount", "subsidy_paid", "note"),
)


@login_required
def sales_record_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a period's dates, sales, subsidy or note, with a reason. A refusal shows
    beside its field (400); a save on an older version shows what changed (409)."""
    return row_change(
        request,
        pk,
        SALES_PAGES,
        mode="correct",
        form_class=SalesRecordCorrectForm,
        service=sales_record_correct,
        message=_("销售记录已更正。"),
    )


@login_required
def sales_record_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Void (作废) a mistaken sales record, with a reason; the history keeps its values."""
    return row_change(
        request,
        pk,
        SALES_PAGES,
        mode="void",
        form_class=SalesRecordVoidForm,
        service=sales_record_void,
        message=_("销售记录已作废。"),
    )
