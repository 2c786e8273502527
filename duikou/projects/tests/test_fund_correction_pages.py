"""The 更正 and 作废 forms of a project's 资金流水 page: who may use them, refusals beside
their fields, and a correction on an old version answered with what the other person did."""

from datetime import date
from decimal import Decimal

import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.orgs.models import Membership
from duikou.policy import SYSTEM
from duikou.projects.models import FundTransaction
from duikou.projects.services import fund_transaction_correct, fund_transaction_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    team = testing.donor_org(base="652301")
    elsewhere = testing.donor_org(parent=testing.donor_province("140000"), base="653130")
    project = testing.project(donor_org=team, region="652301", budgets={"aid": "1000.00"})
    other = testing.project(donor_org=elsewhere, region="653130", budgets={"aid": "1000.00"})
    return {
        "project": project,
        "record": _move(project, "600.00"),
        "other": _move(other, "100.00"),
        "writer": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "reader": testing.user(role=Membership.Role.RECIPIENT, region_code="652300"),
    }


def _move(project, amount):
    return fund_transaction_create(
        project=project,
        fund_source="aid",
        kind="release",
        amount=amount,
        on=date(2025, 4, 1),
        actor=SYSTEM,
    )


def _correction(record, **overrides) -> dict:
    data = {
        "amount": str(record.amount),
        "on": record.on.isoformat(),
        "reference": record.reference,
        "note": record.note,
        "reason": "金额录入有误",
        "version": record.version,
    }
    return data | overrides


def test_writers_see_correct_and_void_on_each_row_readers_do_not(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    page = client.get(f"/projects/{record.project_id}/transactions/").content.decode()
    assert f"/projects/transactions/{record.pk}/correct/" in page
    # The amount column is in 万元, said once in its header: 600元 shows as 0.06.
    assert "金额（万元）" in page and '<td class="num">0.06</td>' in page
    assert f'action="/projects/transactions/{record.pk}/void/"' in page
    client.force_login(world["reader"])
    page = client.get(f"/projects/{record.project_id}/transactions/").content.decode()
    assert "/correct/" not in page
    assert "/void/" not in page


def test_a_correction_saves_through_the_service(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    page = client.get(f"/projects/transactions/{record.pk}/correct/")
    assert page.status_code == 200
    assert 'value="600.00"' in page.content.decode()
    response = client.post(
        f"/projects/transactions/{record.pk}/correct/",
        _correction(record, amount="650.00", note="按拨款单更正"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{record.project_id}/transactions/"
    record.refresh_from_db()
    assert (record.amount, record.note, record.version) == (Decimal("650.00"), "按拨款单更正", 2)
    entry = ChangeEntry.objects.filter(entity="projects.fundtransaction").latest("id")
    assert (entry.action, entry.reason, entry.source, entry.actor) == (
        "update",
        "金额录入有误",
        "页面录入",
        world["writer"],
    )


def test_a_refused_correction_shows_its_reason_beside_the_field(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    url = f"/projects/transactions/{record.pk}/correct/"
    response = client.post(url, _correction(record, amount="1000.01"))
    assert response.status_code == 400
    assert "超过计划金额1000.00元" in testing.field_error_html(response, "amount")
    response = client.post(url, _correction(record, amount="650", reason=""))
    assert response.status_code == 400
    assert "更正资金流水必须说明原因" in testing.field_error_html(response, "reason")
    record.refresh_from_db()
    assert (record.amount, record.version) == (Decimal("600.00"), 1)


def test_a_correction_on_an_old_version_shows_the_other_change_then_saves(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    mine = _correction(record, amount="650.00")
    fund_transaction_correct(
        record=record, version=1, reason="他人的更正", amount="610.00", actor=SYSTEM
    )
    url = f"/projects/transactions/{record.pk}/correct/"
    response = client.post(url, mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="conflict"' in page
    assert "资金流水已被他人修改" in page
    assert "他人的更正" in page
    assert 'name="version" value="2"' in page  # merged, it can be saved once
    record.refresh_from_db()
    assert record.amount == Decimal("610.00")
    assert client.post(url, mine | {"version": 2}).status_code == 302


def test_a_void_removes_the_row_and_lists_it_as_voided(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    url = f"/projects/transactions/{record.pk}/void/"
    response = client.post(url, {"reason": "", "version": 1})
    assert response.status_code == 400
    assert "作废资金流水必须说明原因" in testing.field_error_html(response, "reason")
    assert FundTransaction.objects.filter(pk=record.pk).exists()
    response = client.post(url, {"reason": "重复登记", "version": 1})
    assert response.status_code == 302
    assert not FundTransaction.objects.filter(pk=record.pk).exists()
    page = client.get(f"/projects/{record.project_id}/transactions/").content.decode()
    assert 'id="voided"' in page
    assert "重复登记" in page
    assert page.count("金额（万元）") == 2 and '<td class="num">0.06</td>' in page


def test_a_void_on_an_old_version_is_a_conflict(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    fund_transaction_correct(
        record=record, version=1, reason="他人的更正", amount="610.00", actor=SYSTEM
    )
    response = client.post(
        f"/projects/transactions/{record.pk}/void/", {"reason": "重复", "version": 1}
    )
    assert response.status_code == 409
    assert 'id="conflict"' in response.content.decode()
    assert FundTransaction.objects.filter(pk=record.pk).exists()


def test_a_reader_is_refused_and_an_outsider_finds_nothing(client, world):
    record, other = world["record"], world["other"]
    client.force_login(world["reader"])
    assert client.get(f"/projects/transactions/{record.pk}/correct/").status_code == 403
    response = client.post(
        f"/projects/transactions/{record.pk}/void/", {"reason": "x", "version": 1}
    )
    assert response.status_code == 403
    client.force_login(world["writer"])
    assert client.get(f"/projects/transactions/{other.pk}/correct/").status_code == 404
    response = client.post(
        f"/projects/transactions/{other.pk}/void/", {"reason": "x", "version": 1}
    )
    assert response.status_code == 404
    assert FundTransaction.objects.filter(pk__in=[record.pk, other.pk]).count() == 2
