"""The jobs pages name each job in Chinese and say how a job ended, not its last step."""

import re

import pytest
from django.db import transaction

from duikou.core import testing
from duikou.jobs.models import Job
from duikou.jobs.registry import HANDLERS, LABELS, label_for
from duikou.jobs.services import job_enqueue, job_progress, job_run
from duikou.orgs.models import Membership

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _asker():
    team = testing.donor_org()
    return testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)


def _queued(kind: str, params: dict, actor) -> Job:
    with transaction.atomic():
        return job_enqueue(kind=kind, params=params, actor=actor)


def test_every_registered_handler_has_a_chinese_label():
    assert set(HANDLERS) <= set(LABELS)
    for kind in HANDLERS:
        assert CHINESE.search(str(label_for(kind))), kind


def test_a_kind_no_longer_registered_is_not_shown_by_its_code():
    assert label_for("old.gone") == "其他任务"


def test_the_jobs_page_shows_the_label_not_the_code(client):
    user = _asker()
    _queued("transfer.export", {"kind": "projects", "format": "csv"}, user)
    _queued("reports.summary", {"report_id": 0}, user)
    client.force_login(user)
    page = client.get("/jobs/").content.decode()
    assert "数据导出" in page
    assert "生成工作总结" in page
    assert "transfer.export" not in page
    assert "reports.summary" not in page


def test_a_finished_job_shows_done_not_its_last_progress_message(client):
    user = _asker()
    job = _queued("jobs.echo", {"steps": 2}, user)
    job_progress(job_id=job.pk, percent=90, message="正在保存文件")
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.message == ""
    client.force_login(user)
    for url in ("/jobs/", f"/jobs/{job.pk}/"):
        page = client.get(url).content.decode()
        assert "已完成" in page, url
        assert "正在保存文件" not in page, url
        assert "第2步" not in page, url


def test_a_failed_job_shows_failed_and_why(client):
    user = _asker()
    job = _queued("jobs.echo", {"fail": True}, user)
    job_run(job_id=job.pk)
    client.force_login(user)
    for url in ("/jobs/", f"/jobs/{job.pk}/"):
        page = client.get(url).content.decode()
        assert "失败：按要求失败" in page, url


def test_a_program_fault_is_told_in_a_sentence_not_as_its_exception(client):
    user = _asker()
    # A summary job for a report that does not exist fails inside the handler.
    job = _queued("reports.summary", {"report_id": 0}, user)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert CHINESE.search(job.message)
    assert "DoesNotExist" not in job.message
    client.force_login(user)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f"失败：{job.message}" in page


def test_a_running_job_shows_its_current_step(client):
    user = _asker()
    job = _queued("jobs.echo", {}, user)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job_progress(job_id=job.pk, percent=40, message="正在汇总台账数据")
    client.force_login(user)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "运行中" in page
    assert "正在汇总台账数据" in page
