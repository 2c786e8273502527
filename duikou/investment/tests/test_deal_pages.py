from datetime import date
from decimal import Decimal

import pytest

from duikou.core import testing
from duikou.investment.models import Deal, DealStageChange, FundsInPlace
from duikou.investment.services import deal_advance_stage, deal_update
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


def _edit_data(deal, **overrides) -> dict:
    data = {
        "name": deal.name,
        "enterprise": deal.enterprise,
        "donor_org": deal.donor_org_id,
        "region": deal.region.code,
        "industry": deal.industry,
        "industry_chain": "",
        "planned_investment": "60000000.00",
        "signed_amount": "",
        "jobs_expected": "20",
        "description": "",
        "version": deal.version,
        "reason": "",
    }
    return data | overrides


def _signed(team) -> Deal:
    deal = testing.deal(donor_org=team, stage="negotiating", stage_date=date(2025, 2, 1))
    return deal_advance_stage(
        deal=deal,
        to_stage="signed",
        on=date(2025, 3, 1),
        signed_amount=Decimal("1000"),
        actor=SYSTEM,
    )


def test_the_deal_page_links_the_forms_for_writers(writer, team):
    deal = testing.deal(donor_org=team)
    html = writer.get(f"/deals/{deal.pk}/").content.decode()
    assert f"/deals/{deal.pk}/edit/" in html
    assert 'id="stage-form"' in html
    assert 'id="funds-form"' in html


def test_the_deal_page_hides_the_forms_from_read_only_roles(client, team):
    deal = testing.deal(donor_org=team)
    client.force_login(testing.user(role=Membership.Role.RECIPIENT, region_code="652300"))
    html = client.get(f"/deals/{deal.pk}/").content.decode()
    assert f"/deals/{deal.pk}/edit/" not in html
    assert 'id="stage-form"' not in html


def test_an_edit_saves_through_the_service(writer, team):
    deal = testing.deal(donor_org=team)
    response = writer.post(f"/deals/{deal.pk}/edit/", _edit_data(deal, name="新名称"))
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.name, deal.planned_investment, deal.jobs_expected) == (
        "新名称",
        Decimal("60000000.00"),
        20,
    )
    assert deal.version == 2


def test_an_invalid_edit_shows_the_error_beside_the_field_and_writes_nothing(writer, team):
    deal = testing.deal(donor_org=team)
    data = _edit_data(deal, name="新名称", planned_investment="-5")
    response = writer.post(f"/deals/{deal.pk}/edit/", data)
    assert response.status_code == 400
    assert "计划投资额不能为负数" in testing.field_error_html(response, "planned_investment")
    deal.refresh_from_db()
    assert deal.version == 1
    assert deal.name != "新名称"


def test_a_stale_edit_is_refused_and_shows_the_other_change(writer, team):
    deal = testing.deal(donor_org=team)
    data = _edit_data(deal, name="我的修改")
    deal_update(deal=deal, version=deal.version, name="他人的修改", actor=SYSTEM)
    response = writer.post(f"/deals/{deal.pk}/edit/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "已被他人修改" in html
    assert 'id="conflict"' in html
    deal.refresh_from_db()
    assert deal.name == "他人的修改"


def test_signing_records_the_stage_and_the_signed_amount(writer, team):
    deal = testing.deal(donor_org=team, stage="negotiating", stage_date=date(2025, 2, 1))
    data = {
        "to_stage": "signed",
        "on": "2025-03-01",
        "signed_amount": "1200000",
        "reason": "",
        "version": deal.version,
    }
    response = writer.post(f"/deals/{deal.pk}/stage/", data)
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.signed_on, deal.signed_amount) == (
        "signed",
        date(2025, 3, 1),
        Decimal("1200000.00"),
    )


def test_a_skip_without_reason_is_shown_beside_the_stage_and_writes_nothing(writer, team):
    deal = testing.deal(donor_org=team)
    steps = DealStageChange.objects.count()
    data = {"to_stage": "signed", "on": "2025-03-01", "reason": "", "version": deal.version}
    response = writer.post(f"/deals/{deal.pk}/stage/", data)
    assert response.status_code == 400
    assert "如确需跳过请填写原因" in testing.field_error_html(response, "to_stage")
    deal.refresh_from_db()
    assert deal.stage == "lead"
    assert DealStageChange.objects.count() == steps


