from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.core import testing
from duikou.exchanges.models import Partnership, SalesRecord
from duikou.exchanges.services import (
    partnership_end,
    partnership_update,
    sales_channel_update,
    sales_record_create,
)
from duikou.orgs.models import Organisation
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def test_a_party_given_as_an_organisation_takes_its_name():
    hospital = Organisation.objects.create(
        code="T-RH-1",
        name="测试县人民医院",
        side="recipient",
        kind="hospital",
        region=testing.region("652324"),
    )
    partnership = testing.partnership(local_party_name="", local_party_org=hospital)
    assert partnership.local_party_name == "测试县人民医院"
    assert (partnership.status, partnership.year, partnership.month) == ("active", 2024, 3)


def test_a_partnership_needs_both_parties_and_a_known_kind():
    before = Partnership.objects.count()
    with pytest.raises(ValidationError) as error:
        testing.partnership(local_party_name="")
    assert error.value.message_dict == {"local_party_name": ["请填写受援方单位"]}
    with pytest.raises(ValidationError) as error:
        testing.partnership(kind="marriage")
    assert error.value.message_dict == {"kind": ["合作类型“marriage”无效"]}
    with pytest.raises(ValidationError) as error:
        testing.partnership(planned_end=date(2020, 1, 1))
    assert error.value.message_dict == {"planned_end": ["约定截止日期不能早于建立日期"]}
    assert Partnership.objects.count() == before


def test_ending_a_partnership_needs_a_reason_and_a_date_after_its_start():
    partnership = testing.partnership()
    with pytest.raises(ValidationError) as error:
        partnership_end(partnership=partnership, on=date(2025, 1, 1), reason="", actor=SYSTEM)
    assert error.value.message_dict == {"reason": ["结束合作必须说明原因"]}
    with pytest.raises(ValidationError) as error:
        partnership_end(partnership=partnership, on=date(2023, 1, 1), reason="到期", actor=SYSTEM)
    assert "on" in error.value.message_dict
    ended = partnership_end(
        partnership=partnership, on=date(2025, 1, 1), reason="协议到期", actor=SYSTEM
    )
    assert (ended.status, ended.ended_on) == ("ended", date(2025, 1, 1))
    with pytest.raises(ValidationError):
        partnership_end(partnership=ended, on=date(2025, 2, 1), reason="再次结束", actor=SYSTEM)


def test_a_partnership_edit_refuses_blank_names():
    partnership = testing.partnership()
    with pytest.raises(ValidationError):
        partnership_update(partnership=partnership, version=1, donor_party_name=" ", actor=SYSTEM)
    updated = partnership_update(
        partnership=partnership, version=1, kind="specialty_alliance", actor=SYSTEM
    )
    assert updated.get_kind_display() == "专科联盟"


def test_sales_records_add_up_and_refuse_overlapping_periods():
    channel = testing.sales_channel()
    sales_record_create(
        channel=channel,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        sales_amount="120000.50",
        subsidy_paid="7000.00",
        actor=SYSTEM,
    )
    record = sales_record_create(
        channel=channel,
        period_start=date(2025, 7, 1),
        period_end=date(2025, 12, 31),
        sales_amount="0.50",
        actor=SYSTEM,
    )
    assert (record.year, record.month, record.subsidy_paid) == (2025, 12, Decimal("0.00"))
    with pytest.raises(ValidationError) as error:
        sales_record_create(
            channel=channel,
            period_start=date(2025, 6, 1),
            period_end=date(2025, 7, 31),
            sales_amount="1.00",
            actor=SYSTEM,
        )
    assert error.value.message_dict == {
        "period_start": ["该渠道已有2025-01-01至2025-06-30的销售记录，期间不能重叠"]
    }
    assert SalesRecord.objects.filter(channel=channel).count() == 2


def test_sales_refuse_negative_amounts_and_reversed_periods():
    channel = testing.sales_channel()
    with pytest.raises(ValidationError) as error:
        sales_record_create(
            channel=channel,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 31),
            sales_amount="-1.00",
            actor=SYSTEM,
        )
    assert error.value.message_dict == {"sales_amount": ["销售额不能为负数"]}
    with pytest.raises(ValidationError) as error:
        sales_record_create(
            channel=channel,
            period_start=date(2025, 2, 1),
            period_end=date(2025, 1, 31),
            sales_amount="1.00",
            actor=SYSTEM,
        )
    assert error.value.message_dict == {"period_end": ["期间结束不能早于期间开始"]}
    assert not SalesRecord.objects.exists()


def test_a_channel_needs_an_operator_and_a_known_kind_and_can_be_closed():
    with pytest.raises(ValidationError) as error:
        testing.sales_channel(operator="")
    assert error.value.message_dict == {"operator": ["请填写外销主体"]}
    with pytest.raises(ValidationError) as error:
        testing.sales_channel(kind="barter")
    assert "kind" in error.value.message_dict
    channel = sales_channel_update(
        channel=testing.sales_channel(), version=1, is_active=False, actor=SYSTEM
    )
    assert not channel.is_active
