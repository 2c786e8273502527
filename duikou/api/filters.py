"""The documented filters of each list, declared once per list.

A ``Listing`` is a list's scoped selector, its filters and its orderings; every record
kind has one (``LISTINGS``, built from ``transfer.kinds``), and the other lists (stints,
reports, jobs, a project's documents, reference data) declare theirs next to their routes
with the same filter builders. Each list takes only its own filters (and ``limit``,
``offset``, ``ordering``): anything else, or a value that cannot be read, answers 422 with
the parameter and the value as read. Every filter narrows the list's own scoped selector:
the selector's own arguments (year, status, stage…) go to it, the rest narrow what it
returns, so nothing is listed that the pages would not show. Organisation and region
include their whole subtree (the trees store their ancestors).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from duikou.geo.models import Region
from duikou.geo.selectors import region_descendants
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import organisation_descendant_ids
from duikou.results.models import Indicator
from duikou.results.periods import Period, period_parse
from duikou.transfer.kinds import KINDS, Kind

# Where each kind's owning organisation and its region are, from the record.
ORG_PATHS = {
    "projects": "donor_org",
    "fund_transactions": "project__donor_org",
    "progress_reports": "project__donor_org",
    "deals": "donor_org",
    "funds_in_place": "deal__donor_org",
    "batches": "donor_org",
    "members": "donor_org",
    "mentor_pairs": "mentor__donor_org",
    "trainings": "organiser",
    "partnerships": "donor_org",
    "events": "organiser",
    "sales_channels": "donor_org",
    "sales_records": "channel__donor_org",
    "values": "org",
}
REGION_PATHS = {
    "fund_transactions": "project__region",
    "progress_reports": "project__region",
    "funds_in_place": "deal__region",
    "sales_records": "channel__region",
}
# Choice columns a list filters on (validated against the column's choices).
CHOICE_PARAMS = ("status", "stage", "kind", "term", "category", "fund_source")
ORDERINGS = {
    "id": ("pk",),
    "-id": ("-pk",),
    "updated_at": ("updated_at", "pk"),
    "-updated_at": ("-updated_at", "pk"),
}
DEFAULT_ORDERING = "id"
PAGING = ("limit", "offset", "ordering")


class Refused(Exception):
    """A query the list does not take: ``errors`` name each parameter and say why."""

    def __init__(self, errors: list[dict], *, unknown: bool = False):
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors
        self.unknown = unknown  # parameters the list does not take (not values misread)


@dataclass(frozen=True)
class Filter:
    param: str
    description: str
    read: Callable[[str], object]  # the text as given → the value, or Refused
    # (queryset, value) → narrowed queryset; None: the selector's own argument ``selector``
    apply: Callable[[QuerySet, object], QuerySet] | None = None
    selector: str = ""
    example: str = ""
    bounds: tuple[int, int] | None = None  # an integer: documented, and checked, as one
    boolean: bool = False  # true or false: documented as a boolean


def _refuse(param: str, message: str):
    raise Refused([{"field": param, "message": message}])


def _integer(param: str, low: int, high: int):
    def read(text: str) -> int:
        if not text.strip().isdigit() or not low <= int(text) <= high:
            _refuse(param, f"{param}“{text}”应为{low}到{high}之间的整数")
        return int(text)

    return read


def _choice(param: str, choices: list[str]):
    def read(text: str) -> str:
        if text not in choices:
            _refuse(param, f"{param}“{text}”不是可选的值（可选：{'、'.join(choices)}）")
        return text

    return read


def indicator_read(param: str = "indicator"):
    def read(text: str) -> Indicator:
        found = Indicator.objects.filter(code=text).first()
        if found is None:
            _refuse(param, f"指标目录中没有编码“{text}”")
        return found

    return read


def organisation_read(param: str):
    def read(text: str) -> Organisation:
        found = Organisation.objects.filter(code=text).first()
        if found is None:
            _refuse(param, f"找不到机构编码“{text}”")
        return found

    return read


def region_read(param: str):
    def read(text: str) -> Region:
        found = Region.objects.filter(code=text).first()
        if found is None:
            _refuse(param, f"找不到区划代码“{text}”")
        return found

    return read


def _day(param: str):
    def read(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            _refuse(param, f"{param}“{text}”不是日期（如 2025-06-01）")

    return read


def _moment(param: str):
    def read(text: str) -> datetime:
        try:
            moment = parse_datetime(text.replace(" ", "+"))
        except ValueError:
            moment = None
        if moment is None:
            _refuse(param, f"{param}“{text}”不是 ISO 8601 时间（如 2025-01-01T00:00:00Z）")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    return read


# What the document's boolean parameters take (as the schema reads them).
TRUE_WORDS = ("1", "true", "t", "yes", "y", "on")
FALSE_WORDS = ("0", "false", "f", "no", "n", "off")


def _boolean(param: str):
    def read(text: str) -> bool:
        if text.lower() not in (*TRUE_WORDS, *FALSE_WORDS):
            _refuse(param, f"{param}“{text}”应为 true 或 false")
        return text.lower() in TRUE_WORDS

    return read


def _text(param: str):
    def read(text: str) -> str:
        if len(text) > 100 or any(ord(c) < 32 for c in text):
            _refuse(param, f"{param}“{text[:100]}”过长或含控制字符")
        return text

    return read


PERIOD_FORMS = "2025、2025Q1、2025-03 或 2025-01-01..2025-06-30"


def _period(parse: Callable[[str], Period], forms: str):
    def read(text: str) -> Period:
        try:
            return parse(text)
        except ValidationError:
            _refuse("period", f"period“{text}”无法识别，请写成 {forms}")

    return read


# Builders of the filters lists share: each list names where its records keep the value.


def organisation_filter(path: str, param: str = "organisation", *, below: bool = False):
    """The organisation by code and its whole subtree, at ``path`` (an organisation);
    ``below``: the subtree without the organisation itself."""

    def narrow(qs, org):
        qs = qs.filter(**{f"{path}__in": organisation_descendant_ids(org=org)})
        return qs.exclude(**{path: org.pk}) if below else qs

    return Filter(
        param,
        "上级机构编码，列出其全部下级机构（不含其本身）" if below else "机构编码，含其全部下级机构",
        organisation_read(param),
        narrow,
        example="350000",
    )


def region_filter(path: str, param: str = "region", *, below: bool = False) -> Filter:
    """The region by code and its whole subtree, at ``path`` (a region); ``below``: the
    subtree without the region itself."""

    def narrow(qs, region):
        qs = qs.filter(**{f"{path}__in": region_descendants(region=region).values("pk")})
        return qs.exclude(**{path: region.pk}) if below else qs

    return Filter(
        param,
        "上级区划代码，列出其全部下级区划（不含其本身）" if below else "区划代码，含其全部下级区划",
        region_read(param),
        narrow,
        example="652300",
    )


def indicator_filter(path: str = "indicator") -> Filter:
    return Filter(
        "indicator",
        "指标编码（须在指标目录中）",
        indicator_read(),
        lambda qs, indicator: qs.filter(**{path: indicator}),
    )


def date_filter(param: str, description: str, apply) -> Filter:
    """A day (YYYY-MM-DD), narrowed by ``apply(queryset, day)``."""
    return Filter(param, description, _day(param), apply, example="2025-06-01")


def integer_filter(
    param: str,
    description: str,
    *,
    low: int,
    high: int,
    field: str = "",
    selector: str = "",
    example: str = "",
    apply: Callable[[QuerySet, object], QuerySet] | None = None,
) -> Filter:
    """An integer within bounds: the selector's argument ``selector``, the column ``field``
    or its own ``apply``."""
    if apply is None and not selector:
        apply = lambda qs, v: qs.filter(**{field or param: v})  # noqa: E731
    return Filter(
        param,
        description,
        _integer(param, low, high),
        apply,
        selector=selector,
        bounds=(low, high),
        example=example,
    )


def year_filter(*, field: str = "year", selector: str = "", apply=None) -> Filter:
    return integer_filter(
        "year",
        "年度",
        low=1900,
        high=2200,
        field=field,
        selector=selector,
        apply=apply,
        example="2025",
    )


def choice_filter(
    param: str, header: str, choices, *, field: str = "", selector: str = ""
) -> Filter:
    """One of ``choices`` (a Django choices class, or (value, label) pairs)."""
    pairs = list(getattr(choices, "choices", choices))
    description = header + "：" + "、".join(f"{v}={label}" for v, label in pairs)
    values = [v for v, _label in pairs]
    if selector:
        return Filter(param, description, _choice(param, values), selector=selector)
    return Filter(
        param,
        description,
        _choice(param, values),
        lambda qs, v, f=field or param: qs.filter(**{f: v}),
    )


def since_filter(
    param: str = "updated_since", field: str = "updated_at", what: str = "更新"
) -> Filter:
    """Records whose ``field`` is at or after the moment (ISO 8601)."""

    return Filter(
        param,
        f"只列出此时刻（含）之后{what}的记录，供增量同步；ISO 8601，如 2025-01-01T00:00:00Z",
        _moment(param),
        lambda qs, moment: qs.filter(**{f"{field}__gte": moment}),
        example="2025-01-01T00:00:00Z",
    )


def period_filter(
    start: str = "period_start",
    end: str = "period_end",
    *,
    parse: Callable[[str], Period] = period_parse,
    forms: str = PERIOD_FORMS,
) -> Filter:
    """Records whose period is exactly the one given, read by ``parse`` (anything with
    ``start`` and ``end``; by default as the API writes periods), written as ``forms``."""
    return Filter(
        "period",
        f"期间：只列出期间正好为此的记录；可写 {forms}"
        + ("（年、季度、月或起止日期）" if forms == PERIOD_FORMS else ""),
        _period(parse, forms),
        lambda qs, period: qs.filter(**{start: period.start, end: period.end}),
        example="2025Q1",
    )


def boolean_filter(param: str, description: str, *, selector: str) -> Filter:
    """true or false, the selector's argument ``selector``."""
    return Filter(param, description, _boolean(param), selector=selector, boolean=True)


