"""The people edits share one update step: version check, checks, masked before/after history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duikou.audit.models import ChangeEntry
from duikou.audit.selectors import change_history_for
from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.people.models import AidBatch, AidMember, MentorPair, Training
from duikou.people.services import (
    batch_update,
    member_update,
    mentor_pair_create,
    mentor_pair_update,
    training_update,
)
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db
VALID_ID = "11010519491231002X"
OTHER_ID = "110105194912310038"
MASKED = "1101**********002X"


def _stored(model, record) -> tuple:
    return model.objects.filter(pk=record.pk).values().first(), ChangeEntry.objects.count()


def test_a_member_edit_keeps_both_snapshots_masked_with_reason_and_source():
    user = testing.user()
    member = testing.aid_member(id_number=VALID_ID)
    updated = member_update(
        member=member,
        version=1,
        actor=user,
        reason="身份证号登记错误",
        source="web",
        id_number=OTHER_ID,
        region="652324",
    )
    assert (updated.id_number, updated.region.code, updated.version) == (OTHER_ID, "652324", 2)
    entry = change_history_for(updated).first()
    assert (entry.action, entry.reason, entry.source, entry.actor) == (
        "update",
        "身份证号登记错误",
        "web",
        user,
    )
    assert entry.before["id_number"] == MASKED
    assert entry.after["id_number"] == "1101**********0038"
    assert VALID_ID not in str(entry.before) and OTHER_ID not in str(entry.after)


def test_a_batch_edit_moves_its_year_with_the_start_and_refuses_a_reversed_term():
    batch = testing.aid_batch()
    updated = batch_update(
        batch=batch, version=1, term_start=date(2024, 2, 1), reason="日期更正", actor=SYSTEM
    )
    stored = AidBatch.objects.get(pk=batch.pk)
    assert (stored.year, stored.month, updated.version) == (2024, 2, 2)
    entry = change_history_for(stored).first()
    assert (entry.before["year"], entry.after["year"], entry.reason) == (2023, 2024, "日期更正")
    before = _stored(AidBatch, batch)
    with pytest.raises(ValidationError) as error:
        batch_update(batch=batch, version=2, term_end=date(2020, 1, 1), actor=SYSTEM)
    assert error.value.message_dict == {"term_end": ["结束日期不能早于开始日期"]}
    with pytest.raises(ValidationError) as error:
        batch_update(batch=batch, version=2, number=3, actor=SYSTEM)
    assert error.value.message_dict == {"number": ["该字段不能在此修改"]}
    with pytest.raises(ConflictError):
        batch_update(batch=batch, version=1, note="迟到的修改", actor=SYSTEM)
    assert _stored(AidBatch, batch) == before


def test_a_mentorship_edit_masks_the_apprentice_id_on_both_sides():
    created = mentor_pair_create(
        mentor=testing.aid_member(),
        apprentice_name="本地医生A",
        apprentice_institution="玛纳斯县人民医院",
        apprentice_id_number=VALID_ID,
        field="眼科",
        start=date(2024, 3, 1),
        actor=SYSTEM,
    )
    mentor_pair_update(
        pair=created, version=1, end=date(2025, 3, 1), reason="带教结束", actor=SYSTEM
    )
    entry = change_history_for(created).first()
    assert entry.before["apprentice_id_number"] == entry.after["apprentice_id_number"] == MASKED
    assert (entry.before["end"], entry.after["end"]) == (None, "2025-03-01")
    before = _stored(MentorPair, created)
    with pytest.raises(ValidationError) as error:
        mentor_pair_update(pair=created, version=2, end=date(2024, 1, 1), actor=SYSTEM)
    assert error.value.message_dict == {"end": ["结束日期不能早于开始日期"]}
    assert _stored(MentorPair, created) == before


def test_a_training_edit_checks_days_and_count_before_writing():
    course = testing.training(participants=None, participant_list=[{"name": "甲"}, {"name": "乙"}])
    before = _stored(Training, course)
    with pytest.raises(ValidationError) as error:
        training_update(training=course, version=1, days=0, actor=SYSTEM)
    assert error.value.message_dict == {"days": ["天数必须是正整数"]}
    with pytest.raises(ValidationError) as error:
        training_update(training=course, version=1, participants=1, actor=SYSTEM)
    assert error.value.message_dict == {"participants": ["参加人数少于学员名单人数（2）"]}
    assert _stored(Training, course) == before
    updated = training_update(
        training=course, version=1, participants=40, reason="补报", actor=SYSTEM
    )
    entry = change_history_for(updated).first()
    assert (entry.before["participants"], entry.after["participants"]) == (2, 40)
    assert AidMember.objects.count() == 0
