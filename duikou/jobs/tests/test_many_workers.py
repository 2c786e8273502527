"""200 jobs over 3 real `duikou worker` processes on two host names, one of them killed
with SIGKILL while it runs a job: every job runs to DONE exactly once, and the killed
worker's job is reaped by another worker once its heartbeat is stale and run again.

PostgreSQL only: workers claim queue rows with SELECT … FOR UPDATE SKIP LOCKED, which
SQLite does not have (CI's PostgreSQL pass runs this). The job kind is the test-only
``tests.counting``: each run appends its start and its finish to a file, so a second run
or a run cut short shows there whatever the job rows say."""

import collections
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from duikou.jobs.models import Job, WorkerBeat
from duikou.jobs.services import job_enqueue
from duikou.jobs.testing import worker_env
from duikou.jobs.tests import counting

pytestmark = pytest.mark.django_db(transaction=True)

JOBS = 200
HELD = 60  # the job whose first attempt holds on until its worker is killed
HOSTS = ["host-a", "host-a", "host-b"]
STALE_SECONDS = 2


@pytest.fixture
def counting_kind():
    counting.register_kind()
    yield counting.KIND
    counting.unregister_kind()


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def start_worker(host: str, out) -> subprocess.Popen:
    env = worker_env()
    env.update(
        DJANGO_SETTINGS_MODULE="duikou.jobs.tests.counting_settings",
        DUIKOU_HOST_NAME=host,
        DUIKOU_JOB_HEARTBEAT_SECONDS="0.2",
        DUIKOU_JOB_STALE_SECONDS=str(STALE_SECONDS),
        DUIKOU_JOB_MAX_ATTEMPTS="2",
        DUIKOU_LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "duikou", "worker", "--interval", "0.1"],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def read_log(path) -> dict[int, list[tuple[str, int, str, int]]]:
    """Per job id: its (event, attempt, host, pid) lines in order."""
    runs = collections.defaultdict(list)
    for line in path.read_text().splitlines():
        event, job_id, attempt, host, pid = line.split()
        runs[int(job_id)].append((event, int(attempt), host, int(pid)))
    return runs


def test_many_workers_on_two_hosts_run_each_job_once_and_retry_a_killed_workers_job(
    tmp_path, counting_kind
):
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL：SQLite 没有 SKIP LOCKED，多个后台进程不能并行领取任务")
    log = tmp_path / "runs.log"
    outs = [open(tmp_path / f"worker-{i}.out", "wb") for i in range(len(HOSTS))]
    workers = [start_worker(host, out) for host, out in zip(HOSTS, outs, strict=True)]
    by_pid = {w.pid: w for w in workers}
    try:
        started = time.monotonic()
        up = wait_for(
            lambda: (
                WorkerBeat.objects.count() == len(HOSTS)
                or any(w.poll() is not None for w in workers)
            ),
            30,
        )
        assert up and all(w.poll() is None for w in workers), "the workers did not start"
        jobs = [
            job_enqueue(
                kind=counting_kind,
                params={"log": str(log), "sleep": 0.02, **({"hold": 60} if i == HELD else {})},
            )
            for i in range(JOBS)
        ]
        held = jobs[HELD]

        def held_running():
            row = Job.objects.get(pk=held.pk)
            return row.status == Job.Status.RUNNING and log.exists() and row.pk in read_log(log)

        assert wait_for(held_running, 30), "the held job never started"
        row = Job.objects.get(pk=held.pk)
        victim = by_pid[row.worker_pid]
        victim_host = row.worker_host
        assert victim_host == HOSTS[workers.index(victim)]
        victim.send_signal(signal.SIGKILL)
        assert victim.wait(timeout=10) == -signal.SIGKILL
        killed_at = time.monotonic()
        retried = wait_for(lambda: Job.objects.get(pk=held.pk).attempts == 2, 30)
        retried_after = time.monotonic() - killed_at
        assert retried, "the killed worker's job was never run again"

        mine = Job.objects.filter(kind=counting_kind)
        finished = (Job.Status.DONE, Job.Status.FAILED)
        assert wait_for(lambda: not mine.exclude(status__in=finished).exists(), 45), list(
            mine.exclude(status__in=finished).values("pk", "status", "worker_host")
        )
        took = time.monotonic() - started
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        for out in outs:
            out.close()

    rows = {j.pk: j for j in Job.objects.filter(kind=counting_kind)}
    runs = read_log(log)
    assert len(rows) == JOBS
    # Every job but the held one: one attempt, one start and one finish, and DONE.
    for pk, job in rows.items():
        if pk == held.pk:
            continue
        events = [e for e, *_ in runs[pk]]
        assert (job.status, job.attempts, events) == ("done", 1, ["start", "finish"]), pk
        assert job.worker_host == runs[pk][-1][2]
        assert job.result == {"ran": pk}
    # The held job: started by the victim, never finished there; reaped once its heartbeat
    # went stale, run again by another worker, DONE once on its second attempt.
    job = rows[held.pk]
    first, *rest = runs[held.pk]
    assert first == ("start", 1, victim_host, victim.pid)
    assert [(e, a) for e, a, *_ in rest] == [("start", 2), ("finish", 2)]
    assert rest[0][3] != victim.pid and rest[0][2:] == rest[1][2:]
    assert (job.status, job.attempts, job.worker_host) == ("done", 2, rest[1][2])
    assert job.worker_pid == rest[1][3]
    # All three workers and both hosts took part; the survivors did the rest.
    assert {pid for r in runs.values() for *_, pid in r} == set(by_pid)
    assert {host for r in runs.values() for _, _, host, _ in r} == set(HOSTS)
    assert sum(len(r) for r in runs.values()) == 2 * JOBS + 1
    print(
        f"\n{JOBS} jobs over {len(HOSTS)} workers done {took:.1f} s after they were started; "
        f"the killed worker's job ran again {retried_after:.1f} s after the kill "
        f"(heartbeat stale after {STALE_SECONDS} s)"
    )
