from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.core import testing
from duikou.policy import SYSTEM
from duikou.projects.models import FundTransaction
from duikou.projects.selectors import (
    fund_totals_by_donor_province,
    fund_totals_by_prefecture,
    project_fund_totals,
)
from duikou.projects.services import budget_set, fund_transaction_create, progress_report_submit

pytestmark = pytest.mark.django_db


def move(project, kind, amount, source="aid"):
    return fund_transaction_create(
        project=project,
        fund_source=source,
        kind=kind,
        amount=amount,
        on=date(2025, 5, 1),
        actor=SYSTEM,
    )


def test_it_refuses_a_transaction_that_overdraws_its_budget_line():
    project = testing.project(budgets={"aid": "100.00"})
    move(project, "release", "60.00")
    with pytest.raises(ValidationError) as error:
        move(project, "release", "40.01")
    assert error.value.message_dict["amount"] == [
        "援疆资金累计下达将达到100.01元，超过计划金额100.00元"
    ]
    assert FundTransaction.objects.filter(project=project).count() == 1


def test_it_refuses_negative_zero_and_non_numeric_amounts():
    project = testing.project()
    for amount, message in [
        ("-1", "金额必须大于零"),
        ("0", "金额必须大于零"),
        ("abc", "不是有效的金额"),
    ]:
        with pytest.raises(ValidationError, match=message):
            move(project, "release", amount)
    assert not FundTransaction.objects.filter(project=project).exists()


def test_it_refuses_money_on_a_source_without_a_budget():
    project = testing.project(budgets={"aid": "100.00"})
    with pytest.raises(ValidationError, match="没有地方配套计划"):
        move(project, "release", "1.00", source="local")


def test_a_budget_cannot_fall_below_money_already_released():
    project = testing.project(budgets={"aid": "100.00"})
    move(project, "release", "80.00")
    with pytest.raises(ValidationError, match="不能低于已发生的资金"):
        budget_set(project=project, fund_source="aid", amount="79.99", actor=SYSTEM)
    assert budget_set(
        project=project, fund_source="aid", amount="80.00", actor=SYSTEM
    ).amount == Decimal("80")


def test_project_totals_are_exact_to_the_fen():
    project = testing.project(budgets={"aid": "1000000.03", "local": "0.30"})
    for _ in range(10):
        move(project, "release", "0.10")
    move(project, "disburse", "0.70")
    move(project, "release", "0.10", source="local")
    move(project, "release", "0.10", source="local")
    move(project, "release", "0.10", source="local")
    totals = project_fund_totals(project=project)
    assert totals["aid"] == {
        "budget": Decimal("1000000.03"),
        "release": Decimal("1.00"),
        "disburse": Decimal("0.70"),
        "spend": Decimal("0"),
    }
    assert totals["local"]["release"] == Decimal("0.30")


def test_totals_by_donor_province_and_prefecture_are_exact_to_the_fen():
    admin = testing.user()
    fujian_team = testing.donor_org()
    shanxi_team = testing.donor_org(parent=testing.donor_province("140000"), base="652302")
    a = testing.project(donor_org=fujian_team, region="652324", budgets={"aid": "123456789.01"})
    b = testing.project(donor_org=fujian_team, region="653130", budgets={"aid": "0.99"})
    c = testing.project(donor_org=shanxi_team, region="652302", budgets={"aid": "2600000.00"})
    move(a, "release", "100000000.01")
    move(a, "release", "0.01")
    move(b, "release", "0.99")
    move(c, "spend", "2600000.00")
    by_province = fund_totals_by_donor_province(user=admin)
    assert by_province["福建省"]["budget"] == Decimal("123456790.00")
    assert by_province["福建省"]["release"] == Decimal("100000001.01")
    assert by_province["山西省"]["spend"] == Decimal("2600000.00")
    by_prefecture = fund_totals_by_prefecture(user=admin)
    assert by_prefecture["昌吉回族自治州"]["budget"] == Decimal("126056789.01")
    assert by_prefecture["昌吉回族自治州"]["release"] == Decimal("100000000.02")
    assert by_prefecture["喀什地区"]["release"] == Decimal("0.99")


def test_a_monthly_progress_report_is_recorded_and_corrected():
    project = testing.project()
    progress_report_submit(
        project=project,
        year=2025,
        month=6,
        percent_complete="40",
        amount_spent="100.00",
        problems="材料到货延迟",
        actor=SYSTEM,
    )
    report = progress_report_submit(
        project=project,
        year=2025,
        month=6,
        percent_complete="45",
        amount_spent="120.00",
        actor=SYSTEM,
    )
    assert report.percent_complete == Decimal("45")
    assert report.version == 2
    assert project.progress_reports.count() == 1


def test_a_progress_report_above_100_percent_is_refused():
    project = testing.project()
    with pytest.raises(ValidationError, match="形象进度必须在0到100之间"):
        progress_report_submit(
            project=project,
            year=2025,
            month=6,
            percent_complete="120",
            amount_spent="0",
            actor=SYSTEM,
        )
