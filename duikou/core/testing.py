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
from duikou.policy import SYSTEM
from duikou.projects.services import project_create

_numbers = itertools.count(1)


def programme() -> Programme:
    return Programme.objects.get(code=PROGRAMME["code"])


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def donor_province(code: str = "350000") -> Organisation:
    return donor_province_get_or_create(region=region(code), actor=SYSTEM)


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
        actor=SYSTEM,
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
    return project_create(**{"actor": SYSTEM, **fields})


def user(*, role: str = Membership.Role.NATIONAL, organisation=None, region_code=None):
    n = next(_numbers)
    account = get_user_model().objects.create_user(username=f"user{n}", password="x-Passw0rd!")  # noqa: S106
    membership_set(
        user=account,
        role=role,
        organisation=organisation,
        region=region(region_code) if region_code else None,
        actor=SYSTEM,
    )
    return account


def counted(value):
    """A draft value submitted and approved (by the system), so every figure counts it."""
    from duikou.results.services import value_approve, value_submit

    return value_approve(value=value_submit(value=value, actor=SYSTEM), actor=SYSTEM)


def deal(**overrides):
    from duikou.investment.services import deal_create

    n = next(_numbers)
    fields = {
        "code": f"T-DL-{n}",
        "name": f"测试招商项目{n}",
        "enterprise": f"测试企业{n}",
        "donor_org": overrides.pop("donor_org", None) or donor_org(),
        "region": "652301",
        "stage_date": date(2025, 1, 10),
        "industry": "食品加工",
        "planned_investment": "50000000.00",
    }
    fields.update(overrides)
    return deal_create(**{"actor": SYSTEM, **fields})


def aid_batch(**overrides):
    from duikou.people.services import batch_create

    n = next(_numbers)
    fields = {
        "donor_org": overrides.pop("donor_org", None) or donor_org(),
        "number": 9,
        "name": f"第九批测试援疆工作队{n}",
        "region": "652300",
        "term_start": date(2023, 5, 20),
        "term_end": date(2026, 5, 19),
    }
    fields.update(overrides)
    return batch_create(**{"actor": SYSTEM, **fields})


def aid_member(**overrides):
    from duikou.people.services import member_create

    n = next(_numbers)
    batch = overrides.pop("batch", None)
    if batch is None and "donor_org" not in overrides:
        batch = aid_batch()
    fields = {
        "batch": batch,
        "name": f"张医生{n}",
        "sex": "male",
        "category": "doctor",
        "region": "652301",
        "home_organisation": "测试市第一医院",
        "post": "副院长",
        "role": "队员",
    }
    fields.update(overrides)
    return member_create(**{"actor": SYSTEM, **fields})


def training(**overrides):
    from duikou.people.services import training_create

    n = next(_numbers)
    fields = {
        "title": f"测试培训班{n}",
        "kind": "course",
        "direction": "go_out",
        "organiser": overrides.pop("organiser", None) or donor_org(),
        "place": "福州",
        "region": "652300",
        "start": date(2024, 6, 1),
        "days": 5,
        "participants": 30,
    }
    fields.update(overrides)
    return training_create(**{"actor": SYSTEM, **fields})


def event(**overrides):
    from duikou.exchanges.services import event_create

    n = next(_numbers)
    fields = {
        "code": f"T-EV-{n}",
        "kind": "fair",
        "title": f"测试展销会{n}",
        "on": date(2025, 9, 6),
        "place": "福州",
        "region": "652325",
        "organiser": overrides.pop("organiser", None) or donor_org(),
        "participants": 200,
    }
    fields.update(overrides)
    return event_create(**{"actor": SYSTEM, **fields})


def partnership(**overrides):
    from duikou.exchanges.services import partnership_create

    n = next(_numbers)
    fields = {
        "code": f"T-PS-{n}",
        "kind": "medical_alliance",
        "donor_party_name": f"测试省立医院{n}",
        "local_party_name": f"测试县人民医院{n}",
        "donor_org": overrides.pop("donor_org", None) or donor_org(),
        "region": "652324",
        "signed_on": date(2024, 3, 1),
    }
    fields.update(overrides)
    return partnership_create(**{"actor": SYSTEM, **fields})


def sales_channel(**overrides):
    from duikou.exchanges.services import sales_channel_create

    n = next(_numbers)
    fields = {
        "code": f"T-SC-{n}",
        "name": f"测试农特产品门店{n}",
        "kind": "store",
        "operator": f"测试外销主体{n}",
        "donor_org": overrides.pop("donor_org", None) or donor_org(),
        "region": "652301",
        "location": "泉州",
    }
    fields.update(overrides)
    return sales_channel_create(**{"actor": SYSTEM, **fields})


def field_error_html(response, name: str) -> str:
    """The rendered block of form field ``name`` (label, input and inline errors)."""
    html = response.content.decode()
    start = html.index(f'id="field-{name}"')
    return html[start : html.index("</div>", start)]
