"""Reads for results: roll-ups along both trees and over time, targets, and their sources.

Every table is keyed by (node id, year, period number), where a node is an
organisation (axis ``o``) or a region (axis ``r``) and the grain is ``y``/``q``/``m``.
Stored indicators read the summary cells; record-backed ones are computed from the
ledger; derived ones evaluate their formula over the other tables. A missing figure
or a division by zero is None, which pages show as "—".
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from duikou import policy
from duikou.core.params import int_param
from duikou.geo.models import Region, RegionAncestor
from duikou.orgs.models import OrgAncestor, Organisation

from .formulas import formula_eval, formula_refs, formula_words
from .models import Indicator, Rollup, Target, Value
from .periods import Period
from .records import record_rows, record_table

Key = tuple[int, int, int]
Table = dict[Key, Decimal | None]
XINJIANG = "650000"


def _cell_value(indicator: Indicator, total: Decimal, count: int, maximum) -> Decimal | None:
    if not count:
        return None
    if indicator.aggregation == Indicator.Aggregation.AVG:
        return total / count
    if indicator.aggregation == Indicator.Aggregation.MAX:
        return maximum
    return total


def _check_nodes(user, axis: str, node_ids: list[int]) -> None:
    """Organisation totals need the organisation in scope; region totals need the region."""
    scope = policy.scope_for(user)
    if scope.sees_all:
        return
    allowed = scope.org_ids if axis == "o" else scope.region_ids
    if not set(node_ids) <= allowed:
        raise PermissionDenied("无权查看该范围的汇总数据")


# What a figure counts: approved values only (the default), or submitted ones as well.
APPROVED_ONLY, WITH_SUBMITTED = "approved", "submitted"
BASES = (APPROVED_ONLY, WITH_SUBMITTED)


def basis_from(text) -> str:
    """A page's or a file's choice (``?basis=submitted``); anything else is approved only."""
    return WITH_SUBMITTED if text == WITH_SUBMITTED else APPROVED_ONLY


def indicator_table(
    *,
    user,
    indicator: Indicator,
    axis: str,
    node_ids: list[int],
    grain: str,
    years: list[int],
    basis: str = APPROVED_ONLY,
) -> Table:
    """The indicator for each node and calendar period of ``grain`` in ``years``: approved
    values, or with ``basis`` "submitted" those awaiting approval too."""
    _check_nodes(user, axis, node_ids)
    return _table(indicator, axis, node_ids, grain, years, depth=0, basis=basis)


def _table(
    indicator: Indicator, axis: str, node_ids, grain: str, years, depth: int, basis=APPROVED_ONLY
) -> Table:
    if indicator.kind == Indicator.Kind.DERIVED:
        return _derived_table(indicator, axis, node_ids, grain, years, depth, basis)
    if indicator.kind == Indicator.Kind.RECORD:
        return _record_table(indicator, axis, node_ids, grain, years)
    tree = Organisation if axis == "o" else Region
    parents = set(tree.objects.filter(parent_id__in=node_ids).values_list("parent_id", flat=True))
    leaves = [n for n in node_ids if n not in parents]
    cells = Rollup.objects.filter(
        indicator=indicator,
        axis=axis if basis == WITH_SUBMITTED else axis.upper(),
        node_id__in=parents,
        grain=grain,
        year__in=years,
        count__gt=0,
    ).values_list("node_id", "year", "period_no", "total", "count", "maximum")
    table = {
        (node, year, period_no): _cell_value(indicator, total, count, maximum)
        for node, year, period_no, total, count, maximum in cells
    }
    if leaves:
        table.update(_leaf_table(indicator, axis, leaves, grain, years, basis))
    return table


def _leaf_table(indicator: Indicator, axis: str, leaves, grain: str, years, basis) -> Table:
    """Leaves have no summary cells: their figures come straight from their values."""
    column = "org_id" if axis == "o" else "region_id"
    values = Value.objects.filter(indicator=indicator, year__in=years, **{f"{column}__in": leaves})
    if basis == WITH_SUBMITTED:
        values = values.exclude(status=Value.Status.DRAFT)
    else:
        values = values.filter(status=Value.Status.APPROVED)
    if grain == "q":
        values = values.exclude(quarter=None)
    elif grain == "m":
        values = values.exclude(month=None)
    latest: dict[tuple, tuple] = {}
    groups: dict[Key, list[Decimal]] = defaultdict(list)
    rows = values.values_list(
        column,
        "year",
        "quarter",
        "month",
        "org_id",
        "region_id",
        "disaggregation",
        "period_end",
        "value",
    )
    for node, year, quarter, month, org, region, group, end, number in rows:
        key = (node, year, {"y": 0, "q": quarter, "m": month}[grain])
        if indicator.aggregation == Indicator.Aggregation.LAST:
            reporter = (*key, org, region, group)
            if reporter not in latest or end > latest[reporter][0]:
                latest[reporter] = (end, number)
        else:
            groups[key].append(number)
    for reporter, (_, number) in latest.items():
        groups[reporter[:3]].append(number)
    return {
        key: _cell_value(indicator, sum(numbers, Decimal(0)), len(numbers), max(numbers))
        for key, numbers in groups.items()
    }


def _derived_table(indicator, axis, node_ids, grain, years, depth, basis) -> Table:
    if depth > 10:  # formulas are checked for cycles when saved; this is a guard
        return {}
    refs = {i.code: i for i in Indicator.objects.filter(code__in=formula_refs(indicator.formula))}
    tables = {
        code: _table(ref, axis, node_ids, grain, years, depth + 1, basis)
        for code, ref in refs.items()
    }
    keys = set().union(*(t.keys() for t in tables.values())) if tables else set()
    return {
        key: formula_eval(indicator.formula, {code: t.get(key) for code, t in tables.items()})
        for key in keys
    }


def _record_table(indicator: Indicator, axis: str, node_ids, grain: str, years) -> Table:
    summed = record_table(
        indicator.record_source, axis=axis, node_ids=node_ids, grain=grain, years=years
    )
    if summed is not None:
        return summed
    rows = (
        record_rows(
            indicator.record_source, start=date(min(years), 1, 1), end=date(max(years), 12, 31)
        )
        if years
        else []
    )
    if rows is None:
        return {}
    column, closure = ("org_id", OrgAncestor) if axis == "o" else ("region_id", RegionAncestor)
    leaf_field = "org_id" if axis == "o" else "region_id"
    leaves = {row[column] for row in rows if row[column] is not None}
    parents: dict[int, list[int]] = defaultdict(list)
    for leaf, ancestor in closure.objects.filter(
        **{f"{leaf_field}__in": leaves, "ancestor_id__in": node_ids}
    ).values_list(leaf_field, "ancestor_id"):
        parents[leaf].append(ancestor)
    table: dict[Key, Decimal] = defaultdict(Decimal)
    for row in rows:
        period_no = {"y": 0, "q": (row["month"] - 1) // 3 + 1, "m": row["month"]}[grain]
        for node in parents.get(row[column], ()):
            table[(node, row["year"], period_no)] += Decimal(row["value"])
    return dict(table)


def donor_provinces() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.DONOR_PROVINCE).order_by("code")


def recipient_prefectures() -> QuerySet[Region]:
    """Xinjiang's prefectures and the XPCC divisions: the recipient side's second level."""
    return (
        Region.objects.filter(level=Region.Level.PREFECTURE)
        .filter(province__code__in=[XINJIANG, "XPCC"])
        .order_by("code")
    )


@dataclass(frozen=True)
class Row:
    node: object
    cells: dict[object, Decimal | None]


def by_donor_province_by_year(*, user, indicator: Indicator, years: list[int]) -> list[Row]:
    """Dashboard: one indicator for each donor province, one column a year."""
    provinces = list(donor_provinces())
    scope = policy.scope_for(user)
    if not scope.sees_all:
        provinces = [p for p in provinces if p.pk in scope.org_ids]
    table = indicator_table(
        user=user,
        indicator=indicator,
        axis="o",
        node_ids=[p.pk for p in provinces],
        grain="y",
        years=years,
    )
    return [Row(p, {y: table.get((p.pk, y, 0)) for y in years}) for p in provinces]


def by_prefecture_by_quarter(*, user, indicator: Indicator, year: int) -> list[Row]:
    """Dashboard: one indicator for each recipient prefecture, one column a quarter."""
    prefectures = list(recipient_prefectures())
    scope = policy.scope_for(user)
    if not scope.sees_all:
        prefectures = [p for p in prefectures if p.pk in scope.region_ids]
    table = indicator_table(
        user=user,
        indicator=indicator,
        axis="r",
        node_ids=[p.pk for p in prefectures],
        grain="q",
        years=[year],
    )
    return [Row(p, {q: table.get((p.pk, year, q)) for q in range(1, 5)}) for p in prefectures]


@dataclass(frozen=True)
class Achievement:
    indicator: Indicator
    period: Period
    target: Decimal
    baseline: Decimal | None
    actual: Decimal | None
    ratio: Decimal | None  # percent of target reached, direction taken into account
    met: bool | None


def achievement_for_org(*, user, org: Organisation, year: int) -> list[Achievement]:
    """Actual against target for every target the organisation holds in ``year``."""
    _check_nodes(user, "o", [org.pk])
    targets = Target.objects.filter(org=org, year=year, region=None).select_related("indicator")
    baselines = {
        (t.indicator_id, t.period_start, t.period_end): t.value
        for t in targets
        if t.kind == Target.Kind.BASELINE
    }
    wanted = sorted(
        (t for t in targets if t.kind == Target.Kind.TARGET),
        key=lambda t: (t.indicator.code, t.period_start),
    )
    # One query for every stored indicator's cells of this organisation in the year.
    cells = {
        (i, g, p): (total, count, maximum)
        for i, g, p, total, count, maximum in Rollup.objects.filter(
            axis="o",
            node_id=org.pk,
            year=year,
            count__gt=0,
            indicator_id__in={t.indicator_id for t in wanted},
        ).values_list("indicator_id", "grain", "period_no", "total", "count", "maximum")
    }
    is_leaf = not Organisation.objects.filter(parent=org).exists()
    results = []
    for target in wanted:
        grain, period_no = _grain_of(target)
        actual = None
        if grain and target.indicator.kind == Indicator.Kind.STORED and not is_leaf:
            found = cells.get((target.indicator_id, grain, period_no))
            actual = _cell_value(target.indicator, *found) if found else None
        elif grain:
            table = _table(target.indicator, "o", [org.pk], grain, [year], depth=0)
            actual = table.get((org.pk, year, period_no))
        baseline = baselines.get((target.indicator_id, target.period_start, target.period_end))
        results.append(_achievement(target, actual, baseline))
    return results


def _grain_of(target: Target) -> tuple[str | None, int]:
    kind = Period(target.period_start, target.period_end).kind
    if kind == "year":
        return "y", 0
    if kind == "quarter":
        return "q", target.quarter
    if kind == "month":
        return "m", target.month
    return None, 0


def _achievement(target: Target, actual: Decimal | None, baseline) -> Achievement:
    ratio = met = None
    if actual is not None:
        if target.indicator.higher_is_better:
            met = actual >= target.value
            ratio = actual / target.value * 100 if target.value else None
        else:
            met = actual <= target.value
            ratio = target.value / actual * 100 if actual else None
    return Achievement(
        target.indicator,
        Period(target.period_start, target.period_end),
        target.value,
        baseline,
        actual,
        ratio,
        met,
    )


def cumulative(
    *,
    user,
    indicator: Indicator,
    axis: str,
    node_id: int,
    through_year: int,
    since_year: int = 2010,
) -> Decimal | None:
    """Running total since ``since_year`` (累计); for stocks, the latest year's figure."""
    years = list(range(since_year, through_year + 1))
    table = indicator_table(
        user=user, indicator=indicator, axis=axis, node_ids=[node_id], grain="y", years=years
    )
    found = [table[(node_id, y, 0)] for y in years if table.get((node_id, y, 0)) is not None]
    if not found:
        return None
    if indicator.cumulative and indicator.aggregation == Indicator.Aggregation.SUM:
        return sum(found, Decimal(0))
    return found[-1]


