import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from duikou.core import testing
from duikou.core.demo import _organisations_load
from duikou.orgs.models import Membership, Organisation
from duikou.people.demo import load
from duikou.people.indicators import RECORD_INDICATORS
from duikou.people.models import AidBatch, MentorPair, Training
from duikou.people.selectors import member_counts_for_user
from duikou.people.services import assignment_create, mentor_pair_create
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def load_demo():
    """The demo organisations and this app's demo records; the whole demo (projects, accounts)
    is loaded by core's tests and would only slow these down."""
    _organisations_load()
    assert load() > 0
    assert load() == 0  # a second load creates nothing


CATALOGUE = Path(__file__).resolve().parents[2] / "results" / "fixtures" / "indicators.csv"
ALL_YEARS = {"start": date(2020, 1, 1), "end": date(2025, 12, 31)}


def total(key, org, **period):
    return sum(
        r["value"] for r in RECORD_INDICATORS[key](**(period or ALL_YEARS)) if r["org_id"] == org.pk
    )


def test_every_people_key_of_the_catalogue_has_a_function():
    with open(CATALOGUE, encoding="utf-8") as handle:
        keys = {r["record_source"] for r in csv.DictReader(handle)}
    assert {k for k in keys if k.startswith("people.")} == set(RECORD_INDICATORS)


def test_records_are_counted_in_the_month_they_start():
    team = testing.donor_org()
    batch = testing.aid_batch(donor_org=team)
    doctor = testing.aid_member(batch=batch, region="652324")
    teacher = testing.aid_member(batch=batch, category="teacher")
    for member in (doctor, teacher):
        assignment_create(member=member, term="long_term", start=date(2023, 5, 20), actor=SYSTEM)
    assignment_create(member=doctor, term="short_term", start=date(2024, 2, 1), actor=SYSTEM)
    for n in range(3):
        mentor_pair_create(
            mentor=doctor,
            apprentice_name=f"徒弟{n}",
            apprentice_institution="玛纳斯县人民医院",
            field="眼科",
            start=date(2024, 1 + n, 1),
            actor=SYSTEM,
        )
    testing.training(organiser=team, participants=30, start=date(2024, 6, 1))
    testing.training(organiser=team, participants=12, start=date(2024, 6, 20))
    testing.training(organiser=team, kind="study_visit", participants=13, start=date(2024, 8, 5))
    rows = RECORD_INDICATORS["people.aid_doctors"](**ALL_YEARS)
    mine = [r for r in rows if r["org_id"] == team.pk]
    assert mine == [
        {
            "org_id": team.pk,
            "region_id": testing.region("652324").pk,
            "year": 2023,
            "month": 5,
            "value": Decimal(1),
        }
    ]
    assert total("people.aid_teachers", team) == 1
    assert total("people.aid_cadres", team) == 0
    assert total("people.short_term", team) == 1
    assert total("people.mentor_pairs", team) == 3
    assert total("people.mentor_pairs", team, start=date(2024, 2, 1), end=date(2024, 2, 29)) == 1
    assert total("people.trainees", team) == 42
    assert total("people.training_courses", team) == 2
    assert total("people.study_visits", team) == 13
    assert total("people.study_visit_groups", team) == 1


def test_the_demo_matches_the_fujian_medical_teams_reported_counts():
    load_demo()
    team = Organisation.objects.get(code="WT-350000-M9")
    batch = AidBatch.objects.get(donor_org=team)
    # Hand counts from report 004: 68 staff, 124 师带徒, 250 trained in 6 courses, ~200 进修.
    assert MentorPair.objects.filter(mentor__batch=batch).count() == 124
    assert total("people.mentor_pairs", team) == 124
    assert total("people.aid_doctors", team) == 68
    assert total("people.trainees", team) == 250
    assert total("people.training_courses", team) == 6
    assert total("people.study_visits", team) == 196
    courses = Training.objects.filter(batch=batch, kind="course")
    assert sum(courses.values_list("participants", flat=True)) == 250
    sanming = Organisation.objects.get(code="SC-350400")
    assert total("people.short_term", sanming) == 26  # 5批26人次
    assert total("people.short_term_batches", sanming) == 5
    shanxi = Organisation.objects.get(code="WT-140000-5")
    assert total("people.aid_teachers", shanxi) == 8
    assert total("people.trainees", shanxi, start=date(2025, 5, 1), end=date(2025, 5, 31)) == 30
    recipient = testing.user(role=Membership.Role.RECIPIENT, region_code="652300")
    counts = member_counts_for_user(user=recipient, batch=batch)
    assert (counts["total"], counts["mentor_pairs"]) == (68, 124)
