"""Background jobs run in a real worker process, on the same database as the web side."""

import signal
import time
from datetime import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from duikou.jobs.models import Job, ScheduledRun
from duikou.jobs.registry import SCHEDULES, Schedule
from duikou.jobs.services import (
    STALE_AFTER,
    job_enqueue,
    job_reap_if_dead,
    jobs_reap_dead_workers,
    schedules_tick,
)
from duikou.jobs.testing import run_queued, worker_start

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_job_is_queued_only_when_its_transaction_commits():
    with transaction.atomic():
        job = job_enqueue(kind="jobs.echo", params={"text": "好"})
        transaction.set_rollback(True)
    assert not Job.objects.filter(pk=job.pk).exists()


def test_a_real_worker_runs_a_job_and_records_progress():
    job = job_enqueue(kind="jobs.echo", params={"text": "你好", "steps": 3})
    worker = worker_start("--once")
    assert worker.wait(timeout=60) == 0, worker.stdout.read().decode()
    job.refresh_from_db()
    assert job.status == "done"
    assert job.progress == 100
    assert job.result == {"echo": "你好"}


def test_a_failing_job_is_marked_failed_with_its_message():
    job = job_enqueue(kind="jobs.echo", params={"fail": True})
    run_queued()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "按要求失败" in job.message


def test_a_killed_worker_leaves_its_job_queued_again_once_then_failed():
    job = job_enqueue(kind="jobs.echo", params={"steps": 50, "sleep": 0.2})
    worker = worker_start()
    assert wait_for(lambda: Job.objects.get(pk=job.pk).progress > 0)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert Job.objects.get(pk=job.pk).status == "running"
    assert jobs_reap_dead_workers() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker_host) == ("queued", 1, "")
    assert "重新排队" in job.message


def test_one_job_is_reaped_when_its_heartbeat_is_stale_or_its_worker_is_known_gone():
    job = job_enqueue(kind="jobs.echo", params={"steps": 50, "sleep": 0.2})
    worker = worker_start()
    try:
        assert wait_for(lambda: Job.objects.get(pk=job.pk).progress > 0)
        assert not job_reap_if_dead(job_id=job.pk)  # beating, its worker alive
        beat = Job.objects.get(pk=job.pk).heartbeat_at
        assert job_reap_if_dead(job_id=job.pk, now=beat + STALE_AFTER * 1.5)
        assert Job.objects.get(pk=job.pk).status == "failed"
    finally:
        worker.kill()
        worker.wait(timeout=10)
    other = job_enqueue(kind="jobs.echo", params={"steps": 50, "sleep": 0.2})
    worker = worker_start()
    assert wait_for(lambda: Job.objects.get(pk=other.pk).progress > 0)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert not job_reap_if_dead(job_id=other.pk)  # the heartbeat is fresh
    assert job_reap_if_dead(job_id=other.pk, worker_gone=True)  # as the caller knows
    assert "中断" in Job.objects.get(pk=other.pk).message


def test_a_schedule_fires_once_per_period_and_the_worker_runs_it():
    def monthly(now: datetime) -> str | None:
        return f"{now.year}-{now.month:02d}"

    SCHEDULES.append(Schedule("test.monthly", "jobs.echo", monthly, lambda key: {"text": key}))
    try:
        now = timezone.make_aware(datetime(2025, 11, 1, 8, 0))
        first = schedules_tick(now=now)
        assert schedules_tick(now=now) == []
        assert [j.params for j in first] == [{"text": "2025-11"}]
        worker = worker_start("--once")
        assert worker.wait(timeout=60) == 0
        assert Job.objects.get(pk=first[0].pk).result == {"echo": "2025-11"}
        assert ScheduledRun.objects.filter(name="test.monthly").count() == 1
    finally:
        SCHEDULES[:] = [s for s in SCHEDULES if s.name != "test.monthly"]
