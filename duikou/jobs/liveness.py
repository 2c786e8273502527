"""The worker's sign of life: a contract between `duikou worker` and the web side.

The worker writes its row when it starts and then from a thread of its own every
DUIKOU_JOB_HEARTBEAT_SECONDS, busy or idle, however long a job takes; the jobs page and
/readyz read the rows to say when no worker runs (the page also counts the heartbeats of
running jobs, `Job.heartbeat_at`). The rows are the worker's bookkeeping, not a record
anyone changes: no history."""

import os
from datetime import datetime, timedelta

from django.utils import timezone

from duikou.core.ledger_cache import ledger_ticks_compact

from .models import WorkerBeat
from .services import host_name

# Rows of workers killed without a clean stop are dropped after this long.
FORGET_AFTER = timedelta(days=1)


def worker_identity() -> str:
    return f"{host_name()}:{os.getpid()}"


def worker_beat(*, worker_id: str, now: datetime | None = None) -> None:
    """Record that the worker ``worker_id`` (this process) is alive now."""
    now = now or timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={
            "host": host_name(),
            "pid": os.getpid(),
            "started_at": now,
            "seen_at": now,
        },
    )
    WorkerBeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    # The ledger version's tick rows are folded as they age, so reading it stays cheap.
    ledger_ticks_compact()


def worker_stopped(*, worker_id: str) -> None:
    """The worker stops cleanly: the page says at once that none runs."""
    WorkerBeat.objects.filter(worker_id=worker_id).delete()