def text_filter(param: str, description: str, field: str) -> Filter:
    """A text equal to the column ``field``."""
    return Filter(param, description, _text(param), lambda qs, v: qs.filter(**{field: v}))


def _fields(kind: Kind) -> set[str]:
    return {f.name for f in kind.model._meta.concrete_fields}


def _filters_build(kind: Kind) -> list[Filter]:
    fields = _fields(kind)
    columns = {c.key: c for c in kind.columns}
    own = dict(kind.filters)  # query parameter → the selector's argument
    found = [
        organisation_filter(ORG_PATHS[kind.key]),
        region_filter(REGION_PATHS.get(kind.key, "region")),
    ]
    if "year" in own:
        found.append(year_filter(selector=own["year"]))
    elif "year" in fields:
        found.append(year_filter())
    if "month" in fields:
        found.append(integer_filter("month", "月份（1–12）", low=1, high=12, example="6"))
    if "quarter" in fields:
        found.append(integer_filter("quarter", "季度（1–4）", low=1, high=4, example="2"))
    if {"period_start", "period_end"} <= fields:
        found.append(period_filter())
    for param in CHOICE_PARAMS:
        column = columns.get(param)
        if column is None or column.type != "choice" or param not in fields:
            continue
        found.append(
            choice_filter(param, column.header, column.choices, selector=own.get(param, ""))
        )
    if "indicator" in fields:
        found.append(indicator_filter())
    if "q" in own:
        found.append(Filter("q", "名称或编号包含", _text("q"), selector=own["q"]))
    found.append(since_filter())
    return found


