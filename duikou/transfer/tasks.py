"""Background jobs of the transfer app. Each takes the job, whose params hold only ids."""

import io

from django.core.files.base import ContentFile
from django.utils import timezone

from duikou.jobs.models import Job
from duikou.jobs.services import job_progress

from .models import ImportRecord
from .services import ImportBusy, import_remap_apply, import_run


def import_job(job: Job) -> dict:
    """Check or commit one upload (``params``: ``record_id``, ``commit``, and ``remap``: the
    mapping changes ``import_remap`` queued for a large file). A run that raises marks the
    record failed itself; a record another run has taken (this job was given up as dead
    and the import run again) is left alone."""
    record_id = job.params["record_id"]
    changes = job.params.get("remap")
    if changes is not None:
        record = ImportRecord.objects.select_related("uploaded_by").get(pk=record_id)
        if record.job_id != job.pk or record.status != ImportRecord.Status.CHECKING:
            return {"record_id": record_id, "skipped": "导入记录已由其他操作处理"}
        columns = {int(k): v for k, v in (changes.get("columns") or {}).items()}
        import_remap_apply(
            record=record,
            user=record.uploaded_by,
            **{**changes, "columns": columns},
            status=ImportRecord.Status.CHECKING,
        )
    try:
        outcome = import_run(
            record_id=record_id, commit=bool(job.params.get("commit")), job_id=job.pk
        )
    except ImportBusy as busy:
        return {"record_id": record_id, "skipped": busy.messages[0]}
    return {
        "record_id": record_id,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "problems": len(outcome.problems),
    }


def export_job(job: Job) -> dict:
    """Write one list export to the job's output file (``params``: kind, filters, format)."""
    from .selectors import export_columns, export_rows_for_user

    user = job.requested_by
    kind, fmt = job.params["kind"], job.params.get("format", "xlsx")
    from duikou.core.money import DEFAULT_UNIT

    from .exporters import export_title, export_write
    from .kinds import kind_get

    spec = kind_get(kind)
    has_money = any(c.type == "amount" for c in spec.columns)
    title = export_title(spec.label, unit=DEFAULT_UNIT if has_money else "")
    rows = export_rows_for_user(user=user, kind=kind, filters=job.params.get("filters") or {})
    job_progress(job_id=job.pk, percent=10, message="正在生成文件")
    if fmt == "csv":
        buffer = io.StringIO()
        count = export_write(buffer, rows, export_columns(kind), "csv")
        content = buffer.getvalue().encode("utf-8")
    else:
        binary = io.BytesIO()
        count = export_write(binary, rows, export_columns(kind), "xlsx", title=title)
        content = binary.getvalue()

    # Named like the page's own download (援疆项目-20251020.xlsx), not by the kind's code.
    name = f"{spec.label}-{timezone.localdate():%Y%m%d}.{fmt}"
    job.output.save(name, ContentFile(content), save=False)
    Job.objects.filter(pk=job.pk).update(output=job.output.name)
    return {"rows": count, "file": name}
