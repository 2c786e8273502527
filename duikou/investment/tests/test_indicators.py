import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from duikou.core import testing
from duikou.core.demo import _organisations_load
from duikou.investment.demo import load
from duikou.investment.indicators import RECORD_INDICATORS
from duikou.investment.selectors import deal_signing_to_production
from duikou.investment.services import (
    deal_advance_stage,
    deal_record_funds_in_place,
    deal_record_jobs,
)
from duikou.orgs.models import Membership, Organisation
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def load_demo():
    """The demo organisations and this app's demo records; the whole demo (projects, accounts)
    is loaded by core's tests and would only slow these down."""
    _organisations_load()
    assert load() > 0
    assert load() == 0  # a second load creates nothing


CATALOGUE = Path(__file__).resolve().parents[2] / "results" / "fixtures" / "indicators.csv"
YEAR_2025 = {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}


def measure(key, **period):
    return RECORD_INDICATORS[key](**(period or YEAR_2025))


def test_every_investment_key_of_the_catalogue_has_a_function():
    with open(CATALOGUE, encoding="utf-8") as handle:
        keys = {r["record_source"] for r in csv.DictReader(handle)}
    assert {k for k in keys if k.startswith("investment.")} == set(RECORD_INDICATORS)


def test_flows_are_grouped_by_team_place_and_month_of_the_record():
    team = testing.donor_org()
    a = testing.deal(
        donor_org=team, stage="signed", stage_date=date(2025, 3, 5), signed_amount="100.10"
    )
    b = testing.deal(
        donor_org=team, stage="signed", stage_date=date(2025, 3, 20), signed_amount="0.20"
    )
    testing.deal(donor_org=team, stage="signed", stage_date=date(2025, 4, 1), region="652324")
    testing.deal(donor_org=team, stage="signed", stage_date=date(2024, 12, 31))  # outside
    deal_record_funds_in_place(deal=a, amount="60.00", on=date(2025, 5, 1), actor=SYSTEM)
    deal_record_funds_in_place(deal=b, amount="0.05", on=date(2025, 5, 31), actor=SYSTEM)
    deal_record_jobs(deal=a, jobs_total=10, on=date(2025, 6, 1), actor=SYSTEM)
    deal_record_jobs(deal=a, jobs_total=25, on=date(2025, 7, 1), actor=SYSTEM)
    changji = testing.region("652301").pk

    def ours(key):
        return sorted(
            (r["region_id"] == changji, r["year"], r["month"], r["value"])
            for r in measure(key)
            if r["org_id"] == team.pk
        )

    assert ours("investment.deals_signed") == [
        (False, 2025, 4, Decimal(1)),
        (True, 2025, 3, Decimal(2)),
    ]
    assert ours("investment.signed_amount") == [(True, 2025, 3, Decimal("100.30"))]
    assert ours("investment.enterprises_introduced")[1] == (True, 2025, 3, Decimal(2))
    assert ours("investment.funds_in_place") == [(True, 2025, 5, Decimal("60.05"))]
    assert ours("investment.jobs_created") == [
        (True, 2025, 6, Decimal(10)),
        (True, 2025, 7, Decimal(15)),
    ]


def test_stocks_are_measured_at_the_end_of_the_range():
    team = testing.donor_org()
    testing.deal(donor_org=team, stage="reserve", planned_investment="7.00")
    testing.deal(donor_org=team, stage="negotiating", planned_investment="3.00")
    testing.deal(donor_org=team, stage="lead")  # a lead is not yet in the pipeline
    signed = testing.deal(donor_org=team, stage="signed", industrial_park="福建工业园")
    started = deal_advance_stage(deal=signed, to_stage="started", on=date(2025, 6, 1), actor=SYSTEM)
    producing = testing.deal(donor_org=team, stage="signed", industrial_park="福建工业园")
    deal_advance_stage(deal=producing, to_stage="started", on=date(2025, 2, 1), actor=SYSTEM)
    deal_advance_stage(deal=producing, to_stage="producing", on=date(2025, 5, 1), actor=SYSTEM)
    assert started.stage == "started"

    def value(key, end):
        rows = [r for r in measure(key, start=date(2025, 1, 1), end=end) if r["org_id"] == team.pk]
        assert all((r["year"], r["month"]) == (end.year, end.month) for r in rows)
        return sum(r["value"] for r in rows)

    assert value("investment.deals_pipeline", date(2025, 12, 31)) == 2
    assert value("investment.pipeline_amount", date(2025, 12, 31)) == Decimal("10.00")
    assert value("investment.deals_active", date(2025, 4, 30)) == 2  # both before production
    assert value("investment.deals_active", date(2025, 12, 31)) == 1
    assert value("investment.enterprises_in_park", date(2025, 3, 31)) == 1
    assert value("investment.enterprises_in_park", date(2025, 12, 31)) == 2


def test_the_demo_holds_the_reported_fujian_deals():
    load_demo()
    fujian = Organisation.objects.get(code="FC-350000")
    quanzhou = Organisation.objects.get(code="SC-350500")
    tree = set(
        Organisation.objects.filter(ancestor_links__ancestor=fujian).values_list("pk", flat=True)
    )

    def total(key, orgs):
        return sum(r["value"] for r in measure(key) if r["org_id"] in orgs)

    assert total("investment.deals_signed", tree) == 13
    assert total("investment.signed_amount", tree) == Decimal("23805000000.00")  # 238.05亿元
    assert total("investment.deals_signed", {quanzhou.pk}) == 12
    assert total("investment.signed_amount", {quanzhou.pk}) == Decimal("2980000000.00")
    auditor = testing.user(role=Membership.Role.AUDITOR)
    timing = deal_signing_to_production(user=auditor, year=2025, org=quanzhou)
    assert (timing["signed"], timing["same_year"]) == (12, 3)
    assert timing["same_year_share"] == Decimal("0.2500")
    zhangzhou = Organisation.objects.get(code="SC-350600")
    basalt = measure("investment.deals_active", start=date(2025, 1, 1), end=date(2025, 3, 11))
    assert sum(r["value"] for r in basalt if r["org_id"] == zhangzhou.pk) == 1  # producing 3-12
