from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from duikou.core import testing
from duikou.exchanges.selectors import (
    event_list_for_user,
    event_totals_for_user,
    get_event_for_user,
    get_event_for_user_rw,
    get_partnership_for_user_rw,
    get_sales_channel_for_user_rw,
    partnership_list_for_user,
    sales_channel_list_for_user,
    sales_totals_for_user,
)
from duikou.exchanges.services import partnership_end, sales_record_create
from duikou.orgs.models import Membership
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def test_event_totals_sum_outcomes_per_kind():
    team = testing.donor_org()
    testing.event(organiser=team, amount_traded="1000000.00", exhibitors=20, participants=300)
    testing.event(organiser=team, amount_traded="0.01", participants=50)
    testing.event(organiser=team, kind="free_clinic", people_served=120, medicine_value="5000")
    testing.event(organiser=team, kind="performance", on=date(2024, 7, 8))
    user = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    totals = {t["kind"]: t for t in event_totals_for_user(user=user, year=2025)}
    assert (totals["fair"]["events"], totals["fair"]["participants"]) == (2, 350)
    assert totals["fair"]["amount_traded"] == Decimal("1000000.01")
    assert totals["free_clinic"]["medicine_value"] == Decimal("5000.00")
    assert totals["performance"]["events"] == 0
    assert event_list_for_user(user=user, kind="performance").count() == 1


def test_events_are_scoped_to_the_organiser_or_the_place():
    team = testing.donor_org()
    event = testing.event(organiser=team, region="652325")
    elsewhere = testing.event(region="653130")
    qitai = testing.user(role=Membership.Role.RECIPIENT, region_code="652325")
    assert list(event_list_for_user(user=qitai)) == [event]
    with pytest.raises(PermissionDenied):
        get_event_for_user_rw(user=qitai, pk=event.pk)
    with pytest.raises(Http404):
        get_event_for_user(user=qitai, pk=elsewhere.pk)
    owner = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    assert get_event_for_user_rw(user=owner, pk=event.pk) == event


def test_partnerships_in_force_on_a_day():
    team = testing.donor_org()
    lasting = testing.partnership(donor_org=team)
    ended = testing.partnership(donor_org=team)
    partnership_end(partnership=ended, on=date(2024, 12, 31), reason="协议到期", actor=SYSTEM)
    user = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    assert set(partnership_list_for_user(user=user, active_on=date(2025, 6, 1))) == {lasting}
    assert partnership_list_for_user(user=user, active_on=date(2024, 6, 1)).count() == 2
    assert get_partnership_for_user_rw(user=user, pk=lasting.pk) == lasting


def test_sales_totals_count_operators_channels_and_money():
    team = testing.donor_org()
    first = testing.sales_channel(donor_org=team, operator="外销主体A")
    second = testing.sales_channel(donor_org=team, operator="外销主体A", kind="online")
    testing.sales_channel(donor_org=team, operator="外销主体B")
    for channel, sales in ((first, "100.10"), (second, "0.20")):
        sales_record_create(
            channel=channel,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            sales_amount=sales,
            subsidy_paid="10.00",
            actor=SYSTEM,
        )
    user = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    totals = sales_totals_for_user(user=user, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert totals["operators"] == 2
    assert totals["channels"] == {"store": 2, "fair": 0, "online": 1, "other": 0}
    assert (totals["sales"], totals["subsidies"]) == (Decimal("100.30"), Decimal("20.00"))
    assert sales_channel_list_for_user(user=user, kind="online").get() == second
    assert get_sales_channel_for_user_rw(user=user, pk=first.pk) == first
