"""Correcting and voiding a recorded period of sales, with the reason kept in the history."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.audit.selectors import change_history_for, deletions_of
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.exchanges.models import SalesRecord
from duikou.exchanges.services import (
    sales_record_correct,
    sales_record_create,
    sales_record_void,
)
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def _record(channel=None, **overrides) -> SalesRecord:
    fields = {
        "channel": channel or testing.sales_channel(),
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 3, 31),
        "sales_amount": "120000.50",
        "subsidy_paid": "7000.00",
        "note": "一季度",
    }
    fields.update(overrides)
    return sales_record_create(**{"actor": SYSTEM, **fields})


def _state(record: SalesRecord) -> tuple:
    """What is stored of the record and the whole history, to show nothing was written."""
    stored = SalesRecord.objects.filter(pk=record.pk).values().first()
    return stored, ChangeEntry.objects.count()


def test_a_correction_changes_the_values_and_keeps_the_old_ones_with_the_reason():
    user = testing.user()
    record = _record()
    corrected = sales_record_correct(
        record=record,
        version=1,
        reason="销售额录入时多写了一位",
        actor=user,
        source="web",
        sales_amount="12000.05",
        period_end=date(2025, 4, 30),
        note="一季度（含四月）",
    )
    stored = SalesRecord.objects.get(pk=record.pk)
    assert (stored.sales_amount, stored.subsidy_paid) == (Decimal("12000.05"), Decimal("7000.00"))
    assert (stored.period_end, stored.year, stored.month) == (date(2025, 4, 30), 2025, 4)
    assert stored.note == "一季度（含四月）"
    assert (corrected.version, stored.version) == (2, 2)
    entry = change_history_for(stored).first()
    assert (entry.action, entry.reason, entry.source, entry.actor) == (
        "update",
        "销售额录入时多写了一位",
        "web",
        user,
    )
    assert (entry.before["sales_amount"], entry.after["sales_amount"]) == ("120000.50", "12000.05")
    assert (entry.before["period_end"], entry.after["period_end"]) == ("2025-03-31", "2025-04-30")
    assert (entry.before["month"], entry.after["month"]) == (3, 4)
    assert (entry.before["note"], entry.after["note"]) == ("一季度", "一季度（含四月）")
    assert entry.before["subsidy_paid"] == entry.after["subsidy_paid"] == "7000.00"


def test_a_correction_needs_a_reason_and_writes_nothing_without_one():
    record = _record()
    before = _state(record)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as error:
            sales_record_correct(
                record=record, version=1, reason=reason, sales_amount="1.00", actor=SYSTEM
            )
        assert error.value.message_dict == {"reason": ["更正销售记录必须说明原因"]}
    assert _state(record) == before


def test_a_stale_version_is_a_conflict_and_nothing_changes():
    record = _record()
    sales_record_correct(
        record=record, version=1, reason="补贴金额有误", subsidy_paid="6000", actor=SYSTEM
    )
    before = _state(record)
    with pytest.raises(ConflictError) as error:
        sales_record_correct(
            record=record, version=1, reason="迟到的更正", sales_amount="1.00", actor=SYSTEM
        )
    assert (error.value.expected, error.value.current) == (1, 2)
    assert "外销销售记录已被他人修改" in error.value.messages[0]
    with pytest.raises(ConflictError):
        sales_record_void(record=record, version=1, reason="迟到的作废", actor=SYSTEM)
    assert _state(record) == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sales_amount": "-1.00"}, {"sales_amount": ["销售额不能为负数"]}),
        ({"subsidy_paid": "-0.01"}, {"subsidy_paid": ["发放补贴不能为负数"]}),
        ({"period_end": date(2024, 12, 31)}, {"period_end": ["期间结束不能早于期间开始"]}),
        ({"period_start": "2025-01-01"}, {"period_start": ["期间开始日期无效"]}),
        ({"channel": None}, {"channel": ["该字段不能在此修改"]}),
        ({"year": 2020}, {"year": ["该字段不能在此修改"]}),
    ],
)
def test_bad_values_are_refused_beside_their_field_and_nothing_is_written(changes, expected):
    record = _record()
    before = _state(record)
    with pytest.raises(ValidationError) as error:
        sales_record_correct(
            record=record, version=1, reason="更正", **{"actor": SYSTEM, **changes}
        )
    assert error.value.message_dict == expected
    assert _state(record) == before


def test_a_bad_amount_is_refused_beside_its_field():
    record = _record()
    with pytest.raises(ValidationError) as error:
        sales_record_correct(
            record=record, version=1, reason="更正", sales_amount="很多", actor=SYSTEM
        )
    assert list(error.value.message_dict) == ["sales_amount"]
    assert SalesRecord.objects.get(pk=record.pk).version == 1


def test_a_corrected_period_may_not_overlap_another_but_may_move_within_its_own():
    channel = testing.sales_channel()
    first = _record(channel)
    second = _record(channel, period_start=date(2025, 4, 1), period_end=date(2025, 6, 30))
    before = _state(second)
    with pytest.raises(ValidationError) as error:
        sales_record_correct(
            record=second, version=1, reason="期间有误", period_start=date(2025, 3, 1), actor=SYSTEM
        )
    assert error.value.message_dict == {
        "period_start": ["该渠道已有2025-01-01至2025-03-31的销售记录，期间不能重叠"]
    }
    assert _state(second) == before
    moved = sales_record_correct(
        record=first, version=1, reason="期间有误", period_start=date(2025, 1, 15), actor=SYSTEM
    )
    assert moved.period_start == date(2025, 1, 15)


def test_a_correction_that_changes_nothing_is_refused():
    record = _record()
    before = _state(record)
    with pytest.raises(ValidationError) as error:
        sales_record_correct(
            record=record,
            version=1,
            reason="核对",
            sales_amount="120000.5",
            note="一季度",
            actor=SYSTEM,
        )
    assert "没有需要更正的内容" in error.value.messages[0]
    assert _state(record) == before


def test_voiding_removes_the_row_and_the_history_keeps_its_values_and_reason():
    user = testing.user()
    record = _record()
    pk, channel_id = record.pk, record.channel_id
    sales_record_void(record=record, version=1, reason="重复录入", actor=user, source="web")
    assert not SalesRecord.objects.filter(pk=pk).exists()
    entry = deletions_of(SalesRecord, channel_id=channel_id).get()
    assert (entry.entity_id, entry.reason, entry.source, entry.actor) == (
        str(pk),
        "重复录入",
        "web",
        user,
    )
    assert entry.after is None
    assert entry.before["sales_amount"] == "120000.50"
    assert entry.before["subsidy_paid"] == "7000.00"
    assert (entry.before["period_start"], entry.before["period_end"]) == (
        "2025-01-01",
        "2025-03-31",
    )
    assert entry.before["note"] == "一季度"
    # The period is free again.
    again = _record(record.channel)
    assert again.pk != pk


def test_voiding_needs_a_reason_and_a_voided_record_cannot_be_changed_again():
    record = _record()
    before = _state(record)
    with pytest.raises(ValidationError) as error:
        sales_record_void(record=record, version=1, reason=" ", actor=SYSTEM)
    assert error.value.message_dict == {"reason": ["作废销售记录必须说明原因"]}
    assert _state(record) == before
    sales_record_void(record=record, version=None, reason="重复录入", actor=SYSTEM)
    entries = ChangeEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        sales_record_void(record=record, version=1, reason="再次作废", actor=SYSTEM)
    assert error.value.message_dict == {"record": ["该销售记录已被作废，请刷新页面后查看"]}
    with pytest.raises(ValidationError) as error:
        sales_record_correct(record=record, version=1, reason="更正", note="迟到", actor=SYSTEM)
    assert error.value.message_dict == {"record": ["该销售记录已被作废，请刷新页面后查看"]}
    assert ChangeEntry.objects.count() == entries
