"""Substring search: the gram index finds exactly what LIKE finds, and PostgreSQL uses it."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client

from duikou.core import testing
from duikou.core.search import GRAM_INDEXES, text_match
from duikou.policy import SYSTEM
from duikou.projects.models import Project
from duikou.projects.services import fund_transaction_create
from duikou.results.models import Value

pytestmark = pytest.mark.django_db

NAMES = [
    "喀什地区第一人民医院门诊楼",
    "阿克苏市中医医院",
    "伽师县医疗设备",
    "Kashgar Hospital 医联体",
    "100%_完成 项目",
    "援疆 干部周转房",
    "疏附县教育园区",
]
WORDS = [
    "医", "医院", "人民医院", "中医", "院门", "hospital", "HOSP", "kashgar h", "100%",
    "%_", "_", "援疆 干", "疆 干部", "T-PRJ", "prj-", "区", "园区", "无此词", "s",
]  # fmt: skip


@pytest.fixture
def projects():
    team = testing.donor_org()
    return [testing.project(donor_org=team, name=name) for name in NAMES]


def _plain(fields, word):
    """What a search must find: Python's own substring test, letter case ignored."""
    return {
        p.pk
        for p in Project.objects.all()
        if any(word.lower() in getattr(p, f).lower() for f in fields)
    }


@pytest.mark.parametrize("word", WORDS)
def test_search_finds_exactly_the_names_that_contain_the_word(projects, word):
    for fields in (("name", "code"), ("name",), ("code",)):
        found = set(
            Project.objects.filter(text_match(Project, fields, word)).values_list("pk", flat=True)
        )
        assert found == _plain(fields, word), (word, fields)


def test_a_search_of_a_column_outside_the_index_still_finds_by_like(projects):
    found = Project.objects.filter(text_match(Project, ("name_en",), "x"))
    assert list(found) == [p for p in Project.objects.all() if "x" in p.name_en.lower()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the gram index is PostgreSQL's")
def test_postgresql_answers_a_search_from_the_gram_index(projects):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for queryset, index in (
            (
                Project.objects.filter(text_match(Project, ("name", "code"), "医院")).order_by(),
                "project_name_grams",
            ),
            (
                Value.objects.filter(text_match(Value, ("comment",), "口径")).order_by(),
                "value_comment_grams",
            ),
        ):
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert f"Bitmap Index Scan on {index}" in plan, plan


def test_list_pages_search_names_codes_and_related_names(projects, client: Client):
    client.force_login(testing.user())
    page = client.get("/projects/", {"q": "医院"}).content.decode()
    assert "阿克苏市中医医院" in page and "伽师县医疗设备" not in page
    # the place a project is in: every demo project sits in 652301 (昌吉市)
    page = client.get("/projects/", {"q": "昌吉市"}).content.decode()
    assert all(name in page for name in NAMES[:3])
    for project in projects[:2]:
        fund_transaction_create(
            project=project,
            fund_source="aid",
            kind="release",
            amount="1000.00",
            on=date(2025, 4, 1),
            actor=SYSTEM,
        )
    page = client.get("/records/fund_transactions/", {"q": "中医"}).content.decode()
    assert projects[1].code in page and projects[0].code not in page


def test_every_gram_index_is_created_by_a_migration_over_the_same_columns():
    """A search trusts ``GRAM_INDEXES``; the migrations must have built those indexes."""
    from pathlib import Path

    from django.apps import apps

    for label, columns in GRAM_INDEXES.items():
        migrations = Path(apps.get_app_config(label.split(".")[0]).path, "migrations")
        calls = [
            p.read_text() for p in migrations.glob("*.py") if "gram_index_create(" in p.read_text()
        ]
        assert any(repr(columns).replace("'", '"') in text for text in calls), label
