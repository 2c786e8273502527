from decimal import Decimal

import pytest

from duikou.projects.selectors import aid_shares_by_donor_province_by_year

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_asked_to_sign_in(client):
    page = client.get("/").content.decode()
    assert 'id="signin-prompt"' in page
    assert "/login/" in page


def test_the_dashboard_shows_the_users_money_in_wan_yuan(client, portfolio):
    client.force_login(portfolio["writer"])
    page = client.get("/", {"year": 2025}).content.decode()
    assert "1,000.00万元" in page  # 9,000,000 + 1,000,000 yuan of aid planned
    assert "300.00万元" in page  # released
    assert 'id="trend-chart"' in page and 'type="application/json"' in page


def test_both_80_percent_shares_are_exact_and_use_the_settings(portfolio, settings):
    settings.DUIKOU_COUNTY_SHARE_THRESHOLD = "0.95"
    settings.DUIKOU_LIVELIHOOD_SHARE_THRESHOLD = "0.80"
    [row] = aid_shares_by_donor_province_by_year(user=portfolio["national"], years=[2025])
    assert row.total == Decimal("10000000.00")
    assert row.county_share == Decimal("0.9")
    assert row.livelihood_share == Decimal("0.9")
    assert row.county_met is False  # 90% < 95%
    assert row.livelihood_met is True


def test_a_recipient_sees_only_projects_in_its_area(client, portfolio):
    client.force_login(portfolio["recipient"])
    page = client.get("/projects/").content.decode()
    assert "玛纳斯县人民医院改扩建" in page
    assert "昌吉州产业园道路" in page
    client.force_login(portfolio["recipient"])
    assert client.get("/people/members/").status_code == 403
