"""Sessions slide their 8-hour expiry without writing the row on every page."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duikou.accounts.sessions import REFRESH_SECONDS
from duikou.core import testing

pytestmark = pytest.mark.django_db


def _session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT")))


@pytest.fixture
def signed_in(client):
    client.force_login(testing.user())
    return client


def test_a_page_read_soon_after_the_last_save_writes_nothing(signed_in):
    key = signed_in.cookies["sessionid"].value
    before = Session.objects.get(session_key=key).expire_date
    assert _session_writes(signed_in, reverse("projects:list")) == 0
    assert Session.objects.get(session_key=key).expire_date == before


def test_the_expiry_slides_forward_once_it_is_a_minute_behind(signed_in):
    key = signed_in.cookies["sessionid"].value
    old = timezone.now() + timedelta(hours=8) - timedelta(seconds=REFRESH_SECONDS + 5)
    Session.objects.filter(session_key=key).update(expire_date=old)
    assert _session_writes(signed_in, reverse("projects:list")) == 1
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry - timezone.now() > timedelta(hours=8) - timedelta(seconds=REFRESH_SECONDS)


def test_a_changed_session_is_saved_at_once(signed_in):
    key = signed_in.cookies["sessionid"].value
    session = signed_in.session
    session["choice"] = "x"
    session.save()
    assert Session.objects.get(session_key=key).get_decoded()["choice"] == "x"
    signed_in.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
