from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from duikou.core import testing
from duikou.policy import SYSTEM
from duikou.projects.models import BudgetLine, FundSummary, FundTransaction
from duikou.projects.selectors import (
    aid_shares_by_donor_province_by_year,
    fund_totals_by_region_id,
    fund_totals_by_year,
    fund_totals_for_user,
)
from duikou.projects.services import (
    budget_set,
    fund_summary_rebuild,
    fund_transaction_create,
    project_update,
)

pytestmark = pytest.mark.django_db


def ledger_cells() -> dict[tuple, Decimal]:
    """The summary's cells summed straight from budgets and transactions."""
    cells: dict[tuple, Decimal] = defaultdict(Decimal)
    for line in BudgetLine.objects.select_related("project"):
        p = line.project
        key = (p.donor_province_id, p.region_id, p.is_livelihood, p.plan_year)
        cells[(*key, p.plan_year, line.fund_source, "budget")] += line.amount
    for t in FundTransaction.objects.select_related("project"):
        p = t.project
        key = (p.donor_province_id, p.region_id, p.is_livelihood, p.plan_year)
        cells[(*key, t.year, t.fund_source, t.kind)] += t.amount
    return {k: v for k, v in cells.items() if v}


def summary_cells() -> dict[tuple, Decimal]:
    rows = FundSummary.objects.values_list(
        "donor_province_id",
        "region_id",
        "is_livelihood",
        "plan_year",
        "year",
        "fund_source",
        "kind",
        "amount",
    )
    return {tuple(r[:-1]): r[-1] for r in rows if r[-1]}


def move(project, kind, amount, on=date(2025, 5, 1), source="aid"):
    fund_transaction_create(
        project=project, fund_source=source, kind=kind, amount=amount, on=on, actor=SYSTEM
    )


@pytest.fixture
def ledger():
    fujian = testing.donor_org(parent=testing.donor_province("350000"))
    first = testing.project(donor_org=fujian, budgets={"aid": "1000.01", "local": "300.00"})
    second = testing.project(donor_org=fujian, region="652302", budgets={"aid": "500.00"})
    move(first, "release", "600.01")
    move(first, "disburse", "0.01", on=date(2026, 1, 3))
    move(first, "spend", "12.34", source="local")
    move(second, "release", "499.99")
    budget_set(project=second, fund_source="aid", amount="777.77", actor=SYSTEM)
    budget_set(project=second, fund_source="social", amount="10.05", actor=SYSTEM)
    return first, second


def test_the_summary_equals_the_ledger_after_creates_and_budget_changes(ledger):
    assert summary_cells() == ledger_cells()
    assert sum(summary_cells().values()) == Decimal("2087.83") + Decimal("1112.35")


def test_the_summary_follows_a_project_moved_to_another_place_year_and_donor(ledger):
    first, _second = ledger
    jiangsu = testing.donor_org(parent=testing.donor_province("320000"), base="653101")
    project_update(
        project=first,
        version=first.version,
        region="653101",
        plan_year=2024,
        is_livelihood=True,
        donor_org=jiangsu,
        actor=SYSTEM,
    )
    move(first, "spend", "100.00", on=date(2026, 2, 1))
    assert summary_cells() == ledger_cells()


def test_a_rebuild_gives_the_cells_the_services_kept(ledger):
    kept = summary_cells()
    assert fund_summary_rebuild() == FundSummary.objects.count()
    assert summary_cells() == kept == ledger_cells()


def test_national_figures_from_the_summary_equal_a_scoped_ledger_sum(ledger):
    """A national user reads the summary; an organisation's user sums the ledger."""
    first, _second = ledger
    national = testing.user()
    province = testing.user(role="front_command", organisation=first.donor_province)
    for year in (None, 2025):
        assert fund_totals_for_user(user=national, year=year) == fund_totals_for_user(
            user=province, year=year
        )
        assert fund_totals_by_region_id(user=national, year=year) == fund_totals_by_region_id(
            user=province, year=year
        )
    assert fund_totals_by_year(user=national) == fund_totals_by_year(user=province)
    assert aid_shares_by_donor_province_by_year(
        user=national
    ) == aid_shares_by_donor_province_by_year(user=province)
    totals = fund_totals_for_user(user=national, org=first.donor_province)
    assert totals["budget"] == Decimal("1777.78")
    assert totals["release"] == Decimal("1100.00")
