"""Factories for tests: each builds a valid object through the services, with overridable fields."""

import itertools
from datetime import date

from django.contrib.auth import get_user_model

from duikou.core.demo import PROGRAMME
from duikou.geo.models import Region
from duikou.orgs.models import Membership, Organisation, Programme
from duikou.orgs.services import (
    donor_province_get_or_create,
    membership_set,
    organisation_create,
)
from duikou.projects.services import project_create

_numbers = itertools.count(1)


def programme() -> Programme:
    return Programme.objects.get(code=PROGRAMME["code"])


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def donor_province(code: str = "350000") -> Organisation:
    return donor_province_get_or_create(region=region(code))


def donor_org(
    *,
    parent: Organisation | None = None,
    kind: str = Organisation.Kind.SUB_COMMAND,
    base: str = "652301",
    name: str | None = None,
) -> Organisation:
    n = next(_numbers)
    return organisation_create(
        code=f"T-ORG-{n}",
        name=name or f"测试援疆机构{n}",
        side=Organisation.Side.DONOR,
        kind=kind,
        region=region(base),
        parent=parent or donor_province(),
    )


def project(**overrides):
    n = next(_numbers)
    fields = {
        "code": f"T-PRJ-{n}",
        "name": f"测试项目{n}",
        "programme": programme(),
        "donor_org": overrides.pop("donor_org", None) or donor_org(),
        "region": "652301",
        "sector": "health",
        "planned_start": date(2025, 3, 1),
        "planned_end": date(2025, 12, 31),
        "budgets": {"aid": "1000000.00"},
    }
    fields.update(overrides)
    return project_create(**fields)


def user(*, role: str = Membership.Role.NATIONAL, organisation=None, region_code=None):
    n = next(_numbers)
    account = get_user_model().objects.create_user(username=f"user{n}", password="x-Passw0rd!")  # noqa: S106
    membership_set(
        user=account,
        role=role,
        organisation=organisation,
        region=region(region_code) if region_code else None,
    )
    return account
