"""Lists of records: search, filters, sorting and pagination, shared by every list page.

A list view takes a permission-scoped queryset from a selector and a ``Listing`` saying
which fields a search looks in, which parameters filter and which columns sort; the
page then runs a bounded number of queries (a count and one page of rows) whatever the
size of the table. The count stops at ``COUNT_CAP`` rows (a page shows "more than …"):
counting millions of rows exactly costs seconds and nobody pages that far.

Search finds every name containing the words, Chinese included (``core.search``: ``LIKE``,
with a gram index on PostgreSQL's large tables).
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property

from duikou.core.search import text_match

PER_PAGE = 50
COUNT_CAP = 10_000
RESOLVE_CAP = 1_000  # ids of a related table's matches put into the query as a list


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


def search_condition(model, names: tuple[str, ...], word: str) -> Q:
    """Rows where any of ``names`` contains ``word``.

    Fields one foreign key away are matched in their own table first, grouped per
    relation; when few rows match there (the usual case: organisations, places, or a
    rare word among projects) the ids go into the query as a list, so PostgreSQL can
    combine index lookups instead of walking the whole table in sort order.
    """
    local, related = [], {}
    for name in names:
        head, sep, tail = name.partition("__")
        if sep and "__" not in tail and model._meta.get_field(head).many_to_one:
            related.setdefault(head, []).append(tail)
        else:
            local.append(name)
    condition = text_match(model, local, word) if local else Q()
    for head, tails in related.items():
        target = model._meta.get_field(head).related_model
        found = target._base_manager.filter(text_match(target, tails, word)).values("pk")
        ids = [row["pk"] for row in found.order_by()[: RESOLVE_CAP + 1]]
        condition |= Q(**{f"{head}__in": ids if len(ids) <= RESOLVE_CAP else found})
    return condition


def list_filter(
    request: HttpRequest, queryset: QuerySet, listing: Listing
) -> tuple[QuerySet, str, dict, str]:
    """Apply the request's search, filters and sort: (rows, search words, filters, sort)."""
    params = {}
    query = request.GET.get("q", "").strip()[:100]
    if query:
        queryset = queryset.filter(search_condition(queryset.model, listing.search, query))
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
