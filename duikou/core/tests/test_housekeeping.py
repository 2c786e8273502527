"""The clean-up deletes only what is past its retention, and the worker runs it and a backup
every day."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from duikou.core import backups, tasks
from duikou.core.housekeeping import housekeeping_run
from duikou.jobs.models import Job, ScheduledRun
from duikou.jobs.services import schedules_tick
from duikou.transfer.models import ImportRecord

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2026, 6, 30, 4, 0))
DAY = timedelta(days=1)
Status = ImportRecord.Status


@pytest.fixture(autouse=True)
def retention(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.DUIKOU_JOB_RETENTION_DAYS = 90
    settings.DUIKOU_IMPORT_FILE_RETENTION_DAYS = 180


def stored(name: str) -> str:
    return default_storage.save(name, ContentFile(name.encode()))


def session(key: str, expires):
    Session.objects.create(session_key=key, session_data="", expire_date=expires)


def job(status: str, *, finished=None, created=None, output: str = "") -> Job:
    return Job.objects.create(
        kind="jobs.echo",
        status=status,
        finished_at=finished,
        created_at=created or finished or NOW,
        output=output,
    )


def upload(status: str, *, uploaded, finished=None, file: str | None = None) -> ImportRecord:
    n = ImportRecord.objects.count() + 1
    return ImportRecord.objects.create(
        kind="projects",
        file=file or stored(f"imports/2025/12/{n}-{status}.bin"),
        file_name=f"清单{n}.xlsx",
        checksum="0" * 64,
        status=status,
        uploaded_at=uploaded,
        finished_at=finished,
    )


def test_it_deletes_expired_sessions_and_keeps_live_ones():
    session("expired", NOW - timedelta(minutes=1))
    session("live", NOW + timedelta(hours=8))
    assert housekeeping_run(now=NOW).sessions == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_it_deletes_finished_jobs_past_retention_with_their_files_and_schedule_rows():
    old_file = stored("jobs/2026/01/旧导出.csv")
    new_file = stored("jobs/2026/06/新导出.csv")
    old_done = job("done", finished=NOW - 91 * DAY, output=old_file)
    old_failed = job("failed", finished=NOW - 200 * DAY)
    recent = job("done", finished=NOW - 89 * DAY, output=new_file)
    running = job("running", created=NOW - 200 * DAY)
    queued = job("queued", created=NOW - 200 * DAY)
    ScheduledRun.objects.create(name="core.daily_cleanup", period_key="2026-01-01", job=old_done)
    record = upload(Status.COMMITTED, uploaded=NOW - DAY, finished=NOW - DAY)
    ImportRecord.objects.filter(pk=record.pk).update(job=old_failed)

    result = housekeeping_run(now=NOW)

    assert (result.jobs, result.job_files) == (2, 1)
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, running.pk, queued.pk}
    assert not default_storage.exists(old_file) and default_storage.exists(new_file)
    assert not ScheduledRun.objects.exists()
    record.refresh_from_db()
    assert record.job_id is None and record.file  # the import itself is untouched


def test_it_deletes_import_files_of_ended_imports_past_retention_and_keeps_the_records():
    old = NOW - 181 * DAY
    gone = [
        upload(Status.COMMITTED, uploaded=old - DAY, finished=old),
        upload(Status.FAILED, uploaded=old, finished=old),
        upload(Status.INVALID, uploaded=old, finished=old),
        upload(Status.UPLOADED, uploaded=old),  # uploaded and left
        upload(Status.CHECKED, uploaded=old - DAY, finished=old),  # checked, never committed
    ]
    kept = [
        upload(Status.COMMITTED, uploaded=old, finished=NOW - 179 * DAY),  # committed lately
        upload(Status.UPLOADED, uploaded=NOW - DAY),
        upload(Status.CHECKING, uploaded=old),  # running: the reconciler's business
        upload(Status.COMMITTING, uploaded=old),
    ]
    shared = upload(Status.CHECKED, uploaded=NOW - DAY, file=gone[0].file.name)
    names = {r.pk: r.file.name for r in gone + kept}

    assert housekeeping_run(now=NOW).import_files == len(gone) - 1  # one file is shared

    assert ImportRecord.objects.count() == len(gone) + len(kept) + 1
    for record in gone:
        record.refresh_from_db()
        assert record.file.name == ""
    assert default_storage.exists(shared.file.name)  # still used by a recent record
    assert all(not default_storage.exists(names[r.pk]) for r in gone[1:])
    for record in kept:
        record.refresh_from_db()
        assert record.file.name == names[record.pk] and default_storage.exists(names[record.pk])


def test_the_command_prints_what_it_deleted():
    session("expired", timezone.now() - DAY)
    job("failed", finished=timezone.now() - 100 * DAY)
    out = StringIO()
    call_command("cleanup", stdout=out)
    text = out.getvalue()
    assert "已删除过期会话 1 个" in text
    assert "已删除 90 天前结束的后台任务 1 个（输出文件 0 个）" in text
    assert "导入文件 0 个（导入记录保留）" in text


def local(hour: int) -> datetime:
    return timezone.make_aware(datetime(2026, 6, 30, hour, 30))


def kinds(now: datetime) -> list[str]:
    ours = (tasks.BACKUP_JOB, tasks.CLEANUP_JOB)
    return [j.kind for j in schedules_tick(now=now) if j.kind in ours]


def test_the_worker_backs_up_then_cleans_up_once_a_day(settings):
    settings.DUIKOU_DAILY_HOUSEKEEPING = True
    assert kinds(local(0)) == []
    assert kinds(local(1)) == [tasks.BACKUP_JOB]
    assert kinds(local(3)) == [tasks.CLEANUP_JOB]
    assert kinds(local(23)) == []
    assert sorted(kinds(local(5) + DAY)) == sorted([tasks.BACKUP_JOB, tasks.CLEANUP_JOB])
    backup = Job.objects.filter(kind=tasks.BACKUP_JOB).order_by("pk").first()
    assert backup.params == {"day": "2026-06-30"} and backup.kind_label == "每日备份"


def test_the_daily_jobs_are_off_when_the_setting_says_so(settings):
    settings.DUIKOU_DAILY_HOUSEKEEPING = False
    assert kinds(local(5)) == []


def test_the_daily_backup_writes_an_archive_and_keeps_the_newest(settings, tmp_path):
    settings.DUIKOU_BACKUP_DIR = tmp_path / "backups"
    settings.DUIKOU_BACKUP_KEEP = 1
    settings.DUIKOU_BACKUP_DIR.mkdir()
    (settings.DUIKOU_BACKUP_DIR / "duikou-backup-20250101-010000.tar.gz").write_bytes(b"old")
    stored("reports/2026/06/综述.docx")

    result = tasks.backup_job(Job(kind=tasks.BACKUP_JOB))

    assert result["pruned"] == ["duikou-backup-20250101-010000.tar.gz"]
    left = [str(p) for p in settings.DUIKOU_BACKUP_DIR.iterdir()]
    assert left == [result["archive"]]
    manifest = backups.archive_verify(path=backups.archives_in(settings.DUIKOU_BACKUP_DIR)[0])
    assert "media/reports/2026/06/综述.docx" in manifest["files"]
    assert backups.last_backup()["archive"] == result["archive"]


def test_the_last_backup_is_the_later_of_this_machine_s_record_and_the_nightly_job(settings):
    assert backups.last_backup() is None
    (settings.VAR_DIR / backups.LAST_BACKUP_FILE).write_text(
        '{"finished_at": "2026-06-29T17:05:00+00:00", "archive": "/b/here.tar.gz", "size": 5}'
    )
    assert backups.last_backup()["archive"] == "/b/here.tar.gz"
    Job.objects.create(
        kind=tasks.BACKUP_JOB,
        status="done",
        finished_at=NOW,
        result={"archive": "/b/nightly.tar.gz", "size": 9},
    )
    found = backups.last_backup()
    assert found["archive"] == "/b/nightly.tar.gz"
    assert datetime.fromisoformat(found["finished_at"]) == NOW
