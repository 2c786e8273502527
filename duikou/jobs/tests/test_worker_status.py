"""The jobs page says, in Chinese, when no worker has been seen recently."""

import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from duikou.core import testing
from duikou.jobs.liveness import worker_beat, worker_stopped
from duikou.jobs.models import Job, WorkerBeat
from duikou.jobs.services import job_enqueue
from duikou.jobs.testing import worker_start
from duikou.orgs.models import Membership

NOTICE = "没有后台任务进程在运行"


def jobs_page(client) -> str:
    client.force_login(testing.user(role=Membership.Role.RECIPIENT, region_code="652300"))
    response = client.get("/jobs/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_page_says_so_when_no_worker_ever_ran(client):
    job_enqueue(kind="jobs.echo")
    html = jobs_page(client)
    assert NOTICE in html
    assert "目前有 1 个任务在排队" in html


@pytest.mark.django_db
def test_a_worker_that_beat_just_now_silences_the_notice(client):
    worker_beat(worker_id="host:1")
    assert NOTICE not in jobs_page(client)


@pytest.mark.django_db
def test_a_worker_silent_for_over_a_minute_is_reported_with_when_it_was_last_seen(client):
    seen = timezone.now() - timedelta(minutes=5)
    worker_beat(worker_id="host:1", now=seen)
    html = jobs_page(client)
    assert NOTICE in html
    assert "上次运行于 " + timezone.localtime(seen).strftime("%Y-%m-%d %H:%M") in html


@pytest.mark.django_db
def test_a_worker_busy_with_a_long_job_counts_as_running(client):
    worker_beat(worker_id="host:1", now=timezone.now() - timedelta(minutes=5))
    job = job_enqueue(kind="jobs.echo")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    assert NOTICE not in jobs_page(client)


@pytest.mark.django_db
def test_a_worker_that_stops_cleanly_is_gone_at_once(client):
    worker_beat(worker_id="host:1")
    worker_stopped(worker_id="host:1")
    assert NOTICE in jobs_page(client)


@pytest.mark.django_db
def test_rows_of_workers_killed_long_ago_are_forgotten():
    worker_beat(worker_id="host:1", now=timezone.now() - timedelta(days=2))
    worker_beat(worker_id="host:2")
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["host:2"]


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_beats_and_removes_its_row_when_stopped():
    worker = worker_start("--interval", "0.2")
    try:
        deadline = time.monotonic() + 30
        while not WorkerBeat.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert WorkerBeat.objects.filter(pid=worker.pid).exists()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert not WorkerBeat.objects.exists()
