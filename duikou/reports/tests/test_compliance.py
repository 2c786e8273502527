"""Compliance: the "两个80%" against their thresholds, money released, delays, stuck deals."""

from datetime import date
from decimal import Decimal

import pytest

from duikou.core import testing
from duikou.policy import SYSTEM
from duikou.projects.services import fund_transaction_create, progress_report_submit
from duikou.reports.exports import compliance_csv
from duikou.reports.selectors import compliance_rows

pytestmark = pytest.mark.django_db
TODAY = date(2025, 12, 31)


def row(rows, province, check):
    return next(r for r in rows if r.province == province and r.check == check)


@pytest.fixture
def ledger():
    """Fujian: 79.99% of aid at county level (just below); Shanxi: exactly 80%."""
    fujian = testing.donor_org(parent=testing.donor_province("350000"))
    county = testing.project(
        donor_org=fujian, region="652301", is_livelihood=True, budgets={"aid": "7999.00"}
    )
    prefecture = testing.project(
        donor_org=fujian,
        region="652300",
        is_livelihood=True,
        budgets={"aid": "2001.00"},
        status="building",
        planned_start=date(2025, 1, 1),
        planned_end=date(2025, 6, 30),
    )
    shanxi = testing.donor_org(parent=testing.donor_province("140000"), base="652302")
    testing.project(
        donor_org=shanxi, region="652302", is_livelihood=True, budgets={"aid": "8000.00"}
    )
    late = testing.project(
        donor_org=shanxi,
        region="652300",
        budgets={"aid": "2000.00"},
        status="building",
        planned_start=date(2025, 1, 1),
        planned_end=date(2026, 12, 31),
    )
    fund_transaction_create(
        project=county,
        fund_source="aid",
        kind="release",
        amount="7999.00",
        on=date(2025, 4, 1),
        actor=SYSTEM,
    )
    progress_report_submit(
        project=late, year=2025, month=12, percent_complete="20", amount_spent="0", actor=SYSTEM
    )
    stuck = testing.deal(donor_org=fujian, stage_date=date(2025, 2, 1))
    testing.deal(donor_org=shanxi, stage_date=date(2025, 11, 1))
    return {"county": county, "prefecture": prefecture, "late": late, "stuck": stuck}


def test_a_donor_just_below_the_county_threshold_fails_and_its_projects_are_named(ledger):
    rows = compliance_rows(user=testing.user(), years=[2025], today=TODAY)
    county = row(rows, "福建省", "county_share")
    assert county.value == Decimal("79.99")
    assert county.ok is False
    assert [r.code for r in county.records] == [ledger["prefecture"].code]
    assert row(rows, "山西省", "county_share").value == Decimal("80.00")
    assert row(rows, "山西省", "county_share").ok is True


def test_livelihood_share_is_against_its_own_threshold(ledger, settings):
    rows = compliance_rows(user=testing.user(), years=[2025], today=TODAY)
    assert row(rows, "福建省", "livelihood_share").value == Decimal("100.00")
    assert row(rows, "山西省", "livelihood_share").value == Decimal("80.00")
    assert row(rows, "山西省", "livelihood_share").ok is True
    settings.DUIKOU_LIVELIHOOD_SHARE_THRESHOLD = "0.85"
    rows = compliance_rows(user=testing.user(), years=[2025], today=TODAY)
    failing = row(rows, "山西省", "livelihood_share")
    assert failing.ok is False
    assert [r.code for r in failing.records] == [ledger["late"].code]


def test_funds_released_against_planned_lists_the_projects_short(ledger):
    rows = compliance_rows(user=testing.user(), years=[2025], today=TODAY)
    released = row(rows, "福建省", "funds_released")
    assert released.value == Decimal("79.99")  # 7,999 of 10,000 yuan
    assert [r.code for r in released.records] == [ledger["prefecture"].code]


def test_projects_behind_schedule_past_their_end_or_below_the_linear_plan(ledger):
    rows = compliance_rows(user=testing.user(), years=[2025], today=TODAY)
    fujian = row(rows, "福建省", "behind_schedule")
    assert [r.code for r in fujian.records] == [ledger["prefecture"].code]
    assert "计划2025年6月30日完工" in fujian.records[0].detail
    shanxi = row(rows, "山西省", "behind_schedule")
    assert [r.code for r in shanxi.records] == [ledger["late"].code]
    assert "形象进度20.00%" in shanxi.records[0].detail  # a straight line gives about half


def test_deals_without_a_stage_change_for_the_set_months_are_stuck(ledger, settings):
    settings.DUIKOU_DEAL_STUCK_MONTHS = 6
    rows = compliance_rows(user=testing.user(), years=[2025], today=TODAY)
    assert [r.code for r in row(rows, "福建省", "deals_stuck").records] == [ledger["stuck"].code]
    assert row(rows, "山西省", "deals_stuck").ok is True


def test_the_page_is_scoped_and_exports_csv(ledger, client):
    national = testing.user()
    client.force_login(national)
    page = client.get("/reports/compliance/", {"year": 2025})
    assert page.status_code == 200
    assert "79.99%" in page.content.decode()
    exported = client.get("/reports/compliance/", {"year": 2025, "format": "csv"})
    text = exported.content.decode("utf-8-sig")
    assert exported["Content-Type"].startswith("text/csv")
    assert "县及县以下投入占比,79.99,79.99%,不低于80%,未达标" in text
    recipient = testing.user(role="recipient", region_code="652302")
    client.force_login(recipient)
    scoped = client.get("/reports/compliance/", {"year": 2025}).content.decode()
    assert "福建省" not in scoped
    assert "山西省" in scoped


def test_csv_has_one_line_per_check():
    assert compliance_csv([]).splitlines() == ["援疆省市,年度,检查项,数值,说明,标准,结论,问题记录"]


def test_the_page_opens_on_the_latest_year_holding_projects(client):
    testing.project(planned_start=date(2023, 3, 1), planned_end=date(2023, 12, 31))
    client.force_login(testing.user())
    html = client.get("/reports/compliance/").content.decode()
    assert "合规检查 · 2023年" in html
    assert "合规检查 · 2024年" in client.get("/reports/compliance/?year=2024").content.decode()
