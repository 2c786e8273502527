import pytest

from duikou.core import testing
from duikou.orgs.models import Membership, Organisation
from duikou.results.models import Indicator, Value

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_and_users():
    command = testing.donor_org(kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command)
    reporter = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    approver = testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command)
    return team, reporter, approver


def yearly():
    return Indicator.objects.filter(kind="stored", frequency="year").order_by("code")[:2]


def test_the_grid_lists_the_indicators_of_the_period(client, team_and_users):
    team, reporter, _ = team_and_users
    client.force_login(reporter)
    page = client.get("/results/grid/", {"org": team.code, "period": "2025"})
    assert page.status_code == 200
    for indicator in yearly():
        assert indicator.name_zh in page.content.decode()


def test_a_bad_cell_saves_nothing_and_says_why_in_chinese(client, team_and_users):
    team, reporter, _ = team_and_users
    first, second = yearly()
    client.force_login(reporter)
    page = client.post(
        f"/results/grid/?org={team.code}&period=2025",
        {f"value_{first.pk}": "120", f"value_{second.pk}": "很多", "action": "save"},
    )
    assert page.status_code == 400
    assert "数值“很多”不是数字" in page.content.decode()
    assert not Value.objects.filter(org=team).exists()


def test_submitting_the_grid_and_approving_one_level_up(client, team_and_users):
    team, reporter, approver = team_and_users
    first, _ = yearly()
    client.force_login(reporter)
    page = client.post(
        f"/results/grid/?org={team.code}&period=2025",
        {f"value_{first.pk}": "120", "action": "submit"},
    )
    assert page.status_code == 302
    value = Value.objects.get(org=team, indicator=first)
    assert value.status == "submitted"
    client.force_login(approver)
    assert first.name_zh in client.get("/results/approvals/").content.decode()
    client.post(f"/results/approvals/{value.pk}/", {"action": "approve"})
    value.refresh_from_db()
    assert value.status == "approved"


def test_a_reporter_cannot_open_another_teams_grid(client, team_and_users):
    _, reporter, _ = team_and_users
    stranger = testing.donor_org()
    client.force_login(reporter)
    assert client.get("/results/grid/", {"org": stranger.code}).status_code == 404


def test_a_reporter_cannot_approve_its_own_value(client, team_and_users):
    team, reporter, _ = team_and_users
    first, _ = yearly()
    client.force_login(reporter)
    client.post(
        f"/results/grid/?org={team.code}&period=2025",
        {f"value_{first.pk}": "120", "action": "submit"},
    )
    value = Value.objects.get(org=team, indicator=first)
    assert client.post(f"/results/approvals/{value.pk}/", {"action": "approve"}).status_code == 404
    value.refresh_from_db()
    assert value.status == "submitted"


def test_submitting_without_a_required_indicator_is_refused(client, team_and_users):
    team, reporter, _ = team_and_users
    first, second = yearly()
    second.is_required = True
    second.save(update_fields=["is_required"])
    client.force_login(reporter)
    page = client.post(
        f"/results/grid/?org={team.code}&period=2025",
        {f"value_{first.pk}": "120", "action": "submit"},
    )
    assert page.status_code == 400
    assert f"“{second.name_zh}”为必填指标" in page.content.decode()
    assert not Value.objects.filter(org=team).exists()
