"""Aid personnel pages: batches (counts for everyone in scope) and people (names only for
those the policy lets see personal data), and the forms that record them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from duikou import policy
from duikou.audit.selectors import change_history_for
from duikou.geo.selectors import region_find
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import organisation_list_writable
from duikou.web.forms import edit_submit, errors_onto_form
from duikou.web.listing import Listing, is_htmx, list_page
from duikou.web.once import submitted_once
from duikou.web.page_cache import ledger_page

from .forms import BatchEditForm, BatchForm, MemberEditForm, MemberForm
from .models import Category, Term
from .selectors import (
    PERSONAL_REFUSAL,
    batch_list_for_user,
    get_batch_for_user,
    get_batch_for_user_rw,
    get_member_for_user,
    get_member_for_user_rw,
    member_counts_for_user,
    member_list_for_user,
)
from .services import batch_create, batch_update, member_create, member_update

SOURCE = "页面录入"

BATCHES = Listing(
    search=("name", "donor_org__name", "region__name"),
    sorts={"name": "name", "number": "number", "start": "term_start", "members": "member_count"},
    default_sort="-start",
    filters={"term": "term", "year": "year"},
    org_field="donor_org",
    region_field="region",
)
MEMBERS = Listing(
    search=("name", "home_organisation", "post", "host_org_name"),
    sorts={"name": "name", "category": "category", "batch": "batch__term_start"},
    default_sort="name",
    filters={"category": "category", "batch": "batch_id"},
    org_field="donor_org",
    region_field="region",
)


def _donor_orgs(user):
    return organisation_list_writable(user=user).filter(side=Organisation.Side.DONOR)


def _region_or_none(text: str):
    return region_find(text=text) if text else None


@login_required
@ledger_page
def batch_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, batch_list_for_user(user=request.user), BATCHES)
    context = {
        "listing": listing,
        "terms": Term.choices,
        "can_create": _donor_orgs(request.user).exists(),
        # The list of people is for those who may read names; others see counts only.
        "personal": policy.can_see_personal_data(request.user),
    }
    template = "people/batches.html#rows" if is_htmx(request) else "people/batches.html"
    return render(request, template, context)


@login_required
@ledger_page
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch: counts for everyone in scope; the names only with the right to see them."""
    batch = get_batch_for_user(user=request.user, pk=pk)
    personal = policy.can_see_personal_data(request.user)
    context = {
        "batch": batch,
        "can_edit": policy.can_write_for_org(request.user, batch.donor_org_id),
        "counts": member_counts_for_user(user=request.user, batch=batch),
        "personal": personal,
        "members": member_list_for_user(user=request.user, batch=batch)[:500] if personal else [],
        "can_edit_members": personal and policy.can_write_for_org(request.user, batch.donor_org_id),
    }
    return render(request, "people/batch.html", context)


@login_required
@ledger_page
def member_list(request: HttpRequest) -> HttpResponse:
    """People with their details: refused (403) without the right to personal data."""
    listing = list_page(request, member_list_for_user(user=request.user), MEMBERS)
    context = {"listing": listing, "categories": Category.choices}
    template = "people/members.html#rows" if is_htmx(request) else "people/members.html"
    return render(request, template, context)


@login_required
@submitted_once
def batch_new(request: HttpRequest) -> HttpResponse:
    """Create a batch through ``batch_create``; refusals show beside their fields."""
    orgs = _donor_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied("无权新建批次")
    form = BatchForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                data["region"] = _region_or_none(data["region"])
                batch = batch_create(actor=request.user, source=SOURCE, **data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("批次已创建。"))
                return redirect("people:batch", pk=batch.pk)
    return render(request, "people/batch_form.html", {"form": form}, status=status)


@login_required
def batch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a batch through ``batch_update``. A save based on an older version is refused
    (409) and shows what the other person changed."""
    batch = get_batch_for_user_rw(user=request.user, pk=pk)
    initial = {
        "name": batch.name,
        "region": batch.region.code if batch.region_id else "",
        "term_start": batch.term_start,
        "term_end": batch.term_end,
        "note": batch.note,
        "version": batch.version,
    }
    form = BatchEditForm(request.POST or None, initial=initial)

    def save(data):
        data["region"] = _region_or_none(data["region"])
        batch_update(batch=batch, actor=request.user, source=SOURCE, **data)

    response, status, conflict = edit_submit(
        request,
        form,
        save=save,
        reload=lambda: get_batch_for_user(user=request.user, pk=pk),
        done=reverse("people:batch", args=[pk]),
        message=_("批次已保存。"),
    )
    if response:
        return response
    context = {"form": form, "batch": batch, "conflict": conflict}
    return render(request, "people/batch_form.html", context, status=status)


@login_required
@submitted_once
def member_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a person in a batch through ``member_create``. Names, phone and ID numbers
    are personal data: only roles the policy lets see them may enter them."""
    batch = get_batch_for_user_rw(user=request.user, pk=pk)
    if not policy.can_see_personal_data(request.user):
        raise PermissionDenied(PERSONAL_REFUSAL)
    initial = {"region": batch.region.code if batch.region_id else ""}
    form = MemberForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                data["region"] = region_find(text=data["region"])
                member_create(batch=batch, actor=request.user, source=SOURCE, **data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("人员已登记。"))
                return redirect("people:batch", pk=batch.pk)
    context = {"form": form, "batch": batch}
    return render(request, "people/member_form.html", context, status=status)


@login_required
@ledger_page
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One person, their stints, apprentices and change history. Only for roles the policy
    lets see personal data (403 otherwise); the ID number is shown masked even then."""
    member = get_member_for_user(user=request.user, pk=pk)
    context = {
        "member": member,
        "assignments": member.assignments.select_related("batch", "region"),
        "apprentices": member.apprentices.select_related("region"),
        "history": change_history_for(member)[:50],
        "can_edit": policy.can_write_for_org(request.user, member.donor_org_id),
    }
    return render(request, "people/member.html", context)


def _member_initial(member) -> dict:
    fields = (
        "name",
        "sex",
        "category",
        "home_organisation",
        "post",
        "role",
        "host_org_name",
        "phone",
        "note",
        "version",
    )
    initial = {name: getattr(member, name) for name in fields}
    return {**initial, "region": member.region.code}


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a person through ``member_update``. Like registering one, it needs the right to
    personal data (the selector refuses without it). The ID number is never shown in clear:
    the masked value sent back leaves it as it is. A save based on an older version is
    refused (409) and shows what the other person changed."""
    member = get_member_for_user_rw(user=request.user, pk=pk)
    form = MemberEditForm(
        request.POST or None,
        initial=_member_initial(member),
        id_number_masked=member.id_number_masked,
    )

    def save(data):
        if data["id_number"] is None:  # the masked number sent back: keep the one on file
            del data["id_number"]
        data["region"] = region_find(text=data["region"])
        member_update(member=member, actor=request.user, source=SOURCE, **data)

    response, status, conflict = edit_submit(
        request,
        form,
        save=save,
        reload=lambda: get_member_for_user(user=request.user, pk=pk),
        done=reverse("people:member", args=[pk]),
        message=_("人员信息已保存。"),
    )
    if response:
        return response
    context = {"form": form, "member": member, "batch": member.batch, "conflict": conflict}
    return render(request, "people/member_form.html", context, status=status)
