"""Roll-ups along both trees and over time, checked against hand-computed totals.

The tree: Fujian (province) → front command → sub-command. The sub-command reports
for 玛纳斯县 (a county in 昌吉州) in March and for 昌吉市 in the second quarter; the
province itself reports for 昌吉州 for the whole year.
"""

from datetime import date
from decimal import Decimal

import pytest

from duikou.core import testing
from duikou.orgs.models import Organisation
from duikou.policy import SYSTEM
from duikou.results.models import Indicator, Rollup
from duikou.results.periods import month_period, period_parse, quarter_period, year_period
from duikou.results.rollups import rollup_rebuild
from duikou.results.selectors import (
    by_donor_province_by_year,
    by_prefecture_by_quarter,
    cumulative,
    indicator_table,
    rollup_sources,
    year_to_date,
)
from duikou.results.services import value_delete, value_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = testing.donor_province("350000")
    command = testing.donor_org(
        parent=province, kind=Organisation.Kind.FRONT_COMMAND, base="652300"
    )
    sub = testing.donor_org(parent=command, base="652324")
    return province, command, sub


def approved(**fields):
    """A value entered, submitted and approved: counted on every basis."""
    return testing.counted(value_save(**{"actor": SYSTEM, **fields}))


def indicator(code="PATIENTS_TREATED", **changes):
    found = Indicator.objects.get(code=code)
    for name, value in changes.items():
        setattr(found, name, value)
    found.save()
    return found


@pytest.fixture
def values(tree):
    province, _, sub = tree
    patients = indicator(frequency="any")
    a = approved(
        indicator=patients,
        org=sub,
        region=testing.region("652324"),
        period=month_period(2025, 3),
        value="100",
    )
    c = approved(
        indicator=patients,
        org=sub,
        region=testing.region("652301"),
        period=quarter_period(2025, 2),
        value="20",
    )
    b = approved(
        indicator=patients,
        org=province,
        region=testing.region("652300"),
        period=year_period(2025),
        value="5",
    )
    return patients, a, b, c


def table(user, ind, axis, node, grain, years=(2025,)):
    return indicator_table(
        user=user, indicator=ind, axis=axis, node_ids=[node.pk], grain=grain, years=list(years)
    )


def test_each_value_counts_once_up_the_donor_tree(tree, values):
    province, command, sub = tree
    patients = values[0]
    admin = testing.user()
    assert table(admin, patients, "o", province, "y") == {(province.pk, 2025, 0): Decimal(125)}
    assert table(admin, patients, "o", command, "y") == {(command.pk, 2025, 0): Decimal(120)}
    assert table(admin, patients, "o", sub, "y") == {(sub.pk, 2025, 0): Decimal(120)}


def test_each_value_counts_once_up_the_recipient_tree(values):
    patients = values[0]
    admin = testing.user()
    changji, manas = testing.region("652300"), testing.region("652324")
    xinjiang = testing.region("650000")
    assert table(admin, patients, "r", changji, "y")[(changji.pk, 2025, 0)] == Decimal(125)
    assert table(admin, patients, "r", xinjiang, "y")[(xinjiang.pk, 2025, 0)] == Decimal(125)
    assert table(admin, patients, "r", manas, "y")[(manas.pk, 2025, 0)] == Decimal(100)


def test_months_roll_into_quarters_and_the_year_without_double_counting(tree, values):
    province = tree[0]
    patients = values[0]
    admin = testing.user()
    quarters = table(admin, patients, "o", province, "q")
    assert quarters == {(province.pk, 2025, 1): Decimal(100), (province.pk, 2025, 2): Decimal(20)}
    months = table(admin, patients, "o", province, "m")
    assert months == {(province.pk, 2025, 3): Decimal(100)}


def test_a_rolled_up_figure_lists_the_values_it_came_from(tree, values):
    province = tree[0]
    patients, a, b, c = values
    sources = rollup_sources(
        user=testing.user(), indicator=patients, axis="o", node_id=province.pk, grain="y", year=2025
    )
    assert set(sources) == {a, b, c}
    assert sum(v.value for v in sources) == Decimal(125)


def test_a_rebuild_gives_the_same_cells_as_the_incremental_updates(values):
    def cells():
        return sorted(
            Rollup.objects.filter(count__gt=0).values_list(
                "indicator_id", "axis", "node_id", "grain", "year", "period_no", "total", "count"
            )
        )

    incremental = cells()
    rollup_rebuild()
    assert cells() == incremental


