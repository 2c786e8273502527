"""The 更正 and 作废 forms of a deal's 到位资金 table: who may use them, refusals beside their
fields, the over-signed confirmation, and corrections on an old version."""

from datetime import date
from decimal import Decimal

import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.investment.models import FundsInPlace
from duikou.investment.services import deal_record_funds_in_place, funds_in_place_correct
from duikou.orgs.models import Membership
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    team = testing.donor_org(base="652301")
    elsewhere = testing.donor_org(parent=testing.donor_province("140000"), base="653130")
    deal = _signed(team, "652301")
    other = _signed(elsewhere, "653130")
    return {
        "deal": deal,
        "record": deal_record_funds_in_place(
            deal=deal, amount="600", on=date(2025, 4, 1), actor=SYSTEM
        ),
        "other": deal_record_funds_in_place(
            deal=other, amount="100", on=date(2025, 4, 1), actor=SYSTEM
        ),
        "writer": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "reader": testing.user(role=Membership.Role.RECIPIENT, region_code="652300"),
    }


def _signed(team, place):
    return testing.deal(
        donor_org=team,
        region=place,
        stage="signed",
        stage_date=date(2025, 3, 1),
        signed_amount="1000.00",
    )


def _correction(record, **overrides) -> dict:
    data = {
        "amount": str(record.amount),
        "on": record.on.isoformat(),
        "reference": record.reference,
        "note": record.note,
        "reason": "按银行回单更正",
        "version": record.version,
    }
    return data | overrides


def test_writers_see_correct_and_void_on_each_row_readers_do_not(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    page = client.get(f"/deals/{record.deal_id}/").content.decode()
    assert f"/deals/funds/{record.pk}/correct/" in page
    assert f'action="/deals/funds/{record.pk}/void/"' in page
    client.force_login(world["reader"])
    page = client.get(f"/deals/{record.deal_id}/").content.decode()
    assert "/correct/" not in page
    assert "/void/" not in page


def test_a_correction_saves_and_returns_to_the_deal(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    assert client.get(f"/deals/funds/{record.pk}/correct/").status_code == 200
    response = client.post(
        f"/deals/funds/{record.pk}/correct/", _correction(record, on="2025-05-06")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/deals/{record.deal_id}/#in-place"
    record.refresh_from_db()
    assert (record.on, record.month, record.version) == (date(2025, 5, 6), 5, 2)
    entry = ChangeEntry.objects.filter(entity="investment.fundsinplace").latest("id")
    assert (entry.reason, entry.source) == ("按银行回单更正", "页面录入")


def test_refusals_show_beside_their_fields_and_write_nothing(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    url = f"/deals/funds/{record.pk}/correct/"
    response = client.post(url, _correction(record, on="2025-02-01"))
    assert response.status_code == 400
    assert "不能早于签约日期" in testing.field_error_html(response, "on")
    response = client.post(url, _correction(record, amount="500", reason=""))
    assert response.status_code == 400
    assert "更正到位资金必须说明原因" in testing.field_error_html(response, "reason")
    response = client.post(url, _correction(record, amount="1200"))
    assert response.status_code == 400
    assert "超过签约金额" in testing.field_error_html(response, "amount")
    record.refresh_from_db()
    assert (record.amount, record.version) == (Decimal("600.00"), 1)
    response = client.post(url, _correction(record, amount="1200", confirm_over_signed="on"))
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.amount, record.over_signed) == (Decimal("1200.00"), True)


def test_a_correction_on_an_old_version_shows_the_other_change(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    mine = _correction(record, amount="650")
    funds_in_place_correct(
        record=record, version=1, reason="他人的更正", amount="610", actor=SYSTEM
    )
    response = client.post(f"/deals/funds/{record.pk}/correct/", mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="conflict"' in page
    assert "他人的更正" in page
    record.refresh_from_db()
    assert record.amount == Decimal("610.00")


def test_a_void_needs_a_reason_and_then_removes_the_row(client, world):
    record = world["record"]
    client.force_login(world["writer"])
    url = f"/deals/funds/{record.pk}/void/"
    response = client.post(url, {"reason": "", "version": 1})
    assert response.status_code == 400
    assert "作废到位资金必须说明原因" in testing.field_error_html(response, "reason")
    response = client.post(url, {"reason": "重复登记", "version": 1})
    assert response.status_code == 302
    assert not FundsInPlace.objects.filter(pk=record.pk).exists()
    page = client.get(f"/deals/{record.deal_id}/").content.decode()
    assert 'id="voided"' in page
    assert "重复登记" in page


def test_a_reader_is_refused_and_an_outsider_finds_nothing(client, world):
    record, other = world["record"], world["other"]
    client.force_login(world["reader"])
    assert client.get(f"/deals/funds/{record.pk}/correct/").status_code == 403
    response = client.post(f"/deals/funds/{record.pk}/void/", {"reason": "x", "version": 1})
    assert response.status_code == 403
    client.force_login(world["writer"])
    assert client.get(f"/deals/funds/{other.pk}/correct/").status_code == 404
    response = client.post(f"/deals/funds/{other.pk}/void/", {"reason": "x", "version": 1})
    assert response.status_code == 404
    assert FundsInPlace.objects.filter(pk__in=[record.pk, other.pk]).count() == 2
