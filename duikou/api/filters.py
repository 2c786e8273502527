"""The documented filters of each record kind's list, declared once per kind.

Each list takes only its own filters (and ``limit``, ``offset``, ``ordering``): anything
else, or a value that cannot be read, answers 422 with the parameter and the value as
read. Every filter narrows the kind's own scoped selector (``kind.queryset(user)``): the
selector's own arguments (year, status, stage…) go to it, the rest narrow what it returns,
so nothing is listed that the pages would not show. Organisation and region include their
whole subtree (the trees store their ancestors).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from duikou.geo.models import Region
from duikou.geo.selectors import region_descendants
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import organisation_descendant_ids
from duikou.results.models import Indicator
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

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


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


def _organisation(text: str) -> Organisation:
    found = Organisation.objects.filter(code=text).first()
    if found is None:
        _refuse("organisation", f"找不到机构编码“{text}”")
    return found


def _region(text: str) -> Region:
    found = Region.objects.filter(code=text).first()
    if found is None:
        _refuse("region", f"找不到区划代码“{text}”")
    return found


def _indicator(text: str) -> Indicator:
    found = Indicator.objects.filter(code=text).first()
    if found is None:
        _refuse("indicator", f"指标目录中没有编码“{text}”")
    return found


def _moment(text: str) -> datetime:
    try:
        moment = parse_datetime(text.replace(" ", "+"))
    except ValueError:
        moment = None
    if moment is None:
        _refuse(
            "updated_since", f"updated_since“{text}”不是 ISO 8601 时间（如 2025-01-01T00:00:00Z）"
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _text(param: str):
    def read(text: str) -> str:
        if len(text) > 100 or any(ord(c) < 32 for c in text):
            _refuse(param, f"{param}“{text[:100]}”过长或含控制字符")
        return text

    return read


def _fields(kind: Kind) -> set[str]:
    return {f.name for f in kind.model._meta.concrete_fields}


def _filters_build(kind: Kind) -> list[Filter]:
    fields = _fields(kind)
    columns = {c.key: c for c in kind.columns}
    own = dict(kind.filters)  # query parameter → the selector's argument
    found: list[Filter] = []
    org_path = ORG_PATHS[kind.key]
    region_path = REGION_PATHS.get(kind.key, "region")
    found.append(
        Filter(
            "organisation",
            "机构编码，含其全部下级机构",
            _organisation,
            lambda qs, org, p=org_path: qs.filter(
                **{f"{p}__in": organisation_descendant_ids(org=org)}
            ),
            example="350000",
        )
    )
    found.append(
        Filter(
            "region",
            "区划代码，含其全部下级区划",
            _region,
            lambda qs, region, p=region_path: qs.filter(
                **{f"{p}__in": region_descendants(region=region).values("pk")}
            ),
            example="652300",
        )
    )
    if "year" in own:
        found.append(
            Filter(
                "year",
                "年度",
                _integer("year", 1900, 2200),
                bounds=(1900, 2200),
                selector=own["year"],
                example="2025",
            )
        )
    elif "year" in fields:
        found.append(
            Filter(
                "year",
                "年度",
                _integer("year", 1900, 2200),
                lambda qs, v: qs.filter(year=v),
                bounds=(1900, 2200),
                example="2025",
            )
        )
    if "month" in fields:
        found.append(
            Filter(
                "month",
                "月份（1–12）",
                _integer("month", 1, 12),
                lambda qs, v: qs.filter(month=v),
                bounds=(1, 12),
                example="6",
            )
        )
    if "quarter" in fields:
        found.append(
            Filter(
                "quarter",
                "季度（1–4）",
                _integer("quarter", 1, 4),
                lambda qs, v: qs.filter(quarter=v),
                bounds=(1, 4),
                example="2",
            )
        )
    for param in CHOICE_PARAMS:
        column = columns.get(param)
        if column is None or column.type != "choice" or param not in fields:
            continue
        choices = list(column.choices.values)
        description = (
            column.header + "：" + "、".join(f"{v}={label}" for v, label in column.choices.choices)
        )
        if param in own:
            found.append(Filter(param, description, _choice(param, choices), selector=own[param]))
        else:
            found.append(
                Filter(
                    param,
                    description,
                    _choice(param, choices),
                    lambda qs, v, p=param: qs.filter(**{p: v}),
                )
            )
    if "indicator" in fields:
        found.append(
            Filter(
                "indicator",
                "指标编码（须在指标目录中）",
                _indicator,
                lambda qs, indicator: qs.filter(indicator=indicator),
            )
        )
    if "q" in own:
        found.append(Filter("q", "名称或编号包含", _text("q"), selector=own["q"]))
    found.append(
        Filter(
            "updated_since",
            "只列出此时刻（含）之后更新的记录，供增量同步；ISO 8601，如 2025-01-01T00:00:00Z",
            _moment,
            lambda qs, moment: qs.filter(updated_at__gte=moment),
            example="2025-01-01T00:00:00Z",
        )
    )
    return found


FILTERS: dict[str, list[Filter]] = {key: _filters_build(kind) for key, kind in KINDS.items()}


def ordering_read(text: str) -> tuple[str, ...]:
    if text not in ORDERINGS:
        _refuse("ordering", f"ordering“{text}”不是可选的排序（可选：{'、'.join(ORDERINGS)}）")
    return ORDERINGS[text]


def filtered_list(*, user, kind: Kind, params: dict[str, str]) -> QuerySet:
    """The kind's records the user may see, narrowed by ``params`` (the query as given)."""
    declared = {f.param: f for f in FILTERS[kind.key]}
    unknown = sorted(set(params) - set(declared) - set(PAGING))
    if unknown:
        allowed = "、".join([*declared, *PAGING])
        raise Refused(
            [{"field": k, "message": f"不支持的查询参数“{k}”（可用：{allowed}）"} for k in unknown]
        )
    errors, selector_args, narrowing = [], {}, []
    for param, text in params.items():
        spec = declared.get(param)
        if spec is None or text == "":
            continue
        try:
            value = spec.read(text)
        except Refused as refused:
            errors += refused.errors
            continue
        if spec.apply is None:
            selector_args[spec.selector] = value
        else:
            narrowing.append((spec, value))
    order = ORDERINGS[DEFAULT_ORDERING]
    if params.get("ordering"):
        try:
            order = ordering_read(params["ordering"])
        except Refused as refused:
            errors += refused.errors
    if errors:
        raise Refused(errors)
    qs = kind.queryset(user, **selector_args)
    for spec, value in narrowing:
        qs = spec.apply(qs, value)
    return qs.order_by(*order)
