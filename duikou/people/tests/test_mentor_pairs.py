from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.people.models import MentorPair
from duikou.people.services import mentor_pair_create, mentor_pair_update
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db
MENTOR_ID = "11010519491231002X"


def pair(mentor, **overrides):
    fields = {
        "mentor": mentor,
        "apprentice_name": "本地医生A",
        "apprentice_institution": "玛纳斯县人民医院",
        "field": "眼科",
        "start": date(2024, 3, 1),
    }
    fields.update(overrides)
    return mentor_pair_create(**{"actor": SYSTEM, **fields})


def counts():
    return MentorPair.objects.count(), ChangeEntry.objects.count()


def test_a_pair_takes_the_mentors_place_and_records_progress():
    mentor = testing.aid_member(region="652324")
    created = pair(mentor)
    assert (created.region.code, created.year, created.month) == ("652324", 2024, 3)
    done = mentor_pair_update(
        pair=created,
        version=1,
        end=date(2025, 3, 1),
        can_do_alone="独立完成白内障超声乳化手术",
        actor=SYSTEM,
    )
    assert done.can_do_alone == "独立完成白内障超声乳化手术"
    assert done.version == 2


def test_an_apprentice_who_is_an_aid_member_by_name_and_id_is_refused():
    mentor = testing.aid_member()
    colleague = testing.aid_member(batch=mentor.batch, name="李医生B", id_number=MENTOR_ID)
    before = counts()
    with pytest.raises(ValidationError) as error:
        pair(mentor, apprentice_name=colleague.name, apprentice_id_number=MENTOR_ID)
    assert error.value.message_dict == {
        "apprentice_name": ["徒弟“李医生B”的身份证号属于援疆人员，师带徒的徒弟应为本地人员"]
    }
    assert counts() == before


def test_an_apprentice_linked_to_an_aid_member_is_refused():
    mentor = testing.aid_member()
    colleague = testing.aid_member(batch=mentor.batch, name="王医生C")
    before = counts()
    with pytest.raises(ValidationError) as error:
        pair(mentor, apprentice_name="王医生C", apprentice_member=colleague)
    assert error.value.message_dict == {
        "apprentice_name": ["徒弟“王医生C”是援疆人员，师带徒的徒弟应为本地人员"]
    }
    assert counts() == before


def test_an_apprentice_with_a_malformed_id_number_is_refused():
    mentor = testing.aid_member()
    before = counts()
    with pytest.raises(ValidationError) as error:
        pair(mentor, apprentice_id_number="12345")
    assert list(error.value.message_dict) == ["apprentice_id_number"]
    assert error.value.message_dict["apprentice_id_number"][0].startswith("徒弟身份证号格式不正确")
    assert counts() == before


def test_a_local_apprentice_with_a_valid_id_is_kept_and_masked():
    created = pair(testing.aid_member(), apprentice_id_number=MENTOR_ID)
    assert created.apprentice_id_number_masked == "1101**********002X"
    entry = ChangeEntry.objects.get(entity="people.mentorpair", entity_id=str(created.pk))
    assert entry.after["apprentice_id_number"] == "1101**********002X"


def test_a_pair_needs_the_apprentices_institution_and_field():
    mentor = testing.aid_member()
    with pytest.raises(ValidationError) as error:
        pair(mentor, apprentice_institution=" ")
    assert error.value.message_dict == {"apprentice_institution": ["徒弟所在单位不能为空"]}
    with pytest.raises(ValidationError) as error:
        pair(mentor, field="")
    assert error.value.message_dict == {"field": ["专业领域不能为空"]}
    with pytest.raises(ValidationError) as error:
        mentor_pair_update(pair=pair(mentor), version=1, mentor=mentor, actor=SYSTEM)
    assert error.value.message_dict == {"mentor": ["该字段不能在此修改"]}
