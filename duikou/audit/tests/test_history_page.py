"""The auditors' history page and the history fragment record pages include."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from duikou import policy
from duikou.audit.models import ChangeEntry
from duikou.audit.selectors import change_history_for
from duikou.core import testing
from duikou.orgs.models import Membership
from duikou.projects.services import project_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited():
    team = testing.donor_org()
    editor = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    project = testing.project(donor_org=team, actor=editor, name="<b>旧名称</b>")
    project = project_update(
        project=project, version=project.version, name="新名称", reason="按批复更名", actor=editor
    )
    return project, editor


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Membership.Role.AUDITOR, True),
        (Membership.Role.NATIONAL, True),
        (Membership.Role.FRONT_COMMAND, False),
        (Membership.Role.SUB_COMMAND, False),
        (Membership.Role.RECIPIENT, False),
    ],
)
def test_only_auditors_and_the_national_office_read_the_history(client, role, allowed):
    org = testing.donor_org() if role in {"front_command", "sub_command"} else None
    region_code = "652301" if role == Membership.Role.RECIPIENT else None
    account = testing.user(role=role, organisation=org, region_code=region_code)
    assert policy.can_read_history(account) is allowed
    client.force_login(account)
    assert client.get(reverse("audit:list")).status_code == (200 if allowed else 403)


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_history_is_searchable(client, edited):
    project, editor = edited
    client.force_login(testing.user(role=Membership.Role.AUDITOR))

    def found(**query):
        response = client.get(reverse("audit:list"), query)
        assert response.status_code == 200
        return [(e.entity, e.entity_id, e.action) for e in response.context["entries"]]

    mine = ("projects.project", str(project.pk))
    assert found(entity="projects.project", entity_id=project.pk) == [
        (*mine, "update"),
        (*mine, "create"),
    ]
    assert found(actor=editor.username, entity="projects.project") == [
        (*mine, "update"),
        (*mine, "create"),
    ]
    assert found(reason="批复") == [(*mine, "update")]
    today = timezone.localdate()
    assert (*mine, "update") in found(since=today, until=today)
    assert found(until=today - timedelta(days=1), entity_id=project.pk) == []
    assert found(since=today + timedelta(days=1)) == []


def test_the_page_shows_field_level_changes_escaped(client, edited):
    project, _ = edited
    client.force_login(testing.user(role=Membership.Role.AUDITOR))
    page = client.get(
        reverse("audit:list"), {"entity_id": project.pk, "entity": "projects.project"}
    )
    html = page.content.decode()
    assert "&lt;b&gt;旧名称&lt;/b&gt;" in html and "<b>旧名称</b>" not in html
    assert "新名称" in html and "按批复更名" in html


def test_the_fragment_lists_who_when_what_and_why(edited):
    project, editor = edited
    html = render_to_string("audit/history.html", {"entries": change_history_for(project)})
    assert html.count('<li class="change">') == 2
    update_row = html.split('<li class="change">')[1]
    assert editor.username in update_row and "修改" in update_row
    assert "项目名称：&lt;b&gt;旧名称&lt;/b&gt; → 新名称" in update_row
    assert "按批复更名" in update_row
    assert "版本" not in update_row  # bookkeeping columns are left out


def test_secrets_never_show(edited):
    entry = ChangeEntry.objects.create(
        entity="auth.user",
        entity_id="1",
        action="update",
        before={"password": "argon2$old"},
        after={"password": "argon2$new"},
    )
    html = render_to_string("audit/history.html", {"entries": [entry]})
    assert "argon2" not in html and "已隐藏" in html
