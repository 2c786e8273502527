from decimal import Decimal

import pytest
from django.apps import apps
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
        if model._meta.app_label in {"geo", "orgs", "projects", "audit", "auth"}
    }


def test_loading_the_demo_twice_leaves_the_same_row_counts(capsys):
    call_command("loaddemo")
    first = row_counts()
    call_command("loaddemo")
    assert row_counts() == first
    assert first["projects.Project"] >= 10
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
