"""The home page's 待办 panel: each count is what the page behind its link lists."""

from datetime import date

import pytest
from django.utils import timezone

from duikou.core import testing
from duikou.orgs.models import Membership, Organisation
from duikou.projects.services import progress_report_submit
from duikou.reports.models import GeneratedReport
from duikou.results.models import Indicator
from duikou.results.periods import year_period
from duikou.results.services import value_return, value_save, value_submit
from duikou.transfer.models import ImportRecord
from duikou.web.todo import todo_for_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def office():
    province = testing.donor_province("350000")
    command = testing.donor_org(parent=province, kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command)
    return {
        "team": team,
        "reporter": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "colleague": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "command": testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command),
        "recipient": testing.user(role=Membership.Role.RECIPIENT, region_code="652301"),
    }


def patients(office, *, by: str, year: int):
    indicator = Indicator.objects.get(code="PATIENTS_TREATED")
    indicator.frequency = "any"
    indicator.save(update_fields=["frequency"])
    return value_save(
        indicator=indicator,
        org=office["team"],
        period=year_period(year),
        value="120",
        actor=office[by],
    )


def items(user) -> dict:
    return {item.key: item for item in todo_for_user(user=user)}


def test_a_reporter_sees_drafts_to_submit_and_returned_values_apart(office, client):
    patients(office, by="reporter", year=2024)
    sent = patients(office, by="reporter", year=2025)
    sent = value_submit(value=sent, actor=office["reporter"], version=sent.version)
    value_return(value=sent, reason="数字与台账不符", actor=office["command"], version=sent.version)

    todo = items(office["reporter"])
    assert todo["submit"].count == 1
    assert todo["returned"].count == 1
    client.force_login(office["reporter"])
    page = client.get(todo["returned"].url).content.decode()
    assert "数字与台账不符" in page


def test_the_level_above_sees_what_waits_for_its_approval_and_the_link_lists_it(office, client):
    value = patients(office, by="reporter", year=2025)
    value_submit(value=value, actor=office["reporter"], version=value.version)

    assert items(office["command"])["approve"].count == 1
    # The one who submitted it does not approve it; the team has nothing to approve.
    assert "approve" not in items(office["reporter"])
    client.force_login(office["command"])
    home = client.get("/").content.decode()
    assert 'id="todo"' in home and "条指标值待您审核" in home
    page = client.get(items(office["command"])["approve"].url).content.decode()
    assert office["team"].name in page


def test_a_project_under_way_owes_this_months_progress_report_until_it_is_sent(office, client):
    project = testing.project(
        donor_org=office["team"],
        status="building",
        planned_start=date(TODAY.year - 1, 1, 1),
        planned_end=date(TODAY.year + 1, 12, 31),
    )
    testing.project(donor_org=office["team"])  # a reserve project owes nothing

    todo = items(office["reporter"])
    assert todo["progress"].count == 1
    assert f"{TODAY.year}年{TODAY.month}月" in todo["progress"].label
    client.force_login(office["reporter"])
    listed = client.get(todo["progress"].url).content.decode()
    assert project.code in listed and 'id="due-note"' in listed
    assert listed.count("T-PRJ-") == 1

    progress_report_submit(
        project=project,
        year=TODAY.year,
        month=TODAY.month,
        percent_complete="40",
        amount_spent="1000000",
        actor=office["reporter"],
    )
    assert "progress" not in items(office["reporter"])


def test_imports_with_problems_and_finished_reports_are_linked_by_name(office):
    reporter = office["reporter"]
    ImportRecord.objects.create(
        kind="projects",
        file_name="泉州分指挥部项目台账.xlsx",
        checksum="0" * 64,
        status=ImportRecord.Status.INVALID,
        uploaded_by=reporter,
    )
    ImportRecord.objects.create(
        kind="projects",
        file_name="已导入.xlsx",
        checksum="1" * 64,
        status=ImportRecord.Status.COMMITTED,
        uploaded_by=reporter,
    )
    GeneratedReport.objects.create(
        kind=GeneratedReport.Kind.SUMMARY,
        format=GeneratedReport.Format.DOCX,
        org=office["team"],
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        period_label="2025年",
        requested_by=reporter,
        status=GeneratedReport.Status.DONE,
        finished_at=timezone.now(),
    )

    todo = items(reporter)
    assert todo["imports"].count == 1
    assert [link.label for link in todo["imports"].links] == ["泉州分指挥部项目台账.xlsx"]
    assert todo["reports"].count == 1
    assert "2025年" in todo["reports"].links[0].label
    assert todo["reports"].links[0].url.endswith("/download/")
    # Someone else's import is not the colleague's to do.
    assert "imports" not in items(office["colleague"])


def test_a_recipient_has_nothing_to_report_and_is_told_so(office, client):
    value = patients(office, by="reporter", year=2025)
    value_submit(value=value, actor=office["reporter"], version=value.version)
    assert items(office["recipient"]) == {}
    client.force_login(office["recipient"])
    assert "暂无待办事项" in client.get("/").content.decode()
