from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.exchanges.models import Event
from duikou.exchanges.services import event_update
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def counts():
    return Event.objects.count(), ChangeEntry.objects.count()


def test_an_event_keeps_its_outcomes_exactly():
    event = testing.event(
        exhibitors=20, deals_signed=20, amount_traded="1000000.00", intended_orders="99999999.99"
    )
    assert (event.year, event.month) == (2025, 9)
    event.refresh_from_db()
    assert event.intended_orders == Decimal("99999999.99")
    assert event.medicine_value == Decimal("0.00")


def test_an_event_with_negative_participants_is_refused_and_nothing_written():
    organiser = testing.donor_org()
    before = counts()
    with pytest.raises(ValidationError) as error:
        testing.event(organiser=organiser, code="EV-NEG", participants=-1)
    assert error.value.message_dict == {"participants": ["参加人数不能为负数"]}
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("deals_signed", -2, "签约项目数不能为负数"),
        ("people_served", -5, "服务群众人次不能为负数"),
        ("amount_traded", "-0.01", "成交金额不能为负数"),
        ("intended_orders", "-100", "意向订单金额不能为负数"),
        ("medicine_value", "-3.50", "赠送药品价值不能为负数"),
        ("exhibitors", "20", "参展企业数必须是整数"),
    ],
)
def test_negative_outcomes_are_refused_naming_the_field(field, value, message):
    organiser = testing.donor_org()
    before = counts()
    with pytest.raises(ValidationError) as error:
        testing.event(organiser=organiser, **{field: value})
    assert error.value.message_dict == {field: [message]}
    assert counts() == before


def test_an_event_refuses_an_unknown_kind_a_blank_place_and_a_duplicate_code():
    with pytest.raises(ValidationError) as error:
        testing.event(kind="party")
    assert error.value.message_dict == {"kind": ["活动类型“party”无效"]}
    with pytest.raises(ValidationError) as error:
        testing.event(place=" ")
    assert error.value.message_dict == {"place": ["举办地点不能为空"]}
    testing.event(code="EV-1")
    with pytest.raises(ValidationError) as error:
        testing.event(code="EV-1")
    assert error.value.message_dict == {"code": ["编号“EV-1”已存在"]}


def test_outcomes_can_be_added_later_and_a_stale_edit_is_refused():
    event = testing.event(kind="free_clinic", participants=0)
    event = event_update(
        event=event,
        version=1,
        people_served=320,
        medicine_value="8600.00",
        on=date(2025, 10, 2),
        actor=SYSTEM,
    )
    assert (event.people_served, event.medicine_value, event.month) == (320, Decimal("8600.00"), 10)
    with pytest.raises(ConflictError):
        event_update(event=event, version=1, people_served=1, actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        event_update(event=event, version=2, people_served=-1, actor=SYSTEM)
    assert error.value.message_dict == {"people_served": ["服务群众人次不能为负数"]}
    assert Event.objects.get(pk=event.pk).people_served == 320
