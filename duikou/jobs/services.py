"""Writes for background jobs. Jobs are enqueued only after the asking transaction commits."""

import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from duikou.core.observability import current_request_id, request_id_bound

from .models import Job, ScheduledRun
from .registry import SCHEDULES, handler_for

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=settings.DUIKOU_JOB_STALE_SECONDS)
INTERRUPTED = "后台进程中断，任务未完成，数据未作任何修改；请重新提交"
RETRIED = "后台进程中断，任务已重新排队，将再运行一次"


def host_name() -> str:
    """The host this process names itself by on job rows (DUIKOU_HOST_NAME or the machine's)."""
    return (settings.DUIKOU_HOST_NAME or socket.gethostname())[:255]


def _beat_while(job_id: int, host: str, pid: int, stop: threading.Event) -> None:
    """Keep the job's heartbeat fresh while its handler runs, however long a step takes.

    A beat that fails (SQLite busy with the job's own writes, a dropped connection) is
    logged and tried again at the next one: the thread stops only with its job, since a
    job whose heartbeat stopped is taken for one whose worker died."""
    try:
        while not stop.wait(settings.DUIKOU_JOB_HEARTBEAT_SECONDS):
            try:
                Job.objects.filter(
                    pk=job_id, status=Job.Status.RUNNING, worker_host=host, worker_pid=pid
                ).update(heartbeat_at=timezone.now())
            except DatabaseError:
                logger.warning("job heartbeat failed; trying again", extra={"job": job_id})
                connection.close()  # the next beat opens a fresh connection
    finally:
        connection.close()


def job_enqueue(*, kind: str, params: dict | None = None, actor=None) -> Job:
    """Record a job and hand it to the queue once the current transaction has committed.

    The job keeps the id of the request (or of the job) that asks for it, and the worker logs
    under that id: a request's log lines and its job's can be found together."""
    handler_for(kind)  # refuse unknown kinds now, not in the worker
    job = Job.objects.create(
        kind=kind,
        params=params or {},
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        request_id=current_request_id() or None,
    )
    from .tasks import run_job

    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def job_progress(*, job_id: int, percent: int, message: str = "") -> None:
    """Move a job's progress bar; also the heartbeat that tells the worker is alive.

    Runs as its own statement so it is visible while the job's work is still open.
    """
    Job.objects.filter(pk=job_id).update(
        progress=max(0, min(100, percent)), message=message, heartbeat_at=timezone.now()
    )


