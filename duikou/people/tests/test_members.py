from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.people.models import AidBatch, AidMember, Assignment
from duikou.people.services import assignment_create, batch_create, batch_update, member_update
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db
VALID_ID = "11010519491231002X"


def counts():
    return AidMember.objects.count(), ChangeEntry.objects.count()


def test_a_batch_is_named_by_its_number_when_no_name_is_given():
    team = testing.donor_org()
    batch = batch_create(donor_org=team, number=5, term_start=date(2023, 2, 1), actor=SYSTEM)
    assert (batch.name, batch.year, batch.month) == ("第5批", 2023, 2)
    short = batch_create(
        donor_org=team, number=1, term="short_term", term_start=date(2023, 10, 20), actor=SYSTEM
    )
    assert short.name == "第1批柔性援疆"


def test_a_batch_refuses_a_duplicate_name_and_an_end_before_the_start():
    batch = testing.aid_batch()
    with pytest.raises(ValidationError) as error:
        testing.aid_batch(donor_org=batch.donor_org, name=batch.name)
    assert error.value.message_dict["name"] == [f"“{batch.donor_org.name}”已有批次“{batch.name}”"]
    with pytest.raises(ValidationError) as error:
        testing.aid_batch(term_end=date(2020, 1, 1))
    assert error.value.message_dict["term_end"] == ["结束日期不能早于开始日期"]
    with pytest.raises(ValidationError):
        testing.aid_batch(number=0)


def test_a_batch_edit_checks_the_version():
    batch = testing.aid_batch()
    batch = batch_update(batch=batch, version=1, term_end=date(2026, 6, 30), actor=SYSTEM)
    with pytest.raises(ConflictError):
        batch_update(batch=batch, version=1, note="迟到的修改", actor=SYSTEM)
    assert AidBatch.objects.get(pk=batch.pk).term_end == date(2026, 6, 30)


def test_a_member_takes_the_batch_organisation_and_keeps_the_id_masked_in_history():
    member = testing.aid_member(id_number=VALID_ID.lower(), phone="13912345678")
    assert member.donor_org == member.batch.donor_org
    assert member.id_number == VALID_ID
    assert member.id_number_masked == "1101**********002X"
    entry = ChangeEntry.objects.get(entity="people.aidmember", entity_id=str(member.pk))
    assert entry.after["id_number"] == "1101**********002X"


def test_a_malformed_id_number_is_refused_and_nothing_written():
    batch = testing.aid_batch()
    before = counts()
    with pytest.raises(ValidationError) as error:
        testing.aid_member(batch=batch, id_number="110105194912310021")
    assert error.value.message_dict == {"id_number": ["身份证号校验位不正确，请核对后重新填写"]}
    assert counts() == before


def test_a_malformed_phone_number_is_refused_and_nothing_written():
    batch = testing.aid_batch()
    before = counts()
    with pytest.raises(ValidationError) as error:
        testing.aid_member(batch=batch, phone="2343036")
    assert list(error.value.message_dict) == ["phone"]
    assert "格式不正确" in error.value.message_dict["phone"][0]
    assert counts() == before


def test_an_id_number_is_registered_once():
    first = testing.aid_member(id_number=VALID_ID)
    with pytest.raises(ValidationError) as error:
        testing.aid_member(id_number=VALID_ID)
    assert error.value.message_dict["id_number"] == [f"身份证号已登记在援疆人员“{first.name}”名下"]


def test_a_member_needs_an_organisation_and_a_valid_category():
    with pytest.raises(ValidationError) as error:
        testing.aid_member(donor_org=None)
    assert error.value.message_dict["donor_org"] == ["请填写选派机构或所属批次"]
    with pytest.raises(ValidationError) as error:
        testing.aid_member(category="astronaut")
    assert "category" in error.value.message_dict


def test_a_member_edit_checks_a_new_phone_number_and_the_version():
    member = testing.aid_member()
    with pytest.raises(ValidationError) as error:
        member_update(member=member, version=1, phone="123", actor=SYSTEM)
    assert "phone" in error.value.message_dict
    member = member_update(
        member=member, version=1, phone="0994 2343036", post="科主任", actor=SYSTEM
    )
    assert (member.phone, member.post, member.version) == ("09942343036", "科主任", 2)
    with pytest.raises(ConflictError):
        member_update(member=member, version=1, post="院长", actor=SYSTEM)


def test_a_long_term_stint_belongs_to_the_members_batch_once():
    member = testing.aid_member()
    stint = assignment_create(
        member=member, term="long_term", start=date(2023, 5, 20), actor=SYSTEM
    )
    assert (stint.batch, stint.region, stint.year) == (member.batch, member.region, 2023)
    with pytest.raises(ValidationError) as error:
        assignment_create(member=member, term="long_term", start=date(2023, 6, 1), actor=SYSTEM)
    assert "已有长期援疆任务" in error.value.message_dict["batch"][0]
    assert Assignment.objects.count() == 1


def test_short_term_stints_need_no_batch_and_refuse_an_end_before_the_start():
    expert = testing.aid_member(donor_org=testing.donor_org(), batch=None)
    stint = assignment_create(
        member=expert, term="short_term", start=date(2024, 6, 4), end=date(2024, 6, 7), actor=SYSTEM
    )
    assert stint.batch is None
    with pytest.raises(ValidationError) as error:
        assignment_create(
            member=expert,
            term="short_term",
            start=date(2024, 6, 4),
            end=date(2024, 6, 1),
            actor=SYSTEM,
        )
    assert error.value.message_dict == {"end": ["结束日期不能早于开始日期"]}
    with pytest.raises(ValidationError) as error:
        assignment_create(member=expert, term="long_term", start=date(2024, 6, 4), actor=SYSTEM)
    assert error.value.message_dict == {"batch": ["长期援疆任务必须属于一个批次"]}