def test_a_stage_change_on_an_old_version_is_refused(writer, team):
    deal = testing.deal(donor_org=team)
    deal_update(deal=deal, version=deal.version, name="他人的修改", actor=SYSTEM)
    data = {"to_stage": "reserve", "on": "2025-03-01", "reason": "", "version": 1}
    response = writer.post(f"/deals/{deal.pk}/stage/", data)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == "lead"


def test_funds_in_place_are_recorded(writer, team):
    deal = _signed(team)
    data = {"amount": "800", "on": "2025-04-01", "reference": "凭证1", "note": ""}
    response = writer.post(f"/deals/{deal.pk}/funds/", data)
    assert response.status_code == 302
    assert FundsInPlace.objects.get(deal=deal).amount == Decimal("800.00")


def test_funds_over_the_signed_amount_need_a_confirmation(writer, team):
    deal = _signed(team)
    data = {"amount": "1500", "on": "2025-04-01"}
    response = writer.post(f"/deals/{deal.pk}/funds/", data)
    assert response.status_code == 400
    assert "超过签约金额" in testing.field_error_html(response, "amount")
    assert not FundsInPlace.objects.filter(deal=deal).exists()
    response = writer.post(f"/deals/{deal.pk}/funds/", data | {"confirm_over_signed": "on"})
    assert response.status_code == 302
    assert FundsInPlace.objects.get(deal=deal).over_signed


def test_funds_on_an_unsigned_deal_are_refused_above_the_form(writer, team):
    deal = testing.deal(donor_org=team)
    response = writer.post(f"/deals/{deal.pk}/funds/", {"amount": "100", "on": "2025-04-01"})
    assert response.status_code == 400
    assert "尚未签约" in response.content.decode()
    assert not FundsInPlace.objects.exists()


def test_a_read_only_role_is_refused(client, team):
    deal = testing.deal(donor_org=team)
    client.force_login(testing.user(role=Membership.Role.RECIPIENT, region_code="652300"))
    assert client.get(f"/deals/{deal.pk}/edit/").status_code == 403
    data = {"to_stage": "reserve", "on": "2025-03-01", "version": deal.version}
    assert client.post(f"/deals/{deal.pk}/stage/", data).status_code == 403
    deal.refresh_from_db()
    assert deal.stage == "lead"


def test_a_deal_out_of_scope_is_not_found(writer):
    other = testing.deal(
        donor_org=testing.donor_org(parent=testing.donor_province("140000"), base="653130"),
        region="653130",
    )
    assert writer.get(f"/deals/{other.pk}/edit/").status_code == 404
    assert writer.post(f"/deals/{other.pk}/funds/", {}).status_code == 404


def test_the_deal_list_shows_signed_amounts_in_the_unit_its_header_names(writer, team):
    testing.deal(
        donor_org=team,
        stage="signed",
        stage_date=date(2025, 3, 1),
        signed_amount="298000000.00",
    )
    html = writer.get("/deals/").content.decode()
    assert "签约金额（万元）" in html and '<td class="num">29,800.00</td>' in html
    html = writer.get("/deals/", {"unit": "yi"}).content.decode()
    assert "签约金额（亿元）" in html and '<td class="num">2.98</td>' in html
    assert '<option value="yi" selected>亿元</option>' in html
    # An unknown unit falls back to 万元 rather than failing.
    assert "签约金额（万元）" in writer.get("/deals/", {"unit": "斤"}).content.decode()


def test_the_deal_page_lists_funds_in_place_in_wan(writer, team):
    deal = _signed(team)
    writer.post(f"/deals/{deal.pk}/funds/", {"amount": "800", "on": "2025-04-01"})
    html = writer.get(f"/deals/{deal.pk}/").content.decode()
    assert "金额（万元）" in html and '<td class="num">0.08</td>' in html  # 800元
