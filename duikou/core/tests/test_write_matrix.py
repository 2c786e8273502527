"""Every write path × every role × a record inside and outside the user's scope × a change
of owner to inside and outside the user's chain.

The world is the read walk's (``test_access_walk``): a Fujian chain (province → front
command → team) in 昌吉市 and a Shanxi team in 巴楚县, plus a unit under the Fujian team
(an owner inside every Fujian writer's reach). Each request is made with a valid body
(read from the page's own form, or the API's own record) and then rolled back, so every
case starts from the same world.

A writer may write for the organisations of its chain: the national office for all, the
front command for itself and below, the team for itself and below. A write is allowed
when the role may write for the record's owner and for the owner it asks for. A refused
write answers 400/403/404/422 and leaves every row count, every version and the change
history as they were. Every POST route of the site and every write operation of the API
needs an entry here (or a stated reason in ``NOT_HERE``), or
``test_every_write_path_is_in_the_matrix`` fails.
"""

import functools

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from duikou.core import testing
from duikou.core.tests.test_access_walk import API_KINDS, RULES, routes, world  # noqa: F401
from duikou.transfer.kinds import KINDS
from duikou.web.testing import page_forms

pytestmark = pytest.mark.django_db

WRITER_ROLES = ("national", "front_command", "sub_command")
ROLES = ("public", "national", "front_command", "sub_command", "recipient", "auditor")


# The site's forms ------------------------------------------------------------------------

