"""Background jobs for reports. Each takes its job, whose params hold only ids and numbers."""

from datetime import datetime, timedelta

from django.utils import timezone

from duikou.jobs.models import Job
from duikou.orgs.models import Organisation

from .services import dispatch_monthly_generate, report_generate


def generate_report(job: Job) -> dict:
    """Render a requested report (work summary or dispatch) and keep its file."""
    report = report_generate(report_id=int(job.params["report_id"]), job_id=job.pk)
    return {"report_id": report.pk, "file": report.file.name}


def generate_monthly_dispatch(job: Job) -> dict:
    """The scheduled 月调度 for one month, for every front command."""
    ids = dispatch_monthly_generate(
        year=int(job.params["year"]), month=int(job.params["month"]), job_id=job.pk
    )
    return {"report_ids": ids}


def previous_month_due(now: datetime) -> str | None:
    """From the 1st of each month, the month before is due (once: runs are keyed by month).

    A ledger with no front command on record has nothing to dispatch.
    """
    local = timezone.localtime(now)
    last_month = local.date().replace(day=1) - timedelta(days=1)
    if not Organisation.objects.filter(kind=Organisation.Kind.FRONT_COMMAND).exists():
        return None
    return f"{last_month.year}-{last_month.month:02d}"


def monthly_dispatch_params(key: str) -> dict:
    year, month = key.split("-")
    return {"year": int(year), "month": int(month)}
