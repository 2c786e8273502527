from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.investment.models import Deal, DealStageChange
from duikou.investment.services import deal_update
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def test_it_derives_the_province_and_prefecture_and_records_the_first_stage():
    deal = testing.deal(region="652328")
    assert deal.donor_province.name == "福建省"
    assert deal.prefecture.code == "652300"
    assert deal.stage == "lead"
    assert deal.lead_on == date(2025, 1, 10)
    first = DealStageChange.objects.get(deal=deal)
    assert (first.from_stage, first.to_stage, first.on, first.year) == (
        "",
        "lead",
        date(2025, 1, 10),
        2025,
    )
    assert ChangeEntry.objects.filter(entity="investment.deal", entity_id=str(deal.pk)).count() == 1


def test_a_deal_entered_mid_life_dates_its_earlier_stages():
    deal = testing.deal(stage="signed", stage_date=date(2025, 3, 1), signed_amount="1000000.00")
    assert deal.signed_on == deal.negotiating_on == deal.lead_on == date(2025, 3, 1)
    assert (deal.signed_year, deal.signed_month) == (2025, 3)
    assert deal.signed_amount == Decimal("1000000.00")
    assert deal.started_on is None


def test_it_refuses_a_duplicate_code():
    testing.deal(code="DL-1")
    with pytest.raises(ValidationError) as error:
        testing.deal(code="DL-1")
    assert error.value.message_dict["code"] == ["项目编号“DL-1”已存在"]
    assert Deal.objects.filter(code="DL-1").count() == 1


def test_it_refuses_a_negative_signed_amount_and_writes_nothing():
    team = testing.donor_org()
    before = (Deal.objects.count(), DealStageChange.objects.count(), ChangeEntry.objects.count())
    with pytest.raises(ValidationError) as error:
        testing.deal(code="DL-2", donor_org=team, signed_amount="-5.00")
    assert error.value.message_dict["signed_amount"] == ["签约金额不能为负数"]
    assert (
        Deal.objects.count(),
        DealStageChange.objects.count(),
        ChangeEntry.objects.count(),
    ) == before


def test_it_refuses_a_deal_created_terminated():
    with pytest.raises(ValidationError) as error:
        testing.deal(stage="terminated")
    assert "stage" in error.value.message_dict


def test_it_refuses_a_recipient_organisation_as_the_team():
    recipient = testing.donor_org()
    recipient.side = "recipient"
    with pytest.raises(ValidationError) as error:
        testing.deal(donor_org=recipient)
    assert error.value.message_dict["donor_org"] == [f"“{recipient.name}”不是支援方机构"]


def test_an_edit_moves_the_deal_and_keeps_its_history():
    deal = testing.deal()
    deal = deal_update(
        deal=deal, version=deal.version, region="652324", signed_amount="12.30", actor=SYSTEM
    )
    assert deal.prefecture.code == "652300"
    assert deal.region.code == "652324"
    assert deal.version == 2
    entry = ChangeEntry.objects.filter(entity="investment.deal", action="update").get()
    assert entry.before["region_id"] != entry.after["region_id"]


def test_a_stale_edit_is_refused_and_the_first_one_kept():
    deal = testing.deal()
    seen = deal.version
    deal_update(deal=deal, version=seen, name="甲的名称", actor=SYSTEM)
    with pytest.raises(ConflictError):
        deal_update(deal=deal, version=seen, name="乙的名称", actor=SYSTEM)
    deal.refresh_from_db()
    assert deal.name == "甲的名称"


def test_an_edit_cannot_touch_the_stage_or_jobs_created():
    deal = testing.deal()
    with pytest.raises(ValidationError) as error:
        deal_update(deal=deal, version=deal.version, stage="signed", actor=SYSTEM)
    assert error.value.message_dict == {"stage": ["该字段不能在此修改"]}
    with pytest.raises(ValidationError):
        deal_update(deal=deal, version=deal.version, jobs_created=5, actor=SYSTEM)
