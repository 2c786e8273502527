"""Summary cells (``Rollup``) kept fresh as values change, and rebuilt in bulk.

Every SQL statement of the results app lives here. The statements run unchanged
on SQLite (3.24+) and PostgreSQL: ``INSERT … ON CONFLICT … DO UPDATE`` for the
incremental path, ``INSERT … SELECT … GROUP BY`` with window functions for rebuilds.

How a value is counted: it joins the closure table of its tree once per ancestor,
so under any node it appears exactly once, however deep it sits. In time it falls
in the cells of the finest calendar unit containing its period and every coarser
one (month → quarter → year), never in two cells of one grain.

Sum and average indicators are updated by adding the change to each cell; maximum
and last-value indicators are recomputed for the affected cells only. Drafts are not
counted: a value enters the cells when it is submitted.

Each tree has two sets of cells: axes ``o`` and ``r`` count submitted and approved values,
``O`` and ``R`` approved values only, so a page can show approved figures (the default) or
include those still awaiting approval, marked as such, at the same cost.
"""

from decimal import Decimal

from django.db import connection

from duikou.geo.models import Region, RegionAncestor
from duikou.orgs.models import OrgAncestor, Organisation

from .models import Indicator, Rollup, Value
from .periods import cells

AXES = {
    "o": (OrgAncestor._meta.db_table, "org_id", "org_id", Organisation._meta.db_table),
    "r": (RegionAncestor._meta.db_table, "region_id", "region_id", Region._meta.db_table),
}
AXES["O"], AXES["R"] = AXES["o"], AXES["r"]  # the approved-only cells of each tree
APPROVED = Value.Status.APPROVED.value


def _counts(axis: str) -> str:
    """The SQL condition on value ``v`` for the cells of ``axis``."""
    return f"v.status = '{APPROVED}'" if axis.isupper() else f"v.status <> '{DRAFT}'"


def _axes_of(value: Value) -> list[tuple[str, int]]:
    """The (axis, node) pairs a counted value enters: both trees, and their approved-only
    cells too when it is approved."""
    pairs = [("o", value.org_id), ("r", value.region_id)]
    if value.status == APPROVED:
        pairs += [("O", value.org_id), ("R", value.region_id)]
    return pairs


def _internal(axis: str) -> str:
    """SQL condition on closure row ``a``: its ancestor has children.

    Leaves (a work team, a county) get no cells of their own: their figures are
    their values, read directly (``selectors``), which keeps the summary a fraction
    of the size of the values.
    """
    tree = AXES[axis][3]
    return f"(a.depth > 0 OR EXISTS (SELECT 1 FROM {tree} c WHERE c.parent_id = a.ancestor_id))"


GRAINS = {
    "y": ("", "v.year IS NOT NULL"),
    "q": ("v.quarter", "v.quarter IS NOT NULL"),
    "m": ("v.month", "v.month IS NOT NULL"),
}
V = Value._meta.db_table
R = Rollup._meta.db_table
DRAFT = Value.Status.DRAFT.value
INCREMENTAL = {Indicator.Aggregation.SUM, Indicator.Aggregation.AVG}


def _ancestors(axis: str, node_id: int) -> list[int]:
    table, column, *_ = AXES[axis]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.ancestor_id FROM {table} a WHERE a.{column} = %s AND {_internal(axis)}",
            [node_id],
        )
        return [row[0] for row in cursor.fetchall()]


def rollup_value_changed(*, before: Value | None, after: Value | None) -> None:
    """Bring the cells up to date after a value was created, changed or deleted.

    ``before`` is the value as it was (None when created), ``after`` as it is now
    (None when deleted). Called inside the writing transaction, after the write.
    """
    sample = after or before
    if sample is None:
        return
    aggregation = Indicator.objects.values_list("aggregation", flat=True).get(
        pk=sample.indicator_id
    )
    if aggregation in INCREMENTAL:
        if before is not None:
            _add(before, -1)
        if after is not None:
            _add(after, 1)
        return
    touched = set()
    for state in (before, after):
        if state is None:
            continue
        for axis, node_id in _axes_of(state):
            for node in _ancestors(axis, node_id):
                for key in cells(state.year, state.quarter, state.month):
                    touched.add((state.indicator_id, axis, node, *key))
    for indicator_id, axis, node, grain, year, period_no in sorted(touched):
        rollup_recompute_cell(
            indicator_id=indicator_id,
            aggregation=aggregation,
            axis=axis,
            node_id=node,
            grain=grain,
            year=year,
            period_no=period_no,
        )


