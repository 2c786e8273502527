"""Lists of records: search, filters, sorting and pagination, shared by every list page.

A list view takes a permission-scoped queryset from a selector and a ``Listing`` saying
which fields a search looks in, which parameters filter and which columns sort; the
page then runs a bounded number of queries (a count and one page of rows) whatever the
size of the table. Search is ``icontains`` over name fields, which works for Chinese on
SQLite and PostgreSQL alike.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

PER_PAGE = 50


@dataclass(frozen=True)
class Listing:
    search: tuple[str, ...]
    sorts: dict[str, str]
    default_sort: str
    filters: dict[str, str] = field(default_factory=dict)  # GET parameter -> lookup
    org_field: str | None = None  # ``?org=<id>`` keeps that organisation and below
    region_field: str | None = None  # ``?region=<id>`` keeps that place and below
    per_page: int = PER_PAGE


@dataclass
class ListPage:
    page: Page
    query: str
    sort: str
    total: int
    params: dict


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _path(field_name: str, lookup: str) -> str:
    """``self`` stands for the listed model itself (organisations, regions)."""
    return lookup if field_name == "self" else f"{field_name}__{lookup}"


def list_page(request: HttpRequest, queryset: QuerySet, listing: Listing) -> ListPage:
    """Apply the request's search, filters and sort to ``queryset`` and cut one page."""
    params = {}
    query = request.GET.get("q", "").strip()[:100]
    if query:
        condition = Q()
        for name in listing.search:
            condition |= Q(**{f"{name}__icontains": query})
        queryset = queryset.filter(condition)
    for param, lookup in listing.filters.items():
        value = request.GET.get(param, "").strip()
        if value:
            params[param] = value
            queryset = queryset.filter(**{lookup: value})
    org = _int(request.GET.get("org"))
    if org and listing.org_field:
        params["org"] = org
        queryset = queryset.filter(**{_path(listing.org_field, "ancestor_links__ancestor_id"): org})
    region = _int(request.GET.get("region"))
    if region and listing.region_field:
        params["region"] = region
        queryset = queryset.filter(
            **{_path(listing.region_field, "ancestor_links__ancestor_id"): region}
        )
    sort = request.GET.get("sort", "") or listing.default_sort
    key = sort.lstrip("-")
    if key not in listing.sorts:
        sort, key = listing.default_sort, listing.default_sort.lstrip("-")
    order = listing.sorts[key]
    descending = sort.startswith("-")
    queryset = queryset.order_by(f"-{order}" if descending else order, "pk")
    paginator = Paginator(queryset, listing.per_page)
    page = paginator.get_page(request.GET.get("page"))
    return ListPage(page=page, query=query, sort=sort, total=paginator.count, params=params)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
