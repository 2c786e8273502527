"""The 403, 404 and 500 pages are Chinese, in the site's layout, with a way back."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from duikou.core import testing
from duikou.orgs.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_debug(settings):
    settings.DEBUG = False


def assert_in_layout(html: str) -> None:
    assert '<header class="top">' in html
    assert "对口 Duikou</title>" in html
    assert "返回首页" in html and "返回上一页" in html
    assert "favicon.svg" in html


def test_a_missing_page_is_a_chinese_404_in_the_layout(client):
    client.force_login(testing.user(role=Membership.Role.NATIONAL))
    response = client.get("/projects/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在（404）" in html
    assert_in_layout(html)


def test_an_unknown_address_is_a_404_for_visitors_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在（404）" in response.content.decode()


def test_a_refused_page_is_a_chinese_403_in_the_layout(client):
    client.force_login(testing.user(role=Membership.Role.AUDITOR))
    response = client.get("/projects/new/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问（403）" in html
    assert_in_layout(html)


def test_the_500_page_renders_without_the_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错（500）" in html
    assert_in_layout(html)
