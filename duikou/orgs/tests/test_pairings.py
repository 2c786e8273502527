from datetime import date

import pytest
from django.core.exceptions import ValidationError

from duikou.core import testing
from duikou.core.errors import ConflictError
from duikou.orgs.models import Organisation, Pairing
from duikou.orgs.selectors import pairing_covers
from duikou.orgs.services import organisation_update, pairing_create
from duikou.policy import SYSTEM

pytestmark = pytest.mark.django_db


def test_the_2010_pairing_list_is_loaded_with_its_confidence():
    pairings = Pairing.objects.filter(parent=None)
    assert pairings.count() == 53
    fujian = pairings.get(donor__name="福建省")
    assert fujian.recipient.code == "652300"
    assert fujian.confidence == "reported"
    assert pairings.filter(confidence="uncertain").count() >= 1


def test_a_sub_command_is_covered_by_its_province_pairing():
    team = testing.donor_org()
    assert pairing_covers(donor=team, region=testing.region("652324"), day=date(2025, 1, 1))
    assert not pairing_covers(donor=team, region=testing.region("653130"), day=date(2025, 1, 1))


def test_an_xpcc_division_pairing_covers_its_city():
    shanxi = testing.donor_province("140000")
    assert pairing_covers(donor=shanxi, region=testing.region("659004"), day=date(2025, 1, 1))


def test_a_sub_pairing_inside_its_parent_is_accepted():
    parent = Pairing.objects.get(donor__name="福建省", parent=None)
    team = testing.donor_org()
    sub = pairing_create(
        programme=parent.programme,
        donor=team,
        recipient=testing.region("652324"),
        start_date=date(2011, 1, 1),
        parent=parent,
        actor=SYSTEM,
    )
    assert sub.parent == parent


def test_a_sub_pairing_outside_its_parent_region_is_refused():
    parent = Pairing.objects.get(donor__name="福建省", parent=None)
    team = testing.donor_org()
    with pytest.raises(ValidationError, match="不在上级结对的受援地"):
        pairing_create(
            programme=parent.programme,
            donor=team,
            recipient=testing.region("653130"),
            start_date=date(2011, 1, 1),
            parent=parent,
            actor=SYSTEM,
        )
    assert not Pairing.objects.filter(donor=team).exists()


def test_a_pairing_ending_before_it_starts_is_refused():
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        pairing_create(
            programme=testing.programme(),
            donor=testing.donor_org(),
            recipient=testing.region("652324"),
            start_date=date(2020, 1, 1),
            end_date=date(2019, 1, 1),
            actor=SYSTEM,
        )


def test_a_second_save_of_a_stale_organisation_is_refused():
    org = testing.donor_org()
    organisation_update(org=org, version=org.version, short_name="甲", actor=SYSTEM)
    with pytest.raises(ConflictError, match="已被他人修改"):
        organisation_update(org=org, version=org.version, short_name="乙", actor=SYSTEM)
    assert Organisation.objects.get(pk=org.pk).short_name == "甲"


def test_moving_an_organisation_moves_its_subtree():
    fujian, shanxi = testing.donor_province("350000"), testing.donor_province("140000")
    team = testing.donor_org(parent=fujian, kind=Organisation.Kind.FRONT_COMMAND)
    child = testing.donor_org(parent=team)
    assert child.root == fujian
    organisation_update(org=team, version=team.version, parent=shanxi, actor=SYSTEM)
    child.refresh_from_db()
    assert child.root == shanxi
    assert set(child.ancestor_links.values_list("ancestor_id", flat=True)) == {
        child.pk,
        team.pk,
        shanxi.pk,
    }
