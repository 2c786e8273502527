"""Helpers for tests: run queued jobs in this process, or in a real worker process."""

import os
import subprocess
import sys

from django.db import connection

from .models import Job
from .services import job_run


def run_queued() -> list[Job]:
    """Run every queued job here and now (for tests that need the result inline)."""
    ids = list(Job.objects.filter(status=Job.Status.QUEUED).values_list("pk", flat=True))
    for pk in ids:
        job_run(job_id=pk)
    return list(Job.objects.filter(pk__in=ids))


def worker_env() -> dict[str, str]:
    """Environment for a worker subprocess that uses the current (test) database."""
    settings = connection.settings_dict
    env = dict(os.environ)
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{settings['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    return env


def worker_start(*args: str) -> subprocess.Popen:
    """Start ``duikou worker`` as a separate process on the test database."""
    return subprocess.Popen(  # noqa: S603 - fixed command line, our own program
        [sys.executable, "-m", "duikou", "worker", *args],
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
