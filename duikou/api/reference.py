"""Read-only reference data and figures through the API: organisations, regions, pairings,
the indicator catalogue, targets and baselines, and roll-ups.

The roll-ups are the dashboard's: ``results.selectors.indicator_table`` over one node of
the organisation tree (axis ``o``) or the region tree (axis ``r``) and its children, by
year, quarter or month, approved values only unless ``basis=submitted``. Targets are
those of organisations in the caller's scope. Every list takes only its documented
parameters: anything else, or a value that cannot be read, answers 422.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Schema
from ninja.responses import Status

from duikou import policy
from duikou.geo.models import Region
from duikou.geo.selectors import region_list
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import organisation_list, pairing_list
from duikou.results.models import Indicator, Target
from duikou.results.selectors import BASES, indicator_table

from .api import ERRORS, api, list_page, list_query
from .filters import (
    Listing,
    Refused,
    choice_filter,
    date_filter,
    indicator_filter,
    integer_filter,
    organisation_filter,
    organisation_read,
    params_read,
    period_filter,
    region_filter,
    region_read,
    text_filter,
)

REFERENCE_TAGS = {
    "organisations": "机构（支援方与受援方两棵树）",
    "regions": "行政区划（含兵团师市）",
    "pairings": "对口支援结对关系",
    "indicators": "指标目录",
    "targets": "目标值与基线值",
    "rollups": "汇总数据（与首页、数据浏览同一口径）",
}
api.openapi_extra.setdefault("tags", []).extend(
    {"name": name, "description": text} for name, text in REFERENCE_TAGS.items()
)


class Page(Schema):
    count: int
    next: str | None = Field(None, description="下一页的完整地址，没有下一页时为 null")
    previous: str | None = Field(None, description="上一页的完整地址，没有上一页时为 null")


class OrganisationOut(Schema):
    code: str
    name: str
    short_name: str
    name_en: str
    side: str = Field(description="national、donor 或 recipient")
    kind: str
    parent: str | None = Field(None, description="上级机构编码")
    region: str = Field(description="所在地区的区划代码")
    credit_code: str = Field(description="统一社会信用代码（18 位，未登记时为空）")
    iati_identifier: str = Field(
        description="IATI 组织标识：已登记的标识，或 CN-USCI-统一社会信用代码；都没有时为空"
    )
    iati_publisher: bool = Field(description="是否以本机构名义发布 IATI 数据")


class OrganisationPage(Page):
    items: list[OrganisationOut]


class RegionOut(Schema):
    code: str
    name: str
    short_name: str
    level: str = Field(description="province、prefecture、county 或 township")
    kind: str
    parent: str | None = None


class RegionPage(Page):
    items: list[RegionOut]


class PairingOut(Schema):
    id: int
    donor: str = Field(description="支援方机构编码")
    donor_name: str
    recipient: str = Field(description="受援地区划代码")
    recipient_name: str
    start_date: date
    end_date: date | None = None
    confidence: str


class PairingPage(Page):
    items: list[PairingOut]


class IndicatorOut(Schema):
    code: str
    name_zh: str
    name_en: str
    unit: str
    kind: str = Field(description="stored（填报）、record（由台账计算）或 derived（由公式计算）")
    aggregation: str
    frequency: str
    sector: str
    higher_is_better: bool
    cumulative: bool


class IndicatorPage(Page):
    items: list[IndicatorOut]


class TargetOut(Schema):
    id: int
    indicator: str
    org: str
    region: str | None = None
    kind: str = Field(description="target（目标）或 baseline（基线）")
    period_start: date
    period_end: date
    value: Decimal
    rationale: str


class TargetPage(Page):
    items: list[TargetOut]


class RollupCell(Schema):
    node: str = Field(description="机构编码或区划代码")
    node_name: str
    year: int
    period: int = Field(description="年为 0；季为 1–4；月为 1–12")
    value: Decimal | None = Field(None, description="无数据时为 null")


class RollupOut(Schema):
    indicator: str
    unit: str
    axis: str
    grain: str
    basis: str
    cells: list[RollupCell]


CODE_ORDERINGS = {"code": ("code", "pk"), "-code": ("-code", "-pk")}
ORDERINGS_BY_ID = {"id": ("pk",), "-id": ("-pk",)}
ONLY_THESE = "只接受这些参数及 limit、offset、ordering；其他参数或读不懂的值返回 422。"


def _active_on(qs, day: date):
    return qs.filter(start_date__lte=day).exclude(end_date__lt=day)


def _targets(user):
    """Targets and baselines of the organisations in the user's scope (all for those who
    see everything)."""
    scope = policy.scope_for(user)
    qs = Target.objects.select_related("indicator", "org", "region")
    return qs if scope.sees_all else qs.filter(org_id__in=scope.org_ids)


ORGANISATIONS = Listing(
    "organisations",
    queryset=lambda user: organisation_list().select_related("parent", "region"),
    filters=(
        choice_filter("side", "所属方", Organisation.Side),
        choice_filter("kind", "机构类型", Organisation.Kind),
        organisation_filter("pk", "parent", below=True),
    ),
    orderings=CODE_ORDERINGS,
    default_ordering="code",
    default_limit=100,
)
REGIONS = Listing(
    "regions",
    queryset=lambda user: region_list().select_related("parent"),
    filters=(
        choice_filter("level", "层级", Region.Level),
        region_filter("pk", "parent", below=True),
    ),
    orderings=CODE_ORDERINGS,
    default_ordering="code",
    default_limit=100,
)
PAIRINGS = Listing(
    "pairings",
    queryset=lambda user: pairing_list(),
    filters=(
        organisation_filter("donor", "donor"),
        region_filter("recipient", "recipient"),
        date_filter("active_on", "某日有效的结对（YYYY-MM-DD）", _active_on),
    ),
    orderings=ORDERINGS_BY_ID,
    default_limit=100,
)
INDICATORS = Listing(
    "indicators",
    queryset=lambda user: Indicator.objects.all(),
    filters=(
        text_filter("sector", "行业领域", "sector"),
        choice_filter("kind", "指标类型", Indicator.Kind),
        choice_filter("frequency", "填报频度", Indicator.Frequency),
    ),
    orderings=CODE_ORDERINGS,
    default_ordering="code",
    default_limit=100,
)
TARGETS = Listing(
    "targets",
    queryset=_targets,
    filters=(
        indicator_filter(),
        organisation_filter("org", "org"),
        integer_filter("year", "年度", low=1949, high=2100, example="2025"),
        period_filter(),
        choice_filter("kind", "类型", Target.Kind),
    ),
    orderings={
        "indicator": ("indicator__code", "org__code", "period_start", "pk"),
        **ORDERINGS_BY_ID,
    },
    default_ordering="indicator",
    default_limit=100,
)


@api.get(
    "/organisations",
    response={200: OrganisationPage, **ERRORS},
    operation_id="organisations_list",
    tags=["organisations"],
    summary="机构列表",
    description="参数：side（national/donor/recipient）、kind、parent（上级机构编码，含其全部下级）。"
    "按编码排序。" + ONLY_THESE,
)
def organisations_list(request, filters: Query[list_query(ORGANISATIONS, "Organisations")]):
    return list_page(request, ORGANISATIONS, filters, _organisation_row)


def _organisation_row(org: Organisation) -> dict:
    return {
        "code": org.code,
        "name": org.name,
        "short_name": org.short_name,
        "name_en": org.name_en,
        "side": org.side,
        "kind": org.kind,
        "parent": org.parent.code if org.parent_id else None,
        "region": org.region.code,
        "credit_code": org.credit_code,
        "iati_identifier": org.iati_identifier,
        "iati_publisher": org.iati_publisher,
    }


@api.get(
    "/regions",
    response={200: RegionPage, **ERRORS},
    operation_id="regions_list",
    tags=["regions"],
    summary="行政区划列表",
    description="参数：level（province/prefecture/county/township）、parent（上级区划代码，"
    "含其全部下级）。按区划代码排序。" + ONLY_THESE,
)
def regions_list(request, filters: Query[list_query(REGIONS, "Regions")]):
    return list_page(request, REGIONS, filters, _region_row)


def _region_row(region: Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "short_name": region.short_name,
        "level": region.level,
        "kind": region.kind,
        "parent": region.parent.code if region.parent_id else None,
    }


@api.get(
    "/pairings",
    response={200: PairingPage, **ERRORS},
    operation_id="pairings_list",
    tags=["pairings"],
    summary="对口支援结对列表",
    description="参数：donor（支援方机构编码，含其下级）、recipient（受援地区划代码，含其下级）、"
    "active_on（某日有效的结对，YYYY-MM-DD）。" + ONLY_THESE,
)
def pairings_list(request, filters: Query[list_query(PAIRINGS, "Pairings")]):
    return list_page(request, PAIRINGS, filters, _pairing_row)


def _pairing_row(pairing) -> dict:
    return {
        "id": pairing.pk,
        "donor": pairing.donor.code,
        "donor_name": pairing.donor.name,
        "recipient": pairing.recipient.code,
        "recipient_name": pairing.recipient.name,
        "start_date": pairing.start_date,
        "end_date": pairing.end_date,
        "confidence": pairing.confidence,
    }


@api.get(
    "/indicators",
    response={200: IndicatorPage, **ERRORS},
    operation_id="indicators_list",
    tags=["indicators"],
    summary="指标目录",
    description="参数：sector（行业领域）、kind（stored/record/derived）、frequency。按编码排序。"
    + ONLY_THESE,
)
def indicators_list(request, filters: Query[list_query(INDICATORS, "Indicators")]):
    return list_page(request, INDICATORS, filters, _indicator_row)


def _indicator_row(indicator: Indicator) -> dict:
    return {
        "code": indicator.code,
        "name_zh": indicator.name_zh,
        "name_en": indicator.name_en,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "aggregation": indicator.aggregation,
        "frequency": indicator.frequency,
        "sector": indicator.sector,
        "higher_is_better": indicator.higher_is_better,
        "cumulative": indicator.cumulative,
    }


@api.get(
    "/targets",
    response={200: TargetPage, **ERRORS},
    operation_id="targets_list",
    tags=["targets"],
    summary="目标值与基线值",
    description="您有权查看的机构的目标与基线。参数：indicator（指标编码）、org（机构编码，"
    "含其下级）、year、period（期间正好为此，如 2025、2025Q1）、kind（target/baseline）。"
    + ONLY_THESE,
)
def targets_list(request, filters: Query[list_query(TARGETS, "Targets")]):
    return list_page(request, TARGETS, filters, _target_row)


def _target_row(target: Target) -> dict:
    return {
        "id": target.pk,
        "indicator": target.indicator.code,
        "org": target.org.code,
        "region": target.region.code if target.region_id else None,
        "kind": target.kind,
        "period_start": target.period_start,
        "period_end": target.period_end,
        "value": target.value,
        "rationale": target.rationale,
    }


GRAINS = ("y", "q", "m")
YEAR = integer_filter("year", "年度（可重复）", low=1949, high=2100)
# Read like a list's filters (the node by the axis, once the axis is known; year repeated).
ROLLUP_PARAMS = (
    indicator_filter(),
    text_filter("node", "机构编码或区划代码", "code"),
    choice_filter("axis", "树", (("o", "机构树"), ("r", "区划树"))),
    choice_filter("grain", "粒度", (("y", "年"), ("q", "季"), ("m", "月"))),
    YEAR,
    choice_filter("basis", "口径", tuple((basis, basis) for basis in BASES)),
)


@api.get(
    "/rollups",
    response={200: RollupOut, **ERRORS},
    operation_id="rollups_get",
    tags=["rollups"],
    summary="汇总数据",
    description="一个指标在一个节点（机构或区划）及其直接下级上的汇总，与首页和数据浏览同一口径。"
    "参数：indicator（必填）、node（必填：机构编码或区划代码）、axis（o 机构树 / r 区划树，"
    "默认 o）、grain（y 年 / q 季 / m 月，默认 y）、year（可重复，默认今年）、"
    "basis（approved 仅已审核，默认；submitted 含待审核）。",
)
def rollups_get(request):
    params = {key: request.GET.get(key, "") for key in request.GET}
    errors = [
        {"field": key, "message": "必填"} for key in ("indicator", "node") if not params.get(key)
    ]
    try:
        values = params_read(params, ROLLUP_PARAMS, also=())
    except Refused as refused:
        errors = refused.errors if refused.unknown else errors + refused.errors
        values = {}
    try:
        years = [YEAR.read(text) for text in request.GET.getlist("year") if text]
        if not errors:
            read = organisation_read if values.get("axis", "o") == "o" else region_read
            node = read("node")(values["node"])
    except Refused as refused:
        errors += [e for e in refused.errors if e not in errors]
    if errors:
        return Status(422, {"detail": "查询参数有误", "errors": errors})
    axis = values.get("axis", "o")
    indicator = values["indicator"]
    grain = values.get("grain", "y")
    basis = values.get("basis", BASES[0])
    years = years or [date.today().year]
    if axis == "o":
        nodes = [node, *Organisation.objects.filter(parent=node).order_by("code")]
    else:
        nodes = [node, *Region.objects.filter(parent=node).order_by("code")]
    if not policy.scope_for(request.user).sees_all:
        allowed = policy.scope_for(request.user)
        ids = allowed.org_ids if axis == "o" else allowed.region_ids
        if node.pk not in ids:
            raise PermissionDenied("无权查看该范围的汇总数据")
        nodes = [n for n in nodes if n.pk in ids]
    table = indicator_table(
        user=request.user,
        indicator=indicator,
        axis=axis,
        node_ids=[n.pk for n in nodes],
        grain=grain,
        years=years,
        basis=basis,
    )
    by_id = {n.pk: n for n in nodes}
    cells = [
        {
            "node": by_id[node_id].code,
            "node_name": by_id[node_id].name,
            "year": year,
            "period": period,
            "value": value,
        }
        for (node_id, year, period), value in sorted(
            table.items(), key=lambda item: (by_id[item[0][0]].code, item[0][1], item[0][2])
        )
        if node_id in by_id
    ]
    return {
        "indicator": indicator.code,
        "unit": indicator.unit,
        "axis": axis,
        "grain": grain,
        "basis": basis,
        "cells": cells,
    }