def failure_reason(error: Exception) -> str:
    """Why a job failed, as the people who asked for it can read it: a refusal's own
    Chinese message; for a fault in the program (a bare ``KeyError``…) a plain sentence,
    the details being in the log."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    text = str(error)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    return "后台处理出错，详情已记入日志；请联系平台管理员"


def job_run(*, job_id: int) -> None:
    """Run a job in this process (the worker calls this); failures are recorded, not raised.

    The claim and every later change are conditional on the row still being this process's
    running job, so a job reaped meanwhile (and perhaps running elsewhere) is left alone."""
    host, pid = host_name(), os.getpid()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        worker_pid=pid,
        worker_host=host,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return
    mine = Job.objects.filter(
        pk=job_id, status=Job.Status.RUNNING, worker_host=host, worker_pid=pid
    )
    job = Job.objects.get(pk=job_id)
    with request_id_bound(job.request_id or ""):
        _job_handle(job, mine, host, pid)


def _job_handle(job: Job, mine, host: str, pid: int) -> None:
    """Run the claimed job's handler and record how it ended (under the job's request id)."""
    about = {"job_id": job.pk, "kind": job.kind, "attempt": job.attempts}
    logger.info("job %s started", job.pk, extra=about)
    start = time.monotonic()
    stop = threading.Event()
    beat = threading.Thread(target=_beat_while, args=(job.pk, host, pid, stop), daemon=True)
    beat.start()
    try:
        result = handler_for(job.kind)(job)
    except Exception as error:
        logger.exception(
            "job %s failed", job.pk, extra=about | {"seconds": _since(start), "status": "failed"}
        )
        mine.update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=failure_reason(error)
        )
        return
    finally:
        stop.set()
        beat.join()
    # The last step's message ("正在保存文件") no longer describes the job once it is done.
    mine.update(
        status=Job.Status.DONE, finished_at=timezone.now(), progress=100, message="", result=result
    )
    logger.info("job %s done", job.pk, extra=about | {"seconds": _since(start), "status": "done"})


def _since(start: float) -> float:
    return round(time.monotonic() - start, 3)


def _reap(job: Job, now: datetime) -> bool:
    """An interrupted running job: queued again if it has attempts left, else failed."""
    running = Job.objects.filter(
        pk=job.pk,
        status=Job.Status.RUNNING,
        worker_host=job.worker_host,
        worker_pid=job.worker_pid,
        attempts=job.attempts,
    )
    if job.attempts < settings.DUIKOU_JOB_MAX_ATTEMPTS:
        if running.update(
            status=Job.Status.QUEUED, worker_pid=None, worker_host="", progress=0, message=RETRIED
        ):
            from .tasks import run_job

            transaction.on_commit(lambda: run_job.enqueue(job.pk))
            return True
        return False
    return bool(running.update(status=Job.Status.FAILED, finished_at=now, message=INTERRUPTED))


def jobs_reap_stale(*, now: datetime | None = None) -> int:
    """Mark as failed the running jobs whose worker stopped beating (killed or crashed).

    Their work ran in a transaction that never committed, so nothing of it was kept.
    """
    now = now or timezone.now()
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    return sum(_reap(job, now) for job in stale)


def jobs_reap_dead_workers() -> int:
    """Reap running jobs whose worker process on this host no longer exists (another
    host's process ids mean nothing here: its jobs wait for their heartbeat to go stale)."""
    reaped = 0
    mine = Job.objects.filter(
        status=Job.Status.RUNNING, worker_pid__isnull=False, worker_host=host_name()
    )
    for job in mine:
        if job.worker_pid != os.getpid() and _worker_gone(job.worker_pid):
            reaped += _reap(job, timezone.now())
    return reaped


def job_reap_if_dead(
    *, job_id: int, now: datetime | None = None, worker_gone: bool = False
) -> bool:
    """The rules above for one running job, for a page that waits on it between two rounds
    of the worker: failed if its heartbeat is stale, or if the caller knows its worker
    process is gone (a job does not say which machine runs it, so only the caller that
    does, as an import's runner does, can tell)."""
    now = now or timezone.now()
    fields = ("heartbeat_at", "worker_host", "worker_pid", "attempts")
    job = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).only(*fields).first()
    if job is None:
        return False
    stale = job.heartbeat_at is not None and job.heartbeat_at < now - STALE_AFTER
    if not stale and not worker_gone:
        return False
    # Only the attempt judged dead: one reaped meanwhile and started again elsewhere runs on.
    seen = {name: getattr(job, name) for name in fields}
    return bool(
        Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, **seen).update(
            status=Job.Status.FAILED, finished_at=now, message=INTERRUPTED
        )
    )


def _worker_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def schedules_tick(*, now: datetime | None = None) -> list[Job]:
    """Enqueue every scheduled job that is due and has not run for its period yet."""
    now = now or timezone.now()
    started = []
    for item in SCHEDULES:
        key = item.due(now)
        if key is None or ScheduledRun.objects.filter(name=item.name, period_key=key).exists():
            continue
        try:
            with transaction.atomic():
                job = job_enqueue(kind=item.kind, params=item.params(key))
                ScheduledRun.objects.create(name=item.name, period_key=key, job=job)
        except IntegrityError:
            continue  # another worker took it
        started.append(job)
    return started
