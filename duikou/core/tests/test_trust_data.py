"""No lost data: drafts stay private, locked values stay put, stale edits are refused,
and every create, update and delete leaves its before and after in the history."""

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.audit.selectors import change_history_for
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.orgs.models import Membership, Organisation
from duikou.orgs.services import membership_set
from duikou.policy import SYSTEM
from duikou.projects.models import Project
from duikou.projects.services import project_update
from duikou.results.models import Indicator, Value
from duikou.results.periods import year_period
from duikou.results.selectors import value_list_for_user
from duikou.results.services import (
    value_approve,
    value_delete,
    value_save,
    value_submit,
    value_unlock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fujian():
    command = testing.donor_org(
        parent=testing.donor_province("350000"), kind=Organisation.Kind.FRONT_COMMAND
    )
    team = testing.donor_org(parent=command)
    reporter = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    approver = testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command)
    return team, reporter, approver


@pytest.fixture
def indicator():
    found = Indicator.objects.get(code="PATIENTS_TREATED")
    found.frequency = "any"
    found.save(update_fields=["frequency"])
    return found


def draft(team, reporter, indicator, value="100"):
    return value_save(
        indicator=indicator, org=team, period=year_period(2025), value=value, actor=reporter
    )


def test_a_draft_is_invisible_to_another_province(fujian, indicator):
    team, reporter, _ = fujian
    value = draft(team, reporter, indicator)
    jiangsu = testing.donor_org(
        parent=testing.donor_province("320000"), kind=Organisation.Kind.FRONT_COMMAND
    )
    outsider = testing.user(role=Membership.Role.FRONT_COMMAND, organisation=jiangsu)
    assert value in value_list_for_user(user=reporter)
    assert value not in value_list_for_user(user=outsider)
    value_submit(value=value, actor=reporter)
    assert value not in value_list_for_user(user=outsider)  # submitted, still not theirs


def test_a_draft_is_invisible_to_the_recipient_place_until_submitted(fujian, indicator):
    team, reporter, _ = fujian
    value = draft(team, reporter, indicator)
    local = testing.user(role=Membership.Role.RECIPIENT, region_code=value.region.code)
    assert value not in value_list_for_user(user=local)
    value_submit(value=value, actor=reporter)
    assert value in value_list_for_user(user=local)


def test_an_approved_value_cannot_change_or_go_until_unlocked(fujian, indicator):
    team, reporter, approver = fujian
    value = value_approve(
        value=value_submit(value=draft(team, reporter, indicator), actor=reporter), actor=approver
    )
    with pytest.raises(ValidationError, match="已审核锁定"):
        draft(team, reporter, indicator, value="999")
    with pytest.raises(ValidationError, match="已审核锁定"):
        value_delete(value=value, reason="重复录入", actor=reporter)
    with pytest.raises(ValidationError, match="不能审核自己"):
        value_unlock(value=value, reason="自己解锁", actor=reporter)
    value.refresh_from_db()
    assert (value.value, value.status) == (100, Value.Status.APPROVED)

    value_unlock(value=value, reason="复核发现笔误", actor=approver)
    assert draft(team, reporter, indicator, value="999").value == 999


def test_of_two_editors_of_one_version_the_first_wins(fujian):
    team, reporter, _ = fujian
    project = testing.project(donor_org=team)
    mine = Project.objects.get(pk=project.pk)
    theirs = Project.objects.get(pk=project.pk)
    assert mine.version == theirs.version

    project_update(project=mine, version=mine.version, name="先保存的名称", actor=reporter)
    with pytest.raises(ConflictError) as refusal:
        project_update(project=theirs, version=theirs.version, name="后保存的名称", actor=reporter)
    assert "已被他人修改" in refusal.value.messages[0]
    project.refresh_from_db()
    assert project.name == "先保存的名称"
    assert project.version == theirs.version + 1


def test_of_two_editors_of_one_value_the_first_wins(fujian, indicator):
    team, reporter, _ = fujian
    value = draft(team, reporter, indicator)
    seen = value.version
    draft_args = {"indicator": indicator, "org": team, "period": year_period(2025)}
    value_save(**draft_args, value="110", version=seen, actor=reporter)
    with pytest.raises(ConflictError):
        value_save(**draft_args, value="120", version=seen, actor=reporter)
    value.refresh_from_db()
    assert value.value == 110


def test_a_project_keeps_its_whole_history(fujian):
    team, reporter, _ = fujian
    project = testing.project(donor_org=team, actor=reporter)
    project_update(
        project=project,
        version=project.version,
        name="改后的名称",
        reason="按批复更名",
        actor=reporter,
    )
    entries = list(change_history_for(project).order_by("at", "id"))
    assert [e.action for e in entries] == ["create", "update"]
    created, updated = entries
    assert created.after["name"] == project.name and created.actor == reporter
    assert updated.before["name"] == project.name and updated.after["name"] == "改后的名称"
    assert updated.reason == "按批复更名"


def test_a_deleted_value_keeps_its_last_state_in_the_history(fujian, indicator):
    team, reporter, _ = fujian
    value = draft(team, reporter, indicator)
    value = value_save(
        indicator=indicator,
        org=team,
        period=year_period(2025),
        value="130",
        comment="补录",
        version=value.version,
        actor=reporter,
    )
    pk = value.pk
    value_delete(value=value, reason="重复录入", actor=reporter)
    assert not Value.objects.filter(pk=pk).exists()
    entries = list(
        ChangeEntry.objects.filter(entity="results.value", entity_id=str(pk)).order_by("at", "id")
    )
    assert [e.action for e in entries] == ["create", "update", "delete"]
    gone = entries[-1]
    assert gone.before["value"] == "130.0000" and gone.before["comment"] == "补录"
    assert gone.after is None and gone.reason == "重复录入" and gone.actor == reporter
    assert entries[1].before["value"] == "100.0000"


def test_a_replaced_role_stays_in_the_history():
    team = testing.donor_org()
    account = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    old = Membership.objects.get(user=account)
    membership_set(user=account, role=Membership.Role.AUDITOR, actor=SYSTEM)
    gone = ChangeEntry.objects.get(entity="orgs.membership", entity_id=str(old.pk), action="delete")
    assert gone.before["role"] == Membership.Role.SUB_COMMAND
    assert gone.before["organisation_id"] == team.pk
