"""Jobs the worker runs every day: a backup of the database and the files, then the clean-up.

The backup goes first (from 01:00 local time) and the clean-up after (from 03:00), so the
night's backup still holds what the clean-up then deletes. Each runs once a day: the
schedule is keyed by the local date, so a worker started later in the day runs it then.
"""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from duikou.jobs.models import Job

from . import backups
from .housekeeping import housekeeping_run

BACKUP_JOB = backups.BACKUP_JOB
CLEANUP_JOB = "core.cleanup"
BACKUP_FROM_HOUR = 1
CLEANUP_FROM_HOUR = 3


def backup_job(job: Job) -> dict:
    """Back up to ``DUIKOU_BACKUP_DIR`` and keep the newest ``DUIKOU_BACKUP_KEEP`` archives."""
    result = backups.archive_create(
        alias=DEFAULT_DB_ALIAS,
        dest=Path(settings.DUIKOU_BACKUP_DIR),
        media_root=Path(settings.MEDIA_ROOT),
        keep=settings.DUIKOU_BACKUP_KEEP,
    )
    return {
        "archive": str(result.path),
        "size": result.size,
        "rows": result.rows,
        "media_files": result.media_files,
        "pruned": [p.name for p in result.pruned],
    }


def cleanup_job(job: Job) -> dict:
    return housekeeping_run().__dict__


def _daily_from(hour: int):
    def due(now: datetime) -> str | None:
        if not settings.DUIKOU_DAILY_HOUSEKEEPING:
            return None
        local = timezone.localtime(now)
        return local.date().isoformat() if local.hour >= hour else None

    return due


backup_due = _daily_from(BACKUP_FROM_HOUR)
cleanup_due = _daily_from(CLEANUP_FROM_HOUR)


def day_params(key: str) -> dict:
    return {"day": key}
