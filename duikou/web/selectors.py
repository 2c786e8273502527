"""Reads behind the dashboard, the map and the indicator explorer.

Every figure comes from the domain selectors, scoped by ``duikou.policy``; this module
only chooses which nodes a user looks at, lays figures out, and builds the ECharts
options the pages hand to the browser with ``json_script``. Amounts stay Decimal (the
JSON encoder writes them as strings, which ECharts reads as numbers).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou import policy
from duikou.core.money import DEFAULT_UNIT, in_unit, unit_label
from duikou.geo.models import Region, RegionAncestor
from duikou.geo.selectors import map_areas, map_file
from duikou.investment.selectors import deal_totals_for_user
from duikou.orgs.models import Membership, Organisation, Pairing
from duikou.projects.models import Status
from duikou.projects.selectors import (
    aid_shares_by_donor_province_by_year,
    fund_totals_by_region_id,
    fund_totals_by_year,
    fund_totals_for_user,
    project_list_for_user,
    project_status_counts,
)
from duikou.results.models import Indicator
from duikou.results.selectors import donor_provinces, indicator_table, recipient_prefectures

WAN = Decimal("10000")
DASHBOARD_INDICATORS = ("JOBS_CREATED", "PATIENTS_TREATED", "TRAINEES")
FUND_MEASURES = {
    "budget": gettext_lazy("计划援疆资金"),
    "release": gettext_lazy("下达援疆资金"),
    "spend": gettext_lazy("援疆资金支出"),
}


@dataclass(frozen=True)
class Nodes:
    """The organisations (axis ``o``) or regions (axis ``r``) a user's figures are about."""

    axis: str
    items: list = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [n.pk for n in self.items]


def home_nodes(*, user) -> Nodes:
    """Donor provinces for those who see everything; otherwise the user's own roots."""
    scope = policy.scope_for(user)
    if scope.sees_all:
        return Nodes("o", list(donor_provinces()))
    if not user.is_authenticated:
        return Nodes("o", [])
    memberships = list(
        Membership.objects.filter(user=user).select_related("organisation", "region")
    )
    orgs = [m.organisation for m in memberships if m.organisation_id]
    if orgs:
        return Nodes("o", orgs)
    return Nodes("r", [m.region for m in memberships if m.region_id])


def node_choices(*, user, axis: str) -> list:
    """What the explorer offers to pick: donor bodies or recipient prefectures in scope."""
    scope = policy.scope_for(user)
    if axis == "r":
        regions = list(recipient_prefectures())
        if not scope.sees_all:
            regions = [r for r in regions if r.pk in scope.region_ids]
        return regions
    kinds = [
        Organisation.Kind.DONOR_PROVINCE,
        Organisation.Kind.FRONT_COMMAND,
        Organisation.Kind.SUB_COMMAND,
        Organisation.Kind.WORK_TEAM,
    ]
    orgs = Organisation.objects.filter(kind__in=kinds, is_active=True).order_by("code")
    if not scope.sees_all:
        orgs = orgs.filter(pk__in=scope.org_ids)
    return list(orgs[:300])


def allowed_node_ids(*, user, axis: str, node_ids: list[int]) -> list[int]:
    """Drop the nodes outside the user's scope (the roll-up selectors would refuse them)."""
    scope = policy.scope_for(user)
    if scope.sees_all:
        return node_ids
    allowed = scope.org_ids if axis == "o" else scope.region_ids
    return [n for n in node_ids if n in allowed]


def explorer_url(**params) -> str:
    return f"{reverse('web:explore')}?{urlencode(params, doseq=True)}"


def sources_url(*, indicator: str, axis: str, node: int, grain: str, year: int, period=0) -> str:
    params = {"indicator": indicator, "axis": axis, "node": node, "grain": grain, "year": year}
    if period:
        params["period"] = period
    return f"{reverse('web:sources')}?{urlencode(params)}"


# Dashboard ------------------------------------------------------------------------------


def _line_option(title: str, years: list, series: dict[str, list]) -> dict:
    """A yearly trend in 万元; a single year is drawn as bars (a line of one point is a dot)."""
    kind = "line" if len(years) > 1 else "bar"
    return {
        "aria": {"enabled": True, "label": {"description": title}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 10, "right": 20, "top": 30, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "name": _("单位：%(unit)s") % {"unit": _("万元")}},
        "series": [
            {"name": name, "type": kind, "data": data}
            | ({"smooth": False} if kind == "line" else {"barMaxWidth": 48})
            for name, data in series.items()
        ],
    }


