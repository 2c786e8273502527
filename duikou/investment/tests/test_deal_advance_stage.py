from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.investment.models import Deal, DealStageChange
from duikou.investment.services import deal_advance_stage
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def counts():
    return DealStageChange.objects.count(), ChangeEntry.objects.count()


def test_it_walks_the_pipeline_with_dated_transitions():
    deal = testing.deal()
    steps = [
        ("reserve", date(2025, 2, 1)),
        ("negotiating", date(2025, 3, 1)),
        ("signed", date(2025, 4, 1)),
        ("started", date(2025, 5, 1)),
        ("producing", date(2025, 9, 1)),
    ]
    for stage, day in steps:
        deal = deal_advance_stage(deal=deal, to_stage=stage, on=day, actor=SYSTEM)
    history = list(
        DealStageChange.objects.filter(deal=deal).values_list("to_stage", "on", "is_irregular")
    )
    assert history == [("lead", date(2025, 1, 10), False), *[(s, d, False) for s, d in steps]]
    assert (deal.signed_on, deal.started_on, deal.producing_on) == (
        date(2025, 4, 1),
        date(2025, 5, 1),
        date(2025, 9, 1),
    )


def test_signing_can_carry_the_signed_amount():
    deal = testing.deal(stage="negotiating")
    deal = deal_advance_stage(
        deal=deal,
        to_stage="signed",
        on=date(2025, 2, 1),
        signed_amount="2980000000.00",
        actor=SYSTEM,
    )
    assert str(deal.signed_amount) == "2980000000.00"


def test_skipping_a_stage_without_a_reason_is_refused_and_nothing_written():
    deal = testing.deal(stage="negotiating")
    before = counts()
    with pytest.raises(ValidationError) as error:
        deal_advance_stage(deal=deal, to_stage="started", on=date(2025, 4, 1), actor=SYSTEM)
    assert error.value.message_dict["stage"] == [
        "招商项目不能从“洽谈”直接变为“开工”（跳过“签约”），如确需跳过请填写原因"
    ]
    assert counts() == before
    deal.refresh_from_db()
    assert (deal.stage, deal.version, deal.signed_on) == ("negotiating", 1, None)


def test_skipping_with_a_reason_is_allowed_recorded_and_dates_the_skipped_stage():
    deal = testing.deal(stage="negotiating")
    deal = deal_advance_stage(
        deal=deal,
        to_stage="started",
        on=date(2025, 4, 1),
        reason="签约与开工同日举行",
        actor=SYSTEM,
    )
    step = DealStageChange.objects.filter(deal=deal).last()
    assert (step.from_stage, step.to_stage, step.is_irregular) == ("negotiating", "started", True)
    assert step.reason == "签约与开工同日举行"
    assert deal.signed_on == deal.started_on == date(2025, 4, 1)
    entry = ChangeEntry.objects.filter(entity="investment.deal", action="transition").get()
    assert entry.reason == "签约与开工同日举行"


def test_going_back_without_a_reason_is_refused_and_nothing_written():
    deal = testing.deal(stage="signed", signed_amount="100.00")
    before = counts()
    with pytest.raises(ValidationError) as error:
        deal_advance_stage(deal=deal, to_stage="negotiating", on=date(2025, 2, 1), actor=SYSTEM)
    assert error.value.message_dict["stage"] == [
        "招商项目不能从“签约”退回“洽谈”，如确需回退请填写原因"
    ]
    assert counts() == before
    assert Deal.objects.get(pk=deal.pk).stage == "signed"


def test_going_back_with_a_reason_undates_the_later_stages():
    deal = testing.deal(stage="signed", signed_amount="100.00")
    deal = deal_advance_stage(
        deal=deal,
        to_stage="negotiating",
        on=date(2025, 2, 1),
        reason="投资方撤回协议重新谈判",
        actor=SYSTEM,
    )
    assert deal.stage == "negotiating"
    assert (deal.signed_on, deal.signed_year) == (None, None)
    assert DealStageChange.objects.filter(deal=deal, is_irregular=True).count() == 1


def test_terminating_needs_a_reason():
    deal = testing.deal()
    before = counts()
    with pytest.raises(ValidationError) as error:
        deal_advance_stage(deal=deal, to_stage="terminated", on=date(2025, 3, 1), actor=SYSTEM)
    assert error.value.message_dict["reason"] == ["终止招商项目必须说明原因"]
    assert counts() == before
    deal = deal_advance_stage(
        deal=deal, to_stage="terminated", on=date(2025, 3, 1), reason="企业放弃投资", actor=SYSTEM
    )
    assert (deal.stage, deal.terminated_on) == ("terminated", date(2025, 3, 1))


def test_reviving_a_terminated_deal_needs_a_reason():
    deal = testing.deal()
    deal = deal_advance_stage(
        deal=deal, to_stage="terminated", on=date(2025, 3, 1), reason="放弃", actor=SYSTEM
    )
    with pytest.raises(ValidationError, match="已终止的招商项目恢复为“储备”须填写原因"):
        deal_advance_stage(deal=deal, to_stage="reserve", on=date(2025, 4, 1), actor=SYSTEM)
    deal = deal_advance_stage(
        deal=deal, to_stage="reserve", on=date(2025, 4, 1), reason="重新对接", actor=SYSTEM
    )
    assert (deal.stage, deal.terminated_on) == ("reserve", None)


def test_staying_on_the_same_stage_is_refused():
    deal = testing.deal()
    with pytest.raises(ValidationError, match="已处于“线索”阶段"):
        deal_advance_stage(deal=deal, to_stage="lead", on=date(2025, 3, 1), actor=SYSTEM)


def test_a_move_dated_before_the_last_one_is_refused():
    deal = testing.deal()
    with pytest.raises(ValidationError) as error:
        deal_advance_stage(deal=deal, to_stage="reserve", on=date(2024, 12, 31), actor=SYSTEM)
    assert error.value.message_dict["on"] == ["阶段变更日期不能早于上一次阶段日期（2025-01-10）"]


def test_an_unknown_stage_is_refused():
    deal = testing.deal()
    with pytest.raises(ValidationError) as error:
        deal_advance_stage(deal=deal, to_stage="done", on=date(2025, 3, 1), actor=SYSTEM)
    assert error.value.message_dict["stage"] == ["招商项目阶段“done”无效"]
