import pytest

from duikou.core import testing
from duikou.policy import SYSTEM
from duikou.projects.models import Project
from duikou.projects.services import project_update

pytestmark = pytest.mark.django_db


def _project_form(portfolio, **changes):
    data = {
        "code": "WEB-001",
        "programme": portfolio["county"].programme_id,
        "name": "木垒县学校",
        "donor_org": portfolio["team"].pk,
        "region": "木垒县",
        "sector": "education",
        "plan_year": 2025,
        "planned_start": "2025-03-01",
        "planned_end": "2025-12-31",
        "budget_aid": "500000",
    }
    data.update(changes)
    return data


def test_a_project_is_created_through_the_form(client, portfolio):
    client.force_login(portfolio["writer"])
    response = client.post("/projects/new/", _project_form(portfolio))
    project = Project.objects.get(code="WEB-001")
    assert response.status_code == 302
    assert project.region.name == "木垒哈萨克自治县"


def test_a_refusal_is_shown_in_chinese_next_to_its_field(client, portfolio):
    client.force_login(portfolio["writer"])
    response = client.post("/projects/new/", _project_form(portfolio, planned_end="2025-01-01"))
    page = response.content.decode()
    assert response.status_code == 400
    field = page[page.index('id="field-planned_end"') :]
    assert "计划完工日期不能早于计划开工日期" in field[: field.index("</div>")]
    assert not Project.objects.filter(code="WEB-001").exists()


def test_a_stale_save_is_refused_and_shows_the_other_change(client, portfolio):
    project = portfolio["county"]
    client.force_login(portfolio["writer"])
    form = _project_form(portfolio, name="我的修改", region="652324", version=project.version)
    project_update(project=project, version=project.version, name="他人的修改", actor=SYSTEM)
    response = client.post(f"/projects/{project.pk}/edit/", form)
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="conflict"' in page
    assert "他人的修改" in page
    project.refresh_from_db()
    assert project.name == "他人的修改"


def test_a_long_organisation_list_shows_the_project_branch_but_accepts_any(
    client, portfolio, monkeypatch
):
    monkeypatch.setattr("duikou.projects.forms.ORG_CHOICES_LIMIT", 1)
    project, team = portfolio["county"], portfolio["team"]
    other = testing.donor_org(parent=testing.donor_province("320000"))
    client.force_login(testing.user())
    page = client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert team.name in page
    assert other.name not in page
    form = _project_form(
        portfolio, name=project.name, region="652324", donor_org=other.pk, version=project.version
    )
    assert client.post(f"/projects/{project.pk}/edit/", form).status_code == 302
    project.refresh_from_db()
    assert project.donor_org == other


def test_a_transaction_over_budget_is_refused_beside_the_amount(client, portfolio):
    project = portfolio["city"]
    client.force_login(portfolio["writer"])
    response = client.post(
        f"/projects/{project.pk}/transactions/",
        {"fund_source": "aid", "kind": "release", "amount": "2000000", "on": "2025-05-01"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    field = page[page.index('id="field-amount"') :]
    assert "超过计划金额" in field[: field.index("</div>")]


def test_progress_is_reported_and_a_bad_percentage_refused(client, portfolio):
    project = portfolio["county"]
    client.force_login(portfolio["writer"])
    url = f"/projects/{project.pk}/progress/"
    bad = client.post(
        url, {"year": 2025, "month": 5, "percent_complete": "120", "amount_spent": "0"}
    )
    assert "形象进度必须在0到100之间" in bad.content.decode()
    good = client.post(
        url, {"year": 2025, "month": 5, "percent_complete": "40", "amount_spent": "1000"}
    )
    assert good.status_code == 302
    assert project.progress_reports.get().percent_complete == 40


def test_readers_cannot_open_the_forms(client, portfolio):
    client.force_login(portfolio["recipient"])
    assert client.get(f"/projects/{portfolio['county'].pk}/edit/").status_code == 403
    assert client.get("/projects/new/").status_code == 403


def test_a_deal_and_an_event_are_recorded_or_refused(client, portfolio):
    client.force_login(portfolio["writer"])
    deal = {
        "code": "WEB-DL-1",
        "name": "番茄加工",
        "enterprise": "",
        "donor_org": portfolio["team"].pk,
        "region": "昌吉市",
        "stage": "lead",
        "stage_date": "2025-02-01",
        "jobs_expected": 10,
    }
    refused = client.post("/deals/new/", deal)
    assert refused.status_code == 400
    assert "这个字段是必填项" in refused.content.decode()
    assert client.post("/deals/new/", {**deal, "enterprise": "某食品公司"}).status_code == 302
    event = {
        "code": "WEB-EV-1",
        "kind": "fair",
        "title": "农产品展销会",
        "on": "2025-09-06",
        "place": "福州",
        "organiser": portfolio["team"].pk,
        "region": "找不到的地方",
        "participants": 10,
        "exhibitors": 0,
        "deals_signed": 0,
        "amount_traded": "0",
        "intended_orders": "0",
        "people_served": 0,
        "medicine_value": "0",
    }
    refused = client.post("/exchanges/events/new/", event)
    assert "找不到地区“找不到的地方”" in refused.content.decode()
    assert client.post("/exchanges/events/new/", {**event, "region": "奇台县"}).status_code == 302