# route → (record kind or "" for a create, page holding the form or "" for the route itself,
#          owner field of the form or "", fields to fill)
REASON = {"reason": "核对台账"}
FORMS = {
    "projects/new/": (
        "",
        "",
        "donor_org",
        {
            "code": "M-PRJ",
            "name": "矩阵项目",
            "region": "652301",
            "plan_year": "2025",
            "planned_start": "2025-03-01",
            "planned_end": "2025-12-31",
            "budget_aid": "1000",
        },
    ),
    "projects/<int:pk>/edit/": ("project", "", "donor_org", REASON),
    "projects/<int:pk>/transition/": (
        "project",
        "/projects/{pk}/",
        "",
        {"to_status": "approved", "on": "2025-04-01"},
    ),
    "projects/<int:pk>/transactions/": (
        "project",
        "",
        "",
        {"amount": "10", "on": "2025-05-01"},
    ),
    "projects/<int:pk>/progress/": (
        "project",
        "",
        "",
        {"year": "2025", "month": "6", "percent_complete": "20", "amount_spent": "0"},
    ),
    "projects/transactions/<int:pk>/correct/": ("transaction", "", "", {"amount": "90", **REASON}),
    "projects/transactions/<int:pk>/void/": (
        "transaction",
        "/projects/transactions/{pk}/correct/",
        "",
        REASON,
    ),
    "projects/documents/<int:pk>/remove/": ("document", "/projects/{parent}/", "", REASON),
    "deals/new/": (
        "",
        "",
        "donor_org",
        {
            "code": "M-DL",
            "name": "矩阵招商",
            "enterprise": "某企业",
            "region": "652301",
            "stage_date": "2025-02-01",
            "jobs_expected": "0",
        },
    ),
    "deals/<int:pk>/edit/": ("deal", "", "donor_org", REASON),
    "deals/<int:pk>/stage/": (
        "deal",
        "/deals/{pk}/",
        "",
        {"to_stage": "reserve", "on": "2025-05-01"},
    ),
    # The signed deal (the one with funds in place): funds are recorded once signed.
    "deals/<int:pk>/funds/": (
        "funds.deal",
        "/deals/{pk}/",
        "",
        {"amount": "10", "on": "2025-05-01"},
    ),
    "deals/funds/<int:pk>/correct/": ("funds", "", "", {"amount": "900", **REASON}),
    "deals/funds/<int:pk>/void/": ("funds", "/deals/funds/{pk}/correct/", "", REASON),
    "people/batches/new/": ("", "", "donor_org", {"number": "21", "term_start": "2026-07-01"}),
    "people/batches/<int:pk>/edit/": ("batch", "", "", {"note": "补充", **REASON}),
    "people/batches/<int:pk>/members/new/": ("batch", "", "", {"name": "李四", "region": "652301"}),
    "people/members/<int:pk>/edit/": ("member", "", "", {"post": "主治医师", **REASON}),
    "exchanges/partnerships/new/": (
        "",
        "",
        "donor_org",
        {
            "code": "M-PT",
            "donor_party_name": "某医院",
            "local_party_name": "县医院",
            "region": "652301",
            "signed_on": "2025-03-01",
        },
    ),
    "exchanges/partnerships/<int:pk>/edit/": ("partnership", "", "", {"note": "补充", **REASON}),
    "exchanges/partnerships/<int:pk>/end/": (
        "partnership",
        "/exchanges/partnerships/{pk}/",
        "",
        {"on": "2026-01-01", **REASON},
    ),
    "exchanges/events/new/": (
        "",
        "",
        "organiser",
        {
            "code": "M-EV",
            "title": "义诊",
            "on": "2025-04-01",
            "place": "县医院",
            "participants": "1",
            "exhibitors": "0",
            "deals_signed": "0",
            "amount_traded": "0",
            "intended_orders": "0",
            "people_served": "0",
            "medicine_value": "0",
        },
    ),
    "exchanges/events/<int:pk>/edit/": ("event", "", "", {"note": "补充", **REASON}),
    "exchanges/channels/new/": (
        "",
        "",
        "donor_org",
        {"code": "M-CH", "name": "援疆馆", "operator": "某公司", "region": "652301"},
    ),
    "exchanges/channels/<int:pk>/edit/": ("channel", "", "", {"note": "补充", **REASON}),
    "exchanges/channels/<int:pk>/sales/": (
        "channel",
        "/exchanges/channels/{pk}/",
        "",
        {"period_start": "2025-03-01", "period_end": "2025-03-31", "sales_amount": "10"},
    ),
    "exchanges/sales/<int:pk>/correct/": ("sales", "", "", {"sales_amount": "90", **REASON}),
    "exchanges/sales/<int:pk>/void/": ("sales", "/exchanges/sales/{pk}/correct/", "", REASON),
}
# POST routes checked elsewhere, each with the test that does it.
NOT_HERE = {
    "logout/": "open to all, changes nothing",
    "i18n/setlang/": "open to all, changes nothing",
    "projects/<int:pk>/documents/": "test_documents (upload by role and scope)",
    "results/approvals/<int:pk>/": "test_value_workflow (every role × every state change)",
    "results/approvals/bulk/": "test_value_workflow",
    "results/submissions/": "test_value_workflow",
    "results/grid/": "test_values (the grid reports only for the user's organisations)",
    "ingest/": "test_ingest_flow (readers cannot upload)",
    "ingest/figures/<int:pk>/": "test_ingest_flow (readers cannot accept or reject)",
    "transfer/import/": "test_access_walk (writers only) and the import matrix of transfer tests",
    "transfer/imports/<int:pk>/commit/": "test_access_walk (the uploader only)",
    "transfer/imports/<int:pk>/mapping/": "test_access_walk (the uploader only)",
    "transfer/imports/<int:pk>/check/": "test_import_interrupted (the uploader only)",
    "reports/": "test_access_walk (signed in; a report is the requester's own)",
    "reports/publications/<int:pk>/withdraw/": "test_publication (every role against the page)",
    "api/tokens/": "test_tokens (a user's own tokens)",
    "api/tokens/<int:pk>/revoke/": "test_access_walk (the owner only)",
    "account/otp/": "the second factor of one's own account",
    "account/otp/enrol/": "staff only (test_access_walk)",
}


def _form_fields(page: str, action: str) -> dict:
    for form in page_forms(page, choose=True):
        if form["action"] in (action, ""):
            return {k: v for k, v in form["fields"].items() if v is not None}
    raise AssertionError(f"no form posts to {action}")


# The world and what each role may write -------------------------------------------------


@pytest.fixture
def matrix(world):  # noqa: F811
    team = world["inside"]["org"]
    unit = testing.donor_org(parent=team)
    orgs = {"team": team, "command": team.parent, "unit": unit, "shanxi": world["outside"]["org"]}
    reach = {
        "national": set(orgs),
        "front_command": {"command", "team", "unit"},
        "sub_command": {"team", "unit"},
    }
    return {**world, "orgs": orgs, "reach": reach}


def _allowed(matrix, role: str, *owners: str) -> bool:
    return all(owner in matrix["reach"].get(role, set()) for owner in owners)


