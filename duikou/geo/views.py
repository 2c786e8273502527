"""Region pages: the list of places and one recipient place with what happened there."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from duikou.investment.selectors import deal_totals_for_user
from duikou.orgs.selectors import pairings_for_region
from duikou.projects.selectors import fund_totals_for_user
from duikou.results.selectors import values_unlinked
from duikou.transfer.exporters import ExportColumn
from duikou.web.listing import Listing, is_htmx, list_export, list_page
from duikou.web.page_cache import ledger_page

from . import selectors
from .models import Region

REGIONS = Listing(
    search=("name", "short_name", "code", "aliases"),
    sorts={"code": "code", "name": "name", "level": "level"},
    default_sort="code",
    filters={"level": "level", "parent": "parent_id"},
    region_field="self",
)
REGION_COLUMNS = [
    ExportColumn("code", "区划代码"),
    ExportColumn("name", "名称", width=24),
    ExportColumn("short_name", "简称"),
    ExportColumn(lambda r: r.get_level_display(), "层级"),
    ExportColumn("kind", "类型"),
    ExportColumn("parent.code", "上级代码"),
    ExportColumn("parent.name", "上级名称", width=24),
    ExportColumn("aliases", "别称", width=30),
]


@login_required
@ledger_page
def region_list(request: HttpRequest) -> HttpResponse:
    exported = list_export(
        request, selectors.region_list(), REGIONS, REGION_COLUMNS, "行政区划", "regions"
    )
    if exported:
        return exported
    listing = list_page(request, selectors.region_list(), REGIONS)
    context = {"listing": listing, "levels": Region.Level.choices}
    template = "geo/list.html#rows" if is_htmx(request) else "geo/list.html"
    return render(request, template, context)


@login_required
@ledger_page
def region_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A place: where it sits, what lies inside it, who is paired with it, what was done."""
    region = selectors.get_region(pk=pk)
    context = {
        "region": region,
        "children": region.children.order_by("code"),
        "pairings": pairings_for_region(region=region)[:200],
        "funds": fund_totals_for_user(user=request.user, region=region),
        "deals": deal_totals_for_user(user=request.user, region=region),
        "organisations": region.organisations.order_by("code")[:100],
        "projects_url": f"{reverse('projects:list')}?region={region.pk}",
        "deals_url": f"{reverse('investment:list')}?region={region.pk}",
    }
    unlinked = list(values_unlinked(user=request.user, region=region)[:51])
    context["values"], context["values_more"] = unlinked[:50], len(unlinked) > 50
    return render(request, "geo/detail.html", context)
