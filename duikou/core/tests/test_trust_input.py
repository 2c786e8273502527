"""Script tags, SQL fragments and oversized strings: stored as text exactly, refused with a
Chinese length message where a column has a limit, and shown escaped on the pages."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from duikou.core import testing
from duikou.ingest.models import Report
from duikou.ingest.services import report_create
from duikou.orgs.models import Membership, Organisation
from duikou.orgs.services import organisation_create, organisation_update
from duikou.policy import SYSTEM
from duikou.projects.models import Project
from duikou.projects.services import project_update
from duikou.results.models import Indicator
from duikou.results.periods import year_period
from duikou.results.services import value_save

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE projects_project; --"
HUGE = "长" * 100_000
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def team():
    command = testing.donor_org(kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command)
    return team, testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)


@pytest.fixture
def indicator():
    found = Indicator.objects.get(code="PATIENTS_TREATED")
    found.frequency = "any"
    found.save(update_fields=["frequency"])
    return found


def length_refusal(error: ValidationError, field: str) -> str:
    message = error.message_dict[field][0]
    assert "100000" in message and "不能超过" in message, message
    return message


@pytest.mark.parametrize("text", [SCRIPT, SQL, SCRIPT + SQL + "\x7f\u202e", HUGE])
def test_project_texts_are_stored_exactly(team, text):
    name = text if len(text) <= 200 else "测试项目"
    project = testing.project(donor_org=team[0], name=name, description=text)
    project = Project.objects.get(pk=project.pk)
    assert (project.name, project.description) == (name, text)
    assert Project.objects.filter(code="NOT-THERE").count() == 0  # the table is still there


def test_an_oversized_project_name_is_refused_in_chinese(team):
    with pytest.raises(ValidationError) as refusal:
        testing.project(donor_org=team[0], name=HUGE)
    assert "项目名称" in length_refusal(refusal.value, "name")
    project = testing.project(donor_org=team[0])
    with pytest.raises(ValidationError) as refusal:
        project_update(project=project, version=project.version, name=HUGE, actor=SYSTEM)
    length_refusal(refusal.value, "name")
    project.refresh_from_db()
    assert project.name.startswith("测试项目")


@pytest.mark.parametrize("text", [SCRIPT, SQL])
def test_organisation_names_are_stored_exactly(text):
    org = testing.donor_org(name=text)
    assert Organisation.objects.get(pk=org.pk).name == text


def test_an_oversized_organisation_name_is_refused_in_chinese():
    with pytest.raises(ValidationError) as refusal:
        testing.donor_org(name=HUGE)
    assert "名称" in length_refusal(refusal.value, "name")
    org = testing.donor_org()
    with pytest.raises(ValidationError) as refusal:
        organisation_update(org=org, version=org.version, name=HUGE, actor=SYSTEM)
    length_refusal(refusal.value, "name")
    with pytest.raises(ValidationError) as refusal:
        organisation_create(
            code="X" * 100_000,
            name="超长编码",
            side=org.side,
            kind=org.kind,
            region=org.region,
            parent=org.parent,
            actor=SYSTEM,
        )
    length_refusal(refusal.value, "code")


@pytest.mark.parametrize("text", [SCRIPT, SQL, HUGE])
def test_value_comments_are_stored_exactly(team, indicator, text):
    org, reporter = team
    value = value_save(
        indicator=indicator,
        org=org,
        period=year_period(2025),
        value="1",
        comment=text,
        actor=reporter,
    )
    value.refresh_from_db()
    assert value.comment == text


def test_an_oversized_value_group_is_refused_in_chinese(team, indicator):
    org, reporter = team
    with pytest.raises(ValidationError) as refusal:
        value_save(
            indicator=indicator,
            org=org,
            period=year_period(2025),
            value="1",
            disaggregation=HUGE,
            actor=reporter,
        )
    length_refusal(refusal.value, "disaggregation")


@pytest.mark.parametrize("text", [SCRIPT, SQL, SCRIPT + "接诊患者125012人次" + SQL, HUGE])
def test_report_texts_are_stored_exactly(team, text):
    report = report_create(
        title=SCRIPT + SQL, doc_date=date(2025, 6, 1), text=text, org=team[0], actor=SYSTEM
    )
    report = Report.objects.get(pk=report.pk)
    assert (report.title, report.text) == (SCRIPT + SQL, text)


def test_an_oversized_report_title_is_refused_in_chinese(team):
    with pytest.raises(ValidationError) as refusal:
        report_create(title=HUGE, doc_date=date(2025, 6, 1), text="正文", actor=SYSTEM)
    assert "标题" in length_refusal(refusal.value, "title")


def test_the_pages_show_the_payloads_escaped(client, team, indicator):
    org, reporter = team
    value_save(
        indicator=indicator,
        org=org,
        period=year_period(2025),
        value="1",
        comment=SCRIPT,
        actor=reporter,
    )
    report = report_create(
        title=SCRIPT,
        doc_date=date(2025, 6, 1),
        text=SCRIPT + "接诊患者125012人次" + SQL,
        org=org,
        actor=SYSTEM,
    )
    client.force_login(reporter)
    pages = {
        "grid": client.get(reverse("results:grid"), {"org": org.code, "period": "2025"}),
        "review": client.get(reverse("ingest:review", args=[report.pk])),
    }
    project = testing.project(donor_org=org, name=SCRIPT, description=SQL + SCRIPT)
    admin = get_user_model().objects.create_superuser("xss-admin", password="x-Passw0rd!")
    client.force_login(admin)
    pages["admin"] = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert SCRIPT not in page, name
        assert ESCAPED in page, name


@pytest.mark.parametrize(
    ("factory", "field"),
    [(testing.deal, "name"), (testing.event, "title"), (testing.aid_batch, "name")],
)
def test_oversized_names_elsewhere_in_the_ledger_are_refused_in_chinese(factory, field):
    with pytest.raises(ValidationError) as refusal:
        factory(**{field: HUGE})
    length_refusal(refusal.value, field)
