"""A busy worker still shows it is alive and still reaps: its own heartbeat comes from a
thread, and it reaps stale jobs between rounds of a few jobs, not only once its queue is
empty. Real `duikou worker` processes on the test database (SQLite or PostgreSQL). The
job page names the host, process and attempts of a job's run."""

import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from duikou.core import testing
from duikou.jobs.models import Job, WorkerBeat
from duikou.jobs.services import job_enqueue
from duikou.jobs.testing import worker_env
from duikou.orgs.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def start_worker(tmp_path, **env) -> subprocess.Popen:
    full = worker_env()
    full.update({"DUIKOU_JOB_HEARTBEAT_SECONDS": "0.2", "DUIKOU_LOG_LEVEL": "WARNING", **env})
    return subprocess.Popen(
        [sys.executable, "-m", "duikou", "worker", "--interval", "0.1"],
        env=full,
        stdout=(tmp_path / "worker.out").open("wb"),
        stderr=subprocess.STDOUT,
    )


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def test_a_worker_busy_with_a_long_job_keeps_beating(tmp_path):
    job = job_enqueue(kind="jobs.echo", params={"steps": 20, "sleep": 0.2})
    worker = start_worker(tmp_path)
    try:
        assert wait_for(lambda: Job.objects.get(pk=job.pk).progress > 0)
        first = WorkerBeat.objects.get(pid=worker.pid).seen_at
        time.sleep(1)
        assert Job.objects.get(pk=job.pk).status == "running"
        assert WorkerBeat.objects.get(pid=worker.pid).seen_at > first
    finally:
        stop(worker)


def test_a_stale_job_is_reaped_while_the_queue_is_still_long(tmp_path):
    queue = [job_enqueue(kind="jobs.echo", params={"sleep": 0.1}) for _ in range(40)]
    worker = start_worker(tmp_path, DUIKOU_JOB_STALE_SECONDS="1")
    try:
        assert wait_for(lambda: Job.objects.filter(status="done").exists())
        # A job another host's worker was running when it died.
        lost = Job.objects.create(
            kind="jobs.echo",
            status=Job.Status.RUNNING,
            attempts=1,
            worker_host="another-host",
            worker_pid=1,
            heartbeat_at=timezone.now() - timedelta(seconds=10),
        )
        assert wait_for(lambda: Job.objects.get(pk=lost.pk).status != "running", 10)
        waiting = Job.objects.filter(pk__in=[j.pk for j in queue], status="queued").count()
        assert waiting >= 10, "reaped only once the queue was (nearly) empty"
        assert wait_for(lambda: Job.objects.get(pk=lost.pk).status == "done", 30)
        assert Job.objects.get(pk=lost.pk).attempts == 2
    finally:
        stop(worker)


@pytest.mark.django_db  # no worker here: a plain test in a transaction
def test_the_job_page_names_the_host_process_and_attempts(client):
    user = testing.user(role=Membership.Role.RECIPIENT, region_code="652300")
    job = Job.objects.create(
        kind="jobs.echo",
        requested_by=user,
        status=Job.Status.DONE,
        attempts=2,
        worker_host="host-b",
        worker_pid=4321,
    )
    client.force_login(user)
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "运行主机：host-b（进程 4321）" in html
    assert "已运行 2 次" in html
    queued = Job.objects.create(kind="jobs.echo", requested_by=user)
    assert "job-worker" not in client.get(f"/jobs/{queued.pk}/").content.decode()
