"""The history as people read it: Chinese labels, names not ids, 万元, 是/否, Beijing time."""

import re
from datetime import UTC, date, datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from duikou import policy
from duikou.audit.describe import describe_entries, kind_label
from duikou.audit.models import ChangeEntry
from duikou.audit.selectors import change_history_for, entity_choices
from duikou.audit.services import change_record
from duikou.core import testing
from duikou.orgs.models import Membership
from duikou.projects.models import Status
from duikou.projects.services import (
    budget_set,
    project_create,
    project_transition,
    project_update,
)

pytestmark = pytest.mark.django_db

DELETED_NAME = "（已删除）"
DUMPS = re.compile(r"[{}\[\]]|_id\b|projects\.project|exchanges\.|#\d")


def _text(html: str) -> str:
    """The words a reader sees in the history fragment (markup and attributes dropped)."""
    part = html.split('id="history"', 1)[1].split("</ol>", 1)[0]
    return re.sub(r"<[^>]+>", " ", part.split(">", 1)[1])


@pytest.fixture
def lived():
    """A project created, renamed, moved to another team, rebudgeted and approved."""
    first = testing.donor_org(name="福建省援疆前方指挥部")
    second = testing.donor_org(name="厦门市援疆工作组")
    editor = testing.user(role=Membership.Role.NATIONAL)
    editor.first_name = "李审核"
    editor.save(update_fields=["first_name"])
    project = project_create(
        code="FJ-2025-001",
        name="昌吉医院改扩建",
        programme=testing.programme(),
        donor_org=first,
        region="652301",
        sector="health",
        planned_start=date(2025, 3, 1),
        planned_end=date(2025, 12, 31),
        is_livelihood=True,
        budgets={"aid": "1500000.00"},
        actor=editor,
    )
    project = project_update(
        project=project,
        version=project.version,
        name="昌吉州人民医院改扩建",
        donor_org=second,
        reason="按批复调整",
        actor=editor,
    )
    budget_set(project=project, fund_source="aid", amount="2000000.00", actor=editor)
    project = project_transition(
        project=project, to_status=Status.APPROVED, on=date(2025, 4, 1), actor=editor
    )
    # Stamp the first entry at a known instant: 2025-03-01 23:30 UTC is 3月2日 07:30 in Beijing.
    ChangeEntry.objects.filter(pk=change_history_for(project).last().pk).update(
        at=datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
    )
    return project, editor


@pytest.fixture
def auditor(client):
    client.force_login(testing.user(role=Membership.Role.AUDITOR))
    return client


def test_the_project_page_reads_like_a_ledger_not_a_dump(client, lived):
    project, editor = lived
    client.force_login(editor)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    text = _text(html)
    assert "项目名称：昌吉医院改扩建 → 昌吉州人民医院改扩建" in text
    assert "实施援疆机构：福建省援疆前方指挥部 → 厦门市援疆工作组" in text
    assert "状态：储备 → 立项" in text
    assert "状态日期：2025年3月1日 → 2025年4月1日" in text
    assert "援疆资金计划：150.00万元" in text
    assert "资金计划 昌吉州人民医院改扩建 援疆资金" in re.sub(r"\s+", " ", text)
    assert "计划金额：150.00万元 → 200.00万元" in text  # the budget line's own history
    assert "民生项目：是" in text
    assert "行业领域：医疗卫生" in text
    assert "李审核" in text and "按批复调整" in text
    assert "2025年3月2日 07:30" in text  # Beijing time, not UTC
    assert not DUMPS.search(text), DUMPS.search(text)
    assert "True" not in text and "reserve" not in text and "version" not in text


def test_an_update_lists_only_what_changed(lived):
    project, _ = lived
    update = change_history_for(project).get(action="update")
    [row] = describe_entries([update])
    assert [line.label for line in row.lines] == ["项目名称", "实施援疆机构", "援疆省市"] or [
        line.label for line in row.lines
    ] == ["项目名称", "实施援疆机构"]
    assert row.action == "修改" and row.actor == "李审核"


def test_a_related_record_that_is_gone_is_named_deleted(lived):
    project, _ = lived
    entry = ChangeEntry.objects.create(
        entity="projects.project",
        entity_id=str(project.pk),
        action="update",
        before={"donor_org_id": 999999},
        after={"donor_org_id": project.donor_org_id},
    )
    [row] = describe_entries([entry])
    assert str(row.lines[0]) == "实施援疆机构：（已删除） → 厦门市援疆工作组"


