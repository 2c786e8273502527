"""Correcting and voiding (作废) recorded funds in place: the signing date and the signed
amount still hold, the over-signed flag stays right, and the history keeps the old values."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.investment.models import FundsInPlace
from duikou.investment.selectors import deal_funds_in_place_total, funds_in_place_voided_list
from duikou.investment.services import (
    deal_record_funds_in_place,
    funds_in_place_correct,
    funds_in_place_void,
)
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal():
    return testing.deal(stage="signed", stage_date=date(2025, 3, 1), signed_amount="1000.00")


def record(deal, amount, on=date(2025, 4, 1), **extra):
    return deal_record_funds_in_place(deal=deal, amount=amount, on=on, **{"actor": SYSTEM, **extra})


def written() -> tuple:
    return (
        list(
            FundsInPlace.objects.values_list("pk", "amount", "on", "over_signed", "note", "version")
        ),
        ChangeEntry.objects.count(),
    )


def entries(pk: int):
    return ChangeEntry.objects.filter(entity="investment.fundsinplace", entity_id=str(pk))


def test_a_corrected_amount_and_date_keep_year_month_and_history(deal):
    first = record(deal, "300.00", reference="到账单1")
    user = testing.user()
    corrected = funds_in_place_correct(
        record=first,
        version=1,
        actor=user,
        reason="银行回单金额为350元",
        amount="350.00",
        on=date(2026, 2, 3),
    )
    assert (corrected.amount, corrected.year, corrected.month, corrected.version) == (
        Decimal("350.00"),
        2026,
        2,
        2,
    )
    assert deal_funds_in_place_total(deal=deal) == Decimal("350.00")
    entry = entries(first.pk).latest("id")
    assert (entry.action, entry.reason, entry.actor) == ("update", "银行回单金额为350元", user)
    assert (entry.before["amount"], entry.after["amount"]) == ("300.00", "350.00")
    assert (entry.before["on"], entry.after["on"]) == ("2025-04-01", "2026-02-03")


def test_a_date_before_the_signing_is_refused(deal):
    first = record(deal, "300.00")
    before = written()
    with pytest.raises(ValidationError) as error:
        funds_in_place_correct(
            record=first, version=1, reason="改日期", on=date(2025, 2, 28), actor=SYSTEM
        )
    assert error.value.message_dict["on"] == ["到位日期不能早于签约日期（2025-03-01）"]
    assert written() == before


def test_a_larger_amount_over_the_signed_amount_needs_a_confirmation(deal):
    first = record(deal, "600.00")
    record(deal, "300.00")
    before = written()
    with pytest.raises(ValidationError) as error:
        funds_in_place_correct(
            record=first, version=1, reason="补差额", amount="700.01", actor=SYSTEM
        )
    assert error.value.message_dict["amount"] == [
        "更正后累计到位资金将达到1000.01元，超过签约金额1000.00元；如属实请确认后再更正"
    ]
    assert written() == before
    corrected = funds_in_place_correct(
        record=first,
        version=1,
        reason="补差额",
        amount="700.01",
        confirm_over_signed=True,
        actor=SYSTEM,
    )
    assert corrected.over_signed
    assert entries(first.pk).latest("id").reason == "补差额（已确认累计到位资金超过签约金额）"


def test_up_to_the_signed_amount_needs_no_confirmation(deal):
    first = record(deal, "600.00")
    record(deal, "300.00")
    corrected = funds_in_place_correct(
        record=first, version=1, reason="补差额", amount="700", actor=SYSTEM
    )
    assert not corrected.over_signed


def test_a_smaller_amount_back_within_the_contract_clears_the_flag(deal):
    first = record(deal, "1500.00", confirm_over_signed=True)
    assert first.over_signed
    still = funds_in_place_correct(
        record=first, version=1, reason="多记", amount="1200", actor=SYSTEM
    )
    assert still.over_signed  # still above the contract, as confirmed
    within = funds_in_place_correct(
        record=first, version=2, reason="多记", amount="900", actor=SYSTEM
    )
    assert not within.over_signed


def test_a_note_only_correction_leaves_amount_checks_and_flag_alone(deal):
    first = record(deal, "1500.00", confirm_over_signed=True)
    corrected = funds_in_place_correct(
        record=first, version=1, reason="补备注", note="追加投资", actor=SYSTEM
    )
    assert (corrected.over_signed, corrected.note) == (True, "追加投资")


def test_refusals_write_nothing(deal):
    first = record(deal, "100.00", note="原备注")
    before = written()
    for kwargs, field, message in [
        ({"reason": "", "amount": "90"}, "reason", "更正到位资金必须说明原因"),
        ({"reason": "更正", "amount": "0"}, "amount", "到位金额必须大于零"),
        ({"reason": "更正", "deal": deal}, "deal", "该字段不能在此修改"),
    ]:
        with pytest.raises(ValidationError) as error:
            funds_in_place_correct(record=first, version=1, **{"actor": SYSTEM, **kwargs})
        assert error.value.message_dict[field] == [message]
    with pytest.raises(ValidationError, match="没有需要更正的内容"):
        funds_in_place_correct(record=first, version=1, reason="更正", note="原备注", actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        funds_in_place_void(record=first, version=1, reason=" ", actor=SYSTEM)
    assert error.value.message_dict["reason"] == ["作废到位资金必须说明原因"]
    assert written() == before


def test_a_correction_or_void_on_an_old_version_is_a_conflict(deal):
    first = record(deal, "100.00")
    funds_in_place_correct(record=first, version=1, reason="他人更正", amount="120", actor=SYSTEM)
    before = written()
    with pytest.raises(ConflictError, match="到位资金已被他人修改"):
        funds_in_place_correct(
            record=first, version=1, reason="我的更正", amount="80", actor=SYSTEM
        )
    with pytest.raises(ConflictError):
        funds_in_place_void(record=first, version=1, reason="我的作废", actor=SYSTEM)
    assert written() == before


def test_a_void_removes_the_row_and_keeps_the_old_values(deal):
    keep = record(deal, "100.00")
    gone = record(deal, "250.00", reference="重复凭证")
    user = testing.user()
    funds_in_place_void(record=gone, version=1, actor=user, reason="重复登记")
    assert list(FundsInPlace.objects.values_list("pk", flat=True)) == [keep.pk]
    assert deal_funds_in_place_total(deal=deal) == Decimal("100.00")
    entry = entries(gone.pk).latest("id")
    assert (entry.action, entry.reason, entry.actor, entry.after) == (
        "delete",
        "重复登记",
        user,
        None,
    )
    assert (entry.before["amount"], entry.before["reference"]) == ("250.00", "重复凭证")
    [voided] = funds_in_place_voided_list(deal=deal)
    assert (voided.amount, voided.on, voided.reason) == (
        Decimal("250.00"),
        date(2025, 4, 1),
        "重复登记",
    )
    with pytest.raises(ValidationError, match="已被作废"):
        funds_in_place_void(record=gone, version=1, reason="再作废", actor=SYSTEM)
