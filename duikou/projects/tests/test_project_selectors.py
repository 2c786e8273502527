import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from duikou.core import testing
from duikou.orgs.models import Membership
from duikou.projects.selectors import (
    get_project_for_user,
    get_project_for_user_rw,
    project_list_for_user,
)

pytestmark = pytest.mark.django_db


def test_a_sub_command_sees_its_own_projects_only():
    team, other = testing.donor_org(), testing.donor_org()
    mine, theirs = testing.project(donor_org=team), testing.project(donor_org=other)
    user = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    assert list(project_list_for_user(user=user)) == [mine]
    with pytest.raises(Http404):
        get_project_for_user(user=user, pk=theirs.pk)


def test_a_front_command_sees_everything_below_it():
    command = testing.donor_org(kind="front_command")
    team = testing.donor_org(parent=command)
    project = testing.project(donor_org=team)
    user = testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command)
    assert get_project_for_user_rw(user=user, pk=project.pk) == project


def test_a_recipient_government_sees_projects_in_its_area_but_cannot_change_them():
    inside = testing.project(region="652324")
    outside = testing.project(region="653130")
    user = testing.user(role=Membership.Role.RECIPIENT, region_code="652300")
    visible = set(project_list_for_user(user=user))
    assert inside in visible
    assert outside not in visible
    with pytest.raises(PermissionDenied):
        get_project_for_user_rw(user=user, pk=inside.pk)


def test_the_list_runs_one_query_however_many_projects(django_assert_num_queries):
    team = testing.donor_org()
    for _ in range(5):
        testing.project(donor_org=team)
    user = testing.user(role=Membership.Role.AUDITOR)
    testing_scope = project_list_for_user(user=user)  # scope is computed once per user
    with django_assert_num_queries(1):
        rows = [(p.donor_org.name, p.region.name, p.prefecture.name) for p in testing_scope]
    assert len(rows) >= 5
