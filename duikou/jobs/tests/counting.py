"""A job kind for tests only: each run appends its start and its finish, with the job id,
attempt, host and process, to the file named in its parameters, so a job run twice or
cut short shows in the file whatever the job row says.

Registered through the normal API by ``CountingJobsConfig``, which only the test settings
``duikou.jobs.tests.counting_settings`` install: production never imports this module."""

import os
import time

from django.apps import AppConfig

KIND = "tests.counting"
LABEL = "测试用计数任务"


def _append(path: str, line: str) -> None:
    # One write(2) on a file opened for appending: lines of several processes never mix.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def counted(job) -> dict:
    """Record the start, sleep (``hold`` seconds on the first attempt, else ``sleep``),
    record the finish."""
    from duikou.jobs.services import host_name  # the app registry is ready by now

    log = job.params["log"]
    who = f"{job.pk} {job.attempts} {host_name()} {os.getpid()}"
    _append(log, f"start {who}\n")
    hold = job.params.get("hold") if job.attempts == 1 else None
    time.sleep(float(hold or job.params.get("sleep", 0)))
    _append(log, f"finish {who}\n")
    return {"ran": job.pk}


def register_kind() -> None:
    from duikou.jobs.registry import register

    register(KIND, f"{__name__}.counted", label=LABEL)


def unregister_kind() -> None:
    from duikou.jobs.registry import HANDLERS, LABELS

    HANDLERS.pop(KIND, None)
    LABELS.pop(KIND, None)


class CountingJobsConfig(AppConfig):
    name = "duikou.jobs.tests"
    label = "jobs_counting"
    verbose_name = LABEL

    def ready(self):
        register_kind()