def dashboard_for_user(*, user, year: int, basis: str = "approved") -> dict:
    """Key figures, the two 80% shares and the money trend, all within the user's scope;
    indicator figures count approved values (``basis`` "submitted": awaiting ones too)."""
    projects_url = reverse("projects:list")
    funds = fund_totals_for_user(user=user, year=year)
    statuses = project_status_counts(user=user, year=year)
    deals = deal_totals_for_user(user=user, year=year)
    nodes = home_nodes(user=user)
    node_ids = allowed_node_ids(user=user, axis=nodes.axis, node_ids=nodes.ids)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=DASHBOARD_INDICATORS)}
    results = []
    for code in DASHBOARD_INDICATORS:
        indicator = indicators.get(code)
        if indicator is None:
            continue
        table = (
            indicator_table(
                user=user,
                indicator=indicator,
                axis=nodes.axis,
                node_ids=node_ids,
                basis=basis,
                grain="y",
                years=[year],
            )
            if node_ids
            else {}
        )
        found = [v for (_n, _y, _p), v in table.items() if v is not None]
        results.append(
            {
                "indicator": indicator,
                "value": sum(found, Decimal(0)) if found else None,
                "url": explorer_url(
                    indicator=code, axis=nodes.axis, node=node_ids, year_from=year, year_to=year
                ),
            }
        )
    trend = fund_totals_by_year(user=user)
    years = list(trend)
    chart = _line_option(
        _("援疆资金年度趋势"),
        years,
        {
            _("计划"): [(trend[y]["budget"] / WAN).quantize(Decimal("0.01")) for y in years],
            _("下达"): [(trend[y]["release"] / WAN).quantize(Decimal("0.01")) for y in years],
            _("支出"): [(trend[y]["spend"] / WAN).quantize(Decimal("0.01")) for y in years],
        },
    )
    return {
        "year": year,
        "funds": funds,
        "funds_url": f"{projects_url}?{urlencode({'year': year})}",
        "statuses": [
            {
                "status": s,
                "label": s.label,
                "count": statuses[s.value],
                "url": f"{projects_url}?{urlencode({'year': year, 'status': s.value})}",
            }
            for s in Status
        ],
        "deals": deals,
        "deals_url": f"{reverse('investment:list')}?{urlencode({'signed_year': year})}",
        "results": results,
        "shares": aid_shares_by_donor_province_by_year(user=user),
        "trend": trend,
        "trend_chart": chart,
        "nodes": nodes,
    }


def dashboard_years(*, user) -> list[int]:
    years = (
        project_list_for_user(user=user)
        .order_by("-plan_year")
        .values_list("plan_year", flat=True)
        .distinct()
    )
    return list(years[:15])


# Map ------------------------------------------------------------------------------------

MAP_LAYERS = {"prefecture": gettext_lazy("地州"), "county": gettext_lazy("县市")}


def map_measures() -> list[tuple[str, str]]:
    """Fund measures first, then every active indicator of the catalogue."""
    measures = [(f"funds:{k}", str(label)) for k, label in FUND_MEASURES.items()]
    for code, name in (
        Indicator.objects.filter(is_active=True).order_by("code").values_list("code", "name_zh")
    ):
        measures.append((code, name))
    return measures


def _to_areas(totals: dict[int, Decimal], area_ids: set[int]) -> dict[int, Decimal]:
    """Add figures held by places (counties, towns…) up into the map's areas containing them."""
    summed: dict[int, Decimal] = defaultdict(Decimal)
    links = RegionAncestor.objects.filter(
        region_id__in=list(totals), ancestor_id__in=area_ids
    ).values_list("region_id", "ancestor_id")
    for region_id, area_id in links:
        summed[area_id] += totals[region_id]
    return dict(summed)


