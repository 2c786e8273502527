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


@pytest.mark.parametrize("text", ["\x00", "说明\x1b[31m"])
def test_the_grid_refuses_control_characters_naming_the_row(client, team_and_users, text):
    team, reporter, _ = team_and_users
    first, second = yearly()
    client.force_login(reporter)
    page = client.post(
        f"/results/grid/?org={team.code}&period=2025",
        {
            f"value_{first.pk}": "120",
            f"value_{second.pk}": "80",
            f"comment_{second.pk}": text,
            "action": "save",
        },
    )
    assert page.status_code == 400
    assert f"“{second.name_zh}”一行的数值或说明含有不可见的控制字符" in page.content.decode()
    assert not Value.objects.filter(org=team).exists()


def test_the_grid_keeps_tabs_and_line_breaks_in_a_comment(client, team_and_users):
    team, reporter, _ = team_and_users
    first, _second = yearly()
    client.force_login(reporter)
    page = client.post(
        f"/results/grid/?org={team.code}&period=2025",
        {
            f"value_{first.pk}": "120",
            f"comment_{first.pk}": "第一行\t甲\r\n第二行",
            "action": "save",
        },
    )
    assert page.status_code == 302
    assert Value.objects.get(org=team, indicator=first).comment == "第一行\t甲\r\n第二行"


def test_the_grid_refuses_a_version_that_is_not_a_number(client, team_and_users):
    team, reporter, _ = team_and_users
    first, _second = yearly()
    client.force_login(reporter)
    page = client.post(
        f"/results/grid/?org={team.code}&period=2025",
        {f"value_{first.pk}": "120", f"version_{first.pk}": "²", "action": "save"},
    )
    assert page.status_code == 400
    assert f"“{first.name_zh}”一行的版本号无效" in page.content.decode()


def test_value_save_refuses_control_characters_in_its_texts(team_and_users):
    from django.core.exceptions import ValidationError

    from duikou.results.periods import year_period
    from duikou.results.services import value_save

    team, reporter, _ = team_and_users
    with pytest.raises(ValidationError) as refusal:
        value_save(
            indicator=yearly()[0],
            org=team,
            period=year_period(2025),
            value="1",
            comment="\x00",
            actor=reporter,
        )
    assert "说明含有不可见的控制字符" in refusal.value.message_dict["comment"][0]


@pytest.mark.parametrize("figure", ["99999999999999999999", "1000000000000000"])
def test_a_value_too_large_to_read_back_is_refused(client, team_and_users, figure):
    """SQLite keeps decimals as floats: 1e20 - 1 was stored, read back as 1e20 (more
    digits than the column) and failed every page that showed it."""
    team, reporter, _ = team_and_users
    first, _second = yearly()
    client.force_login(reporter)
    url = f"/results/grid/?org={team.code}&period=2025"
    page = client.post(url, {f"value_{first.pk}": figure, "action": "save"})
    assert page.status_code == 400
    assert "数值过大" in page.content.decode()
    assert client.get(url).status_code == 200
