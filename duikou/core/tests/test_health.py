"""/healthz, /readyz (each failure), who may read them, the request id in responses and logs,
and loaddemo's refusal outside demo mode."""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from duikou.core.observability import JsonFormatter, RequestIdFilter
from duikou.jobs.models import WorkerBeat

pytestmark = pytest.mark.django_db


def beat(seconds_ago=0):
    return WorkerBeat.objects.create(
        worker_id=f"test-{seconds_ago}",
        host="node-a",
        pid=1,
        seen_at=timezone.now() - timedelta(seconds=seconds_ago),
    )


def failed_checks(response):
    return {f["check"]: f["problem"] for f in response.json()["failed"]}


def test_healthz_answers_200_json():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_with_a_recent_worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    beat(5)
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ready"
    assert not any(tmp_path.rglob("*.probe"))  # the probe file is removed


def test_readyz_without_a_worker_in_the_last_minute(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    beat(120)
    response = Client().get("/readyz")
    assert response.status_code == 503
    problems = failed_checks(response)
    assert list(problems) == ["worker"]
    assert "60 秒" in problems["worker"]


def test_readyz_when_media_is_not_writable(settings, tmp_path):
    blocked = tmp_path / "media"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    beat()
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert list(failed_checks(response)) == ["media"]


def test_readyz_when_migrations_are_missing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    beat()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'projects'")
    response = Client().get("/readyz")
    assert response.status_code == 503
    problems = failed_checks(response)
    assert list(problems) == ["migrations"]
    assert "projects." in problems["migrations"] and "duikou upgrade" in problems["migrations"]


def test_readyz_when_the_database_is_unreachable(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    beat()

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    # The real connection is closed and pointed at nothing it can open.
    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    problems = failed_checks(response)
    assert "数据库无法连接" in problems["database"]
    assert problems["migrations"] == problems["worker"] == "数据库无法连接，未检查"


def test_readyz_is_hidden_from_other_networks(settings):
    settings.DUIKOU_METRICS_ALLOW = ["127.0.0.0/8"]
    settings.DUIKOU_METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR="10.1.2.3").get("/readyz").status_code == 404


def test_readyz_allowed_network_and_bearer_token(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    beat()
    settings.DUIKOU_METRICS_ALLOW = ["10.1.0.0/16"]
    settings.DUIKOU_METRICS_TOKEN = "s3cret-token"
    assert Client(REMOTE_ADDR="10.1.2.3").get("/readyz").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/readyz").status_code == 404
    outside = Client(REMOTE_ADDR="192.168.9.9")
    assert outside.get("/readyz").status_code == 404
    assert outside.get("/readyz", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert outside.get("/readyz", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_request_id_from_nginx_is_returned_and_logged():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="abc-123")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "abc-123"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines and all(line["request_id"] == "abc-123" for line in lines)
    assert lines[0]["level"] == "WARNING" and lines[0]["status_code"] == 404


def test_request_id_is_made_when_missing_or_unfit():
    made = Client().get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    unfit = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert unfit["X-Request-ID"] != "bad id\nwith newline" and len(unfit["X-Request-ID"]) == 32


def test_json_formatter_writes_the_traceback():
    record = None
    try:
        raise ValueError("坏了")
    except ValueError:
        import sys

        record = logging.LogRecord("duikou", logging.ERROR, __file__, 1, "出错", (), sys.exc_info())
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "出错" and entry["request_id"] == "-"
    assert "ValueError: 坏了" in entry["traceback"]


def test_loaddemo_refuses_in_production_mode(settings):
    settings.DEBUG = False
    settings.DUIKOU_DEMO = False
    with pytest.raises(CommandError, match="拒绝载入演示数据"):
        call_command("loaddemo")
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="demo-national").exists()


def _redis_cache(url: str) -> dict:
    backend = "django.core.cache.backends.redis.RedisCache"
    return {"default": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "duikou-test"}}


# Database 12 of the Redis on this machine is the tests' own; each probe key removes itself.
REDIS_TEST_URL = "redis://127.0.0.1:6379/12"


def test_readyz_writes_and_reads_the_shared_cache_in_redis(settings, tmp_path):
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.MEDIA_ROOT = tmp_path
    settings.DUIKOU_REDIS_URL = REDIS_TEST_URL
    settings.CACHES = _redis_cache(REDIS_TEST_URL)
    beat(5)
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert "cache" in response.json()["checks"]
    assert not client.keys("duikou-test:*readyz:*")  # the probe key is removed


def test_readyz_when_redis_does_not_answer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    settings.DUIKOU_REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = _redis_cache(settings.DUIKOU_REDIS_URL)
    beat(5)
    response = Client().get("/readyz")
    assert response.status_code == 503
    problems = failed_checks(response)
    assert list(problems) == ["cache"]
    assert "DUIKOU_REDIS_URL" in problems["cache"]