WRITTEN_APPS = {
    "projects",
    "investment",
    "people",
    "exchanges",
    "results",
    "ingest",
    "orgs",
    "audit",
    "transfer",
    "api",
}


@functools.cache
def _written_models() -> list:
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.app_label in WRITTEN_APPS and not m._meta.proxy]


def _fingerprint() -> tuple:
    """Row counts and version sums of every written table, and the history's length."""
    picture = []
    for model in _written_models():
        qs = model.objects.all()
        versions = (
            qs.aggregate(v=Sum("version"))["v"]
            if any(f.name == "version" for f in model._meta.fields)
            else None
        )
        picture.append((model._meta.label, qs.count(), versions))
    return tuple(picture)


def _written(request):
    """Run ``request``, see whether it wrote anything, and undo it: (response, wrote)."""
    before = _fingerprint()
    with transaction.atomic():
        response = request()
        wrote = _fingerprint() != before
        transaction.set_rollback(True)
    return response, wrote


def _record(objects: dict, kind: str):
    """The record a form writes: ``kind`` names it in the world, ``funds.deal`` its parent."""
    name, _, attribute = kind.partition(".")
    record = objects[name]
    return getattr(record, attribute) if attribute else record


def _url(route: str, obj) -> str:
    return "/" + route.replace("<int:pk>", str(obj.pk) if obj is not None else "0")


def _parent_pk(obj) -> int:
    return getattr(obj, "project_id", None) or getattr(obj, "deal_id", None) or obj.pk


def _cases(matrix):
    """(route, where, owner asked for or None) for every form write."""
    for route, (kind, _page, owner_field, _fill) in FORMS.items():
        if not kind:
            for target in ("team", "unit", "shanxi"):
                yield route, "", target
            continue
        for where in ("inside", "outside"):
            yield route, where, None
            if owner_field:
                for target in ("unit", "shanxi"):
                    yield route, where, target


@pytest.mark.parametrize("route", sorted(FORMS))
def test_each_form_write_is_allowed_or_refused_and_writes_nothing_refused(route, matrix, client):
    kind, page, owner_field, fill = FORMS[route]
    national = matrix["users"]["national"]
    wrong = []
    for case_route, where, target in _cases(matrix):
        if case_route != route:
            continue
        obj = _record(matrix[where], kind) if kind else None
        url = _url(route, obj)
        page_url = (
            page.format(pk=obj.pk if obj else 0, parent=_parent_pk(obj) if obj else 0)
            if page
            else url
        )
        client.force_login(national)
        form_page = client.get(page_url)
        assert form_page.status_code == 200, f"{page_url}: {form_page.status_code}"
        body = _form_fields(form_page.content.decode(), url)
        body.pop("_once", None)
        body.update(fill)
        if target:
            assert owner_field in body, f"{route}: the form has no {owner_field} field"
            body[owner_field] = str(matrix["orgs"][target].pk)
        owner = "team" if where == "inside" or not kind else "shanxi"
        owners = [owner] if kind else []
        if target:
            owners.append(target)
        for role in ROLES:
            client.force_login(matrix["users"][role])
            response, wrote = _written(lambda: client.post(url, body))  # noqa: B023
            status = response.status_code
            allowed = role in WRITER_ROLES and _allowed(matrix, role, *owners)
            if allowed:
                good = status not in (403, 404) and status < 500
                if role == "national":  # the body is valid: the change is made
                    good = status in (200, 302) and wrote
            else:
                good = status in (400, 403, 404) and not wrote
            if not good:
                wrong.append(f"{role}/{where or '新建'}/{target or '原机构'}: {status}")
    assert not wrong, f"{route}: " + "；".join(wrong)


# The API ----------------------------------------------------------------------------------


# Kinds whose owner may change through the API (projects and deals change hands between a
# front command and its teams); for every other kind the owner is part of its identity.
OWNER_MOVES = {"projects", "deals"}


def _owner_key(kind) -> str:
    keys = [c.key for c in kind.input_columns()]
    for key in ("donor_org", "organiser", "org", "project", "deal", "mentor", "channel"):
        if key in keys:
            return key
    raise AssertionError(f"{kind.key}: no owner column")


def _token(user) -> dict:
    from duikou.api.services import api_token_create

    _token, raw = api_token_create(user=user, name="矩阵")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("kind_key", sorted(API_KINDS))
