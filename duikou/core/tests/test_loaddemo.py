import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from duikou.core.demo import DEMO_USERS, demo_load
from duikou.orgs.models import Membership
from duikou.projects.models import Project
from duikou.projects.selectors import project_fund_totals

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in DEMO_APPS
    }


DEMO_APPS = {
    "geo",
    "orgs",
    "projects",
    "investment",
    "people",
    "exchanges",
    "results",
    "ingest",
    "reports",
    "audit",
    "auth",
}


def test_loading_the_demo_twice_leaves_the_same_row_counts(capsys):
    call_command("loaddemo", allow_demo=True)
    first = row_counts()
    call_command("loaddemo", allow_demo=True)
    assert row_counts() == first
    assert first["projects.Project"] >= 10
    assert first["reports.Publication"] == 2 and first["ingest.Report"] == 1
    printed = capsys.readouterr().out
    for username, password, *_ in DEMO_USERS:
        assert f"{username} / {password}" in printed


def test_every_demo_record_is_marked_as_demo():
    demo_load()
    projects = Project.objects.filter(code__startswith="DEMO-")
    assert projects.exists()
    assert all(p.is_demo and p.description.startswith("【演示数据】") for p in projects)


def test_the_demo_carries_the_amounts_reported_in_the_corpus():
    demo_load()
    exhibition = Project.objects.get(name="晋阜民间文化交流展厅")
    assert exhibition.donor_org.name == "山西省第五批援疆工作队"
    assert project_fund_totals(project=exhibition)["aid"]["spend"] == Decimal("2600000.00")
    road = Project.objects.get(code="DEMO-FJ-2023-002")
    totals = project_fund_totals(project=road)
    assert totals["aid"]["budget"] == Decimal("3000000.00")
    assert totals["local"]["budget"] == Decimal("7500000.00")


def test_there_is_one_demo_account_per_role():
    demo_load()
    roles = set(
        Membership.objects.filter(user__username__startswith="demo-").values_list("role", flat=True)
    )
    assert roles == set(Membership.Role.values)


def key_figures(html: str) -> list[str]:
    block = re.search(r'id="key-figures">(.*?)\n</div>', html, re.S)
    assert block, "the home page shows no key figures"
    return re.findall(r'<span class="value">([^<]*)</span>', block[1])


def is_nothing(text: str) -> bool:
    """— or a zero in any unit (0, 0.00元, 0 人)."""
    return not re.search(r"[1-9]", text)


@pytest.mark.parametrize("username", [u[0] for u in DEMO_USERS])
def test_every_demo_account_opens_on_figures(username, client):
    demo_load()
    client.force_login(get_user_model().objects.get(username=username))
    figures = key_figures(client.get("/").content.decode())
    assert len(figures) >= 6
    assert not all(is_nothing(f) for f in figures[:6]), figures
    assert not all(is_nothing(f) for f in figures[6:]), figures


def test_the_demo_leaves_work_for_each_level():
    from duikou.ingest.models import Figure
    from duikou.results.models import Value
    from duikou.results.selectors import values_awaiting_approval

    demo_load()
    users = get_user_model().objects
    waiting = values_awaiting_approval(user=users.get(username="demo-fujian"))
    assert waiting.filter(year=2025).count() >= 2
    returned = Value.objects.filter(status=Value.Status.DRAFT).exclude(return_reason="")
    assert returned.filter(org__code="SC-350500").exists()
    assert Figure.objects.filter(report__is_demo=True, status=Figure.Status.PENDING).exists()
