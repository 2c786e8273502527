from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duikou.core import testing
from duikou.people.models import Training, TrainingParticipant
from duikou.people.services import training_update
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def test_a_course_with_a_participant_list_counts_it():
    course = testing.training(
        participants=None,
        participant_list=[{"name": "学员甲", "workplace": "昌吉州人民医院"}, {"name": "学员乙"}],
    )
    assert course.participants == 2
    assert list(course.participant_list.values_list("name", flat=True)) == ["学员甲", "学员乙"]
    assert (course.year, course.month) == (2024, 6)


def test_a_count_may_exceed_the_list_but_not_fall_below_it():
    course = testing.training(participants=30, participant_list=[{"name": "学员甲"}])
    assert course.participants == 30
    with pytest.raises(ValidationError) as error:
        testing.training(
            title="少报", participants=1, participant_list=[{"name": "甲"}, {"name": "乙"}]
        )
    assert error.value.message_dict == {"participants": ["参加人数（1）少于学员名单人数（2）"]}
    assert not Training.objects.filter(title="少报").exists()
    assert TrainingParticipant.objects.count() == 1


def test_negative_participants_and_bad_kinds_are_refused():
    organiser = testing.donor_org()
    before = Training.objects.count()
    with pytest.raises(ValidationError) as error:
        testing.training(organiser=organiser, participants=-3)
    assert error.value.message_dict == {"participants": ["参加人数必须是不小于0的整数"]}
    with pytest.raises(ValidationError) as error:
        testing.training(organiser=organiser, kind="party")
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        testing.training(organiser=organiser, direction="sideways")
    assert "direction" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        testing.training(organiser=organiser, days=0)
    assert error.value.message_dict == {"days": ["天数必须是正整数"]}
    assert Training.objects.count() == before


def test_a_study_visit_going_out_is_recorded_with_its_days():
    visit = testing.training(
        kind="study_visit",
        direction="go_out",
        place="宁德闽东医院",
        days=62,
        participants=13,
        start=date(2024, 8, 1),
    )
    assert visit.get_direction_display() == "走出去"
    assert visit.get_kind_display() == "考察进修"


def test_a_training_edit_keeps_the_count_above_the_list():
    course = testing.training(participants=None, participant_list=[{"name": "甲"}, {"name": "乙"}])
    with pytest.raises(ValidationError):
        training_update(training=course, version=1, participants=1, actor=SYSTEM)
    course = training_update(
        training=course, version=1, participants=40, place="厦门", actor=SYSTEM
    )
    assert (course.participants, course.place, course.version) == (40, "厦门", 2)
