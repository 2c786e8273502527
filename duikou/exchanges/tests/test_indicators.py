import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from duikou.core import testing
from duikou.core.demo import _organisations_load
from duikou.exchanges.demo import load
from duikou.exchanges.indicators import RECORD_INDICATORS
from duikou.exchanges.selectors import sales_totals_for_user
from duikou.exchanges.services import partnership_end
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


def total(key, org, **period):
    rows = RECORD_INDICATORS[key](**(period or YEAR_2025))
    return sum(r["value"] for r in rows if r["org_id"] == org.pk)


def test_every_exchanges_key_of_the_catalogue_has_a_function():
    with open(CATALOGUE, encoding="utf-8") as handle:
        keys = {r["record_source"] for r in csv.DictReader(handle)}
    assert {k for k in keys if k.startswith("exchanges.")} == set(RECORD_INDICATORS)


def test_events_count_in_their_month_for_their_organiser():
    team = testing.donor_org()
    testing.event(organiser=team, amount_traded="10.10", exhibitors=4, on=date(2025, 9, 6))
    testing.event(organiser=team, amount_traded="0.05", exhibitors=1, on=date(2025, 9, 30))
    testing.event(organiser=team, kind="study_tour", participants=76, on=date(2025, 5, 20))
    testing.event(organiser=team, kind="performance", participants=500, on=date(2025, 7, 8))
    testing.event(organiser=team, kind="free_clinic", on=date(2024, 7, 8))  # outside 2025
    fairs = [
        r for r in RECORD_INDICATORS["exchanges.fair_sales"](**YEAR_2025) if r["org_id"] == team.pk
    ]
    assert [(r["year"], r["month"], r["value"]) for r in fairs] == [(2025, 9, Decimal("10.15"))]
    assert total("exchanges.fairs", team) == 2
    assert total("exchanges.fair_exhibitors", team) == 5
    assert total("exchanges.events", team) == 2  # the study tour and the performance
    assert total("exchanges.event_participants", team) == 576
    assert total("exchanges.study_tour_participants", team) == 76
    assert total("exchanges.performances", team) == 1
    assert total("exchanges.free_clinics", team) == 0


def test_partnerships_in_force_at_the_end_of_the_range():
    team = testing.donor_org()
    testing.partnership(donor_org=team, local_party_name="甲县人民医院")
    testing.partnership(donor_org=team, kind="telemedicine", local_party_name="甲县人民医院")
    ended = testing.partnership(donor_org=team, local_party_name="乙县人民医院")
    partnership_end(partnership=ended, on=date(2025, 3, 1), reason="协议到期", actor=SYSTEM)
    testing.partnership(donor_org=team, kind="school_pairing", local_party_name="丙中学")
    testing.partnership(donor_org=team, kind="friendly_school", local_party_name="丙中学")
    end_2024 = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}
    assert total("exchanges.partnerships.medical", team, **end_2024) == 3
    assert total("exchanges.partnerships.medical", team) == 2
    assert total("exchanges.partnerships.hospital", team) == 1
    assert total("exchanges.partnerships.school", team) == 1
    rows = RECORD_INDICATORS["exchanges.partnerships.school"](**YEAR_2025)
    assert {(r["year"], r["month"]) for r in rows} == {(2025, 12)}


def test_the_demo_holds_the_reported_events_and_sales():
    load_demo()
    quanzhou = Organisation.objects.get(code="SC-350500")
    assert total("exchanges.investment_events", quanzhou) == 15  # 招商活动15场次
    assert total("exchanges.promotion_meetings", quanzhou) == 9  # 推介会9场
    assert total("exchanges.fair_sales", quanzhou) == Decimal("1000000.00")
    assert total("exchanges.fair_exhibitors", quanzhou) == 20
    shanxi = Organisation.objects.get(code="FC-140000")
    july = {"start": date(2025, 7, 1), "end": date(2025, 7, 31)}
    assert total("exchanges.performances", shanxi, **july) == 1
    fifth = Organisation.objects.get(code="WT-140000-5")
    assert total("exchanges.study_tour_participants", fifth) == 97  # 76 + 21
    fuzhou = Organisation.objects.get(code="SC-350100")
    assert total("exchanges.fairs", fuzhou, start=date(2025, 9, 6), end=date(2025, 9, 6)) == 1
    fujian = Organisation.objects.get(code="FC-350000")
    assert total("exchanges.partnerships.medical", fujian) == 3
    user = testing.user(role=Membership.Role.SUB_COMMAND, organisation=quanzhou)
    sales = sales_totals_for_user(user=user)
    assert (sales["operators"], sales["channels"]["store"]) == (10, 27)
    assert (sales["sales"], sales["subsidies"]) == (Decimal("32140000.00"), Decimal("1990000.00"))
