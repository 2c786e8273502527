"""The monthly dispatch (月调度): made by the schedule, run by a real worker, kept for download."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from duikou.core import testing
from duikou.jobs.models import Job, ScheduledRun
from duikou.jobs.services import schedules_tick
from duikou.jobs.testing import worker_start
from duikou.orgs.models import Organisation
from duikou.orgs.services import organisation_create
from duikou.policy import SYSTEM
from duikou.projects.services import progress_report_submit
from duikou.reports.models import GeneratedReport
from duikou.reports.selectors import Operator, dispatch_sheets


def command_with_projects():
    """A front command with a sub-command and two projects under way, one reporting in October."""
    command = organisation_create(
        code="T-FC-1",
        name="测试省援疆前方指挥部",
        side=Organisation.Side.DONOR,
        kind=Organisation.Kind.FRONT_COMMAND,
        region=testing.region("652300"),
        parent=testing.donor_province("350000"),
        actor=SYSTEM,
    )
    team = testing.donor_org(parent=command, name="测试分指挥部")
    reporting = testing.project(
        donor_org=team, status="building", planned_start=date(2025, 1, 1), name="按月报送的项目"
    )
    silent = testing.project(
        donor_org=team, status="building", planned_start=date(2025, 2, 1), name="本月未报送的项目"
    )
    progress_report_submit(
        project=reporting,
        year=2025,
        month=10,
        percent_complete="60",
        amount_spent="100000.00",
        problems="材料涨价",
        actor=SYSTEM,
    )
    return command, reporting, silent


@pytest.mark.django_db
def test_the_sheet_compares_progress_with_time_and_lists_who_did_not_report():
    command, reporting, silent = command_with_projects()
    [sheet] = dispatch_sheets(user=Operator(), year=2025, month=10, org=command)
    assert [line.code for line in sheet.missing] == [silent.code]
    line = next(line for line in sheet.lines if line.code == reporting.code)
    assert line.reported and line.problems == "材料涨价"
    assert line.percent_complete == 60
    assert 80 < line.time_elapsed < 85  # 303 of 364 days
    assert line.gap < 0


@pytest.mark.django_db(transaction=True)
def test_the_schedule_fires_for_last_month_and_a_real_worker_keeps_the_file(reference_data):
    command, _, silent = command_with_projects()
    now = timezone.make_aware(datetime(2025, 11, 1, 6, 0))
    started = [j for j in schedules_tick(now=now) if j.kind == "reports.dispatch_monthly"]
    assert [j.params for j in started] == [{"year": 2025, "month": 10}]
    assert ScheduledRun.objects.filter(name="reports.monthly_dispatch", period_key="2025-10")

    worker = worker_start("--once")
    assert worker.wait(timeout=60) == 0, worker.stdout.read().decode()
    job = Job.objects.get(pk=started[0].pk)
    assert job.status == "done", job.message
    report = GeneratedReport.objects.get(org=command, period_start=date(2025, 10, 1))
    assert report.is_scheduled and report.requester_label == "定时任务"
    assert report.status == "done" and report.file.name.endswith(".xlsx")
    with report.file.open("rb") as handle:
        rows = CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0).to_python()
    cells = [str(c) for r in rows for c in r]
    assert "本月未报送月调度的项目" in cells
    missing_at = cells.index("本月未报送月调度的项目")
    assert silent.code in cells[missing_at:]
