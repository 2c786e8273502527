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
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.responses import Status

from duikou import policy
from duikou.geo.models import Region
from duikou.geo.selectors import region_descendants, region_list
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import organisation_descendant_ids, organisation_list, pairing_list
from duikou.results.models import Indicator, Target
from duikou.results.selectors import BASES, indicator_table

from .api import ERRORS, api

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
MAX_LIMIT = 500


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


class _Refused(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(error["message"] for error in errors))
        self.errors = errors


def _params(request: HttpRequest, allowed: set[str]) -> dict[str, str]:
    """The query's parameters, refusing any the list does not document."""
    given = {key: request.GET.get(key, "") for key in request.GET}
    unknown = sorted(set(given) - allowed - {"limit", "offset"})
    if unknown:
        raise _Refused(
            [
                {
                    "field": key,
                    "message": f"不支持的查询参数“{key}”（可用：{'、'.join(sorted(allowed))}）",
                }
                for key in unknown
            ]
        )
    return given


def _integer(params: dict, key: str, *, low: int, high: int, default: int | None = None):
    text = params.get(key, "")
    if text == "":
        return default
    try:
        number = int(text)
    except ValueError:
        raise _Refused([{"field": key, "message": f"“{text}”不是整数"}]) from None
    if not low <= number <= high:
        raise _Refused([{"field": key, "message": f"“{text}”应在{low}到{high}之间"}])
    return number


def _page(request: HttpRequest, params: dict, qs, row) -> dict:
    limit = _integer(params, "limit", low=1, high=MAX_LIMIT, default=100)
    offset = _integer(params, "offset", low=0, high=10**9, default=0)
    count = qs.count()
    items = [row(obj) for obj in qs[offset : offset + limit]]

    def link(start: int) -> str:
        query = request.GET.copy()
        query["offset"], query["limit"] = str(start), str(limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "items": items,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(0, offset - limit)) if offset else None,
    }


def _refusal(error: _Refused):
    return Status(422, {"detail": "查询参数有误", "errors": error.errors})


def _organisation(code: str, key: str) -> Organisation:
    found = Organisation.objects.filter(code=code).first()
    if found is None:
        raise _Refused([{"field": key, "message": f"找不到机构“{code}”"}])
    return found


def _region(code: str, key: str) -> Region:
    found = Region.objects.filter(code=code).first()
    if found is None:
        raise _Refused([{"field": key, "message": f"找不到区划“{code}”"}])
    return found


def _choice(params: dict, key: str, choices) -> str:
    text = params.get(key, "")
    if text and text not in choices:
        raise _Refused(
            [{"field": key, "message": f"“{text}”不是可选的值（可选：{'、'.join(choices)}）"}]
        )
    return text


@api.get(
    "/organisations",
    response={200: OrganisationPage, **ERRORS},
    operation_id="organisations_list",
    tags=["organisations"],
    summary="机构列表",
    description="参数：side（national/donor/recipient）、kind、parent（上级机构编码，含其全部下级）。"
    "按编码排序。",
)
def organisations_list(request):
    try:
        params = _params(request, {"side", "kind", "parent"})
        qs = organisation_list().select_related("parent", "region").order_by("code", "pk")
        side = _choice(params, "side", Organisation.Side.values)
        kind = _choice(params, "kind", Organisation.Kind.values)
        if side:
            qs = qs.filter(side=side)
        if kind:
            qs = qs.filter(kind=kind)
        if params.get("parent"):
            parent = _organisation(params["parent"], "parent")
            qs = qs.filter(pk__in=organisation_descendant_ids(org=parent)).exclude(pk=parent.pk)
        return _page(request, params, qs, _organisation_row)
    except _Refused as error:
        return _refusal(error)


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
    }


