"""The 更正 and 作废 pages of a channel's sales records: who may use them, refusals beside
their fields, a correction on an old version answered with what the other person did, and
voided records listed on the channel page from the history."""

from datetime import date
from decimal import Decimal

import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.exchanges.models import SalesRecord
from duikou.exchanges.services import sales_record_correct, sales_record_create
from duikou.orgs.models import Membership
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    team = testing.donor_org(base="652301")
    elsewhere = testing.donor_org(parent=testing.donor_province("140000"), base="653130")
    channel = testing.sales_channel(donor_org=team, region="652301")
    other = testing.sales_channel(donor_org=elsewhere, region="653130")
    return {
        "channel": channel,
        "record": _period(channel),
        "other": _period(other),
        "writer": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "reader": testing.user(role=Membership.Role.RECIPIENT, region_code="652300"),
        "national": testing.user(role=Membership.Role.NATIONAL, region_code="650000"),
    }


def _period(channel):
    return sales_record_create(
        channel=channel,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        sales_amount="120000.50",
        subsidy_paid="7000.00",
        note="一季度",
        actor=SYSTEM,
    )


def _correction(record, **overrides) -> dict:
    data = {
        "period_start": record.period_start.isoformat(),
        "period_end": record.period_end.isoformat(),
        "sales_amount": str(record.sales_amount),
        "subsidy_paid": str(record.subsidy_paid),
        "note": record.note,
        "reason": "销售额录入有误",
        "version": record.version,
    }
    return data | overrides


def _correct_url(record) -> str:
    return f"/exchanges/sales/{record.pk}/correct/"


def _void_url(record) -> str:
    return f"/exchanges/sales/{record.pk}/void/"


def _channel_url(record) -> str:
    return f"/exchanges/channels/{record.channel_id}/"


def test_writers_see_correct_and_void_on_each_row_readers_do_not(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    page = client.get(_channel_url(record)).content.decode()
    assert f'href="{_correct_url(record)}"' in page
    assert f'action="{_void_url(record)}"' in page
    client.force_login(world["reader"])
    page = client.get(_channel_url(record)).content.decode()
    assert "/correct/" not in page
    assert "/void/" not in page


def test_a_correction_saves_through_the_service_and_returns_to_the_channel(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    page = client.get(_correct_url(record))
    assert page.status_code == 200
    assert 'value="120000.50"' in page.content.decode()
    response = client.post(
        _correct_url(record),
        _correction(record, sales_amount="12000.05", period_end="2025-04-30"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_channel_url(record)}#sales"
    record.refresh_from_db()
    assert (record.sales_amount, record.period_end, record.month, record.version) == (
        Decimal("12000.05"),
        date(2025, 4, 30),
        4,
        2,
    )
    entry = ChangeEntry.objects.filter(entity="exchanges.salesrecord").latest("id")
    assert (entry.action, entry.reason, entry.source, entry.actor) == (
        "update",
        "销售额录入有误",
        "页面录入",
        world["writer"],
    )
    totals = client.get(_channel_url(record)).context["totals"]
    assert (totals["periods"], totals["sales"]) == (1, Decimal("12000.05"))


def test_a_refused_correction_shows_its_reason_beside_the_field(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    response = client.post(_correct_url(record), _correction(record, sales_amount="1", reason=""))
    assert response.status_code == 400
    assert "更正销售记录必须说明原因" in testing.field_error_html(response, "reason")
    response = client.post(_correct_url(record), _correction(record, period_end="2024-12-31"))
    assert response.status_code == 400
    assert "期间结束不能早于期间开始" in testing.field_error_html(response, "period_end")
    record.refresh_from_db()
    assert (record.sales_amount, record.version) == (Decimal("120000.50"), 1)


def test_a_correction_on_an_old_version_shows_the_other_change_then_saves(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    mine = _correction(record, sales_amount="12000.05")
    sales_record_correct(
        record=record, version=1, reason="他人的更正", subsidy_paid="6000.00", actor=SYSTEM
    )
    response = client.post(_correct_url(record), mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="conflict"' in page
    assert "已被他人修改" in page
    assert "他人的更正" in page
    assert 'name="version" value="2"' in page  # merged, it can be saved once
    record.refresh_from_db()
    assert (record.sales_amount, record.subsidy_paid) == (Decimal("120000.50"), Decimal("6000.00"))
    assert client.post(_correct_url(record), mine | {"version": 2}).status_code == 302
    record.refresh_from_db()
    assert (record.sales_amount, record.version) == (Decimal("12000.05"), 3)


def test_a_void_removes_the_record_and_lists_it_as_voided(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    response = client.post(_void_url(record), {"reason": "", "version": 1})
    assert response.status_code == 400
    assert "作废销售记录必须说明原因" in testing.field_error_html(response, "reason")
    assert SalesRecord.objects.filter(pk=record.pk).exists()
    response = client.post(_void_url(record), {"reason": "重复登记", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"{_channel_url(record)}#sales"
    assert not SalesRecord.objects.filter(pk=record.pk).exists()
    entry = ChangeEntry.objects.filter(entity="exchanges.salesrecord").latest("id")
    assert (entry.action, entry.source) == ("delete", "页面录入")
    client.force_login(world["national"])
    response = client.get(_channel_url(record))
    page = response.content.decode()
    assert 'id="voided"' in page
    assert "重复登记" in page
    [voided] = response.context["voided"]
    assert (voided.period_start, voided.sales_amount, voided.voided_by) == (
        date(2025, 1, 1),
        Decimal("120000.50"),
        world["writer"],
    )
    assert response.context["totals"]["periods"] == 0
    client.force_login(world["reader"])
    assert 'id="voided"' not in client.get(_channel_url(record)).content.decode()


def test_a_void_on_an_old_version_is_a_conflict(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    sales_record_correct(
        record=record, version=1, reason="他人的更正", note="一季度（核对）", actor=SYSTEM
    )
    response = client.post(_void_url(record), {"reason": "重复", "version": 1})
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="conflict"' in page
    assert 'name="version" value="2"' in page
    assert SalesRecord.objects.filter(pk=record.pk).exists()


def test_a_reader_is_refused_and_an_outsider_finds_nothing(client, world):
    record, other = world["record"], world["other"]
    client.force_login(world["reader"])
    assert client.get(_correct_url(record)).status_code == 403
    assert client.post(_void_url(record), {"reason": "x", "version": 1}).status_code == 403
    client.force_login(world["writer"])
    assert client.get(_correct_url(other)).status_code == 404
    assert client.post(_void_url(other), {"reason": "x", "version": 1}).status_code == 404
    assert SalesRecord.objects.filter(pk__in=[record.pk, other.pk]).count() == 2


def test_the_records_list_links_each_sales_record_to_its_channel(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    page = client.get("/exchanges/channels/").content.decode()
    assert 'href="/records/sales_records/"' in page
    response = client.get("/records/sales_records/")
    assert [row["parent"] for row in response.context["rows"]] == [_channel_url(record)]
