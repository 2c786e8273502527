"""Investment deal pages: the list, one deal's page and the form to record a deal."""

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
from duikou.web.forms import errors_onto_form
from duikou.web.listing import Listing, is_htmx, list_page

from .forms import DealForm
from .models import Stage
from .selectors import (
    deal_funds_in_place_total,
    deal_list_for_user,
    deal_stage_history,
    get_deal_for_user,
)
from .services import deal_create

DEALS = Listing(
    search=("name", "enterprise", "code", "industry", "industry_chain"),
    sorts={
        "code": "code",
        "name": "name",
        "enterprise": "enterprise",
        "stage": "stage",
        "signed": "signed_on",
        "amount": "signed_amount",
    },
    default_sort="code",
    filters={"stage": "stage", "signed_year": "signed_year", "year": "signed_year"},
    org_field="donor_org",
    region_field="region",
)


def _donor_orgs(user):
    return organisation_list_writable(user=user).filter(side=Organisation.Side.DONOR)


@login_required
def deal_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, deal_list_for_user(user=request.user), DEALS)
    context = {
        "listing": listing,
        "stages": Stage.choices,
        "can_create": _donor_orgs(request.user).exists(),
    }
    template = "investment/list.html#rows" if is_htmx(request) else "investment/list.html"
    return render(request, template, context)


@login_required
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One deal: its dated stages, funds in place, jobs reports and change history."""
    deal = get_deal_for_user(user=request.user, pk=pk)
    context = {
        "deal": deal,
        "stages": deal_stage_history(deal=deal).select_related("actor"),
        "in_place": deal.funds_in_place.all(),
        "in_place_total": deal_funds_in_place_total(deal=deal),
        "jobs": deal.jobs_reports.all(),
        "history": change_history_for(deal)[:50],
        "can_edit": policy.can_write_for_org(request.user, deal.donor_org_id),
    }
    return render(request, "investment/detail.html", context)


@login_required
def deal_new(request: HttpRequest) -> HttpResponse:
    """Record a deal through ``deal_create``; refusals show beside their fields."""
    orgs = _donor_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied("无权新建招商项目")
    form = DealForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                data["region"] = region_find(text=data["region"])
                deal = deal_create(actor=request.user, source="页面录入", **data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("招商项目已创建。"))
                return redirect("investment:detail", pk=deal.pk)
    return render(request, "investment/form.html", {"form": form}, status=status)