def map_for_user(
    *,
    user,
    measure: str,
    year: int,
    layer: str = "prefecture",
    within: Region | None = None,
    basis: str = "approved",
    money_unit: str = DEFAULT_UNIT,
) -> dict:
    """A map layer's areas (those inside ``within`` when given) coloured by ``measure`` in
    ``year``, with the donors paired to each area and a link to its region page. Rows keep
    yuan (``value``); what is drawn and listed (``shown``) is in ``money_unit`` for money.

    Figures are summed per place in a fixed number of queries, whatever the layer's size.
    """
    static_path, _file = map_file(layer=layer)
    areas = map_areas(layer=layer)
    # The prefectures holding the layer's areas: what ``within`` may name, and on the
    # prefecture layer (a prefecture's stored prefecture is itself) the areas to drill into.
    prefectures = {a.region.prefecture for a in areas if a.region and a.region.prefecture}
    if within is not None:
        inside = set(
            RegionAncestor.objects.filter(
                ancestor=within, region_id__in=[a.region.pk for a in areas if a.region]
            ).values_list("region_id", flat=True)
        )
        areas = [a for a in areas if a.region and a.region.pk in inside]
    area_ids = {a.region.pk for a in areas if a.region}
    unit = _("元")
    values: dict[int, Decimal] = {}
    label = measure
    if measure.startswith("funds:"):
        kind = measure.split(":", 1)[1]
        if kind not in FUND_MEASURES:
            kind = "budget"
        label = str(FUND_MEASURES[kind])
        by_place = fund_totals_by_region_id(user=user, year=year)
        values = _to_areas({r: t[kind] for r, t in by_place.items()}, area_ids)
    else:
        indicator = Indicator.objects.filter(code=measure).first()
        if indicator is not None:
            label, unit = indicator.name_zh, indicator.unit
            nodes = allowed_node_ids(user=user, axis="r", node_ids=sorted(area_ids))
            if nodes:
                table = indicator_table(
                    user=user,
                    indicator=indicator,
                    axis="r",
                    node_ids=nodes,
                    grain="y",
                    years=[year],
                    basis=basis,
                )
                values = {n: v for (n, _y, _p), v in table.items() if v is not None}
    donors = _paired_donors(area_ids)
    rows = []
    for area in areas:
        region = area.region
        paired, inherited = donors.get(region.pk, ([], False)) if region else ([], False)
        rows.append(
            {
                "name": area.name,
                "region": region,
                # The prefecture a county lies in; for an XPCC city, its division (师市合一).
                "prefecture": (region.prefecture or region.twin) if region else None,
                "value": values.get(region.pk) if region else None,
                "donors": paired,
                "inherited": inherited,
                "url": reverse("geo:detail", args=[region.pk]) if region else "",
                "counties_url": _counties_url(region, measure, year)
                if region in prefectures
                else "",
            }
        )
    is_money = measure.startswith("funds:") or is_money_unit(unit)
    shown_unit = unit_label(money_unit) if is_money else unit
    for r in rows:
        r["shown"] = in_unit(r["value"], money_unit) if is_money else r["value"]
    present = [r["shown"] for r in rows if r["shown"] is not None]
    title = f"{label}（{year}）"
    option = {
        "title": {
            "text": f"{within.name} · {title}" if within else title,
            "left": "center",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": 0,
            "max": max(present, default=Decimal(1)) or 1,
            "left": 10,
            "bottom": 10,
            "calculable": True,
            # The legend's title is its unit: one unit for every area.
            "text": [_("单位：%(unit)s") % {"unit": shown_unit}, ""],
            "precision": 2 if is_money and money_unit == "yi" else 0,
            "inRange": {"color": ["#fdf1e6", "#f2b27a", "#c4401b"]},
        },
        "series": [
            {
                "name": label,
                "type": "map",
                "map": "duikou-area",
                "roam": True,
                # A hundred county names at once cannot be read: names on hover there.
                "label": {"show": layer != "county" or within is not None, "fontSize": 10},
                # Names of small neighbouring areas would sit on each other: hide the
                # overlapping ones (they show on hover and in the table).
                "labelLayout": {"hideOverlap": True},
                "data": [
                    {
                        "name": r["name"],
                        "value": r["shown"],
                        "url": r["url"],
                        "donors": "、".join(r["donors"]),
                        "label": _area_label(r["region"], layer),
                    }
                    for r in rows
                ],
            }
        ],
    }
    return {
        "rows": rows,
        "label": label,
        "unit": shown_unit,
        "is_money": is_money,
        "money_unit": money_unit,
        "option": option,
        "map_path": static_path,
        # Only the areas listed are drawn when the map shows part of its file.
        "map_only_listed": within is not None,
        "unmatched": [a.name for a in areas if a.region is None],
        "within_choices": sorted(prefectures, key=lambda r: r.code),
    }


