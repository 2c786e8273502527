"""Publishing a year's figures: who may, what is copied, and what the public sees."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duikou.core import testing
from duikou.orgs.models import Membership, Organisation
from duikou.policy import SYSTEM
from duikou.reports.models import Publication
from duikou.reports.selectors import public_figures, published_years
from duikou.reports.services import publication_create, publication_withdraw
from duikou.results.models import Indicator
from duikou.results.periods import period_parse
from duikou.results.services import value_approve, value_save, value_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    fujian = testing.donor_province("350000")
    command = testing.donor_org(parent=fujian, kind=Organisation.Kind.FRONT_COMMAND, base="652300")
    team = testing.donor_org(parent=command, base="652301")
    shandong = testing.donor_org(
        parent=testing.donor_province("370000"), kind=Organisation.Kind.FRONT_COMMAND, base="653100"
    )
    testing.project(donor_org=team, region="652301", budgets={"aid": "1000000.00"})
    role = Membership.Role
    users = {
        "national": testing.user(role=role.NATIONAL, region_code="650000"),
        "front_command": testing.user(role=role.FRONT_COMMAND, organisation=command),
        "other_front_command": testing.user(role=role.FRONT_COMMAND, organisation=shandong),
        "sub_command": testing.user(role=role.SUB_COMMAND, organisation=team),
        "recipient": testing.user(role=role.RECIPIENT, region_code="652300"),
        "auditor": testing.user(role=role.AUDITOR),
        "public": testing.user(role=role.PUBLIC),
    }
    return {"command": command, "team": team, "shandong": shandong, "users": users}


def patients(world, number: str, *, status: str, period: str = "2025Q3"):
    """A value of 接诊患者 reported by the team for 昌吉市, left at ``status``."""
    value = value_save(
        indicator=Indicator.objects.get(code="PATIENTS_TREATED"),
        org=world["team"],
        region=testing.region("652301"),
        period=period_parse(period),
        value=number,
        actor=SYSTEM,
    )
    if status in ("submitted", "approved"):
        value = value_submit(value=value, actor=SYSTEM)
    if status == "approved":
        value = value_approve(value=value, actor=SYSTEM)
    return value


def planned(html: str) -> str:
    """The key figure 计划援疆资金 as the page shows it."""
    found = re.search(r'计划援疆资金</span><span class="value">([^<]+)<', html)
    assert found, "no key figure 计划援疆资金"
    return found[1]


def changji(publication: Publication) -> dict:
    return next(p for p in publication.snapshot["prefectures"] if p["code"] == "652300")


def test_the_national_office_publishes_everything(world):
    publication = publication_create(year=2025, actor=world["users"]["national"])
    assert publication.org is None and publication.publisher_name == "国家援疆办"
    assert publication.snapshot["funds"]["budget"] == "1000000.00"
    assert changji(publication)["funds"]["budget"] == "1000000.00"
    assert [p["name"] for p in publication.snapshot["provinces"]] == ["福建省"]


def test_a_front_command_publishes_its_own_chain(world):
    publication = publication_create(
        year=2025, org=world["command"], actor=world["users"]["front_command"]
    )
    assert publication.publisher_name == world["command"].name
    assert changji(publication)["funds"]["budget"] == "1000000.00"
    # The national office may publish a front command's chain too.
    publication_create(year=2025, org=world["command"], actor=world["users"]["national"])


def test_a_chain_publishes_none_of_another_provinces_figures_in_the_places_it_shares(world):
    # Shandong's team works in 昌吉市 too: its money and its patients are Shandong's.
    guest = testing.donor_org(parent=world["shandong"], base="652301")
    testing.project(donor_org=guest, region="652301", budgets={"aid": "7000000.00"})
    value = value_save(
        indicator=Indicator.objects.get(code="PATIENTS_TREATED"),
        org=guest,
        region=testing.region("652301"),
        period=period_parse("2025Q3"),
        value="900",
        actor=SYSTEM,
    )
    value_approve(value=value_submit(value=value, actor=SYSTEM), actor=SYSTEM)
    patients(world, "120", status="approved")

    fujian = publication_create(
        year=2025, org=world["command"], actor=world["users"]["front_command"]
    )
    assert changji(fujian)["funds"]["budget"] == "1000000.00"
    assert fujian.snapshot["funds"]["budget"] == "1000000.00"
    [treated] = [i for i in fujian.snapshot["indicators"] if i["code"] == "PATIENTS_TREATED"]
    assert Decimal(treated["total"]) == 120
    everything = publication_create(year=2025, org=None, actor=world["users"]["national"])
    assert changji(everything)["funds"]["budget"] == "8000000.00"


@pytest.mark.parametrize("role", ["sub_command", "recipient", "auditor", "public"])
def test_nobody_else_publishes(world, role):
    for org in (None, world["command"]):
        with pytest.raises(PermissionDenied):
            publication_create(year=2025, org=org, actor=world["users"][role])
    assert not Publication.objects.exists()


def test_a_front_command_publishes_neither_everything_nor_another_province(world):
    user = world["users"]["other_front_command"]
    with pytest.raises(PermissionDenied, match="无权发布"):
        publication_create(year=2025, org=world["command"], actor=user)
    with pytest.raises(PermissionDenied, match="只有国家援疆办可以发布全部数据"):
        publication_create(year=2025, actor=user)


def test_a_team_is_not_a_scope_to_publish(world):
    with pytest.raises(ValidationError, match="前方指挥部"):
        publication_create(year=2025, org=world["team"], actor=world["users"]["national"])


def test_withdrawing_follows_the_same_rule(world):
    publication = publication_create(
        year=2025, org=world["command"], actor=world["users"]["front_command"]
    )
    for role in ("sub_command", "other_front_command", "auditor"):
        with pytest.raises(PermissionDenied):
            publication_withdraw(publication=publication, actor=world["users"][role])
    publication = publication_withdraw(
        publication=publication, actor=world["users"]["front_command"]
    )
    assert publication.status == Publication.Status.WITHDRAWN
    assert published_years() == []
    with pytest.raises(ValidationError, match="已撤回"):
        publication_withdraw(publication=publication, actor=world["users"]["national"])


def test_the_withdraw_page_refuses_all_but_the_publishers_and_changes_nothing(world, client):
    publication = publication_create(
        year=2025, org=world["command"], actor=world["users"]["front_command"]
    )
    url = f"/reports/publications/{publication.pk}/withdraw/"
    for role in ("sub_command", "other_front_command", "recipient", "auditor", "public"):
        client.force_login(world["users"][role])
        assert client.post(url).status_code in (403, 404), role
        publication.refresh_from_db()
        assert publication.status == Publication.Status.PUBLISHED, role
    client.force_login(world["users"]["front_command"])
    assert client.post(url).status_code == 302
    publication.refresh_from_db()
    assert publication.status == Publication.Status.WITHDRAWN


def test_figures_approved_after_publishing_wait_for_the_next_publication(world):
    patients(world, "100", status="approved")
    first = publication_create(year=2025, actor=world["users"]["national"])
    patients(world, "50", status="approved", period="2025Q4")
    testing.project(donor_org=world["team"], region="652301", budgets={"aid": "500.00"})
    first.refresh_from_db()
    shown = public_figures(publication=first, measure="PATIENTS_TREATED")
    assert changji(first)["values"]["PATIENTS_TREATED"] == "100.0000"
    assert shown["funds"]["budget"] == Decimal("1000000.00")
    assert [p["value"] for p in shown["prefectures"] if p["code"] == "652300"] == [Decimal(100)]

    second = publication_create(year=2025, actor=world["users"]["national"])
    first.refresh_from_db()
    assert first.status == Publication.Status.REPLACED
    assert Decimal(changji(second)["values"]["PATIENTS_TREATED"]) == 150
    assert second.snapshot["funds"]["budget"] == "1000500.00"


def test_drafts_and_values_awaiting_approval_are_not_published(world):
    patients(world, "7", status="draft")
    patients(world, "9", status="submitted", period="2025Q4")
    publication = publication_create(year=2025, actor=world["users"]["national"])
    assert "PATIENTS_TREATED" not in changji(publication)["values"]
    assert "PATIENTS_TREATED" not in {i["code"] for i in publication.snapshot["indicators"]}


def test_the_public_page_shows_only_published_years_and_no_names(world, client):
    patients(world, "100", status="approved")
    testing.aid_member(
        batch=testing.aid_batch(donor_org=world["team"], region="652301"), name="张援疆"
    )
    publication_create(year=2025, actor=world["users"]["national"])
    withdrawn = publication_create(year=2024, actor=world["users"]["national"])
    publication_withdraw(publication=withdrawn, actor=world["users"]["national"])
    html = client.get("/public/?year=2024").content.decode()  # anyone, signed in or not
    assert "公开数据 · 2025年" in html
    assert '<option value="2024"' not in html
    assert "100" in planned(html) and "张援疆" not in html

    client.force_login(world["users"]["public"])
    assert "100" in planned(client.get("/").content.decode())


def test_nothing_published_says_so(client):
    html = client.get("/public/").content.decode()
    assert "尚未发布任何数据" in html
