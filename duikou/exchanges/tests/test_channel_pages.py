from datetime import date
from decimal import Decimal

import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.exchanges.models import SalesRecord
from duikou.exchanges.services import sales_channel_update, sales_record_create
from duikou.orgs.models import Membership
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return testing.donor_org()


@pytest.fixture
def writer(client, team):
    client.force_login(testing.user(role=Membership.Role.SUB_COMMAND, organisation=team))
    return client


def _other_channel():
    shanxi = testing.donor_org(parent=testing.donor_province("140000"), base="653130")
    return testing.sales_channel(donor_org=shanxi, region="653130")


def _history(channel) -> list[ChangeEntry]:
    return list(
        ChangeEntry.objects.filter(
            entity="exchanges.saleschannel", entity_id=str(channel.pk)
        ).order_by("id")
    )


def _edit_data(channel, **overrides) -> dict:
    data = {
        "name": "昌吉农特产品福州旗舰店",
        "operator": channel.operator,
        "region": channel.region.code,
        "location": "福州市鼓楼区",
        "is_active": "on",
        "note": "",
        "version": channel.version,
        "reason": "门店更名",
    }
    return data | overrides


def _sales_data(**overrides) -> dict:
    data = {
        "period_start": "2025-03-01",
        "period_end": "2025-03-31",
        "sales_amount": "125000.50",
        "subsidy_paid": "8000",
        "note": "春季促销",
    }
    return data | overrides


def _with_two_periods(channel):
    sales_record_create(
        channel=channel,
        period_start=date(2024, 12, 1),
        period_end=date(2024, 12, 31),
        sales_amount="1000.00",
        subsidy_paid="100.00",
        actor=SYSTEM,
    )
    sales_record_create(
        channel=channel,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 1, 31),
        sales_amount="2500.50",
        actor=SYSTEM,
    )


def test_the_list_links_each_channel_to_its_page(writer, team):
    channel = testing.sales_channel(donor_org=team)
    html = writer.get("/exchanges/channels/").content.decode()
    assert f"/exchanges/channels/{channel.pk}/" in html