def year_to_date(
    *, user, indicator: Indicator, axis: str, node_id: int, year: int, month: int
) -> Decimal | None:
    """Total of the months of ``year`` up to ``month`` (本年累计)."""
    table = indicator_table(
        user=user, indicator=indicator, axis=axis, node_ids=[node_id], grain="m", years=[year]
    )
    found = [
        table[(node_id, year, m)]
        for m in range(1, month + 1)
        if table.get((node_id, year, m)) is not None
    ]
    if not found:
        return None
    if indicator.aggregation == Indicator.Aggregation.SUM:
        return sum(found, Decimal(0))
    return found[-1]


def rollup_sources(
    *,
    user,
    indicator: Indicator,
    axis: str,
    node_id: int,
    grain: str,
    year: int,
    period_no: int = 0,
) -> QuerySet[Value]:
    """The values one rolled-up figure came from."""
    _check_nodes(user, axis, [node_id])
    values = Value.objects.filter(indicator=indicator, year=year).exclude(status=Value.Status.DRAFT)
    if grain == "q":
        values = values.filter(quarter=period_no)
    elif grain == "m":
        values = values.filter(month=period_no)
    if axis == "o":
        values = values.filter(org__ancestor_links__ancestor_id=node_id)
    else:
        values = values.filter(region__ancestor_links__ancestor_id=node_id)
    return values.select_related("org", "region").order_by("period_start", "org__code")