def test_drafts_do_not_count_until_submitted(tree):
    sub = tree[2]
    patients = indicator(frequency="any")
    value_save(indicator=patients, org=sub, period=month_period(2025, 5), value="7", actor=SYSTEM)
    admin = testing.user()
    assert table(admin, patients, "o", sub, "y") == {}


def test_deleting_a_value_takes_it_out_of_every_cell(tree, values):
    province = tree[0]
    patients, a, *_ = values
    from duikou.results.services import value_unlock

    value_unlock(value=a, reason="数据有误", actor=SYSTEM)
    a.refresh_from_db()
    value_delete(value=a, reason="重复填报", actor=SYSTEM)
    admin = testing.user()
    assert table(admin, patients, "o", province, "y") == {(province.pk, 2025, 0): Decimal(25)}
    assert table(admin, patients, "o", province, "m") == {}


def test_last_value_indicators_take_the_latest_period_per_reporter(tree):
    province, _, sub = tree
    stock = indicator(
        "SCHOOLS_PAIRED", kind="stored", record_source="", frequency="any", aggregation="last"
    )
    approved(indicator=stock, org=sub, period=month_period(2025, 1), value="3")
    approved(indicator=stock, org=sub, period=month_period(2025, 6), value="5")
    approved(indicator=stock, org=province, period=month_period(2025, 2), value="2")
    admin = testing.user()
    assert table(admin, stock, "o", province, "y") == {(province.pk, 2025, 0): Decimal(7)}
    assert table(admin, stock, "o", province, "q")[(province.pk, 2025, 1)] == Decimal(5)
    rollup_rebuild(indicator_ids=[stock.pk])
    assert table(admin, stock, "o", province, "y") == {(province.pk, 2025, 0): Decimal(7)}


def test_cumulative_and_year_to_date_are_computed_not_stored(tree):
    sub = tree[2]
    patients = indicator(frequency="any")
    for period, amount in [("2024", "50"), ("2025-01", "10"), ("2025-02", "15"), ("2025-07", "30")]:
        approved(indicator=patients, org=sub, period=period_parse(period), value=amount)
    admin = testing.user()
    assert cumulative(
        user=admin, indicator=patients, axis="o", node_id=sub.pk, through_year=2025
    ) == Decimal(105)
    assert year_to_date(
        user=admin, indicator=patients, axis="o", node_id=sub.pk, year=2025, month=6
    ) == Decimal(25)


def test_the_dashboards_group_by_donor_province_and_prefecture(tree, values):
    patients = values[0]
    admin = testing.user()
    rows = {
        r.node.name: r.cells
        for r in by_donor_province_by_year(user=admin, indicator=patients, years=[2024, 2025])
    }
    assert rows["福建省"] == {2024: None, 2025: Decimal(125)}
    prefectures = {
        r.node.name: r.cells
        for r in by_prefecture_by_quarter(user=admin, indicator=patients, year=2025)
    }
    assert prefectures["昌吉回族自治州"] == {1: Decimal(100), 2: Decimal(20), 3: None, 4: None}
    assert "新疆生产建设兵团第一师" in prefectures


def test_record_backed_indicators_count_the_ledger(tree):
    sub = tree[2]
    for _ in range(3):
        testing.project(donor_org=sub, planned_start=date(2025, 4, 1))
    projects = Indicator.objects.get(code="PROJECTS")
    admin = testing.user()
    assert table(admin, projects, "o", sub, "y") == {(sub.pk, 2025, 0): Decimal(3)}
    assert table(admin, projects, "o", tree[0], "q")[(tree[0].pk, 2025, 2)] >= Decimal(3)


def test_figures_count_approved_values_unless_submitted_ones_are_asked_for(tree):
    from duikou.results.services import value_approve, value_submit

    province, _, sub = tree
    patients = indicator(frequency="any")
    value = value_submit(
        value=value_save(
            indicator=patients, org=sub, period=month_period(2025, 5), value="7", actor=SYSTEM
        ),
        actor=SYSTEM,
    )
    admin = testing.user()
    assert table(admin, patients, "o", province, "y") == {}
    with_submitted = indicator_table(
        user=admin,
        indicator=patients,
        axis="o",
        node_ids=[province.pk],
        grain="y",
        years=[2025],
        basis="submitted",
    )
    assert with_submitted == {(province.pk, 2025, 0): Decimal(7)}
    value_approve(value=value, actor=SYSTEM)
    assert table(admin, patients, "o", province, "y") == {(province.pk, 2025, 0): Decimal(7)}
