from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.investment.models import FundsInPlace, JobsReport
from duikou.investment.selectors import deal_funds_in_place_total
from duikou.investment.services import deal_record_funds_in_place, deal_record_jobs
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def signed_deal(amount="1000000.00"):
    return testing.deal(stage="signed", stage_date=date(2025, 3, 1), signed_amount=amount)


def test_funds_in_place_add_up_exactly_with_year_and_month():
    deal = signed_deal()
    deal_record_funds_in_place(deal=deal, amount="300000.10", on=date(2025, 4, 2), actor=SYSTEM)
    record = deal_record_funds_in_place(
        deal=deal, amount="0.20", on=date(2025, 6, 30), actor=SYSTEM
    )
    assert (record.year, record.month, record.over_signed) == (2025, 6, False)
    assert deal_funds_in_place_total(deal=deal) == Decimal("300000.30")


def test_funds_above_the_signed_amount_are_refused_without_confirmation():
    deal = signed_deal()
    deal_record_funds_in_place(deal=deal, amount="900000.00", on=date(2025, 4, 1), actor=SYSTEM)
    before = (FundsInPlace.objects.count(), ChangeEntry.objects.count())
    with pytest.raises(ValidationError) as error:
        deal_record_funds_in_place(deal=deal, amount="100000.01", on=date(2025, 5, 1), actor=SYSTEM)
    assert error.value.message_dict["amount"] == [
        "累计到位资金将达到1000000.01元，超过签约金额1000000.00元；如属实请确认后再登记"
    ]
    assert (FundsInPlace.objects.count(), ChangeEntry.objects.count()) == before


def test_funds_above_the_signed_amount_are_kept_when_confirmed():
    deal = signed_deal()
    record = deal_record_funds_in_place(
        deal=deal, amount="1500000.00", on=date(2025, 4, 1), confirm_over_signed=True, actor=SYSTEM
    )
    assert record.over_signed
    entry = ChangeEntry.objects.get(entity="investment.fundsinplace", entity_id=str(record.pk))
    assert entry.reason == "已确认累计到位资金超过签约金额"


def test_funds_before_signing_are_refused():
    deal = testing.deal(stage="negotiating")
    with pytest.raises(ValidationError) as error:
        deal_record_funds_in_place(deal=deal, amount="1.00", on=date(2025, 4, 1), actor=SYSTEM)
    assert error.value.message_dict["deal"] == [f"招商项目“{deal.name}”尚未签约，不能登记到位资金"]
    assert not FundsInPlace.objects.exists()


def test_funds_dated_before_the_signing_or_not_positive_are_refused():
    deal = signed_deal()
    with pytest.raises(ValidationError) as error:
        deal_record_funds_in_place(deal=deal, amount="1.00", on=date(2025, 2, 1), actor=SYSTEM)
    assert error.value.message_dict["on"] == ["到位日期不能早于签约日期（2025-03-01）"]
    with pytest.raises(ValidationError) as error:
        deal_record_funds_in_place(deal=deal, amount="0", on=date(2025, 4, 1), actor=SYSTEM)
    assert error.value.message_dict["amount"] == ["到位金额必须大于零"]
    with pytest.raises(ValidationError) as error:
        deal_record_funds_in_place(deal=deal, amount="1.001", on=date(2025, 4, 1), actor=SYSTEM)
    assert error.value.message_dict["amount"] == ["到位金额：金额最多精确到分（两位小数）"]
    assert not FundsInPlace.objects.exists()


def test_jobs_reports_store_the_step_since_the_last_one():
    deal = signed_deal()
    deal_record_jobs(deal=deal, jobs_total=80, on=date(2025, 6, 30), actor=SYSTEM)
    report = deal_record_jobs(deal=deal, jobs_total=200, on=date(2025, 12, 31), actor=SYSTEM)
    assert (report.jobs_added, report.year, report.month) == (120, 2025, 12)
    deal.refresh_from_db()
    assert deal.jobs_created == 200


def test_jobs_cannot_fall_nor_be_dated_before_the_last_report():
    deal = signed_deal()
    deal_record_jobs(deal=deal, jobs_total=80, on=date(2025, 6, 30), actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        deal_record_jobs(deal=deal, jobs_total=70, on=date(2025, 7, 31), actor=SYSTEM)
    assert "不能少于上次登记的80人" in error.value.message_dict["jobs_total"][0]
    with pytest.raises(ValidationError) as error:
        deal_record_jobs(deal=deal, jobs_total=90, on=date(2025, 6, 1), actor=SYSTEM)
    assert error.value.message_dict["on"] == ["登记日期不能早于上一次吸纳就业登记（2025-06-30）"]
    with pytest.raises(ValidationError):
        deal_record_jobs(deal=deal, jobs_total=-1, on=date(2025, 8, 1), actor=SYSTEM)
    assert JobsReport.objects.count() == 1
