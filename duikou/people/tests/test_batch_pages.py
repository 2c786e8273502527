from datetime import date

import pytest

from duikou.core import testing
from duikou.orgs.models import Membership
from duikou.people.models import AidBatch, AidMember
from duikou.people.services import batch_update
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return testing.donor_org()


@pytest.fixture
def writer(client, team):
    client.force_login(testing.user(role=Membership.Role.SUB_COMMAND, organisation=team))
    return client


def _batch_data(team, **overrides) -> dict:
    data = {
        "donor_org": team.pk,
        "number": "10",
        "term": "long_term",
        "name": "",
        "region": "652300",
        "term_start": "2026-05-20",
        "term_end": "2029-05-19",
        "note": "",
    }
    return data | overrides


def _edit_data(batch, **overrides) -> dict:
    data = {
        "name": batch.name,
        "region": batch.region.code,
        "term_start": "2023-05-20",
        "term_end": "2026-06-30",
        "note": "",
        "version": batch.version,
        "reason": "延期",
    }
    return data | overrides


def test_a_batch_is_created(writer, team):
    assert "/people/batches/new/" in writer.get("/people/batches/").content.decode()
    response = writer.post("/people/batches/new/", _batch_data(team))
    assert response.status_code == 302
    batch = AidBatch.objects.get(donor_org=team)
    assert (batch.name, batch.region.code) == ("第10批", "652300")


def test_an_invalid_batch_shows_the_error_beside_the_field_and_writes_nothing(writer, team):
    response = writer.post("/people/batches/new/", _batch_data(team, term_end="2025-01-01"))
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in testing.field_error_html(response, "term_end")
    assert not AidBatch.objects.exists()


def test_a_batch_edit_saves_through_the_service(writer, team):
    batch = testing.aid_batch(donor_org=team)
    html = writer.get(f"/people/batches/{batch.pk}/").content.decode()
    assert f"/people/batches/{batch.pk}/edit/" in html
    assert f"/people/batches/{batch.pk}/members/new/" in html
    response = writer.post(f"/people/batches/{batch.pk}/edit/", _edit_data(batch))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.term_end, batch.version) == (date(2026, 6, 30), 2)


def test_an_invalid_batch_edit_writes_nothing(writer, team):
    batch = testing.aid_batch(donor_org=team)
    data = _edit_data(batch, term_end="2020-01-01")
    response = writer.post(f"/people/batches/{batch.pk}/edit/", data)
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in testing.field_error_html(response, "term_end")
    batch.refresh_from_db()
    assert (batch.term_end, batch.version) == (date(2026, 5, 19), 1)


def test_a_stale_batch_edit_is_refused(writer, team):
    batch = testing.aid_batch(donor_org=team)
    data = _edit_data(batch)
    batch_update(batch=batch, version=batch.version, note="他人的修改", actor=SYSTEM)
    response = writer.post(f"/people/batches/{batch.pk}/edit/", data)
    assert response.status_code == 409
    assert 'id="conflict"' in response.content.decode()
    batch.refresh_from_db()
    assert (batch.note, batch.term_end) == ("他人的修改", date(2026, 5, 19))


def _member_data(**overrides) -> dict:
    data = {
        "name": "李医生",
        "sex": "female",
        "category": "doctor",
        "home_organisation": "福州市第一医院",
        "post": "科主任",
        "role": "队员",
        "region": "652301",
        "host_org_name": "",
        "phone": "",
        "id_number": "",
        "note": "",
    }
    return data | overrides


def test_a_member_is_registered_in_the_batch(writer, team):
    batch = testing.aid_batch(donor_org=team)
    response = writer.post(f"/people/batches/{batch.pk}/members/new/", _member_data())
    assert response.status_code == 302
    member = AidMember.objects.get(name="李医生")
    assert (member.batch, member.donor_org, member.region.code) == (batch, team, "652301")


def test_a_bad_id_number_is_shown_beside_the_field_and_writes_nothing(writer, team):
    batch = testing.aid_batch(donor_org=team)
    data = _member_data(id_number="12345")
    response = writer.post(f"/people/batches/{batch.pk}/members/new/", data)
    assert response.status_code == 400
    assert "格式不正确" in testing.field_error_html(response, "id_number")
    assert not AidMember.objects.exists()


def test_read_only_roles_are_refused(client, team):
    batch = testing.aid_batch(donor_org=team)
    client.force_login(testing.user(role=Membership.Role.RECIPIENT, region_code="652300"))
    assert (
        f"/people/batches/{batch.pk}/edit/"
        not in client.get(f"/people/batches/{batch.pk}/").content.decode()
    )
    assert client.get("/people/batches/new/").status_code == 403
    assert client.get(f"/people/batches/{batch.pk}/edit/").status_code == 403
    response = client.post(f"/people/batches/{batch.pk}/members/new/", _member_data())
    assert response.status_code == 403
    assert not AidMember.objects.exists()


def test_a_batch_out_of_scope_is_not_found(writer):
    other = testing.aid_batch(
        donor_org=testing.donor_org(parent=testing.donor_province("140000"), base="653130"),
        region="653130",
    )
    assert writer.get(f"/people/batches/{other.pk}/edit/").status_code == 404
    assert writer.get(f"/people/batches/{other.pk}/members/new/").status_code == 404