def value_list_for_user(
    *, user, indicator: Indicator | None = None, period: Period | None = None
) -> QuerySet[Value]:
    """Values the user may read: drafts only inside their own chain."""
    qs = Value.objects.select_related("indicator", "org", "region")
    scope = policy.scope_for(user)
    if not scope.sees_all:
        qs = policy.filter_by_org_and_region(user, qs, org_field="org_id", region_field="region_id")
        qs = qs.filter(~Q(status=Value.Status.DRAFT) | Q(org_id__in=scope.org_ids))
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    if period is not None:
        qs = qs.filter(period_start__gte=period.start, period_end__lte=period.end)
    return qs


def values_unlinked(*, user, org=None, region=None) -> QuerySet[Value]:
    """Values of an organisation (or reported for a place) that name no project, deal,
    partnership or event: they belong on the organisation's and the place's pages, not on
    every project of the pair. Newest periods first."""
    qs = value_list_for_user(user=user).filter(about="")
    if org is not None:
        qs = qs.filter(org=org)
    if region is not None:
        qs = qs.filter(region=region)
    return qs.order_by("-period_end", "indicator__code", "pk")


@dataclass
class GridRow:
    """One line of the data-entry grid: an indicator, its value now and a year ago."""

    indicator: Indicator
    value: Value | None
    last_year: Value | None
    error: str = ""
    entered: str = ""
    comment: str = ""