def _area_label(region: Region | None, layer: str) -> dict:
    """An area's name on the map: its short form (博州, 伊犁州), so neighbours' names do not
    run into each other; the small cities inside the prefecture layer (石河子市, 北屯市…)
    are named on hover and in the table only."""
    if region is None:
        return {}
    if layer == "prefecture" and region.level != Region.Level.PREFECTURE:
        return {"show": False}
    return {"formatter": region.short_name} if region.short_name else {}


def _counties_url(region: Region, measure: str, year: int) -> str:
    query = urlencode({"layer": "county", "within": region.code, "measure": measure, "year": year})
    return f"{reverse('web:map')}?{query}"


def _paired_donors(area_ids: set[int]) -> dict[int, tuple[list[str], bool]]:
    """Donors of the top-level pairings of each map area, and whether they are inherited.

    An area's own pairings are those of places inside it; an area with none inherits those
    of the nearest place containing it (a county its prefecture's). An XPCC division and
    its city (师市合一) count as one place. Three queries, whatever the number of areas.
    """
    donors_at: dict[int, set[str]] = defaultdict(set)
    for recipient_id, twin_id, donor in (
        Pairing.objects.filter(parent=None)
        .values_list("recipient_id", "recipient__twin_id", "donor__name")
        .distinct()
    ):
        donors_at[recipient_id].add(donor)
        if twin_id:
            donors_at[twin_id].add(donor)
    places = set(donors_at)
    own: dict[int, set[str]] = defaultdict(set)
    nearest: dict[int, tuple[int, set[str]]] = {}
    links = RegionAncestor.objects.filter(
        Q(region_id__in=places, ancestor_id__in=area_ids)
        | Q(region_id__in=area_ids, ancestor_id__in=places, depth__gt=0)
    ).values_list("region_id", "ancestor_id", "depth")
    for region_id, ancestor_id, depth in links:
        if ancestor_id in area_ids and region_id in places:
            own[ancestor_id] |= donors_at[region_id]
        if depth and region_id in area_ids and ancestor_id in places:
            found = nearest.get(region_id)
            if found is None or depth < found[0]:
                nearest[region_id] = (depth, set(donors_at[ancestor_id]))
            elif depth == found[0]:
                found[1].update(donors_at[ancestor_id])
    result = {}
    for area_id in area_ids:
        if own.get(area_id):
            result[area_id] = (sorted(own[area_id]), False)
        elif area_id in nearest:
            result[area_id] = (sorted(nearest[area_id][1]), True)
    return result


def top_pairings() -> QuerySet[Pairing]:
    """Donor provinces and the places paired with them (no sub-pairings)."""
    return (
        Pairing.objects.filter(parent=None)
        .select_related("donor", "recipient", "recipient__prefecture")
        .order_by("donor__code", "recipient__code")
    )


# Explorer -------------------------------------------------------------------------------

DIMENSIONS = ("node", "indicator", "period")


@dataclass
class Cell:
    value: Decimal | None
    url: str
    pending: bool = False  # includes values still awaiting approval
    money: bool = False  # already in the pivot's money unit


@dataclass
class PivotRow:
    label: str
    cells: list[Cell]


@dataclass
class Pivot:
    columns: list[str]
    rows: list[PivotRow]
    units: dict[str, str]  # indicator name → the unit its figures are shown in
    chart: dict
    basis: str = "approved"  # results.selectors.APPROVED_ONLY or WITH_SUBMITTED
    money_unit: str = DEFAULT_UNIT  # core.money.UNITS: the unit of every money figure
    has_money: bool = False

    @property
    def basis_note(self) -> str:
        if self.basis == "submitted":
            return "统计口径：已审核和待审核的数据（标 * 的数含待审核数据）"
        return "统计口径：仅已审核的数据"