def test_the_channel_page_lists_sales_per_period_with_totals(writer, team):
    channel = testing.sales_channel(donor_org=team)
    _with_two_periods(channel)
    response = writer.get(f"/exchanges/channels/{channel.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert channel.name in html and channel.operator in html
    # The table's columns are in 万元, said in their headers; the key figure keeps the fen.
    assert "销售额（万元）" in html and "发放补贴（万元）" in html
    assert '<td class="num">0.25</td>' in html  # 2,500.50元
    assert 'id="sales-total">0.35<' in html  # 3,500.50元
    assert 'id="subsidy-total">0.01<' in html  # 100.00元
    assert "<dd>3,500.50元</dd>" in html
    assert 'id="sales-by-year"' in html  # two years of sales
    assert 'id="history"' in html
    assert f"/exchanges/channels/{channel.pk}/edit/" in html
    assert 'id="sales-form"' in html


def test_a_read_only_role_sees_the_page_but_cannot_edit_or_add_sales(client, team):
    channel = testing.sales_channel(donor_org=team)
    client.force_login(testing.user(role=Membership.Role.RECIPIENT, region_code="652300"))
    html = client.get(f"/exchanges/channels/{channel.pk}/").content.decode()
    assert f"/exchanges/channels/{channel.pk}/edit/" not in html
    assert 'id="sales-form"' not in html
    assert client.get(f"/exchanges/channels/{channel.pk}/edit/").status_code == 403
    response = client.post(f"/exchanges/channels/{channel.pk}/sales/", _sales_data())
    assert response.status_code == 403
    assert not SalesRecord.objects.exists()


def test_a_channel_out_of_scope_is_not_found(writer):
    other = _other_channel()
    assert writer.get(f"/exchanges/channels/{other.pk}/").status_code == 404
    assert writer.get(f"/exchanges/channels/{other.pk}/edit/").status_code == 404
    assert writer.post(f"/exchanges/channels/{other.pk}/sales/", _sales_data()).status_code == 404
    assert not SalesRecord.objects.exists()


def test_a_channel_edit_saves_through_the_service_with_history(writer, team):
    channel = testing.sales_channel(donor_org=team)
    assert writer.get(f"/exchanges/channels/{channel.pk}/edit/").status_code == 200
    response = writer.post(f"/exchanges/channels/{channel.pk}/edit/", _edit_data(channel))
    assert response.status_code == 302
    assert response["Location"] == f"/exchanges/channels/{channel.pk}/"
    channel.refresh_from_db()
    assert (channel.name, channel.location, channel.version) == (
        "昌吉农特产品福州旗舰店",
        "福州市鼓楼区",
        2,
    )
    entry = _history(channel)[-1]
    assert (entry.action, entry.reason, entry.source) == ("update", "门店更名", "页面录入")


def test_a_channel_can_be_marked_closed(writer, team):
    channel = testing.sales_channel(donor_org=team)
    data = _edit_data(channel)
    del data["is_active"]  # an unticked box is not sent
    assert writer.post(f"/exchanges/channels/{channel.pk}/edit/", data).status_code == 302
    channel.refresh_from_db()
    assert channel.is_active is False


def test_an_invalid_channel_edit_shows_the_error_beside_the_field_and_writes_nothing(writer, team):
    channel = testing.sales_channel(donor_org=team)
    data = _edit_data(channel, region="不存在的地方")
    response = writer.post(f"/exchanges/channels/{channel.pk}/edit/", data)
    assert response.status_code == 400
    assert "找不到地区“不存在的地方”" in testing.field_error_html(response, "region")
    channel.refresh_from_db()
    assert (channel.name, channel.version) != ("昌吉农特产品福州旗舰店", 2)
    assert len(_history(channel)) == 1


def test_a_stale_channel_edit_is_refused_and_shows_the_other_change(writer, team):
    channel = testing.sales_channel(donor_org=team)
    data = _edit_data(channel)
    sales_channel_update(channel=channel, version=1, operator="他人的修改", actor=SYSTEM)
    response = writer.post(f"/exchanges/channels/{channel.pk}/edit/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict"' in html and "他人的修改" in html
    channel.refresh_from_db()
    assert (channel.operator, channel.version) == ("他人的修改", 2)
    assert channel.name != "昌吉农特产品福州旗舰店"


def test_a_sales_record_is_added_with_history(writer, team):
    channel = testing.sales_channel(donor_org=team)
    response = writer.post(f"/exchanges/channels/{channel.pk}/sales/", _sales_data())
    assert response.status_code == 302
    record = SalesRecord.objects.get(channel=channel)
    assert (record.sales_amount, record.subsidy_paid) == (Decimal("125000.50"), Decimal("8000"))
    assert (record.year, record.month) == (2025, 3)
    entry = ChangeEntry.objects.get(entity="exchanges.salesrecord", entity_id=str(record.pk))
    assert (entry.action, entry.source) == ("create", "页面录入")
    html = writer.get(f"/exchanges/channels/{channel.pk}/").content.decode()
    assert "12.50万元" in html


def test_a_blank_subsidy_counts_as_none_paid(writer, team):
    channel = testing.sales_channel(donor_org=team)
    data = _sales_data(subsidy_paid="")
    assert writer.post(f"/exchanges/channels/{channel.pk}/sales/", data).status_code == 302
    assert SalesRecord.objects.get(channel=channel).subsidy_paid == Decimal("0")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"sales_amount": "-5"}, "sales_amount", "销售额不能为负数"),
        ({"subsidy_paid": "-1"}, "subsidy_paid", "发放补贴不能为负数"),
        ({"sales_amount": "很多"}, "sales_amount", "不是有效的金额"),
        ({"period_end": "2025-02-01"}, "period_end", "期间结束不能早于期间开始"),
        ({"period_start": "2025-13-01"}, "period_start", "有效的日期"),
        ({"period_start": "2025-01-15"}, "period_start", "期间不能重叠"),
    ],
)
def test_a_refused_sales_record_shows_the_error_beside_the_field_and_writes_nothing(
    writer, team, overrides, field, message
):
    channel = testing.sales_channel(donor_org=team)
    _with_two_periods(channel)
    before = SalesRecord.objects.count(), ChangeEntry.objects.count()
    response = writer.post(f"/exchanges/channels/{channel.pk}/sales/", _sales_data(**overrides))
    assert response.status_code == 400
    assert message in testing.field_error_html(response, field)
    assert (SalesRecord.objects.count(), ChangeEntry.objects.count()) == before