def grid_rows(*, org: Organisation, period: Period, sector: str = "") -> list[GridRow]:
    """The stored indicators that can be reported for ``period``, with current values."""
    kinds = [Indicator.Frequency.ANY, period.kind]
    indicators = Indicator.objects.filter(
        kind=Indicator.Kind.STORED, is_active=True, frequency__in=kinds
    ).order_by("sector", "code")
    if sector:
        indicators = indicators.filter(sector=sector)
    last = period.same_period_last_year()
    found = Value.objects.filter(org=org, region=org.region, disaggregation="").filter(
        Q(period_start=period.start, period_end=period.end)
        | Q(period_start=last.start, period_end=last.end)
    )
    now = {v.indicator_id: v for v in found if v.period_start == period.start}
    before = {v.indicator_id: v for v in found if v.period_start == last.start}
    return [GridRow(i, now.get(i.pk), before.get(i.pk)) for i in indicators]


def _approvable(qs: QuerySet[Value], user) -> QuerySet[Value]:
    """Values ``policy.value_approval_refusal`` lets the user act on: organisations one level
    below theirs (the national office: those with no level above), never their own entries."""
    scope = policy.scope_for(user)
    below = Q(org__parent_id__in=scope.write_org_ids)
    if scope.writes_all:
        below |= Q(org__parent_id__isnull=True) | Q(org__parent__parent_id__isnull=True)
    qs = qs.filter(below)
    if getattr(user, "pk", None) is not None:
        qs = qs.exclude(entered_by_id=user.pk).exclude(submitted_by_id=user.pk)
    return qs


def values_awaiting_approval(*, user) -> QuerySet[Value]:
    """Submitted values the user may approve or return."""
    qs = _approvable(Value.objects.filter(status=Value.Status.SUBMITTED), user)
    return qs.select_related("indicator", "org", "region").order_by("org__code", "period_start")


def values_locked_for_approver(*, user) -> QuerySet[Value]:
    """Approved (locked) values the user may unlock."""
    qs = _approvable(Value.objects.filter(status=Value.Status.APPROVED), user)
    return qs.select_related("indicator", "org", "region").order_by("-updated_at")[:200]


def values_to_submit_for_user(*, user, filters: dict | None = None) -> QuerySet[Value]:
    """Drafts the user may submit, from every source (grid, import, API, report figures),
    returned ones included; ``filters``: indicator, region, year, source, group, returned."""
    scope = policy.scope_for(user)
    qs = Value.objects.filter(status=Value.Status.DRAFT)
    if not scope.writes_all:
        qs = qs.filter(org_id__in=scope.write_org_ids)
    filters = filters or {}
    if filters.get("indicator"):
        qs = qs.filter(indicator__code=filters["indicator"])
    if filters.get("region"):
        qs = qs.filter(region__code=filters["region"])
    if (year := int_param(filters.get("year"), low=1, high=9999)) is not None:
        qs = qs.filter(period_start__year=year)
    if filters.get("source") in Value.Source.values:
        qs = qs.filter(source=filters["source"])
    if filters.get("group"):
        qs = qs.filter(disaggregation=filters["group"])
    if filters.get("returned"):
        qs = qs.exclude(return_reason="")
    return qs.select_related("indicator", "org", "region").order_by(
        "indicator__code", "region__code", "period_start", "pk"
    )


def indicator_formula_words(*, indicator: Indicator) -> str:
    """A derived indicator's formula with the names of the indicators it uses (catalogue
    data, readable by everyone)."""
    if not indicator.formula:
        return ""
    names = dict(
        Indicator.objects.filter(code__in=formula_refs(indicator.formula)).values_list(
            "code", "name_zh"
        )
    )
    return formula_words(indicator.formula, names)
