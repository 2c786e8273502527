"""Lists of records: search, filters, sorting and pagination, shared by every list page.

A list view takes a permission-scoped queryset from a selector and a ``Listing`` saying
which fields a search looks in, which parameters filter and which columns sort; the
page then runs a bounded number of queries (a count and one page of rows) whatever the
size of the table. The count stops at ``COUNT_CAP`` rows (a page shows "more than …"):
counting millions of rows exactly costs seconds and nobody pages that far.

Search is ``icontains`` over name fields, which works for Chinese on
SQLite and PostgreSQL alike.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property

PER_PAGE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count reads at most ``COUNT_CAP + 1`` rows."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()


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
    capped: bool = False  # more rows than ``total``


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _path(field_name: str, lookup: str) -> str:
    """``self`` stands for the listed model itself (organisations, regions)."""
    return lookup if field_name == "self" else f"{field_name}__{lookup}"


def _contains(model, name: str, query: str) -> Q:
    """``name__icontains``; a field one foreign key away is matched in its own table first
    (``org_id IN (…)``), so a search over millions of rows joins nothing."""
    # Words without letter case (Chinese, digits) need no case folding: PostgreSQL then
    # skips UPPER() on every row, which halves the time of a scan over millions.
    lookup = "icontains" if query.lower() != query.upper() else "contains"
    head, sep, tail = name.partition("__")
    if sep and "__" not in tail:
        relation = model._meta.get_field(head)
        if relation.many_to_one:
            found = relation.related_model._base_manager.filter(**{f"{tail}__{lookup}": query})
            return Q(**{f"{head}__in": found.values("pk")})
    return Q(**{f"{name}__{lookup}": query})


def list_filter(
    request: HttpRequest, queryset: QuerySet, listing: Listing
) -> tuple[QuerySet, str, dict, str]:
    """Apply the request's search, filters and sort: (rows, search words, filters, sort)."""
    params = {}
    query = request.GET.get("q", "").strip()[:100]
    if query:
        condition = Q()
        for name in listing.search:
            condition |= _contains(queryset.model, name, query)
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
    # Ties break by pk in the same direction, so one index on (column, id) serves the page.
    if sort.startswith("-"):
        queryset = queryset.order_by(f"-{order}", "-pk")
    else:
        queryset = queryset.order_by(order, "pk")
    return queryset, query, params, sort


def list_page(request: HttpRequest, queryset: QuerySet, listing: Listing) -> ListPage:
    """Apply the request's search, filters and sort to ``queryset`` and cut one page."""
    queryset, query, params, sort = list_filter(request, queryset, listing)
    paginator = CappedPaginator(queryset, listing.per_page)
    number = request.GET.get("page", "")
    if number in ("", "1"):
        # The first page is read before counting: when it is short it is the whole list,
        # and a rare search word scans the table once instead of twice.
        rows = list(queryset[: listing.per_page + 1])
        if len(rows) <= listing.per_page:
            paginator.__dict__["count"] = len(rows)
        page = Page(rows[: listing.per_page], 1, paginator)
    else:
        page = paginator.get_page(number)
    total = paginator.count
    return ListPage(
        page=page,
        query=query,
        sort=sort,
        total=min(total, COUNT_CAP),
        params=params,
        capped=total > COUNT_CAP,
    )


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def list_export(
    request: HttpRequest, queryset: QuerySet, listing: Listing, columns: list, filename: str
) -> HttpResponse | None:
    """``?format=xlsx|csv``: every row the page would list (all pages), else None.

    For reference lists (organisations, places, pairings), which are small; record lists
    export through ``transfer`` so their files can be imported again.
    """
    from duikou.transfer.exporters import FORMATS, export_response

    format = request.GET.get("format", "")
    if format not in FORMATS:
        return None
    rows, *_ = list_filter(request, queryset, listing)
    name = f"{filename}-{timezone.localdate():%Y%m%d}"
    return export_response(rows.iterator(chunk_size=2000), columns, name, format)
