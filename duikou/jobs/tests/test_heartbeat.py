"""A job's heartbeat thread outlives a failed beat: its connection cut by the server, it
logs, opens a new one at the next beat and keeps the job alive."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from duikou.jobs.models import Job
from duikou.jobs.services import _beat_while, host_name
from duikou.jobs.tests.test_worker import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts a server connection"),
]


def _beats_after(job: Job, moment) -> bool:
    job.refresh_from_db()
    return job.heartbeat_at > moment


def test_the_heartbeat_goes_on_after_its_connection_is_cut(settings, caplog):
    settings.DUIKOU_JOB_HEARTBEAT_SECONDS = 0.2
    started = timezone.now()
    job = Job.objects.create(
        kind="jobs.echo",
        status=Job.Status.RUNNING,
        started_at=started,
        heartbeat_at=started,
        worker_host=host_name(),
        worker_pid=424242,
    )
    stop = threading.Event()
    beat = threading.Thread(target=_beat_while, args=(job.pk, job.worker_host, 424242, stop))
    beat.start()
    try:
        assert wait_for(lambda: _beats_after(job, started), 10)
        with connection.cursor() as cursor:  # the beat's connection is the only other one
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        cut = timezone.now()
        assert wait_for(lambda: _beats_after(job, cut), 10)
        assert beat.is_alive()
    finally:
        stop.set()
        beat.join(5)
    assert "job heartbeat failed" in caplog.text