def test_the_audit_page_names_kinds_and_records_and_links_them(auditor, lived):
    project, _ = lived
    for kind in ("projects.project", "projects.budgetline"):
        html = auditor.get(reverse("audit:list"), {"entity": kind}).content.decode()
        text = _text(html)
        assert f'href="{reverse("projects:detail", args=[project.pk])}"' in html
        assert not DUMPS.search(text), DUMPS.search(text)
        if kind == "projects.project":
            assert "援疆项目 昌吉州人民医院改扩建" in re.sub(r"\s+", " ", text)
            assert "2025年3月2日 07:30" in text
        else:
            assert (
                "昌吉州人民医院改扩建 援疆资金" in text
                and "计划金额：150.00万元 → 200.00万元" in text
            )


def test_the_kind_filter_lists_chinese_names_of_domain_records_only(auditor, lived):
    choices = dict(entity_choices())
    assert choices["projects.project"] == "援疆项目"
    assert "projects.budgetline" in choices  # it has history
    for internal in ("axes.accessattempt", "otp_totp.totpdevice", "sessions.session"):
        assert internal not in choices
    assert not any(re.search(r"[a-z]", name) for name in choices.values())
    response = auditor.get(reverse("audit:list"), {"entity": "projects.project"})
    entries = response.context["entries"]
    assert entries and {e.entity for e in entries} == {"projects.project"}
    assert (
        '<option value="projects.project" selected>援疆项目</option>' in response.content.decode()
    )


def test_the_audit_page_filters_by_person_and_organisation(auditor, lived):
    project, editor = lived
    found = auditor.get(reverse("audit:list"), {"actor": "李审核"}).context["entries"]
    assert {e.actor_id for e in found} == {editor.pk}
    other = testing.donor_org(name="无关单位")
    response = auditor.get(reverse("audit:list"), {"organisation": project.donor_org_id})
    assert {e.entity_id for e in response.context["entries"]} >= {str(project.pk)}
    response = auditor.get(reverse("audit:list"), {"organisation": other.pk})
    assert str(project.pk) not in {
        e.entity_id for e in response.context["entries"] if e.entity == "projects.project"
    }


def test_the_audit_page_shows_fifty_entries_a_page(auditor):
    project = testing.project()
    for n in range(60):
        change_record(
            instance=project,
            action="update",
            actor=policy.SYSTEM,
            before={"name": f"名称{n}"},
            after={"name": f"名称{n + 1}"},
        )
    mine = {"entity": "projects.project", "entity_id": project.pk}
    first = auditor.get(reverse("audit:list"), mine)
    assert len(first.context["entries"]) == 50
    assert first.context["page"].paginator.num_pages == 2
    assert "page=2" in first.content.decode()
    second = auditor.get(reverse("audit:list"), {**mine, "page": 2})
    assert len(second.context["entries"]) == 11  # 60 edits and the creation
    assert auditor.get(reverse("audit:list"), {"page": "abc"}).status_code == 200


def test_the_audit_page_reads_each_page_in_a_few_queries(
    auditor, lived, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        assert auditor.get(reverse("audit:list")).status_code == 200


def test_the_source_of_a_change_is_shown_in_words(lived):
    project, _ = lived
    entry = change_history_for(project).first()
    entry.source = "web"
    [row] = describe_entries([entry])
    assert row.source == "页面录入"
    entry.source = "管理后台"
    assert describe_entries([entry])[0].source == "管理后台"


def test_a_deletion_shows_the_last_state(lived):
    project, _ = lived
    entry = ChangeEntry.objects.create(
        entity="projects.fundtransaction",
        entity_id="999999",
        action="delete",
        before={"project_id": project.pk, "amount": "30000.00", "kind": "spend", "version": 2},
        reason="重复录入",
    )
    [row] = describe_entries([entry], with_records=True)
    assert [str(line) for line in row.lines] == [
        "援疆项目：昌吉州人民医院改扩建",
        "金额：3.00万元",
        "类型：支出",
    ]
    assert row.record == DELETED_NAME and row.action == "删除"
    assert row.url == reverse("projects:detail", args=[project.pk])


def test_kind_names_are_chinese():
    assert kind_label("projects.project") == "援疆项目"
    assert kind_label("nothing.here") == "记录"


def test_a_fragment_of_a_user_change_never_shows_a_secret():
    entry = ChangeEntry.objects.create(
        entity="auth.user",
        entity_id="1",
        action="update",
        before={"password": "argon2$old", "is_active": True},
        after={"password": "argon2$new", "is_active": False},
    )
    html = render_to_string("audit/history.html", {"entries": [entry]})
    assert "argon2" not in html and "已隐藏" in html and "是 → 否" in html
