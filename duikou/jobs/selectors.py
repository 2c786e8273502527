from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils import timezone

from duikou import policy

from .models import Job, WorkerBeat
from .services import STALE_AFTER


def job_list_for_user(*, user) -> QuerySet[Job]:
    """Jobs the user asked for; the national office and auditors see all."""
    qs = Job.objects.select_related("requested_by")
    if not policy.scope_for(user).sees_all:
        qs = qs.filter(requested_by=user)
    return qs


def get_job_for_user(*, user, pk: int) -> Job:
    job = job_list_for_user(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404("任务不存在或无权查看")
    return job


# A worker beats every few seconds (DUIKOU_JOB_HEARTBEAT_SECONDS); a minute without is none.
WORKER_SEEN_WITHIN = timedelta(minutes=1)


@dataclass(frozen=True)
class WorkerStatus:
    seen_recently: bool
    last_seen: datetime | None
    queued: int


def worker_status(*, now: datetime | None = None) -> WorkerStatus:
    """Is a worker running (it beat within a minute, or a job it runs beat recently), when
    was one last seen, and how many jobs wait for one."""
    now = now or timezone.now()
    last_beat = WorkerBeat.objects.aggregate(last=Max("seen_at"))["last"]
    last_job_beat = Job.objects.filter(status=Job.Status.RUNNING).aggregate(
        last=Max("heartbeat_at")
    )["last"]
    seen_recently = (last_beat is not None and last_beat >= now - WORKER_SEEN_WITHIN) or (
        last_job_beat is not None and last_job_beat >= now - STALE_AFTER
    )
    last_seen = max((t for t in (last_beat, last_job_beat) if t is not None), default=None)
    queued = Job.objects.filter(status=Job.Status.QUEUED).count()
    return WorkerStatus(seen_recently=seen_recently, last_seen=last_seen, queued=queued)