def test_each_api_write_is_allowed_or_refused_and_writes_nothing_refused(kind_key, matrix, client):
    kind = KINDS[kind_key]
    owner_key = _owner_key(kind)
    parent = owner_key in ("project", "deal", "mentor", "channel")
    headers = {role: _token(matrix["users"][role]) for role in ROLES}
    wrong = []
    for where in ("inside", "outside"):
        obj = matrix[where][API_KINDS[kind_key]]
        row = kind.api_row(obj)
        owner = "team" if where == "inside" else "shanxi"
        # Owners asked for: the same, one inside every Fujian writer's reach, one outside.
        targets = {None: None}
        if parent:
            targets["shanxi"] = kind.api_value(
                matrix["outside"][API_KINDS[kind_key]], kind.column(owner_key)
            )
        else:
            targets["unit"] = matrix["orgs"]["unit"].code
            targets["shanxi"] = matrix["orgs"]["shanxi"].code
        for target, code in targets.items():
            owners = [owner] + ([target] if target else [])
            patch = {"version": obj.version}
            if target:
                patch[owner_key] = code
            create = {k: v for k, v in row.items() if k not in ("id", "version") and v is not None}
            if "code" in create:
                create["code"] = f"{create['code']}-M"
            if target:
                create[owner_key] = code
            for role in ROLES:
                for method, url, body in (
                    ("patch", f"/api/v1/{kind_key}/{obj.pk}", patch),
                    ("post", f"/api/v1/{kind_key}", create),
                ):
                    if method == "patch" and kind.append_only:
                        continue
                    asked = owners if method == "patch" else [target or owner]
                    response, wrote = _written(
                        lambda: getattr(client, method)(  # noqa: B023
                            url,  # noqa: B023
                            body,  # noqa: B023
                            content_type="application/json",
                            **headers[role],  # noqa: B023
                        )
                    )
                    status = response.status_code
                    allowed = role in WRITER_ROLES and _allowed(matrix, role, *asked)
                    if allowed:
                        good = status not in (401, 403, 404) and status < 500
                        if role == "national" and method == "patch" and target:
                            # The owner changes where it is not part of what names the
                            # record; elsewhere it is refused for everyone.
                            moves = kind_key in OWNER_MOVES and target != owner
                            if moves:
                                good = status == 200 and wrote
                            elif target == owner:
                                good = status == 200
                            else:
                                good = status == 422 and not wrote
                    else:
                        good = status in (403, 404, 422) and not wrote
                    if not good:
                        wrong.append(f"{method} {role}/{where}/{target or '原机构'}: {status}")
    assert not wrong, f"{kind_key}: " + "；".join(wrong)


# Every write path has its place ----------------------------------------------------------


def test_every_write_path_is_in_the_matrix(client):
    posted = {route for route, rule in RULES.items() if rule.method == "POST"}
    forms = {
        route
        for route, _ in routes()
        if route.endswith(("new/", "edit/", "correct/", "void/", "remove/", "end/", "sales/"))
        or route in posted
    }
    missing = sorted(forms - set(FORMS) - set(NOT_HERE))
    assert not missing, f"这些写入地址不在写入矩阵中：{missing}"
    schema = client.get("/api/v1/openapi.json").json()
    writes = {
        path
        for path, operations in schema["paths"].items()
        if set(operations) & {"post", "patch", "put", "delete"}
    }
    covered = {f"/api/v1/{k}" for k in API_KINDS} | {f"/api/v1/{k}/{{id}}" for k in API_KINDS}
    api_elsewhere = {
        "/api/v1/imports",
        "/api/v1/imports/{id}/mapping",
        "/api/v1/imports/{id}/commit",
        "/api/v1/value_states",
        *(f"/api/v1/values/{{id}}/{a}" for a in ("submit", "approve", "return", "unlock")),
        # Document upload and removal: api/tests/test_documents.py and the access walk.
        "/api/v1/projects/{id}/documents",
        "/api/v1/project_documents/{id}",
        # Status and stage changes: api/tests/test_actions.py and the access walk.
        "/api/v1/projects/{id}/transition",
        "/api/v1/deals/{id}/advance",
    }
    assert not sorted(writes - covered - api_elsewhere), "接口写入操作不在写入矩阵中"
    assert connection.vendor in ("sqlite", "postgresql")
