"""Whole pages kept until the next ledger write (web/page_cache.py): served again for the same
reader, never for another, never after a write; a kept page's forms post like a fresh one's."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from duikou.core import testing
from duikou.web.once import FIELD

# Committed writes are what the cache watches: these tests run outside a test transaction.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ledger-write triggers"),
]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
ONCE = re.compile(r'name="' + FIELD + r'" value="([0-9a-f]{32})"')


@pytest.fixture(autouse=True)
def _empty_cache(reference_data):
    cache.clear()
    yield
    cache.clear()


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _tokens_out(page: str) -> str:
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", ONCE.sub("", page))


def test_a_detail_page_is_kept_until_a_ledger_write(django_assert_max_num_queries):
    project = testing.project(name="页面缓存项目")
    client = _signed_in(testing.user())
    first = client.get(f"/projects/{project.pk}/").content.decode()
    assert "页面缓存项目" in first
    with django_assert_max_num_queries(4):  # session, user, version, scope check
        again = client.get(f"/projects/{project.pk}/").content.decode()
    assert _tokens_out(again) == _tokens_out(first)
    project.name = "改过名的项目"
    project.save()  # a committed ledger write
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "改过名的项目" in page  # the old name stays in the history below


def test_a_kept_page_carries_the_sessions_own_csrf_token_and_fresh_one_time_tokens():
    project = testing.project(name="令牌项目")
    user = testing.user()
    first, second = _signed_in(user), _signed_in(user)  # two sign-ins: two CSRF secrets
    kept_for = first.get(f"/projects/{project.pk}/").content.decode()
    served = second.get(f"/projects/{project.pk}/").content.decode()
    assert "\x00" not in served
    tokens = set(CSRF.findall(served))
    assert len(tokens) == 1 and tokens != set(CSRF.findall(kept_for))
    assert re.findall(r'"X-CSRFToken": "(\w{64})"', served) == list(tokens)  # htmx's header too
    once_first, once_again = (
        ONCE.findall(served),
        ONCE.findall(second.get(f"/projects/{project.pk}/").content.decode()),
    )
    assert once_first and once_again and not set(once_first) & set(once_again)
    # The token from the kept page posts: the language switch checks CSRF.
    answer = second.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": tokens.pop()})
    assert answer.status_code == 302
    refused = second.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_a_message_is_shown_once_and_not_kept():
    project = testing.project(name="消息项目")
    client = _signed_in(testing.user())
    page = client.get(f"/projects/{project.pk}/").content.decode()
    token = CSRF.search(page).group(1)
    form = re.search(r'action="/projects/\d+/transition/".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    choice = re.search(r'<option value="(\w+)"', form).group(1)
    fields.update(to_status=choice, on="2025-06-01", reason="开工", csrfmiddlewaretoken=token)
    answer = client.post(f"/projects/{project.pk}/transition/", fields, follow=True)
    assert "状态已变更。" in answer.content.decode()
    assert "状态已变更。" not in client.get(f"/projects/{project.pk}/").content.decode()


def test_readers_never_share_a_page():
    project = testing.project(name="谁看的项目")
    first = testing.user()
    first.first_name = "甲用户"
    first.save()
    second = testing.user()
    second.first_name = "乙用户"
    second.save()
    assert "甲用户" in _signed_in(first).get(f"/projects/{project.pk}/").content.decode()
    page = _signed_in(second).get(f"/projects/{project.pk}/").content.decode()
    assert "乙用户" in page and "甲用户" not in page
    outsider = testing.user(role="sub_command", organisation=testing.donor_org())
    assert _signed_in(outsider).get(f"/projects/{project.pk}/").status_code == 404
