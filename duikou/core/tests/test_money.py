from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.core.money import format_money, to_money


def test_it_keeps_yuan_exact_to_the_fen():
    assert to_money("238.05") == Decimal("238.05")
    assert to_money("1,234,567.89") == Decimal("1234567.89")
    assert to_money(12) == Decimal("12.00")


def test_it_refuses_more_than_two_decimal_places():
    with pytest.raises(ValidationError, match="精确到分"):
        to_money("1.001")


def test_it_refuses_text_that_is_not_a_number():
    with pytest.raises(ValidationError, match="不是有效的金额"):
        to_money("一百元", field="金额")


def test_it_refuses_floats_which_cannot_hold_fen_exactly():
    with pytest.raises(ValidationError, match="浮点数"):
        to_money(0.1)


def test_it_formats_amounts_in_wan_and_yi_yuan():
    assert format_money(Decimal("23805000000")) == "238.05亿元"
    assert format_money(Decimal("15100000")) == "1,510.00万元"
    assert format_money(Decimal("950.5")) == "950.50元"
    assert format_money(None) == "—"
