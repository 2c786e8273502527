from datetime import date
from decimal import Decimal

from django.utils import translation

from duikou.web.templatetags.duikou_web import cn_date, money, num, pct


def test_money_is_shown_in_wan_and_yi_yuan():
    assert money(Decimal("238050000000")) == "2,380.50亿元"
    assert money(Decimal("15100000.00")) == "1,510.00万元"
    assert money(None) == "—"


def test_dates_read_the_chinese_way():
    with translation.override("zh-hans"):
        assert cn_date(date(2025, 3, 12)) == "2025年3月12日"
    with translation.override("en"):
        assert cn_date(date(2025, 3, 12)) == "2025-03-12"


def test_numbers_and_shares():
    assert num(Decimal("125012.0000")) == "125,012"
    assert pct(Decimal("0.8123")) == "81.2%"
