"""An import whose process dies mid-commit wrote nothing and can be committed again; a run
that is alive is never taken for dead; large files are never parsed in the web request."""

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from duikou.audit.models import ChangeEntry
from duikou.core import testing as factories
from duikou.jobs.models import Job
from duikou.jobs.testing import run_queued, worker_env
from duikou.results.models import Indicator, Value
from duikou.transfer.models import ImportRecord
from duikou.transfer.selectors import get_import_for_user
from duikou.transfer.services import (
    IMPORT_STALE_AFTER,
    ImportBusy,
    import_records_reconcile,
    import_remap,
    import_run,
    import_start,
    import_upload,
)

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 20_000


def values_csv(org, rows: int) -> bytes:
    indicator = Indicator.objects.filter(kind="stored", frequency__in=["month", "any"]).first()
    lines = ["指标,填报机构,地点,期间,数值,分组"]
    for n in range(rows):
        year, month = 2000 + n // 12 % 25, n % 12 + 1
        lines.append(f"{indicator.code},{org.code},652301,{year}-{month:02d},5,组{n // 300}")
    return "\n".join(lines).encode()


@pytest.fixture
def inline(settings):
    """Files this size are checked and committed in the web request."""
    settings.DUIKOU_IMPORT_SYNC_ROWS = 10**6
    settings.DUIKOU_IMPORT_SYNC_BYTES = 10**9


@pytest.fixture
def checked(reference_data, inline):
    """An upload of ROWS values, checked and waiting for its commit."""
    user = factories.user()
    org = factories.donor_org()
    record = import_upload(user=user, kind="values", file_name="v.csv", data=values_csv(org, ROWS))
    record = import_start(record=record, commit=False, actor=user)
    assert record.status == "checked", record.errors
    return record


