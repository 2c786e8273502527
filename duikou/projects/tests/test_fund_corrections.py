"""Correcting and voiding (作废) a recorded fund transaction: the ledger, the fund summary
and the history stay right, and a refused correction writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.policy import SYSTEM
from duikou.projects.models import FundSummary, FundTransaction
from duikou.projects.selectors import fund_transaction_voided_list, project_fund_totals
from duikou.projects.services import (
    fund_summary_rebuild,
    fund_transaction_correct,
    fund_transaction_create,
    fund_transaction_void,
)

from .test_fund_summary import ledger_cells, summary_cells

pytestmark = pytest.mark.django_db


def move(project, amount, kind="release", on=date(2025, 5, 1), **extra):
    return fund_transaction_create(
        project=project,
        fund_source="aid",
        kind=kind,
        amount=amount,
        on=on,
        **{"actor": SYSTEM, **extra},
    )


def assert_summary_equals_a_rebuild():
    kept = summary_cells()
    assert kept == ledger_cells()
    fund_summary_rebuild()
    assert summary_cells() == kept


def written() -> tuple:
    """What a refused write must leave alone."""
    return (
        list(FundTransaction.objects.values_list("pk", "amount", "on", "note", "version")),
        ChangeEntry.objects.count(),
        sorted(FundSummary.objects.values_list("year", "kind", "amount")),
    )


def entries(record_pk: int):
    return ChangeEntry.objects.filter(
        entity="projects.fundtransaction", entity_id=str(record_pk)
    ).order_by("id")


@pytest.fixture
def project():
    return testing.project(budgets={"aid": "1000.00"})


def test_a_corrected_amount_moves_the_ledger_the_summary_and_keeps_the_old_value(project):
    record = move(project, "100.00", reference="新财预〔2025〕1号")
    move(project, "50.00")
    user = testing.user()
    corrected = fund_transaction_correct(
        record=record, version=1, actor=user, reason="金额录入有误", amount="110.01"
    )
    assert (corrected.amount, corrected.version) == (Decimal("110.01"), 2)
    assert project_fund_totals(project=project)["aid"]["release"] == Decimal("160.01")
    assert_summary_equals_a_rebuild()
    entry = entries(record.pk).last()
    assert (entry.action, entry.reason, entry.actor) == ("update", "金额录入有误", user)
    assert (entry.before["amount"], entry.after["amount"]) == ("100.00", "110.01")
    assert entry.before["reference"] == entry.after["reference"] == "新财预〔2025〕1号"


def test_a_date_moved_to_another_year_moves_the_money_between_summary_years(project):
    record = move(project, "100.00", on=date(2025, 12, 30))
    corrected = fund_transaction_correct(
        record=record,
        version=1,
        reason="跨年入账",
        on=date(2026, 1, 5),
        note="次年到账",
        actor=SYSTEM,
    )
    assert (corrected.on, corrected.year, corrected.month) == (date(2026, 1, 5), 2026, 1)
    stored = FundTransaction.objects.get(pk=record.pk)
    assert (stored.year, stored.month, stored.note) == (2026, 1, "次年到账")
    years = dict(
        FundSummary.objects.filter(kind="release").values_list("year", "amount").order_by("year")
    )
    assert years == {2025: Decimal("0.00"), 2026: Decimal("100.00")}
    assert_summary_equals_a_rebuild()
    entry = entries(record.pk).last()
    assert (entry.before["on"], entry.after["on"]) == ("2025-12-30", "2026-01-05")


def test_a_correction_over_the_budget_is_refused_and_writes_nothing(project):
    record = move(project, "600.00")
    move(project, "300.00")
    before = written()
    with pytest.raises(ValidationError) as error:
        fund_transaction_correct(
            record=record, version=1, reason="补录", amount="700.01", actor=SYSTEM
        )
    assert error.value.message_dict["amount"] == [
        "援疆资金累计下达将达到1000.01元，超过计划金额1000.00元"
    ]
    assert written() == before
    # The row itself is not counted twice: up to the budget is fine.
    fund_transaction_correct(record=record, version=1, reason="补录", amount="700.00", actor=SYSTEM)
    assert_summary_equals_a_rebuild()


def test_a_smaller_amount_is_accepted_even_when_other_kinds_are_full(project):
    record = move(project, "1000.00")
    move(project, "1000.00", kind="disburse")
    fund_transaction_correct(record=record, version=1, reason="多记", amount="999.99", actor=SYSTEM)
    assert project_fund_totals(project=project)["aid"]["release"] == Decimal("999.99")
    assert_summary_equals_a_rebuild()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_or_void_without_a_reason_is_refused(project, reason):
    record = move(project, "100.00")
    before = written()
    with pytest.raises(ValidationError) as error:
        fund_transaction_correct(record=record, version=1, reason=reason, amount="90", actor=SYSTEM)
    assert error.value.message_dict["reason"] == ["更正资金流水必须说明原因"]
    with pytest.raises(ValidationError) as error:
        fund_transaction_void(record=record, version=1, reason=reason, actor=SYSTEM)
    assert error.value.message_dict["reason"] == ["作废资金流水必须说明原因"]
    assert written() == before


def test_bad_amounts_unknown_fields_and_no_change_are_refused(project):
    record = move(project, "100.00", note="原备注")
    before = written()
    for changes, field, message in [
        ({"amount": "0"}, "amount", "金额必须大于零"),
        ({"amount": "-5"}, "amount", "金额必须大于零"),
        ({"amount": "1.001"}, "amount", "金额最多精确到分"),
        ({"kind": "spend"}, "kind", "该字段不能在此修改"),
        ({"fund_source": "local"}, "fund_source", "该字段不能在此修改"),
    ]:
        with pytest.raises(ValidationError) as error:
            fund_transaction_correct(
                record=record, version=1, reason="更正", **{"actor": SYSTEM, **changes}
            )
        assert message in error.value.message_dict[field][0]
    with pytest.raises(ValidationError, match="没有需要更正的内容"):
        fund_transaction_correct(
            record=record, version=1, reason="更正", amount="100", note="原备注", actor=SYSTEM
        )
    assert written() == before


def test_a_correction_on_an_old_version_is_a_conflict(project):
    record = move(project, "100.00")
    fund_transaction_correct(
        record=record, version=1, reason="第一次更正", amount="90", actor=SYSTEM
    )
    before = written()
    with pytest.raises(ConflictError) as error:
        fund_transaction_correct(
            record=record, version=1, reason="我的更正", amount="80", actor=SYSTEM
        )
    assert (error.value.expected, error.value.current) == (1, 2)
    assert "资金流水已被他人修改" in error.value.messages[0]
    with pytest.raises(ConflictError):
        fund_transaction_void(record=record, version=1, reason="我的作废", actor=SYSTEM)
    assert written() == before


def test_a_void_removes_the_row_and_its_money_and_keeps_the_old_values(project):
    keep = move(project, "10.00")
    record = move(project, "100.00", reference="凭证7", note="重复录入", on=date(2026, 3, 2))
    user = testing.user()
    fund_transaction_void(record=record, version=1, actor=user, reason="与凭证6重复")
    assert list(FundTransaction.objects.values_list("pk", flat=True)) == [keep.pk]
    assert project_fund_totals(project=project)["aid"]["release"] == Decimal("10.00")
    assert_summary_equals_a_rebuild()
    entry = entries(record.pk).last()
    assert (entry.action, entry.reason, entry.actor, entry.after) == (
        "delete",
        "与凭证6重复",
        user,
        None,
    )
    assert entry.before["amount"] == "100.00"
    assert (entry.before["on"], entry.before["reference"]) == ("2026-03-02", "凭证7")
    [voided] = fund_transaction_voided_list(project=project)
    assert (voided.amount, voided.kind, voided.reason, voided.voided_by) == (
        Decimal("100.00"),
        "下达",
        "与凭证6重复",
        user,
    )


def test_a_voided_row_can_be_neither_corrected_nor_voided_again(project):
    record = move(project, "100.00")
    fund_transaction_void(record=record, version=1, reason="作废", actor=SYSTEM)
    for attempt in (
        lambda: fund_transaction_correct(
            record=record, version=1, reason="更正", amount="9", actor=SYSTEM
        ),
        lambda: fund_transaction_void(record=record, version=1, reason="再作废", actor=SYSTEM),
    ):
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "已被作废" in error.value.message_dict["record"][0]


def test_the_summary_equals_a_rebuild_after_every_kind_of_change():
    project = testing.project(budgets={"aid": "1000.00", "local": "500.00"})
    other = testing.project(region="652302", budgets={"aid": "300.00"})
    a = move(project, "100.00")
    b = move(project, "200.00", kind="disburse", on=date(2024, 7, 1))
    c = fund_transaction_create(
        project=project,
        fund_source="local",
        kind="spend",
        amount="50.00",
        on=date(2025, 2, 1),
        actor=SYSTEM,
    )
    d = move(other, "300.00")
    fund_transaction_correct(record=a, version=1, reason="改金额", amount="150.50", actor=SYSTEM)
    fund_transaction_correct(
        record=b, version=1, reason="改年份", on=date(2025, 1, 1), actor=SYSTEM
    )
    fund_transaction_correct(
        record=c, version=1, reason="都改", amount="49.99", on=date(2023, 6, 1), actor=SYSTEM
    )
    fund_transaction_void(record=d, version=1, reason="作废", actor=SYSTEM)
    move(other, "1.00")
    assert_summary_equals_a_rebuild()
