from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.policy import SYSTEM
from duikou.projects.models import StatusChange
from duikou.projects.services import project_transition, project_update

pytestmark = pytest.mark.django_db


def test_it_walks_the_lifecycle_with_dated_transitions():
    project = testing.project()
    steps = [
        ("approved", date(2025, 3, 5)),
        ("building", date(2025, 4, 1)),
        ("completed", date(2025, 11, 1)),
        ("accepted", date(2025, 12, 1)),
        ("operating", date(2026, 1, 1)),
    ]
    for status, day in steps:
        project = project_transition(project=project, to_status=status, on=day, actor=SYSTEM)
    history = list(StatusChange.objects.filter(project=project).values_list("to_status", "on"))
    assert history == [("reserve", date(2025, 3, 1)), *steps]
    assert project.status == "operating"


def test_it_refuses_skipping_a_step_with_a_clear_message():
    project = testing.project()
    with pytest.raises(ValidationError) as error:
        project_transition(
            project=project, to_status="completed", on=date(2025, 4, 1), actor=SYSTEM
        )
    assert error.value.message_dict["status"] == ["项目不能从“储备”变为“竣工”，下一步只能是“立项”"]
    project.refresh_from_db()
    assert project.status == "reserve"


def test_it_refuses_going_back():
    project = testing.project()
    project = project_transition(
        project=project, to_status="approved", on=date(2025, 3, 2), actor=SYSTEM
    )
    with pytest.raises(ValidationError, match="不能从“立项”变为“储备”"):
        project_transition(project=project, to_status="reserve", on=date(2025, 3, 3), actor=SYSTEM)


def test_terminating_needs_a_reason():
    project = testing.project()
    with pytest.raises(ValidationError, match="终止项目必须说明原因"):
        project_transition(
            project=project, to_status="terminated", on=date(2025, 4, 1), actor=SYSTEM
        )
    project = project_transition(
        project=project,
        to_status="terminated",
        on=date(2025, 4, 1),
        reason="选址调整",
        actor=SYSTEM,
    )
    assert project.status == "terminated"


def test_a_transition_dated_before_the_last_one_is_refused():
    project = testing.project()
    with pytest.raises(ValidationError, match="不能早于上一次状态日期"):
        project_transition(project=project, to_status="approved", on=date(2025, 1, 1), actor=SYSTEM)


def test_a_stale_edit_is_refused_and_the_first_one_kept():
    project = testing.project()
    loaded_by_a = loaded_by_b = project.version
    project_update(project=project, version=loaded_by_a, name="甲的名称", actor=SYSTEM)
    with pytest.raises(ConflictError):
        project_update(project=project, version=loaded_by_b, name="乙的名称", actor=SYSTEM)
    project.refresh_from_db()
    assert project.name == "甲的名称"


def test_moving_a_project_recomputes_its_derived_columns():
    project = testing.project(region="652324")
    project = project_update(
        project=project, version=project.version, region="653130", actor=SYSTEM
    )
    assert project.out_of_pairing
    assert project.prefecture.code == "653100"
