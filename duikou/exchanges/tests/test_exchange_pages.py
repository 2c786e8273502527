import pytest

from duikou.core import testing
from duikou.exchanges.models import Partnership, SalesChannel
from duikou.exchanges.services import event_update
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


@pytest.fixture
def reader(client):
    client.force_login(testing.user(role=Membership.Role.RECIPIENT, region_code="652300"))
    return client


def _event_data(event, **overrides) -> dict:
    data = {
        "kind": event.kind,
        "title": event.title,
        "on": "2025-09-06",
        "end_on": "",
        "place": event.place,
        "region": event.region.code,
        "participants": "250",
        "exhibitors": "0",
        "deals_signed": "0",
        "amount_traded": "0",
        "intended_orders": "0",
        "people_served": "0",
        "medicine_value": "0",
        "note": "",
        "version": event.version,
        "reason": "补录成效",
    }
    return data | overrides


def test_an_event_edit_saves_through_the_service(writer, team):
    event = testing.event(organiser=team)
    assert (
        f"/exchanges/events/{event.pk}/edit/"
        in writer.get(f"/exchanges/events/{event.pk}/").content.decode()
    )
    response = writer.post(f"/exchanges/events/{event.pk}/edit/", _event_data(event))
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.participants, event.version) == (250, 2)


def test_an_invalid_event_edit_shows_the_error_beside_the_field_and_writes_nothing(writer, team):
    event = testing.event(organiser=team)
    data = _event_data(event, participants="-1")
    response = writer.post(f"/exchanges/events/{event.pk}/edit/", data)
    assert response.status_code == 400
    assert "参加人数不能为负数" in testing.field_error_html(response, "participants")
    event.refresh_from_db()
    assert (event.participants, event.version) == (200, 1)


def test_a_stale_event_edit_is_refused(writer, team):
    event = testing.event(organiser=team)
    data = _event_data(event)
    event_update(event=event, version=event.version, title="他人的修改", actor=SYSTEM)
    response = writer.post(f"/exchanges/events/{event.pk}/edit/", data)
    assert response.status_code == 409
    assert 'id="conflict"' in response.content.decode()
    event.refresh_from_db()
    assert (event.title, event.participants) == ("他人的修改", 200)


def test_an_event_edit_is_refused_to_a_read_only_role_and_hidden_out_of_scope(client, team):
    event = testing.event(organiser=team)
    client.force_login(testing.user(role=Membership.Role.RECIPIENT, region_code="652300"))
    assert client.get(f"/exchanges/events/{event.pk}/").status_code == 200
    assert (
        f"/exchanges/events/{event.pk}/edit/"
        not in client.get(f"/exchanges/events/{event.pk}/").content.decode()
    )
    assert client.get(f"/exchanges/events/{event.pk}/edit/").status_code == 403
    other = testing.event(
        organiser=testing.donor_org(parent=testing.donor_province("140000"), base="653130"),
        region="653130",
    )
    client.force_login(testing.user(role=Membership.Role.SUB_COMMAND, organisation=team))
    assert client.get(f"/exchanges/events/{other.pk}/edit/").status_code == 404


def _partnership_data(team, **overrides) -> dict:
    data = {
        "code": "PS-NEW-1",
        "kind": "medical_alliance",
        "donor_org": team.pk,
        "donor_party_name": "福建省立医院",
        "local_party_name": "昌吉市人民医院",
        "region": "652301",
        "signed_on": "2025-03-01",
        "planned_end": "",
        "note": "",
    }
    return data | overrides


def test_a_partnership_is_created(writer, team):
    assert "/exchanges/partnerships/new/" in writer.get("/exchanges/partnerships/").content.decode()
    response = writer.post("/exchanges/partnerships/new/", _partnership_data(team))
    assert response.status_code == 302
    partnership = Partnership.objects.get(code="PS-NEW-1")
    assert (partnership.donor_org, partnership.region.code) == (team, "652301")


def test_an_invalid_partnership_shows_the_error_beside_the_field(writer, team):
    data = _partnership_data(team, planned_end="2024-01-01")
    response = writer.post("/exchanges/partnerships/new/", data)
    assert response.status_code == 400
    assert "约定截止日期不能早于建立日期" in testing.field_error_html(response, "planned_end")
    assert not Partnership.objects.exists()


def test_new_partnerships_and_channels_are_refused_to_read_only_roles(reader):
    assert (
        "/exchanges/partnerships/new/"
        not in reader.get("/exchanges/partnerships/").content.decode()
    )
    assert reader.get("/exchanges/partnerships/new/").status_code == 403
    assert reader.get("/exchanges/channels/new/").status_code == 403
    assert reader.post("/exchanges/channels/new/", {"code": "SC-X"}).status_code == 403
    assert not SalesChannel.objects.exists()


def _channel_data(team, **overrides) -> dict:
    data = {
        "code": "SC-NEW-1",
        "name": "新疆农特产品馆",
        "kind": "store",
        "operator": "测试商贸公司",
        "donor_org": team.pk,
        "region": "652301",
        "location": "福州",
        "opened_on": "2025-05-01",
        "note": "",
    }
    return data | overrides


def test_a_sales_channel_is_created(writer, team):
    assert "/exchanges/channels/new/" in writer.get("/exchanges/channels/").content.decode()
    response = writer.post("/exchanges/channels/new/", _channel_data(team))
    assert response.status_code == 302
    assert SalesChannel.objects.get(code="SC-NEW-1").donor_org == team


def test_an_unknown_place_is_shown_beside_the_region(writer, team):
    response = writer.post("/exchanges/channels/new/", _channel_data(team, region="不存在的地方"))
    assert response.status_code == 400
    assert "找不到地区“不存在的地方”" in testing.field_error_html(response, "region")
    assert not SalesChannel.objects.exists()