def _add(value: Value, sign: int) -> None:
    """Add (``sign`` = 1) or take away (-1) one value in every cell it falls in."""
    keys = cells(value.year, value.quarter, value.month)
    if not keys:
        return
    rows, params = [], []
    for axis, node_id in _axes_of(value):
        for node in _ancestors(axis, node_id):
            for grain, year, period_no in keys:
                rows.append("(%s, %s, %s, %s, %s, %s, %s, %s, %s)")
                params += [
                    value.indicator_id,
                    axis,
                    node,
                    grain,
                    year,
                    period_no,
                    value.value * sign,
                    sign,
                    value.value if sign > 0 else None,
                ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {R} (indicator_id, axis, node_id, grain, year, period_no, total, count,"
            f" maximum) VALUES {', '.join(rows)}"
            " ON CONFLICT (indicator_id, axis, node_id, grain, year, period_no) DO UPDATE SET"
            f" total = {R}.total + excluded.total, count = {R}.count + excluded.count,"
            f" maximum = CASE WHEN excluded.maximum IS NULL THEN {R}.maximum"
            f" WHEN {R}.maximum IS NULL OR excluded.maximum > {R}.maximum THEN excluded.maximum"
            f" ELSE {R}.maximum END",
            params,
        )


def _cell_filter(grain: str) -> str:
    if grain == "y":
        return "v.year = %s"
    column = "v.quarter" if grain == "q" else "v.month"
    return f"v.year = %s AND {column} = %s"


def rollup_recompute_cell(
    *,
    indicator_id: int,
    aggregation: str,
    axis: str,
    node_id: int,
    grain: str,
    year: int,
    period_no: int,
) -> None:
    """Recompute one cell from the values beneath it (for max and last-value indicators)."""
    table, column, value_column, _ = AXES[axis]
    params = [indicator_id, node_id, year] + ([period_no] if grain != "y" else [])
    where = (
        f"v.indicator_id = %s AND a.ancestor_id = %s AND {_cell_filter(grain)} AND {_counts(axis)}"
    )
    if aggregation == Indicator.Aggregation.LAST:
        # Per reporting organisation, place and group: the value of the latest period.
        sql = (
            "SELECT SUM(x.value), COUNT(*), MAX(x.value) FROM (SELECT v.value, ROW_NUMBER() OVER"
            " (PARTITION BY v.org_id, v.region_id, v.disaggregation ORDER BY v.period_end DESC,"
            f" v.period_start DESC) AS rn FROM {V} v"
            f" JOIN {table} a ON a.{column} = v.{value_column} WHERE {where}) x WHERE x.rn = 1"
        )
    else:
        sql = (
            f"SELECT SUM(v.value), COUNT(*), MAX(v.value) FROM {V} v JOIN {table} a"
            f" ON a.{column} = v.{value_column} WHERE {where}"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        total, count, maximum = cursor.fetchone()
    key = {
        "indicator_id": indicator_id,
        "axis": axis,
        "node_id": node_id,
        "grain": grain,
        "year": year,
        "period_no": period_no,
    }
    if not count:
        Rollup.objects.filter(**key).delete()
        return
    Rollup.objects.update_or_create(
        **key, defaults={"total": Decimal(total), "count": count, "maximum": Decimal(maximum)}
    )


def rollup_rebuild(*, indicator_ids: list[int] | None = None) -> int:
    """Rebuild the summary cells of some indicators (all when None) from the values.

    Used after bulk imports and by the benchmark; returns the number of cells.
    Additive indicators cascade: month cells from the values, quarter cells from
    the month cells plus quarter-only values, year cells likewise, so the large
    join with the closure tables runs once per axis. Last-value indicators need
    the latest value per reporter in each period and are built from the values.
    """
    indicators = Indicator.objects.all()
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=indicator_ids)
    groups: dict[bool, list[int]] = {True: [], False: []}
    for pk, aggregation in indicators.values_list("pk", "aggregation"):
        groups[aggregation == Indicator.Aggregation.LAST].append(pk)
    every = groups[True] + groups[False]
    if not every:
        return 0
    with connection.cursor() as cursor:
        if indicator_ids is None:
            cursor.execute(f"DELETE FROM {R}")
        else:
            cursor.execute(f"DELETE FROM {R} WHERE indicator_id IN ({_marks(every)})", every)
        for axis in AXES:
            if groups[False]:
                _rebuild_additive(cursor, axis, groups[False])
            if groups[True]:
                for grain in GRAINS:
                    _rebuild_last(cursor, axis, grain, groups[True])
    return Rollup.objects.filter(indicator_id__in=every).count()


def _marks(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))


_INSERT = (
    f"INSERT INTO {R} (indicator_id, axis, node_id, grain, year, period_no, total, count, maximum) "
)


