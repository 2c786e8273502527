from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from duikou.core import testing
from duikou.orgs.models import Membership
from duikou.people.selectors import (
    batch_list_for_user,
    get_member_for_user,
    get_member_for_user_rw,
    member_counts_for_user,
    member_list_for_user,
    mentor_pair_list_for_user,
    training_list_for_user,
    training_participants_for_user,
    training_totals_for_user,
)
from duikou.people.services import assignment_create, mentor_pair_create
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    team = testing.donor_org()
    batch = testing.aid_batch(donor_org=team)
    doctor = testing.aid_member(batch=batch, region="652324")
    testing.aid_member(batch=batch, category="teacher", region="652324")
    testing.aid_member(batch=batch, category="teacher", region="652324")
    expert = testing.aid_member(donor_org=team, batch=None, region="652324")
    assignment_create(member=expert, term="short_term", start=date(2024, 6, 4), actor=SYSTEM)
    mentor_pair_create(
        mentor=doctor,
        apprentice_name="本地医生A",
        apprentice_institution="玛纳斯县人民医院",
        field="眼科",
        start=date(2024, 3, 1),
        actor=SYSTEM,
    )
    testing.training(organiser=team, participants=None, participant_list=[{"name": "学员甲"}])
    return team


def test_managers_see_names_and_masked_ids(team):
    user = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    members = member_list_for_user(user=user)
    assert members.count() == 4
    assert get_member_for_user_rw(user=user, pk=members[0].pk) == members[0]
    assert mentor_pair_list_for_user(user=user).get().apprentice_name == "本地医生A"


def test_recipient_governments_get_counts_only(team):
    user = testing.user(role=Membership.Role.RECIPIENT, region_code="652300")
    with pytest.raises(PermissionDenied):
        member_list_for_user(user=user)
    with pytest.raises(PermissionDenied):
        mentor_pair_list_for_user(user=user)
    with pytest.raises(PermissionDenied):
        training_participants_for_user(user=user, training=training_list_for_user(user=user).get())
    counts = member_counts_for_user(user=user)
    assert counts["total"] == 4
    assert {c["category"]: c["count"] for c in counts["by_category"]} == {
        "cadre": 0,
        "doctor": 2,
        "teacher": 2,
        "technician": 0,
        "other": 0,
    }
    assert sorted((b["batch"].startswith("第九批"), b["count"]) for b in counts["by_batch"]) == [
        (False, 1),
        (True, 3),
    ]
    assert (counts["mentor_pairs"], counts["short_term_assignments"]) == (1, 1)


def test_the_public_sees_no_people_at_all(team):
    user = testing.user(role=Membership.Role.PUBLIC)
    with pytest.raises(PermissionDenied):
        get_member_for_user(user=user, pk=1)
    assert member_counts_for_user(user=user)["total"] == 0


def test_another_team_cannot_reach_a_member(team):
    stranger = testing.user(role=Membership.Role.SUB_COMMAND, organisation=testing.donor_org())
    auditor = testing.user(role=Membership.Role.AUDITOR)
    pk = member_list_for_user(user=auditor).first().pk
    with pytest.raises(Http404):
        get_member_for_user(user=stranger, pk=pk)
    with pytest.raises(PermissionDenied):
        get_member_for_user_rw(user=auditor, pk=pk)


def test_batches_and_trainings_are_listed_with_totals(team):
    user = testing.user(role=Membership.Role.AUDITOR)
    batch = batch_list_for_user(user=user).get(donor_org=team)
    assert batch.member_count == 3
    training = training_list_for_user(user=user, year=2024).get(organiser=team)
    assert [p.name for p in training_participants_for_user(user=user, training=training)] == [
        "学员甲"
    ]
    totals = training_totals_for_user(user=user, year=2024)
    assert totals["course"] == {"events": 1, "participants": 1}
    assert totals["study_visit"] == {"events": 0, "participants": 0}
