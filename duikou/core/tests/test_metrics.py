"""/metrics: refused to the public and to signed-in users, open to operators, with real figures
from real requests and a real job."""

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from duikou.core import testing as factories
from duikou.jobs.services import job_enqueue
from duikou.jobs.testing import run_queued

pytestmark = pytest.mark.django_db


def samples(text: str, name: str) -> list:
    return [s for f in text_string_to_metric_families(text) for s in f.samples if s.name == name]


def test_metrics_are_hidden_from_the_public_and_from_signed_in_users(settings):
    settings.DUIKOU_METRICS_ALLOW = ["127.0.0.0/8"]
    settings.DUIKOU_METRICS_TOKEN = "scrape-token"
    outside = Client(REMOTE_ADDR="192.0.2.7")
    assert outside.get("/metrics").status_code == 404
    outside.force_login(factories.user())
    assert outside.get("/metrics").status_code == 404
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_metrics_open_to_an_allowed_network_and_the_token(settings):
    settings.DUIKOU_METRICS_ALLOW = ["10.1.0.0/16"]
    settings.DUIKOU_METRICS_TOKEN = "scrape-token"
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    token = Client(REMOTE_ADDR="192.0.2.7").get(
        "/metrics", HTTP_AUTHORIZATION="Bearer scrape-token"
    )
    assert token.status_code == 200 and token["Content-Type"].startswith("text/plain")


def test_requests_and_jobs_show_in_the_figures(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Client().get("/healthz")
    Client().get("/no-such-page/")
    done = job_enqueue(kind="jobs.echo", params={"text": "好"})
    failed = job_enqueue(kind="jobs.echo", params={"fail": True})
    run_queued()
    job_enqueue(kind="jobs.echo", params={"text": "等待"})
    text = Client().get("/metrics").content.decode()

    counts = {
        (s.labels["view"], s.labels["status"]): s.value
        for s in samples(text, "duikou_http_request_duration_seconds_count")
    }
    assert counts[("healthz", "2xx")] >= 1 and counts[("(unmatched)", "4xx")] >= 1
    assert samples(text, "duikou_http_request_db_seconds_count")
    assert [s.value for s in samples(text, "duikou_jobs_queued")] == [1]
    [age] = samples(text, "duikou_jobs_oldest_queued_age_seconds")
    assert age.labels == {"kind": "jobs.echo"} and age.value >= 0
    finished = {s.labels["status"]: s.value for s in samples(text, "duikou_jobs_finished")}
    assert finished == {"done": 1, "failed": 1}, (done.pk, failed.pk)
    assert {s.labels["status"] for s in samples(text, "duikou_jobs_duration_seconds_gcount")} == {
        "done",
        "failed",
    }
    assert [s.value for s in samples(text, "duikou_metrics_database_ok")] == [1]
    assert samples(text, "duikou_backup_last_success_timestamp_seconds")