@dataclass(frozen=True)
class Listing:
    """One list: its scoped selector, its documented filters and its orderings.

    ``queryset(user, **selector_arguments)`` must go through the app's policy-scoped
    selector; every ordering ends on a unique column, so pages are stable."""

    key: str
    queryset: Callable[..., QuerySet]
    filters: tuple[Filter, ...]
    orderings: dict[str, tuple[str, ...]]
    default_ordering: str = DEFAULT_ORDERING
    default_limit: int = 50


def _kind_listing(kind: Kind) -> Listing:
    return Listing(kind.key, kind.queryset, tuple(_filters_build(kind)), ORDERINGS)


LISTINGS: dict[str, Listing] = {key: _kind_listing(kind) for key, kind in KINDS.items()}
FILTERS: dict[str, list[Filter]] = {key: list(ls.filters) for key, ls in LISTINGS.items()}


def ordering_read(text: str, orderings: dict[str, tuple[str, ...]] = ORDERINGS):
    if text not in orderings:
        _refuse("ordering", f"ordering“{text}”不是可选的排序（可选：{'、'.join(orderings)}）")
    return orderings[text]


def filtered_list(
    *,
    user,
    params: dict[str, str],
    kind: Kind | None = None,
    listing: Listing | None = None,
    given: dict | None = None,
) -> QuerySet:
    """The list's records the user may see, narrowed by ``params`` (the query as given):
    a record kind's list (``kind``) or any other declared ``listing``. ``given`` are the
    selector's arguments the route itself knows (the project of a path)."""
    listing = listing or LISTINGS[kind.key]
    errors = []
    try:
        values = params_read(params, listing.filters)
    except Refused as refused:
        if refused.unknown:
            raise
        errors, values = refused.errors, {}
    order = listing.orderings[listing.default_ordering]
    if params.get("ordering"):
        try:
            order = ordering_read(params["ordering"], listing.orderings)
        except Refused as refused:
            errors += refused.errors
    if errors:
        raise Refused(errors)
    declared = {f.param: f for f in listing.filters}
    selector_args = dict(given or {})
    for param, value in values.items():
        if declared[param].apply is None:
            selector_args[declared[param].selector] = value
    qs = listing.queryset(user, **selector_args)
    for param, value in values.items():
        if declared[param].apply is not None:
            qs = declared[param].apply(qs, value)
    return qs.order_by(*order)


def params_read(
    params: dict[str, str], filters, also: tuple[str, ...] = PAGING
) -> dict[str, object]:
    """Each parameter given (and not blank) read by its filter: ``{param: value}``. Refused
    naming every parameter neither among ``filters`` nor ``also`` (``unknown`` set), else
    every value that cannot be read."""
    declared = {f.param: f for f in filters}
    unknown = sorted(set(params) - set(declared) - set(also))
    if unknown:
        allowed = "、".join([*declared, *also])
        raise Refused(
            [{"field": k, "message": f"不支持的查询参数“{k}”（可用：{allowed}）"} for k in unknown],
            unknown=True,
        )
    errors, values = [], {}
    for param, text in params.items():
        spec = declared.get(param)
        if spec is None or text == "":
            continue
        try:
            values[param] = spec.read(text)
        except Refused as refused:
            errors += refused.errors
    if errors:
        raise Refused(errors)
    return values


def page_links(request, offset: int, limit: int, count: int) -> dict:
    """``next`` and ``previous``: the same query at the neighbouring pages (full URLs)."""

    def link(start: int) -> str:
        query = request.GET.copy()
        query["offset"], query["limit"] = str(start), str(limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(0, offset - limit)) if offset else None,
    }
