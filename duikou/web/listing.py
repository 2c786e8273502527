"""Lists of records: search, filters, sorting and pagination, shared by every list page.

A list view takes a permission-scoped queryset from a selector and a ``Listing`` saying
which fields a search looks in, which parameters filter and which columns sort; the
page then runs a bounded number of queries (a count and one page of rows) whatever the
size of the table. The count stops at ``COUNT_CAP`` rows (a page shows "more than …"):
counting millions of rows exactly costs seconds and nobody pages that far.

Search finds every name containing the words, Chinese included (``core.search``: ``LIKE``,
with a gram index on PostgreSQL's large tables).

A filter value that cannot mean anything for its column (``?year=abc``, ``?county=maybe``,
a choice the column does not have, an id beyond the column's range, control characters)
is ignored: the list shows unfiltered by it, with a note saying so (``ListPage.ignored``),
instead of failing. Values are read by the model field the lookup ends on, so a new filter
needs no parsing code of its own.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Page, Paginator
from django.db import connections, models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from duikou.core.errors import CONTROL_CHARACTERS, has_control_characters
from duikou.core.ledger_cache import ledger_cached, ledger_version
from duikou.core.search import text_match

PER_PAGE = 50
COUNT_CAP = 10_000
RESOLVE_CAP = 1_000  # ids of a related table's matches put into the query as a list


class CappedPaginator(Paginator):
    """A paginator whose count reads at most ``COUNT_CAP + 1`` rows.

    The count is cached until the next write, keyed by its own SQL (which holds the user's
    scope, the search and the filters): reading ten thousand index entries on every page
    view of a national list was most of the database's work for it."""

    @cached_property
    def count(self) -> int:
        capped = self.object_list.order_by()[: COUNT_CAP + 1]
        try:
            sql, params = capped.query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (an empty scope)
            return 0
        return ledger_cached(
            ("list_count", capped.db, sql, repr(params)),
            capped.count,
            version=ledger_version(capped.db),
        )


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
    ignored: list[str] = field(default_factory=list)  # notes on filters that were ignored


class _Unusable(ValueError):
    """A filter value that cannot mean anything for its column."""


def _field_at(model, lookup: str) -> models.Field:
    """The model field a filter's path (``indicator__code``, ``batch_id``) ends on; a
    foreign key ends on the key it points to."""
    names = lookup.split("__")
    for position, name in enumerate(names):
        field = model._meta.get_field(name)
        if field.is_relation:
            if position == len(names) - 1:
                return field.target_field
            model = field.related_model
    return field


