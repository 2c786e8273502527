"""Large imports run in the worker; a worker killed mid-import leaves the database unchanged
and the import ready to be committed again."""

import signal
import time

import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing as factories
from duikou.jobs.models import Job
from duikou.jobs.testing import run_queued, worker_start
from duikou.results.models import Indicator, Value
from duikou.transfer.models import ImportRecord
from duikou.transfer.selectors import get_import_for_user
from duikou.transfer.services import import_start, import_upload

pytestmark = pytest.mark.django_db(transaction=True)


def values_csv(org, rows: int) -> bytes:
    indicator = Indicator.objects.filter(kind="stored", frequency__in=["month", "any"]).first()
    lines = ["指标,填报机构,地点,期间,数值,分组"]
    for n in range(rows):
        year, month = 2000 + n // 12 % 25, n % 12 + 1
        lines.append(f"{indicator.code},{org.code},652301,{year}-{month:02d},5,组{n // 300}")
    return "\n".join(lines).encode()


def wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_large_file_is_checked_and_committed_by_a_job(reference_data, settings):
    settings.DUIKOU_IMPORT_SYNC_ROWS = 10
    user = factories.user()
    org = factories.donor_org()
    record = import_upload(user=user, kind="values", file_name="v.csv", data=values_csv(org, 50))
    record = import_start(record=record, commit=False, actor=user)
    assert record.status == "checking" and record.job_id
    run_queued()
    record.refresh_from_db()
    assert record.status == "checked", record.errors
    assert record.created == 50
    import_start(record=record, commit=True, actor=user)
    run_queued()
    record.refresh_from_db()
    assert record.status == "committed"
    assert Value.objects.filter(org=org).count() == 50


def test_a_killed_worker_leaves_the_database_unchanged_and_the_import_ready_again(reference_data):
    user = factories.user()
    org = factories.donor_org()
    data = values_csv(org, 60_000)
    record = import_upload(user=user, kind="values", file_name="big.csv", data=data)
    ImportRecord.objects.filter(pk=record.pk).update(status="checked")
    record.refresh_from_db()
    counts = (Value.objects.count(), ChangeEntry.objects.count())
    record = import_start(record=record, commit=True, actor=user)
    worker = worker_start()
    try:
        assert wait_for(lambda: Job.objects.get(pk=record.job_id).progress > 0)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert Job.objects.get(pk=record.job_id).status == "running"
    assert (Value.objects.count(), ChangeEntry.objects.count()) == counts
    # The import page finds the job's worker gone (no worker had to start and reap it).
    record = get_import_for_user(user=user, pk=record.pk)
    assert Job.objects.get(pk=record.job_id).status == "failed"
    assert record.status == "checked"
    assert "未完成就中断了（处理它的进程已停止），没有写入任何数据" in record.interrupted
    record = import_start(record=record, commit=True, actor=user)
    run_queued()
    record.refresh_from_db()
    assert record.status == "committed", record.errors
    assert Value.objects.filter(org=org).count() == 60_000
