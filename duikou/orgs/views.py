"""Organisation pages: the list, pairings, and one organisation (donor province, front
command, sub-command or recipient body) with what it and everything below it did."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from duikou.investment.selectors import deal_totals_for_user
from duikou.projects.selectors import fund_totals_for_user
from duikou.results.selectors import values_unlinked
from duikou.transfer.exporters import ExportColumn
from duikou.web.listing import Listing, is_htmx, list_export, list_page
from duikou.web.page_cache import ledger_page

from .models import Organisation
from .selectors import get_organisation, organisation_list, pairing_list, pairings_for_org

ORGS = Listing(
    search=("name", "short_name", "code", "name_en"),
    sorts={"code": "code", "name": "name", "kind": "kind", "region": "region__code"},
    default_sort="code",
    filters={"side": "side", "kind": "kind"},
    org_field="self",
    region_field="region",
)
PAIRINGS = Listing(
    search=("donor__name", "recipient__name"),
    sorts={"donor": "donor__code", "recipient": "recipient__code", "start": "start_date"},
    default_sort="donor",
    filters={"confidence": "confidence"},
    org_field="donor",
    region_field="recipient",
)
ORG_COLUMNS = [
    ExportColumn("code", "机构编码"),
    ExportColumn("name", "名称", width=32),
    ExportColumn("short_name", "简称"),
    ExportColumn(lambda o: o.get_kind_display(), "类型"),
    ExportColumn(lambda o: o.get_side_display(), "所属方"),
    ExportColumn("parent.name", "上级机构", width=28),
    ExportColumn("region.code", "所在地区代码"),
    ExportColumn("region.name", "所在地区"),
    ExportColumn("is_active", "有效", kind="bool"),
]
PAIRING_COLUMNS = [
    ExportColumn("donor.code", "支援方编码"),
    ExportColumn("donor.name", "支援方", width=28),
    ExportColumn("recipient.code", "受援地代码"),
    ExportColumn("recipient.name", "受援地"),
    ExportColumn(lambda p: str(p.parent or ""), "上级结对", width=32),
    ExportColumn("start_date", "开始日期", kind="date"),
    ExportColumn("end_date", "结束日期", kind="date"),
    ExportColumn(lambda p: p.get_confidence_display(), "可信度"),
    ExportColumn("source", "来源", width=40),
]


@login_required
@ledger_page
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    exported = list_export(request, organisation_list(), ORGS, ORG_COLUMNS, "机构", "organisations")
    if exported:
        return exported
    listing = list_page(request, organisation_list(), ORGS)
    context = {
        "listing": listing,
        "sides": Organisation.Side.choices,
        "kinds": Organisation.Kind.choices,
    }
    template = "orgs/list.html#rows" if is_htmx(request) else "orgs/list.html"
    return render(request, template, context)


@login_required
@ledger_page
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One organisation with its children, pairings and the figures of its subtree."""
    org = get_organisation(pk=pk)
    context = {
        "org": org,
        "children": org.children.select_related("region").order_by("code"),
        "pairings": pairings_for_org(org=org)[:200],
        "funds": fund_totals_for_user(user=request.user, org=org),
        "deals": deal_totals_for_user(user=request.user, org=org),
        "projects_url": f"{reverse('projects:list')}?org={org.pk}",
        "deals_url": f"{reverse('investment:list')}?org={org.pk}",
    }
    unlinked = list(values_unlinked(user=request.user, org=org)[:51])
    context["values"], context["values_more"] = unlinked[:50], len(unlinked) > 50
    return render(request, "orgs/detail.html", context)


@login_required
@ledger_page
def pairing_list_view(request: HttpRequest) -> HttpResponse:
    exported = list_export(
        request, pairing_list(), PAIRINGS, PAIRING_COLUMNS, "结对关系", "pairings"
    )
    if exported:
        return exported
    listing = list_page(request, pairing_list(), PAIRINGS)
    template = "orgs/pairings.html#rows" if is_htmx(request) else "orgs/pairings.html"
    return render(request, template, {"listing": listing})
