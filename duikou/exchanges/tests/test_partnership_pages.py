from datetime import date

import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.exchanges.services import partnership_end, partnership_update
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


def _other_partnership():
    shanxi = testing.donor_org(parent=testing.donor_province("140000"), base="653130")
    return testing.partnership(donor_org=shanxi, region="653130")


def _history(partnership) -> list[ChangeEntry]:
    return list(
        ChangeEntry.objects.filter(
            entity="exchanges.partnership", entity_id=str(partnership.pk)
        ).order_by("id")
    )


def _edit_data(partnership, **overrides) -> dict:
    data = {
        "kind": partnership.kind,
        "donor_party_name": partnership.donor_party_name,
        "local_party_name": "昌吉州人民医院",
        "region": partnership.region.code,
        "planned_end": "2027-03-01",
        "note": "",
        "version": partnership.version,
        "reason": "单位更名",
    }
    return data | overrides


def _end_data(partnership, **overrides) -> dict:
    data = {"on": "2025-06-30", "reason": "协议到期", "version": partnership.version}
    return data | overrides


def test_the_list_links_each_partnership_to_its_page(writer, team):
    partnership = testing.partnership(donor_org=team)
    html = writer.get("/exchanges/partnerships/").content.decode()
    assert f"/exchanges/partnerships/{partnership.pk}/" in html


def test_the_partnership_page_shows_its_fields_and_history(writer, team):
    partnership = testing.partnership(donor_org=team, note="双方每年互派骨干")
    response = writer.get(f"/exchanges/partnerships/{partnership.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (partnership.code, "医联体", partnership.local_party_name, "双方每年互派骨干"):
        assert text in html
    assert 'id="history"' in html
    assert f"/exchanges/partnerships/{partnership.pk}/edit/" in html
    assert 'id="end-form"' in html


def test_a_read_only_role_sees_the_page_but_no_edit_or_end(client, team):
    partnership = testing.partnership(donor_org=team)
    client.force_login(testing.user(role=Membership.Role.RECIPIENT, region_code="652300"))
    html = client.get(f"/exchanges/partnerships/{partnership.pk}/").content.decode()
    assert f"/exchanges/partnerships/{partnership.pk}/edit/" not in html
    assert 'id="end-form"' not in html
    assert client.get(f"/exchanges/partnerships/{partnership.pk}/edit/").status_code == 403
    response = client.post(f"/exchanges/partnerships/{partnership.pk}/end/", _end_data(partnership))
    assert response.status_code == 403
    partnership.refresh_from_db()
    assert partnership.status == "active"


def test_a_partnership_out_of_scope_is_not_found(writer):
    other = _other_partnership()
    assert writer.get(f"/exchanges/partnerships/{other.pk}/").status_code == 404
    assert writer.get(f"/exchanges/partnerships/{other.pk}/edit/").status_code == 404
    response = writer.post(f"/exchanges/partnerships/{other.pk}/end/", _end_data(other))
    assert response.status_code == 404


def test_a_partnership_edit_saves_through_the_service_with_history(writer, team):
    partnership = testing.partnership(donor_org=team)
    response = writer.get(f"/exchanges/partnerships/{partnership.pk}/edit/")
    assert response.status_code == 200
    response = writer.post(
        f"/exchanges/partnerships/{partnership.pk}/edit/", _edit_data(partnership)
    )
    assert response.status_code == 302
    assert response["Location"] == f"/exchanges/partnerships/{partnership.pk}/"
    partnership.refresh_from_db()
    assert (partnership.local_party_name, partnership.version) == ("昌吉州人民医院", 2)
    assert partnership.planned_end == date(2027, 3, 1)
    entry = _history(partnership)[-1]
    assert (entry.action, entry.reason, entry.source) == ("update", "单位更名", "页面录入")
    assert entry.after["local_party_name"] == "昌吉州人民医院"


def test_an_invalid_partnership_edit_shows_the_error_beside_the_field_and_writes_nothing(
    writer, team
):
    partnership = testing.partnership(donor_org=team)
    data = _edit_data(partnership, planned_end="2020-01-01")
    response = writer.post(f"/exchanges/partnerships/{partnership.pk}/edit/", data)
    assert response.status_code == 400
    assert "约定截止日期不能早于建立日期" in testing.field_error_html(response, "planned_end")
    partnership.refresh_from_db()
    assert (partnership.planned_end, partnership.version) == (None, 1)
    assert len(_history(partnership)) == 1


def test_a_stale_partnership_edit_is_refused_and_shows_the_other_change(writer, team):
    partnership = testing.partnership(donor_org=team)
    data = _edit_data(partnership)
    partnership_update(
        partnership=partnership, version=1, note="他人的修改", reason="他人补充", actor=SYSTEM
    )
    response = writer.post(f"/exchanges/partnerships/{partnership.pk}/edit/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict"' in html
    assert "他人的修改" in html and "他人补充" in html
    partnership.refresh_from_db()
    assert (partnership.note, partnership.version) == ("他人的修改", 2)
    assert partnership.local_party_name != "昌吉州人民医院"


def test_ending_a_partnership_records_the_date_and_reason(writer, team):
    partnership = testing.partnership(donor_org=team)
    response = writer.post(f"/exchanges/partnerships/{partnership.pk}/end/", _end_data(partnership))
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.status, partnership.ended_on) == ("ended", date(2025, 6, 30))
    entry = _history(partnership)[-1]
    assert (entry.action, entry.reason, entry.source) == ("transition", "协议到期", "页面录入")
    html = writer.get(f"/exchanges/partnerships/{partnership.pk}/").content.decode()
    assert "已结束" in html
    assert 'id="end-form"' not in html


def test_ending_without_a_reason_or_before_the_start_shows_the_error_and_writes_nothing(
    writer, team
):
    partnership = testing.partnership(donor_org=team)
    url = f"/exchanges/partnerships/{partnership.pk}/end/"
    response = writer.post(url, _end_data(partnership, reason=""))
    assert response.status_code == 400
    assert "结束合作必须说明原因" in testing.field_error_html(response, "reason")
    response = writer.post(url, _end_data(partnership, on="2020-01-01"))
    assert response.status_code == 400
    assert "结束日期不能早于建立日期" in testing.field_error_html(response, "on")
    partnership.refresh_from_db()
    assert (partnership.status, partnership.version) == ("active", 1)
    assert len(_history(partnership)) == 1


def test_ending_a_partnership_someone_changed_meanwhile_is_refused(writer, team):
    partnership = testing.partnership(donor_org=team)
    data = _end_data(partnership)
    partnership_update(partnership=partnership, version=1, note="他人的修改", actor=SYSTEM)
    response = writer.post(f"/exchanges/partnerships/{partnership.pk}/end/", data)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.status == "active"


def test_ending_an_ended_partnership_is_refused(writer, team):
    partnership = testing.partnership(donor_org=team)
    partnership = partnership_end(
        partnership=partnership, on=date(2025, 1, 1), reason="到期", actor=SYSTEM
    )
    response = writer.post(f"/exchanges/partnerships/{partnership.pk}/end/", _end_data(partnership))
    assert response.status_code == 400
    assert "该合作已结束" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.ended_on == date(2025, 1, 1)
