from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from duikou.core import testing
from duikou.investment.selectors import (
    deal_conversion_rates,
    deal_funnel,
    deal_list_for_user,
    deal_signing_to_production,
    deal_stage_history,
    get_deal_for_user,
    get_deal_for_user_rw,
)
from duikou.investment.services import deal_advance_stage
from duikou.orgs.models import Membership
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def walk(deal, *steps):
    for stage, day, *reason in steps:
        deal = deal_advance_stage(
            deal=deal, to_stage=stage, on=day, reason=(reason or [""])[0], actor=SYSTEM
        )
    return deal


@pytest.fixture
def team():
    """Nine deals of one team, with the 2025 funnel worked out by hand below."""
    team = testing.donor_org()
    d = {n: testing.deal(donor_org=team, code=f"F-{n}") for n in (1, 2, 3, 4, 5, 8)}
    walk(  # signed, started and producing in 2025: 153 days
        d[1],
        ("reserve", date(2025, 2, 1)),
        ("negotiating", date(2025, 3, 1)),
        ("signed", date(2025, 4, 1)),
        ("started", date(2025, 5, 1)),
        ("producing", date(2025, 9, 1)),
    )
    walk(
        d[2],
        ("reserve", date(2025, 2, 1)),
        ("negotiating", date(2025, 3, 1)),
        ("signed", date(2025, 6, 1)),
        ("started", date(2025, 8, 1)),
    )
    walk(d[3], ("reserve", date(2025, 2, 1)), ("negotiating", date(2025, 3, 1)))
    walk(d[4], ("reserve", date(2025, 2, 1)))
    walk(  # skips 储备 with a reason, then ends
        d[8],
        ("negotiating", date(2025, 3, 1), "直接进入洽谈"),
        ("terminated", date(2025, 4, 1), "企业放弃"),
    )
    six = testing.deal(donor_org=team, code="F-6", stage_date=date(2024, 3, 1))
    walk(  # signed in 2024, started and producing in 2025
        six,
        ("reserve", date(2024, 5, 1)),
        ("negotiating", date(2024, 6, 1)),
        ("signed", date(2024, 12, 1)),
        ("started", date(2025, 2, 1)),
        ("producing", date(2025, 10, 1)),
    )
    testing.deal(donor_org=team, code="F-7", stage_date=date(2024, 1, 1))  # nothing in 2025
    nine = testing.deal(donor_org=team, code="F-9", stage="signed", stage_date=date(2025, 3, 1))
    walk(nine, ("started", date(2025, 4, 15)), ("producing", date(2026, 1, 20)))  # 325 days
    testing.deal(code="OTHER-1")  # another team's deal never counts
    return team


def test_the_funnel_counts_each_deal_up_to_the_furthest_stage_reached_in_the_year(team):
    user = testing.user(role=Membership.Role.AUDITOR)
    funnel = deal_funnel(user=user, year=2025, org=team)
    assert [(s["label"], s["count"]) for s in funnel["stages"]] == [
        ("线索", 8),
        ("储备", 7),
        ("洽谈", 6),
        ("签约", 4),
        ("开工", 4),
        ("投产", 2),
    ]
    assert funnel["terminated"] == 1
    assert [s["count"] for s in deal_funnel(user=user, year=2024, org=team)["stages"]] == [
        2,
        1,
        1,
        1,
        0,
        0,
    ]


def test_conversion_rates_between_consecutive_stages(team):
    user = testing.user(role=Membership.Role.AUDITOR)
    rates = deal_conversion_rates(user=user, year=2025, org=team)
    assert [(r["label"], r["rate"]) for r in rates] == [
        ("线索→储备", Decimal("0.8750")),
        ("储备→洽谈", Decimal("0.8571")),
        ("洽谈→签约", Decimal("0.6667")),
        ("签约→开工", Decimal("1.0000")),
        ("开工→投产", Decimal("0.5000")),
    ]
    empty = deal_conversion_rates(user=user, year=2030, org=team)
    assert {r["rate"] for r in empty} == {None}


def test_signing_to_production_times_and_the_same_year_share(team):
    user = testing.user(role=Membership.Role.AUDITOR)
    timing = deal_signing_to_production(user=user, year=2025, org=team)
    assert timing["signed"] == 3  # F-1, F-2, F-9
    assert [(r["code"], r["days"]) for r in timing["produced"]] == [("F-9", 325), ("F-1", 153)]
    assert timing["median_days"] == Decimal("239")
    assert timing["same_year"] == 1
    assert timing["same_year_share"] == Decimal("0.3333")
    earlier = deal_signing_to_production(user=user, year=2024, org=team)
    assert [r["days"] for r in earlier["produced"]] == [304]
    assert (earlier["same_year"], earlier["same_year_share"]) == (0, Decimal("0.0000"))


def test_the_funnel_only_counts_what_the_user_may_see(team):
    stranger = testing.user(role=Membership.Role.SUB_COMMAND, organisation=testing.donor_org())
    assert [s["count"] for s in deal_funnel(user=stranger, year=2025)["stages"]] == [0] * 6
    member = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    assert deal_funnel(user=member, year=2025)["stages"][0]["count"] == 8


def test_a_team_sees_its_deals_and_not_another_teams():
    team, other = testing.donor_org(), testing.donor_org()
    mine, theirs = testing.deal(donor_org=team), testing.deal(donor_org=other)
    user = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    assert list(deal_list_for_user(user=user)) == [mine]
    assert get_deal_for_user_rw(user=user, pk=mine.pk) == mine
    with pytest.raises(Http404):
        get_deal_for_user(user=user, pk=theirs.pk)


def test_a_recipient_government_reads_deals_in_its_area_but_cannot_change_them():
    inside = testing.deal(region="652328")
    outside = testing.deal(region="653130")
    user = testing.user(role=Membership.Role.RECIPIENT, region_code="652300")
    assert set(deal_list_for_user(user=user)) == {inside}
    with pytest.raises(PermissionDenied):
        get_deal_for_user_rw(user=user, pk=inside.pk)
    assert outside not in deal_list_for_user(user=user)


def test_the_list_filters_and_runs_one_query(django_assert_num_queries):
    team = testing.donor_org()
    for n in range(4):
        testing.deal(donor_org=team, stage="signed" if n % 2 else "lead", signed_amount="1.00")
    user = testing.user(role=Membership.Role.AUDITOR)
    deals = deal_list_for_user(user=user, org=team, stage="signed", signed_year=2025)
    with django_assert_num_queries(1):
        rows = [(d.donor_org.name, d.region.name, d.prefecture.name) for d in deals]
    assert len(rows) == 2


def test_the_stage_history_is_oldest_first():
    deal = walk(testing.deal(), ("reserve", date(2025, 2, 1)))
    assert [c.to_stage for c in deal_stage_history(deal=deal)] == ["lead", "reserve"]
