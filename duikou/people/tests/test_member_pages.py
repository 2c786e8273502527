import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.orgs.models import Membership
from duikou.people.services import member_update
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db
VALID_ID = "11010519491231002X"
OTHER_ID = "110105194912310038"  # same birth date, sequence 003, check digit 8
PHONE = "13912345678"


@pytest.fixture
def team():
    return testing.donor_org()


@pytest.fixture
def writer(client, team):
    client.force_login(testing.user(role=Membership.Role.SUB_COMMAND, organisation=team))
    return client


@pytest.fixture
def member(team):
    batch = testing.aid_batch(donor_org=team)
    return testing.aid_member(batch=batch, id_number=VALID_ID, phone=PHONE, name="王医生")


def _history(member) -> list[ChangeEntry]:
    return list(
        ChangeEntry.objects.filter(entity="people.aidmember", entity_id=str(member.pk)).order_by(
            "id"
        )
    )


def _edit_data(member, **overrides) -> dict:
    data = {
        "name": member.name,
        "sex": member.sex,
        "category": member.category,
        "home_organisation": member.home_organisation,
        "post": "院长",
        "role": member.role,
        "region": member.region.code,
        "host_org_name": member.host_org_name,
        "phone": member.phone,
        "id_number": member.id_number_masked,
        "note": "",
        "version": member.version,
        "reason": "职务调整",
    }
    return data | overrides


def test_the_batch_page_links_each_member_to_its_page_and_edit(writer, member):
    html = writer.get(f"/people/batches/{member.batch_id}/").content.decode()
    assert f"/people/members/{member.pk}/" in html
    assert f"/people/members/{member.pk}/edit/" in html
    html = writer.get("/people/members/").content.decode()
    assert f"/people/members/{member.pk}/" in html


def test_the_member_page_shows_the_details_with_the_id_number_masked(writer, member):
    response = writer.get(f"/people/members/{member.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "王医生" in html and PHONE in html
    assert "1101**********002X" in html
    assert VALID_ID not in html
    assert 'id="history"' in html
    assert f"/people/members/{member.pk}/edit/" in html


def test_the_edit_form_never_shows_the_id_number_in_clear(writer, member):
    response = writer.get(f"/people/members/{member.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="1101**********002X"' in testing.field_error_html(response, "id_number")
    assert VALID_ID not in html


def test_a_member_edit_saves_with_history_and_keeps_a_masked_id_number(writer, member):
    response = writer.post(f"/people/members/{member.pk}/edit/", _edit_data(member))
    assert response.status_code == 302
    assert response["Location"] == f"/people/members/{member.pk}/"
    member.refresh_from_db()
    assert (member.post, member.id_number, member.version) == ("院长", VALID_ID, 2)
    entry = _history(member)[-1]
    assert (entry.action, entry.reason, entry.source) == ("update", "职务调整", "页面录入")
    assert entry.after["post"] == "院长"


def test_a_new_id_number_replaces_the_old_and_stays_masked_in_history(writer, member):
    data = _edit_data(member, id_number=OTHER_ID)
    assert writer.post(f"/people/members/{member.pk}/edit/", data).status_code == 302
    member.refresh_from_db()
    assert member.id_number == OTHER_ID
    entry = _history(member)[-1]
    assert (entry.before["id_number"], entry.after["id_number"]) == (
        "1101**********002X",
        "1101**********0038",
    )
    html = writer.get(f"/people/members/{member.pk}/").content.decode()
    assert OTHER_ID not in html and VALID_ID not in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "12345"}, "id_number", "格式不正确"),
        ({"id_number": "1101**********9999"}, "id_number", "已打码显示"),
        ({"phone": "12345"}, "phone", "格式不正确"),
        ({"name": " "}, "name", "必填"),
        ({"region": "不存在的地方"}, "region", "找不到地区"),
    ],
)
def test_an_invalid_member_edit_shows_the_error_beside_the_field_and_writes_nothing(
    writer, member, overrides, field, message
):
    response = writer.post(f"/people/members/{member.pk}/edit/", _edit_data(member, **overrides))
    assert response.status_code == 400
    assert message in testing.field_error_html(response, field)
    member.refresh_from_db()
    assert (member.post, member.id_number, member.phone, member.version) == (
        "副院长",
        VALID_ID,
        PHONE,
        1,
    )
    assert len(_history(member)) == 1


def test_a_stale_member_edit_is_refused_and_shows_the_other_change(writer, member):
    data = _edit_data(member)
    member_update(member=member, version=1, note="他人的修改", reason="他人补充", actor=SYSTEM)
    response = writer.post(f"/people/members/{member.pk}/edit/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict"' in html and "他人的修改" in html
    assert VALID_ID not in html
    member.refresh_from_db()
    assert (member.post, member.note, member.version) == ("副院长", "他人的修改", 2)


def test_roles_without_the_right_to_personal_data_see_no_names(client, member):
    client.force_login(testing.user(role=Membership.Role.RECIPIENT, region_code="652300"))
    html = client.get(f"/people/batches/{member.batch_id}/").content.decode()
    assert "王医生" not in html
    assert f"/people/members/{member.pk}/" not in html
    for url in (f"/people/members/{member.pk}/", f"/people/members/{member.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "王医生" not in response.content.decode()
        assert PHONE not in response.content.decode()
    response = client.post(f"/people/members/{member.pk}/edit/", _edit_data(member))
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.version == 1


def test_an_auditor_reads_the_masked_page_but_cannot_edit(client, member):
    client.force_login(testing.user(role=Membership.Role.AUDITOR))
    response = client.get(f"/people/members/{member.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1101**********002X" in html and VALID_ID not in html
    assert f"/people/members/{member.pk}/edit/" not in html
    assert (
        f"/people/members/{member.pk}/edit/"
        not in client.get(f"/people/batches/{member.batch_id}/").content.decode()
    )
    assert client.get(f"/people/members/{member.pk}/edit/").status_code == 403
    response = client.post(f"/people/members/{member.pk}/edit/", _edit_data(member))
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.version == 1


def test_a_member_out_of_scope_is_not_found(writer):
    shanxi = testing.donor_org(parent=testing.donor_province("140000"), base="653130")
    other = testing.aid_member(batch=testing.aid_batch(donor_org=shanxi, region="653130"))
    assert writer.get(f"/people/members/{other.pk}/").status_code == 404
    assert writer.get(f"/people/members/{other.pk}/edit/").status_code == 404
    response = writer.post(f"/people/members/{other.pk}/edit/", _edit_data(other))
    assert response.status_code == 404