def _period_keys(years: list[int], grain: str) -> list[tuple[int, int]]:
    if grain == "q":
        return [(y, q) for y in years for q in range(1, 5)]
    if grain == "m":
        return [(y, m) for y in years for m in range(1, 13)]
    return [(y, 0) for y in years]


def _period_label(key: tuple[int, int], grain: str) -> str:
    year, number = key
    if grain == "q":
        return f"{year}Q{number}"
    if grain == "m":
        return f"{year}-{number:02d}"
    return str(year)


def explore(
    *,
    user,
    indicators: list[Indicator],
    axis: str,
    nodes: list,
    years: list[int],
    grain: str,
    rows: str,
    cols: str,
    basis: str = "approved",
    money_unit: str = DEFAULT_UNIT,
) -> Pivot:
    """A pivot of indicators × nodes × periods: ``rows`` and ``cols`` name two dimensions,
    the third is folded into the row labels. Each cell links to the figures behind it.
    Approved values only, or (``basis`` "submitted") those awaiting approval too, each
    such cell marked. Money indicators (unit 元) are shown in ``money_unit`` (万元 unless
    asked), and every indicator's name carries its unit: 援疆资金支出（万元）."""

    def tables_on(on: str) -> dict:
        return {
            i.code: indicator_table(
                user=user,
                indicator=i,
                axis=axis,
                node_ids=[n.pk for n in nodes],
                grain=grain,
                years=years,
                basis=on,
            )
            for i in indicators
        }

    tables = tables_on(basis)
    approved = tables_on("approved") if basis == "submitted" else tables
    periods = _period_keys(years, grain)
    money = {i.code for i in indicators if is_money_unit(i.unit)}
    shown_units = {
        i.code: unit_label(money_unit) if i.code in money else i.unit for i in indicators
    }
    members = {
        "node": [(n.pk, n.name) for n in nodes],
        "indicator": [(i.code, f"{i.name_zh}（{shown_units[i.code]}）") for i in indicators],
        "period": [(p, _period_label(p, grain)) for p in periods],
    }
    third = next(d for d in DIMENSIONS if d not in (rows, cols))
    pivot_rows = []
    for row_key, row_label in members[rows]:
        for third_key, third_label in members[third]:
            cells = []
            for col_key, _col_label in members[cols]:
                where = {rows: row_key, cols: col_key, third: third_key}
                year, number = where["period"]
                value = tables[where["indicator"]].get((where["node"], year, number))
                url = sources_url(
                    indicator=where["indicator"],
                    axis=axis,
                    node=where["node"],
                    grain=grain,
                    year=year,
                    period=number,
                )
                key = (where["node"], year, number)
                pending = value != approved[where["indicator"]].get(key)
                if where["indicator"] in money:
                    value = in_unit(value, money_unit)
                cells.append(Cell(value, url, pending, where["indicator"] in money))
            label = row_label if len(members[third]) == 1 else f"{row_label} · {third_label}"
            pivot_rows.append(PivotRow(label, cells))
    columns = [label for _key, label in members[cols]]
    axis_units = set(shown_units.values())
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        # containLabel: the axis labels (12,345.67) take the room they need, never clipped.
        "grid": {"left": 10, "right": 20, "top": 36, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": columns},
        "yAxis": {
            "type": "value",
            # One axis, one unit: named when every indicator shares it.
            "name": _("单位：%(unit)s") % {"unit": axis_units.pop()}
            if len(axis_units) == 1
            else "",
            "nameTextStyle": {"align": "left"},
        },
        "series": [
            {"name": r.label, "type": "bar", "barMaxWidth": 48, "data": [c.value for c in r.cells]}
            for r in pivot_rows[:20]
        ],
    }
    return Pivot(
        columns,
        pivot_rows,
        {i.name_zh: shown_units[i.code] for i in indicators},
        chart,
        basis,
        money_unit,
        bool(money),
    )


def is_money_unit(unit: str) -> bool:
    """An indicator counted in yuan, shown in the page's money unit."""
    return unit.strip() == "元"


def explorer_nodes(*, axis: str, node_ids: list[int]) -> list:
    model = Organisation if axis == "o" else Region
    found = {n.pk: n for n in model.objects.filter(pk__in=node_ids)}
    return [found[n] for n in node_ids if n in found]
