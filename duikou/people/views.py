"""Aid personnel pages: batches (counts for everyone in scope) and people (names only for
those the policy lets see personal data)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from duikou import policy
from duikou.web.listing import Listing, is_htmx, list_page

from .models import Category, Term
from .selectors import batch_list_for_user, member_counts_for_user, member_list_for_user

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


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, batch_list_for_user(user=request.user), BATCHES)
    context = {"listing": listing, "terms": Term.choices}
    template = "people/batches.html#rows" if is_htmx(request) else "people/batches.html"
    return render(request, template, context)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch: counts for everyone in scope; the names only with the right to see them."""
    batch = batch_list_for_user(user=request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404("批次不存在或无权查看")
    personal = policy.can_see_personal_data(request.user)
    context = {
        "batch": batch,
        "counts": member_counts_for_user(user=request.user, batch=batch),
        "personal": personal,
        "members": member_list_for_user(user=request.user, batch=batch)[:500] if personal else [],
    }
    return render(request, "people/batch.html", context)


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    """People with their details: refused (403) without the right to personal data."""
    listing = list_page(request, member_list_for_user(user=request.user), MEMBERS)
    context = {"listing": listing, "categories": Category.choices}
    template = "people/members.html#rows" if is_htmx(request) else "people/members.html"
    return render(request, template, context)