@api.get(
    "/regions",
    response={200: RegionPage, **ERRORS},
    operation_id="regions_list",
    tags=["regions"],
    summary="行政区划列表",
    description="参数：level（province/prefecture/county/township）、parent（上级区划代码，"
    "含其全部下级）。按区划代码排序。",
)
def regions_list(request):
    try:
        params = _params(request, {"level", "parent"})
        qs = region_list().select_related("parent").order_by("code", "pk")
        level = _choice(params, "level", Region.Level.values)
        if level:
            qs = qs.filter(level=level)
        if params.get("parent"):
            parent = _region(params["parent"], "parent")
            qs = qs.filter(pk__in=region_descendants(region=parent).values("pk")).exclude(
                pk=parent.pk
            )
        return _page(request, params, qs, _region_row)
    except _Refused as error:
        return _refusal(error)


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
    "active_on（某日有效的结对，YYYY-MM-DD）。",
)
def pairings_list(request):
    try:
        params = _params(request, {"donor", "recipient", "active_on"})
        qs = pairing_list().select_related("donor", "recipient").order_by("pk")
        if params.get("donor"):
            donor = _organisation(params["donor"], "donor")
            qs = qs.filter(donor_id__in=organisation_descendant_ids(org=donor))
        if params.get("recipient"):
            recipient = _region(params["recipient"], "recipient")
            qs = qs.filter(recipient__in=region_descendants(region=recipient))
        if params.get("active_on"):
            try:
                day = date.fromisoformat(params["active_on"])
            except ValueError:
                raise _Refused(
                    [{"field": "active_on", "message": f"“{params['active_on']}”不是日期"}]
                ) from None
            qs = qs.filter(start_date__lte=day).exclude(end_date__lt=day)
        return _page(request, params, qs, _pairing_row)
    except _Refused as error:
        return _refusal(error)


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
    description="参数：sector（行业领域）、kind（stored/record/derived）、frequency。按编码排序。",
)
def indicators_list(request):
    try:
        params = _params(request, {"sector", "kind", "frequency"})
        qs = Indicator.objects.order_by("code", "pk")
        kind = _choice(params, "kind", Indicator.Kind.values)
        frequency = _choice(params, "frequency", Indicator.Frequency.values)
        if kind:
            qs = qs.filter(kind=kind)
        if frequency:
            qs = qs.filter(frequency=frequency)
        if params.get("sector"):
            qs = qs.filter(sector=params["sector"])
        return _page(request, params, qs, _indicator_row)
    except _Refused as error:
        return _refusal(error)


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


def _indicator(code: str, key: str = "indicator") -> Indicator:
    found = Indicator.objects.filter(code=code).first()
    if found is None:
        raise _Refused([{"field": key, "message": f"找不到指标“{code}”"}])
    return found


@api.get(
    "/targets",
    response={200: TargetPage, **ERRORS},
    operation_id="targets_list",
    tags=["targets"],
    summary="目标值与基线值",
    description="您有权查看的机构的目标与基线。参数：indicator（指标编码）、org（机构编码，"
    "含其下级）、year、kind（target/baseline）。",
)
def targets_list(request):
    try:
        params = _params(request, {"indicator", "org", "year", "kind"})
        scope = policy.scope_for(request.user)
        qs = Target.objects.select_related("indicator", "org", "region").order_by(
            "indicator__code", "org__code", "period_start", "pk"
        )
        if not scope.sees_all:
            qs = qs.filter(org_id__in=scope.org_ids)
        if params.get("indicator"):
            qs = qs.filter(indicator=_indicator(params["indicator"]))
        if params.get("org"):
            org = _organisation(params["org"], "org")
            qs = qs.filter(org_id__in=organisation_descendant_ids(org=org))
        year = _integer(params, "year", low=1949, high=2100)
        if year is not None:
            qs = qs.filter(year=year)
        kind = _choice(params, "kind", Target.Kind.values)
        if kind:
            qs = qs.filter(kind=kind)
        return _page(request, params, qs, _target_row)
    except _Refused as error:
        return _refusal(error)


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
    try:
        params = _params(request, {"indicator", "node", "axis", "grain", "year", "basis"})
        missing = [key for key in ("indicator", "node") if not params.get(key)]
        if missing:
            raise _Refused([{"field": key, "message": "必填"} for key in missing])
        indicator = _indicator(params["indicator"])
        axis = _choice(params, "axis", ("o", "r")) or "o"
        grain = _choice(params, "grain", GRAINS) or "y"
        basis = _choice(params, "basis", BASES) or BASES[0]
        years = []
        for text in request.GET.getlist("year"):
            years.append(_integer({"year": text}, "year", low=1949, high=2100))
        years = years or [date.today().year]
        if axis == "o":
            node = _organisation(params["node"], "node")
            nodes = [node, *Organisation.objects.filter(parent=node).order_by("code")]
        else:
            node = _region(params["node"], "node")
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
    except _Refused as error:
        return _refusal(error)