def _rebuild_additive(cursor, axis: str, ids: list[int]) -> None:
    table, column, value_column, _ = AXES[axis]
    join = f"FROM {V} v JOIN {table} a ON a.{column} = v.{value_column} AND {_internal(axis)}"
    live = f"v.indicator_id IN ({_marks(ids)}) AND {_counts(axis)}"
    cursor.execute(
        _INSERT + f"SELECT v.indicator_id, '{axis}', a.ancestor_id, 'm', v.year, v.month,"
        f" SUM(v.value), COUNT(*), MAX(v.value) {join} WHERE {live} AND v.month IS NOT NULL"
        " GROUP BY v.indicator_id, a.ancestor_id, v.year, v.month",
        ids,
    )
    for grain, finer, period_of_finer, own in (
        ("q", "m", "(c.period_no + 2) / 3", "v.quarter IS NOT NULL AND v.month IS NULL"),
        ("y", "q", "0", "v.year IS NOT NULL AND v.quarter IS NULL"),
    ):
        period_of_value = "v.quarter" if grain == "q" else "0"
        cursor.execute(
            _INSERT + "SELECT indicator_id, %s, node_id, %s, year, period_no, SUM(total),"
            " SUM(count), MAX(maximum) FROM ("
            f"SELECT c.indicator_id, c.node_id, c.year, {period_of_finer} AS period_no, c.total,"
            f" c.count, c.maximum FROM {R} c WHERE c.axis = %s AND c.grain = %s"
            f" AND c.indicator_id IN ({_marks(ids)}) "
            f"UNION ALL SELECT v.indicator_id, a.ancestor_id, v.year, {period_of_value}, v.value,"
            f" 1, v.value {join} WHERE {live} AND {own}"
            ") cells GROUP BY indicator_id, node_id, year, period_no",
            [axis, grain, axis, finer, *ids, *ids],
        )


def _rebuild_last(cursor, axis: str, grain: str, ids: list[int]) -> None:
    table, column, value_column, _ = AXES[axis]
    period_expr, present = GRAINS[grain]
    partition = {"y": "v.year", "q": "v.year, v.quarter", "m": "v.year, v.month"}[grain]
    live = f"v.indicator_id IN ({_marks(ids)}) AND {_counts(axis)} AND {present}"
    latest = (
        f"(SELECT v.*, ROW_NUMBER() OVER (PARTITION BY v.indicator_id, v.org_id, v.region_id,"
        f" v.disaggregation, {partition} ORDER BY v.period_end DESC, v.period_start DESC)"
        f" AS rn FROM {V} v WHERE {live}) v"
    )
    group = f", {period_expr}" if period_expr else ""
    cursor.execute(
        _INSERT + f"SELECT v.indicator_id, '{axis}', a.ancestor_id, '{grain}', v.year,"
        f" {period_expr or '0'}, SUM(v.value), COUNT(*), MAX(v.value) FROM {latest}"
        f" JOIN {table} a ON a.{column} = v.{value_column} AND {_internal(axis)} WHERE v.rn = 1"
        f" GROUP BY v.indicator_id, a.ancestor_id, v.year{group}",
        ids,
    )


def rollup_values_add(*, value_ids: list[int], sign: int, axes: tuple[str, ...]) -> None:
    """Add (``sign`` 1) or take away (-1) many values of additive indicators in every cell
    of ``axes`` they fall in: one grouped statement per axis and grain, whatever their
    number (a bulk submit or approval of thousands of values)."""
    grains = (
        ("m", "v.month", "v.month IS NOT NULL"),
        ("q", "v.quarter", "v.quarter IS NOT NULL"),
        ("y", "0", "v.year IS NOT NULL"),
    )
    maximum = "MAX(v.value)" if sign > 0 else "NULL"
    with connection.cursor() as cursor:
        for start in range(0, len(value_ids), 500):
            chunk = value_ids[start : start + 500]
            for axis in axes:
                table, column, value_column, _ = AXES[axis]
                for grain, period, present in grains:
                    group = "" if period == "0" else f", {period}"
                    cursor.execute(
                        _INSERT + f"SELECT v.indicator_id, '{axis}', a.ancestor_id, '{grain}',"
                        f" v.year, {period}, {sign} * SUM(v.value), {sign} * COUNT(*), {maximum}"
                        f" FROM {V} v JOIN {table} a ON a.{column} = v.{value_column}"
                        f" AND {_internal(axis)} WHERE v.id IN ({_marks(chunk)}) AND {present}"
                        f" GROUP BY v.indicator_id, a.ancestor_id, v.year{group}"
                        " ON CONFLICT (indicator_id, axis, node_id, grain, year, period_no)"
                        f" DO UPDATE SET total = {R}.total + excluded.total,"
                        f" count = {R}.count + excluded.count,"
                        f" maximum = CASE WHEN excluded.maximum IS NULL THEN {R}.maximum"
                        f" WHEN {R}.maximum IS NULL OR excluded.maximum > {R}.maximum"
                        f" THEN excluded.maximum ELSE {R}.maximum END",
                        chunk,
                    )