def filter_value(field: models.Field, text: str, db: str = "default"):
    """``text`` read as a value of ``field``: a choice it has, a number that fits the column,
    a date, a yes/no. Raises ``_Unusable`` otherwise."""
    if has_control_characters(text):
        raise _Unusable(text)
    if field.choices:
        for key, _label in field.flatchoices:
            if str(key) == text:
                return key
        raise _Unusable(text)
    try:
        value = field.to_python(text)
    except (ValidationError, ValueError, TypeError, OverflowError):
        raise _Unusable(text) from None
    if isinstance(field, models.IntegerField | models.AutoField):
        low, high = connections[db].ops.integer_field_range(field.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Unusable(text)
    if isinstance(value, Decimal | float) and not math.isfinite(value):
        raise _Unusable(text)
    if isinstance(field, models.CharField) and field.max_length and len(text) > field.max_length:
        raise _Unusable(text)
    return value


def _ignored_note(param: str, text: str) -> str:
    shown = CONTROL_CHARACTERS.sub("\ufffd", text)
    if len(shown) > 20:
        shown = shown[:20] + "…"
    return _("筛选条件“%(condition)s”无效，已忽略") % {"condition": f"{param}={shown}"}


def search_words(text: str) -> str:
    """What a search box sent, at most 100 characters; control characters read as spaces."""
    return CONTROL_CHARACTERS.sub(" ", text).strip()[:100]


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


@dataclass
class Filtered:
    rows: QuerySet
    query: str  # the search words
    params: dict  # the filters applied, as the request gave them
    sort: str
    ignored: list[str]  # notes on the filters that were ignored


def list_filter(request: HttpRequest, queryset: QuerySet, listing: Listing) -> Filtered:
    """Apply the request's search, filters and sort; a filter value that cannot apply is
    left out and noted."""
    params, ignored = {}, []
    query = search_words(request.GET.get("q", ""))
    if query:
        queryset = queryset.filter(search_condition(queryset.model, listing.search, query))
    lookups = dict(listing.filters)
    # ``?org=`` / ``?region=``: that organisation or place and everything below it.
    for param, field_name in (("org", listing.org_field), ("region", listing.region_field)):
        if field_name and request.GET.get(param, "").strip() not in ("", "0"):
            lookups[param] = _path(field_name, "ancestor_links__ancestor_id")
    for param, lookup in lookups.items():
        text = request.GET.get(param, "").strip()
        if not text:
            continue
        try:
            value = filter_value(_field_at(queryset.model, lookup), text, queryset.db)
        except _Unusable:
            ignored.append(_ignored_note(param, text))
            continue
        params[param] = value if param in ("org", "region") else text
        queryset = queryset.filter(**{lookup: value})
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
    return Filtered(queryset, query, params, sort, ignored)


def _matching(queryset: QuerySet) -> tuple[int, list | None]:
    """How many rows match (at most ``COUNT_CAP + 1``) and, when at most ``RESOLVE_CAP``
    do, their ids; cached until the next write, keyed by the query itself.

    Read without an order, the matches come through the filters' own indexes (a scope's
    organisations, a search word's grams). Read in the page's order, a scope holding a few
    rows of a large table made PostgreSQL walk the whole sort index looking for them
    (38 s for a province's eight organisations among 10 million values)."""
    capped = queryset.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1]
    try:
        sql, params = capped.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an empty scope)
        return 0, []

    def read() -> tuple[int, list | None]:
        ids = list(capped)
        return len(ids), ids if len(ids) <= RESOLVE_CAP else None

    return ledger_cached(
        ("list_matching", capped.db, sql, repr(params)), read, version=ledger_version(capped.db)
    )


def list_page(request: HttpRequest, queryset: QuerySet, listing: Listing) -> ListPage:
    """Apply the request's search, filters and sort to ``queryset`` and cut one page."""
    filtered = list_filter(request, queryset, listing)
    queryset = filtered.rows
    total, ids = _matching(queryset)
    if ids is not None:  # few rows: the page is sorted from their ids
        queryset = queryset.filter(pk__in=ids)
    paginator = Paginator(queryset, listing.per_page)
    paginator.__dict__["count"] = total
    page = paginator.get_page(request.GET.get("page", ""))
    return ListPage(
        page=page,
        query=filtered.query,
        sort=filtered.sort,
        total=min(total, COUNT_CAP),
        params=filtered.params,
        capped=total > COUNT_CAP,
        ignored=filtered.ignored,
    )


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def list_export(
    request: HttpRequest,
    queryset: QuerySet,
    listing: Listing,
    columns: list,
    filename: str,
    fallback: str,
) -> HttpResponse | None:
    """``?format=xlsx|csv``: every row the page would list (all pages), else None.

    For reference lists (organisations, places, pairings), which are small; record lists
    export through ``transfer`` so their files can be imported again.
    """
    from duikou.transfer.exporters import FORMATS, export_response, export_title

    format = request.GET.get("format", "")
    if format not in FORMATS:
        return None
    rows = list_filter(request, queryset, listing).rows
    today = f"{timezone.localdate():%Y%m%d}"
    return export_response(
        rows.iterator(chunk_size=2000),
        columns,
        f"{filename}-{today}",
        format,
        fallback=f"{fallback}-{today}",
        title=export_title(filename),
    )
