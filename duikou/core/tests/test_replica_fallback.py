"""A replica that stops answering: read-heavy pages read the primary (and /readyz says so)
instead of failing, and go back to the replica once it answers again. The replica's answer is
given here; tools/deploy-test stops a real streaming replica behind nginx to show the same."""

import pytest

from duikou.core import routers
from duikou.core.routers import REPLICA, replica_reads

pytestmark = pytest.mark.django_db


@pytest.fixture
def replica(settings, monkeypatch):
    settings.DATABASES = {**settings.DATABASES, REPLICA: dict(settings.DATABASES["default"])}
    routers._replica_down.update(since=None, error="")
    answers = {"error": "could not connect to server: Connection refused"}
    monkeypatch.setattr(routers, "_replica_error", lambda: answers["error"])
    yield answers
    routers._replica_down.update(since=None, error="")


def test_an_unreachable_replica_leaves_reads_on_the_primary(replica, caplog, monkeypatch):
    with replica_reads():
        assert routers._use_replica.get() is False
    assert "只读副本无法连接" in caplog.text
    # Not asked again at once: the next read-heavy request does not wait on it.
    asked = []
    monkeypatch.setattr(routers, "_replica_error", lambda: asked.append(1) or "down")
    with replica_reads():
        assert routers._use_replica.get() is False
    assert not asked


def test_reads_go_back_to_the_replica_once_it_answers(replica, monkeypatch):
    with replica_reads():
        assert routers._use_replica.get() is False
    replica["error"] = None
    monkeypatch.setattr(routers, "REPLICA_RETRY_SECONDS", 0)
    with replica_reads():
        assert routers._use_replica.get() is True


def test_readyz_says_reads_use_the_primary_while_the_replica_is_down(replica, client):
    body = client.get("/readyz").json()
    assert body["replica"]["status"] == "down"
    assert "读取暂用主库" in body["replica"]["problem"] and "refused" in body["replica"]["problem"]


def test_without_a_replica_readyz_says_none(client):
    assert client.get("/readyz").json()["replica"] == {"status": "none"}