def commit_in_a_process(record) -> subprocess.Popen:
    """``import_start(commit=True)`` in its own process, as a web worker runs it."""
    code = (
        "from duikou.transfer.models import ImportRecord\n"
        "from duikou.transfer.services import import_start\n"
        f"record = ImportRecord.objects.get(pk={record.pk})\n"
        "import_start(record=record, commit=True, actor=record.uploaded_by)\n"
    )
    env = {
        **worker_env(),
        "DUIKOU_IMPORT_SYNC_ROWS": str(10**6),
        "DUIKOU_IMPORT_SYNC_BYTES": str(10**9),
    }
    return subprocess.Popen(  # noqa: S603 - fixed command line, our own program
        [sys.executable, "-m", "duikou", "shell", "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def writing(record_id: int) -> bool:
    """Whether another process holds the import's write transaction open right now."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            free = ImportRecord.objects.select_for_update(skip_locked=True).filter(pk=record_id)
            return not list(free.values_list("pk", flat=True))
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()
    return False


def wait_until_writing(process, record_id: int, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode()
        status = ImportRecord.objects.filter(pk=record_id).values_list("status", flat=True)[0]
        if status == "committing" and writing(record_id):
            return
        time.sleep(0.02)
    raise AssertionError("the commit never started writing")


def counts():
    return Value.objects.count(), ChangeEntry.objects.count()


def test_a_commit_killed_while_writing_wrote_nothing_and_can_be_committed_again(checked):
    before = counts()
    process = commit_in_a_process(checked)
    try:
        wait_until_writing(process, checked.pk)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert counts() == before
    stuck = ImportRecord.objects.get(pk=checked.pk)
    assert stuck.status == "committing" and stuck.job_id is None  # as the dead process left it

    record = get_import_for_user(user=checked.uploaded_by, pk=checked.pk)  # the import page
    assert record.status == "checked"
    assert record.interrupted.endswith(
        "开始的导入未完成就中断了（处理它的进程已停止），没有写入任何数据；可以重新确认导入。"
    )
    assert (record.created, record.errors) == (ROWS, [])  # the check's findings still stand
    record = import_start(record=record, commit=True, actor=record.uploaded_by)
    assert record.status == "committed", record.errors
    assert not record.interrupted  # the note is for the attempt that did not finish
    assert Value.objects.count() == before[0] + ROWS


def test_the_page_says_the_earlier_attempt_was_interrupted_and_offers_the_commit(checked, client):
    process = commit_in_a_process(checked)
    try:
        wait_until_writing(process, checked.pk)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    client.force_login(checked.uploaded_by)
    page = client.get(reverse("transfer:import_detail", args=[checked.pk])).content.decode()
    assert "未完成就中断了（处理它的进程已停止），没有写入任何数据；可以重新确认导入。" in page
    assert "确认导入</button>" in page
    response = client.post(reverse("transfer:import_commit", args=[checked.pk]))
    assert response.status_code == 302
    assert ImportRecord.objects.get(pk=checked.pk).status == "committed"


def test_a_run_elsewhere_is_taken_for_dead_only_once_its_heartbeat_is_stale(checked):
    """A process on another machine cannot be looked up: its run is dead when it has not
    beaten for IMPORT_STALE_AFTER. The attempt is real, killed, then seen from elsewhere."""
    process = commit_in_a_process(checked)
    try:
        wait_until_writing(process, checked.pk)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    stuck = ImportRecord.objects.get(pk=checked.pk)
    _, pid, attempt = stuck.runner.split(" ")
    ImportRecord.objects.filter(pk=stuck.pk).update(runner=f"web-2 {pid} {attempt}")
    stuck.refresh_from_db()
    import_records_reconcile(records=[stuck], now=stuck.heartbeat_at + timedelta(minutes=9))
    assert stuck.status == "committing"
    import_records_reconcile(records=[stuck], now=stuck.heartbeat_at + IMPORT_STALE_AFTER * 1.1)
    assert stuck.status == "checked"
    assert import_start(record=stuck, commit=True, actor=stuck.uploaded_by).status == "committed"


def test_a_commit_still_writing_is_never_taken_for_dead(checked):
    before = counts()
    process = commit_in_a_process(checked)
    try:
        wait_until_writing(process, checked.pk)
        record = ImportRecord.objects.get(pk=checked.pk)
        later = timezone.now() + IMPORT_STALE_AFTER * 3
        import_records_reconcile(records=[record], now=later)  # heartbeat "stale", lock held
        assert record.status == "committing"
        with pytest.raises(ImportBusy, match="当前为“导入中”"):
            import_start(record=record, commit=True, actor=record.uploaded_by)
        assert process.wait(timeout=300) == 0, process.stdout.read().decode()
    finally:
        if process.poll() is None:
            process.kill()
    record.refresh_from_db()
    assert record.status == "committed" and not record.interrupted
    assert Value.objects.count() == before[0] + ROWS


def test_two_commits_of_one_import_never_both_run(checked):
    ImportRecord.objects.filter(pk=checked.pk).update(status="committing")
    with pytest.raises(ImportBusy):
        import_run(record_id=checked.pk, commit=True, ready=("checked",))
    with pytest.raises(ImportBusy):
        import_start(record=checked, commit=True, actor=checked.uploaded_by)


@pytest.fixture
def unparsed(monkeypatch):
    """The web process must not read the workbook's cells."""
    import python_calamine

    import duikou.transfer.readers as readers

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed in the web process")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    monkeypatch.setattr(readers, "_csv", refuse)
    return monkeypatch


def test_a_large_file_is_only_measured_in_the_web_request(reference_data, settings, unparsed):
    settings.DUIKOU_IMPORT_SYNC_ROWS = 100
    user = factories.user()
    org = factories.donor_org()
    record = import_upload(user=user, kind="values", file_name="v.csv", data=values_csv(org, 500))
    assert (record.status, record.rows, record.mapping) == ("uploaded", 501, {})
    record = import_start(record=record, commit=False, actor=user)
    assert record.status == "checking" and record.job_id
    unparsed.undo()  # the worker reads it
    run_queued()
    record.refresh_from_db()
    assert record.status == "checked", record.errors
    assert record.sheet == "CSV" and record.mapping["columns"] and record.rows == 500

    unparsed.setattr(
        "python_calamine.CalamineWorkbook.from_filelike",
        lambda *a, **k: pytest.fail("parsed in the web process"),
    )
    import duikou.transfer.readers as readers

    unparsed.setattr(readers, "_csv", lambda *a, **k: pytest.fail("parsed in the web process"))
    record = import_remap(record=record, user=user, submit=True)
    assert record.status == "checking"
    unparsed.undo()
    run_queued()
    record.refresh_from_db()
    assert record.status == "checked", record.errors
    assert record.mapping["submit"] is True

    record = import_start(record=record, commit=True, actor=user)
    assert record.status == "committing"
    run_queued()
    record.refresh_from_db()
    assert record.status == "committed"
    assert Value.objects.filter(org=org).count() == 500


def test_a_file_over_the_size_threshold_goes_to_the_worker_whatever_its_rows(
    reference_data, settings, unparsed, client
):
    settings.DUIKOU_IMPORT_SYNC_BYTES = 1000
    user = factories.user()
    org = factories.donor_org()
    client.force_login(user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("v.csv", values_csv(org, 50), content_type="text/csv")
    response = client.post(reverse("transfer:upload"), {"kind": "values", "file": upload})
    assert response.status_code == 302, response.content.decode()
    record = ImportRecord.objects.get()
    assert record.status == "checking"
    assert Job.objects.get(pk=record.job_id).params == {"record_id": record.pk, "commit": False}
