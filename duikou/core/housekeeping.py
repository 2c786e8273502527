"""Clean-up of what the platform keeps only for a while; the worker runs it daily.

- sessions past their expiry (``SESSION_COOKIE_AGE``; the browser has dropped them);
- finished job rows (done or failed) older than ``DUIKOU_JOB_RETENTION_DAYS``, with their
  output files (exports) and the schedule bookkeeping that points at them;
- uploaded import files older than ``DUIKOU_IMPORT_FILE_RETENTION_DAYS`` whose import was
  committed or abandoned (refused, failed, or checked and never committed). The import
  record stays, as the history of who sent what; only its file goes, and its page then
  says the file is no longer on the server.

Files are deleted only after the rows' transaction has committed, so a failure leaves no
row pointing at a missing file.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from duikou.jobs.models import Job, ScheduledRun
from duikou.transfer.models import ImportRecord

logger = logging.getLogger(__name__)
_BATCH = 500
# An import in one of these states is over: nothing will read its file again.
IMPORT_ENDED = (
    ImportRecord.Status.COMMITTED,
    ImportRecord.Status.INVALID,
    ImportRecord.Status.FAILED,
    ImportRecord.Status.UPLOADED,
    ImportRecord.Status.CHECKED,
)


@dataclass(frozen=True)
class CleanupResult:
    sessions: int
    jobs: int
    job_files: int
    import_files: int


def housekeeping_run(*, now: datetime | None = None) -> CleanupResult:
    """Delete everything past its retention; returns how many of each went."""
    now = now or timezone.now()
    sessions = sessions_delete_expired(now=now)
    jobs, job_files = jobs_delete_finished(now=now)
    import_files = import_files_delete_old(now=now)
    result = CleanupResult(sessions, jobs, job_files, import_files)
    logger.info("housekeeping done", extra={"cleanup": result.__dict__})
    return result


def sessions_delete_expired(*, now: datetime) -> int:
    """Sessions whose expiry has passed. A session engine without database rows (cache,
    signed cookies) expires its own; it is asked to and reports none."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    model_class = getattr(store, "get_model_class", None)
    if model_class is None:
        store.clear_expired()
        return 0
    return model_class().objects.filter(expire_date__lt=now).delete()[0]


def jobs_delete_finished(*, now: datetime) -> tuple[int, int]:
    """Done and failed jobs that ended before the job retention; returns (jobs, files).

    A job started by a schedule has a row saying so; it goes with the job. Schedules only
    ever ask for their current period, so an old period is never run again for it."""
    cutoff = now - timedelta(days=settings.DUIKOU_JOB_RETENTION_DAYS)
    old = Job.objects.filter(
        status__in=(Job.Status.DONE, Job.Status.FAILED), finished_at__lt=cutoff
    )
    ids = list(old.values_list("pk", flat=True))
    files: list[str] = []
    deleted = 0
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        with transaction.atomic():
            files += (
                Job.objects.filter(pk__in=batch).exclude(output="").values_list("output", flat=True)
            )
            ScheduledRun.objects.filter(job_id__in=batch).delete()
            deleted += Job.objects.filter(pk__in=batch).delete()[1].get(Job._meta.label, 0)
    return deleted, _files_delete(files)


def import_files_delete_old(*, now: datetime) -> int:
    """Files of imports that ended (or were left) before the import-file retention."""
    cutoff = now - timedelta(days=settings.DUIKOU_IMPORT_FILE_RETENTION_DAYS)
    old = (
        ImportRecord.objects.exclude(file="")
        .filter(status__in=IMPORT_ENDED)
        .annotate(last_touched=Coalesce("finished_at", "uploaded_at"))
        .filter(last_touched__lt=cutoff)
    )
    rows = list(old.values_list("pk", "file"))
    removed = 0
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        pks, names = [pk for pk, _ in batch], [name for _, name in batch]
        with transaction.atomic():
            ImportRecord.objects.filter(pk__in=pks).update(file="")
            # Another record may share a stored file: it keeps it.
            kept = set(ImportRecord.objects.filter(file__in=names).values_list("file", flat=True))
        removed += _files_delete([n for n in names if n not in kept])
    return removed


def _files_delete(names: list[str]) -> int:
    removed = 0
    for name in dict.fromkeys(names):
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
                removed += 1
        except OSError:
            logger.warning("could not delete %s", name, exc_info=True)
    return removed
