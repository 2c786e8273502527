"""Every URL × every role × an object inside and outside the user's scope.

Each route of the project must have a rule in ``RULES``; a route without one makes
``test_every_route_has_a_rule`` fail, so a new page cannot ship without deciding who
may open it. The world: a Fujian chain (province → front command → team) working in
昌吉市, and a Shanxi team working in 巴楚县. "Inside" objects belong to the Fujian team
in 昌吉市; "outside" ones to the Shanxi team in 巴楚县.

Expected answers:
- anonymous visitors are sent to sign in (pages) or get 401 (API);
- an object outside the user's scope is 404 — its existence is not revealed;
- an object the user may see but not change is 403 on a write;
- everything else the role may do answers without 403/404.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from duikou.core import testing
from duikou.orgs.models import Membership, Organisation
from duikou.orgs.services import organisation_update
from duikou.policy import SYSTEM

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]  # tools/test-sweeps

ROLES = ("anonymous", "public", "national", "front_command", "sub_command", "recipient", "auditor")
WRITERS = {"national", "front_command", "sub_command"}
SEE_ALL = {"national", "auditor"}


@dataclass(frozen=True)
class Rule:
    """Who may use a route: ``open`` (anyone), ``signed_in``, ``writers`` (may report for some
    organisation), ``history`` (national office and auditors), ``read``/``write`` of an
    object of kind ``obj``, or ``staff`` (the admin site)."""

    access: str
    obj: str = ""
    method: str = "GET"
    query: str = ""


RULES: dict[str, Rule] = {
    "": Rule("open"),
    # Probes: the process answers to anyone; readiness (200, or 503 with what failed) only
    # from the operators' networks, which the test client's loopback address is.
    "healthz": Rule("open"),
    "readyz": Rule("probe"),
    # Operators' networks only (test_metrics.py); the walk's client is on loopback, one of them.
    "metrics": Rule("open"),
    "login/": Rule("open"),
    "logout/": Rule("open", method="POST"),
    "i18n/setlang/": Rule("open", method="POST"),
    "account/otp/": Rule("signed_in"),
    "account/otp/enrol/": Rule("staff_only"),
    "audit/": Rule("history"),
    "results/grid/": Rule("writers"),
    "results/approvals/": Rule("signed_in"),
    "results/approvals/<int:pk>/": Rule("approve", "value", "POST"),
    "results/approvals/bulk/": Rule("signed_in", method="POST"),
    "results/submissions/": Rule("signed_in"),
    "ingest/": Rule("signed_in"),
    "ingest/<int:pk>/": Rule("read_chain", "report"),
    "ingest/figures/<int:pk>/": Rule("write", "figure", "POST"),
    "ingest/reconcile/": Rule("signed_in"),
    "jobs/": Rule("signed_in"),
    "jobs/<int:pk>/": Rule("own", "job"),
    "jobs/<int:pk>/download/": Rule("own", "job"),
    # The county layer of one prefecture, coloured by an indicator (scoped roll-ups).
    "map/": Rule("signed_in", query="?layer=county&within=652300&measure=PATIENTS_TREATED"),
    "explore/": Rule("signed_in"),
    "values/": Rule("signed_in"),
    "records/fund_transactions/": Rule("signed_in"),
    "records/progress_reports/": Rule("signed_in"),
    "records/funds_in_place/": Rule("signed_in"),
    "records/mentor_pairs/": Rule("personal"),
    "records/trainings/": Rule("signed_in"),
    "records/sales_records/": Rule("signed_in"),
    "values/sources/": Rule(
        "read_org_figures",
        "org",
        query="?indicator=PATIENTS_TREATED&axis=o&node={pk}&grain=y&year=2025",
    ),
    "orgs/": Rule("signed_in"),
    "orgs/pairings/": Rule("signed_in"),
    "orgs/<int:pk>/": Rule("signed_in", "org"),
    "regions/": Rule("signed_in"),
    "regions/<int:pk>/": Rule("signed_in", "region"),
    "projects/": Rule("signed_in"),
    "projects/new/": Rule("writers"),
    "projects/<int:pk>/": Rule("read", "project"),
    "projects/<int:pk>/edit/": Rule("write", "project"),
    "projects/<int:pk>/transition/": Rule("write", "project", "POST"),
    "projects/<int:pk>/transactions/": Rule("write", "project", "POST"),
    "projects/<int:pk>/progress/": Rule("write", "project", "POST"),
    "projects/transactions/<int:pk>/correct/": Rule("write", "transaction"),
    "projects/transactions/<int:pk>/void/": Rule("write", "transaction", "POST"),
    "projects/<int:pk>/documents/": Rule("write", "project", "POST"),
    "projects/documents/<int:pk>/": Rule("read", "document"),
    "projects/documents/<int:pk>/remove/": Rule("write", "document", "POST"),
    "deals/": Rule("signed_in"),
    "deals/new/": Rule("writers"),
    "deals/<int:pk>/": Rule("read", "deal"),
    "deals/<int:pk>/edit/": Rule("write", "deal"),
    "deals/<int:pk>/stage/": Rule("write", "deal", "POST"),
    "deals/<int:pk>/funds/": Rule("write", "deal", "POST"),
    "deals/funds/<int:pk>/correct/": Rule("write", "funds"),
    "deals/funds/<int:pk>/void/": Rule("write", "funds", "POST"),
    "people/batches/": Rule("signed_in"),
    "people/batches/new/": Rule("writers"),
    "people/batches/<int:pk>/": Rule("read", "batch"),
    "people/batches/<int:pk>/edit/": Rule("write", "batch"),
    "people/batches/<int:pk>/members/new/": Rule("write", "batch"),
    "people/members/": Rule("personal"),
    # One person's page answers like the API's read of a person: personal data, in scope.
    "people/members/<int:pk>/": Rule("api_personal_read", "member"),
    "people/members/<int:pk>/edit/": Rule("write", "member"),
    "exchanges/partnerships/": Rule("signed_in"),
    "exchanges/partnerships/new/": Rule("writers"),
    "exchanges/partnerships/<int:pk>/": Rule("read", "partnership"),
    "exchanges/partnerships/<int:pk>/edit/": Rule("write", "partnership"),
    "exchanges/partnerships/<int:pk>/end/": Rule("write", "partnership", "POST"),
    "exchanges/events/": Rule("signed_in"),
    "exchanges/events/new/": Rule("writers"),
    "exchanges/events/<int:pk>/": Rule("read", "event"),
    "exchanges/events/<int:pk>/edit/": Rule("write", "event"),
    "exchanges/channels/": Rule("signed_in"),
    "exchanges/channels/new/": Rule("writers"),
    "exchanges/channels/<int:pk>/": Rule("read", "channel"),
    "exchanges/channels/<int:pk>/edit/": Rule("write", "channel"),
    "exchanges/channels/<int:pk>/sales/": Rule("write", "channel", "POST"),
    "exchanges/sales/<int:pk>/correct/": Rule("write", "sales"),
    "exchanges/sales/<int:pk>/void/": Rule("write", "sales", "POST"),
}


def routes(patterns=None, prefix=""):
    """(route, pattern) for every URL of the project except the admin site's own."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin/", pattern
                continue
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def walked(table: dict) -> list[str]:
    return sorted({route for route, _ in routes() if route in table})


def test_every_route_has_a_rule():
    known = set(RULES) | {"admin/"} | set(API_RULES)
    missing = sorted({route for route, _ in routes()} - known)
    assert not missing, f"这些地址没有访问规则，请在 RULES 中补充：{missing}"


RULES.update(
    {
        "transfer/": Rule("signed_in"),
        "transfer/templates/<slug:kind>.xlsx": Rule("signed_in"),
        "transfer/export/<slug:kind>.<slug:format>": Rule("signed_in"),
        "transfer/import/": Rule("writers"),
        "transfer/imports/": Rule("signed_in"),
        "transfer/imports/<int:pk>/": Rule("own", "import"),
        "transfer/imports/<int:pk>/check/": Rule("own_write", "import", "POST"),
        "transfer/imports/<int:pk>/commit/": Rule("own_write", "import", "POST"),
        "transfer/imports/<int:pk>/mapping/": Rule("own_write", "import", "POST"),
        # A publisher's whole file: for those who see all of its portfolio.
        "transfer/iati.xml": Rule("iati", query="?publisher={publisher}"),
        "transfer/iati-organisation.xml": Rule("iati", query="?publisher={publisher}"),
        "reports/": Rule("signed_in"),
        "reports/<int:pk>/download/": Rule("read_chain", "generated"),
        "reports/compliance/": Rule("signed_in"),
        # Published figures are for everyone; publishing is the national office's and the
        # front commands' (each for its own chain).
        "public/": Rule("open"),
        "reports/publications/": Rule("publishers"),
        "reports/publications/<int:pk>/withdraw/": Rule("publish", "publication", "POST"),
        "api/tokens/": Rule("signed_in"),
        "api/tokens/<int:pk>/revoke/": Rule("own_write", "token", "POST"),
    }
)
SLUGS = {"<slug:kind>": "projects", "<slug:format>": "csv"}

# The JSON API: every kind has a list and a read route (and write methods on them).
API_KINDS = {
    "projects": "project",
    "fund_transactions": "transaction",
    "progress_reports": "progress",
    "deals": "deal",
    "funds_in_place": "funds",
    "batches": "batch",
    "members": "member",
    "mentor_pairs": "mentor_pair",
    "trainings": "training",
    "partnerships": "partnership",
    "events": "event",
    "sales_channels": "channel",
    "sales_records": "sales",
    "values": "value",
}
PERSONAL_KINDS = {"members", "mentor_pairs"}
# The API's root serves nothing (no browsable documentation on an intranet server).
API_RULES: dict[str, Rule] = {
    "api/v1/": Rule("not_served"),
    "api/v1/openapi.json": Rule("open"),
    # A project's documents (metadata), and a document's bytes: scoped as on the project page.
    "api/v1/projects/<id>/documents": Rule("read", "project"),
    "api/v1/project_documents/<id>/download": Rule("read", "document"),
    # Removing asks a reason and a version: allowed callers hear that (4xx), others 403/404.
    "api/v1/project_documents/<id>": Rule("write", "document", "DELETE"),
    # Imports: uploads by those who report, each import read and changed by its uploader.
    "api/v1/imports": Rule("writers", method="POST"),
    "api/v1/imports/<id>": Rule("own", "import"),
    "api/v1/imports/<id>/mapping": Rule("own_write", "import", "POST"),
    "api/v1/imports/<id>/commit": Rule("own_write", "import", "POST"),
    # Value state changes: the reporter submits, the level above approves (policy decides).
    "api/v1/value_states": Rule("writers", method="POST"),
    # Lifecycle changes, as the status and stage forms on the pages.
    "api/v1/projects/<id>/transition": Rule("write", "project", "POST"),
    "api/v1/deals/<id>/advance": Rule("write", "deal", "POST"),
    # Reference data for every signed-in caller; targets and roll-ups in the caller's scope
    # (a roll-up without its parameters answers 422).
    "api/v1/organisations": Rule("api_list"),
    "api/v1/regions": Rule("api_list"),
    "api/v1/pairings": Rule("api_list"),
    "api/v1/indicators": Rule("api_list"),
    "api/v1/targets": Rule("api_list"),
    "api/v1/rollups": Rule("api_needs_query"),
    # Stints carry names: as the member pages. Reports and jobs: as their pages.
    "api/v1/stints": Rule("api_personal"),
    "api/v1/stints/<id>": Rule("api_personal_read", "stint"),
    "api/v1/reports": Rule("api_list"),
    "api/v1/reports/<id>": Rule("read_chain", "generated"),
    "api/v1/reports/<id>/download": Rule("read_chain", "generated"),
    "api/v1/jobs": Rule("api_list"),
    "api/v1/jobs/<id>": Rule("own", "job"),
    "api/v1/jobs/<id>/download": Rule("own", "job"),
}
API_RULES["api/v1/values/<id>/submit"] = Rule("write", "value", "POST")
for _action in ("approve", "return", "unlock"):
    API_RULES[f"api/v1/values/<id>/{_action}"] = Rule("approve_level", "value", "POST")
for _kind, _obj in API_KINDS.items():
    _personal = _kind in PERSONAL_KINDS
    API_RULES[f"api/v1/{_kind}"] = Rule("api_personal" if _personal else "api_list")
    API_RULES[f"api/v1/{_kind}/<id>"] = Rule("api_personal_read" if _personal else "read", _obj)


@pytest.fixture
def world():
    fujian = testing.donor_province("350000")
    command = testing.donor_org(parent=fujian, kind=Organisation.Kind.FRONT_COMMAND, base="652300")
    command = organisation_update(
        org=command,
        version=command.version,
        iati_publisher=True,
        credit_code="11350000MA0000001T",
        actor=SYSTEM,
    )
    team = testing.donor_org(parent=command, base="652301")
    shanxi_team = testing.donor_org(parent=testing.donor_province("140000"), base="653130")
    users = {
        "public": testing.user(role=Membership.Role.PUBLIC),
        "national": testing.user(role=Membership.Role.NATIONAL, region_code="650000"),
        "front_command": testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command),
        "sub_command": testing.user(role=Membership.Role.SUB_COMMAND, organisation=team),
        "recipient": testing.user(role=Membership.Role.RECIPIENT, region_code="652300"),
        "auditor": testing.user(role=Membership.Role.AUDITOR),
    }
    return {
        "users": users,
        "publisher": command.code,
        "inside": _objects(team, "652301", users["sub_command"]),
        "outside": _objects(
            shanxi_team,
            "653130",
            testing.user(role=Membership.Role.SUB_COMMAND, organisation=shanxi_team),
        ),
    }


def _objects(team: Organisation, place: str, reporter) -> dict:
    from duikou.ingest.services import report_create
    from duikou.results.models import Indicator
    from duikou.results.periods import year_period
    from duikou.results.services import value_save, value_submit

    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    patients.frequency = "any"
    patients.save(update_fields=["frequency"])
    value = value_submit(
        value=value_save(
            indicator=patients,
            org=team,
            region=testing.region(place),
            period=year_period(2025),
            value="10",
            actor=SYSTEM,
        ),
        actor=SYSTEM,
    )
    report = report_create(
        title="报道",
        doc_date=date(2025, 12, 1),
        org=team,
        text="2025年，工作队接诊患者1.2万人次。",
        actor=reporter,
    )
    return {
        "org": team,
        "region": testing.region(place),
        "project": testing.project(donor_org=team, region=place),
        "deal": testing.deal(donor_org=team, region=place),
        "batch": testing.aid_batch(donor_org=team, region=place),
        "event": testing.event(organiser=team, region=place),
        "value": value,
        "report": report,
        "figure": report.figures.first(),
        "job": _job_with_output(reporter),
        **_more_objects(team, place, reporter),
    }


def _document(project):
    from django.core.files.base import ContentFile

    from duikou.projects.services import project_document_add

    return project_document_add(
        project=project, upload=ContentFile(b"%PDF-1.4\n", name="批复.pdf"), actor=SYSTEM
    )


def _generated_report(team: Organisation, owner):
    from django.core.files.base import ContentFile

    from duikou.reports.models import GeneratedReport

    report = GeneratedReport.objects.create(
        kind="summary",
        format="docx",
        org=team,
        requested_by=owner,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    report.file.save("summary.docx", ContentFile(b"docx"))
    return report


def _more_objects(team: Organisation, place: str, reporter) -> dict:
    from decimal import Decimal

    from duikou.api.services import api_token_create
    from duikou.exchanges.services import sales_record_create
    from duikou.investment.services import deal_advance_stage, deal_record_funds_in_place
    from duikou.people.services import assignment_create, mentor_pair_create
    from duikou.projects.services import fund_transaction_create, progress_report_submit
    from duikou.transfer.models import ImportRecord

    project = testing.project(donor_org=team, region=place)
    deal = testing.deal(donor_org=team, region=place)
    for stage in ("reserve", "negotiating"):
        deal = deal_advance_stage(deal=deal, to_stage=stage, on=date(2025, 2, 1), actor=SYSTEM)
    deal = deal_advance_stage(
        deal=deal,
        to_stage="signed",
        on=date(2025, 3, 1),
        signed_amount=Decimal("1000000"),
        actor=SYSTEM,
    )
    batch = testing.aid_batch(donor_org=team, region=place)
    member = testing.aid_member(batch=batch, region=place)
    channel = testing.sales_channel(donor_org=team, region=place)
    owner = reporter or testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    return {
        "transaction": fund_transaction_create(
            project=project,
            fund_source="aid",
            kind="release",
            amount="100.00",
            on=date(2025, 4, 1),
            actor=SYSTEM,
        ),
        "document": _document(project),
        "progress": progress_report_submit(
            project=project,
            year=2025,
            month=4,
            percent_complete="10",
            amount_spent="0",
            actor=SYSTEM,
        ),
        "funds": deal_record_funds_in_place(
            deal=deal, amount="1000", on=date(2025, 4, 1), actor=SYSTEM
        ),
        "member": member,
        "stint": assignment_create(
            member=member, term="short_term", start=date(2025, 1, 1), region=place, actor=SYSTEM
        ),
        "mentor_pair": mentor_pair_create(
            mentor=member,
            apprentice_name="本地医生甲",
            apprentice_institution="县医院",
            field="外科",
            start=date(2024, 1, 1),
            region=place,
            actor=SYSTEM,
        ),
        "training": testing.training(organiser=team, region=place),
        "partnership": testing.partnership(donor_org=team, region=place),
        "channel": channel,
        "sales": sales_record_create(
            channel=channel,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 31),
            sales_amount="100.00",
            actor=SYSTEM,
        ),
        "import": ImportRecord.objects.create(
            kind="projects", file_name="a.xlsx", checksum="0" * 64, uploaded_by=owner
        ),
        "generated": _generated_report(team, owner),
        "publication": _publication(team),
        "token": api_token_create(user=owner, name="测试")[0],
    }


def _publication(team: Organisation):
    """Inside: the team's front command's publication; outside (a team directly under its
    province): the national office's publication of everything."""
    from duikou.reports.services import publication_create

    command = team.parent if team.parent.kind == Organisation.Kind.FRONT_COMMAND else None
    return publication_create(year=2025, org=command, actor=SYSTEM)


def _job_with_output(reporter):
    from django.core.files.base import ContentFile

    from duikou.jobs.services import job_enqueue

    job = job_enqueue(kind="jobs.echo", actor=reporter)
    job.output.save("echo.txt", ContentFile(b"ok"))
    return job


def _forbidden(status: int) -> bool:
    return status in (403, 404)


def expected(rule: Rule, role: str, where: str) -> str:
    """'ok', 'login', 'hidden' (404), 'refused' (403 or 404), 'probe' (200 or 503, JSON), by
    rule, role and object place."""
    if rule.access in ("open", "probe"):
        return "probe" if rule.access == "probe" else "ok"
    if rule.access == "not_served":
        return "hidden"
    if role == "anonymous":
        return "login"
    inside = where == "inside"
    match rule.access:
        case "signed_in":
            return "ok"
        case "staff_only":
            return "refused"
        case "history":
            return "ok" if role in SEE_ALL else "refused"
        case "personal":
            return "ok" if role in SEE_ALL | WRITERS else "refused"
        case "writers":
            return "ok" if role in WRITERS else "refused"
        case "read_chain":
            # Documents of the donor side: its own chain, the national office and auditors.
            if role in SEE_ALL:
                return "ok"
            return "ok" if (inside and role in WRITERS) else "hidden"
        case "read_org_figures":
            if role in SEE_ALL:
                return "ok"
            return "ok" if (inside and role in WRITERS) else "refused"
        case "read":
            if role in SEE_ALL:
                return "ok"
            if role == "public":
                return "refused"
            return "ok" if inside else "hidden"
        case "write":
            if role == "national":
                return "ok"
            if role in WRITERS:
                return "ok" if inside else "hidden"
            return "refused"
        case "approve_level":
            # Through the API, policy's rule exactly: the level above only. The national
            # office approves the Shanxi team's value (directly under its province, no level
            # between), not the Fujian team's (its front command sits between).
            if role == "national":
                return "refused" if inside else "ok"
            return "ok" if (role == "front_command" and inside) else "refused"
        case "approve":
            # Approval belongs one level up: the front command for its team's values.
            if role in {"national", "front_command"} and (inside or role == "national"):
                return "ok"
            return "refused"
        case "publishers":
            return "ok" if role in {"national", "front_command"} else "refused"
        case "iati":
            return "ok" if role in SEE_ALL | {"front_command"} else "refused"
        case "publish":
            if role == "national":
                return "ok"
            return "ok" if (role == "front_command" and inside) else "refused"
        case "own":
            if role == "national" or role == "auditor":
                return "ok"
            return "ok" if (inside and role == "sub_command") else "refused"
        case "own_write":
            return "ok" if (inside and role == "sub_command") else "refused"
        case "api_list" | "api_needs_query":
            return "ok"
        case "api_personal":
            return "ok" if role in SEE_ALL | WRITERS else "refused"
        case "api_personal_read":
            if role in SEE_ALL:
                return "ok"
            if role in WRITERS:
                return "ok" if inside else "hidden"
            return "refused"
    raise AssertionError(f"unknown rule {rule}")


def _url(route: str, obj) -> str:
    path = route
    for token, value in SLUGS.items():
        path = path.replace(token, value)
    for token in ("<int:pk>", "<int:id>", "<id>"):
        path = path.replace(token, str(obj.pk if obj is not None else 0))
    return "/" + path


@pytest.mark.parametrize("route", walked(RULES))
def test_each_role_gets_the_answer_its_rule_gives(route, world, client):
    rule = RULES[route]
    places = ("inside", "outside") if rule.obj else ("inside",)
    wrong = []
    for role in ROLES:
        for where in places:
            obj = world[where].get(rule.obj) if rule.obj else None
            client.logout()
            if role != "anonymous":
                client.force_login(world["users"][role])
            url = _url(route, obj) + rule.query.format(
                pk=obj.pk if obj is not None else 0, publisher=world["publisher"]
            )
            response = client.post(url, {}) if rule.method == "POST" else client.get(url)
            status = response.status_code
            want = expected(rule, role, where)
            if want == "login":
                good = status == 302 and "login" in response.get("Location", "")
            elif want == "hidden":
                good = status == 404
            elif want == "probe":
                good = status in (200, 503) and response["Content-Type"].startswith(
                    "application/json"
                )
            elif want == "refused":
                good = _forbidden(status)
            else:
                good = (
                    not _forbidden(status)
                    and status < 500
                    and not (status == 302 and "login" in response.get("Location", ""))
                )
            if not good:
                wrong.append(f"{role}/{where}: {status}（应为 {want}）")
    assert not wrong, f"{route}: " + "；".join(wrong)


def test_the_admin_site_is_for_staff_only(world, client):
    for role, user in world["users"].items():
        client.force_login(user)
        response = client.get("/admin/")
        if user.is_staff:
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302, role
            assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("route", walked(API_RULES))
def test_each_role_gets_the_api_answer_its_rule_gives(route, world, client):
    from duikou.api.services import api_token_create

    rule = API_RULES[route]
    places = ("inside", "outside") if rule.obj else ("inside",)
    tokens = {
        role: api_token_create(user=user, name="接口")[1] for role, user in world["users"].items()
    }
    wrong = []
    for role in ROLES:
        for where in places:
            obj = world[where].get(rule.obj) if rule.obj else None
            headers = (
                {} if role == "anonymous" else {"HTTP_AUTHORIZATION": f"Bearer {tokens[role]}"}
            )
            if rule.method == "POST":  # an empty body: allowed callers get 4xx for it, not 403
                response = client.post(
                    _url(route, obj), {}, content_type="application/json", **headers
                )
            elif rule.method == "DELETE":  # no reason or version: allowed callers get 4xx
                response = client.delete(_url(route, obj), **headers)
            else:
                response = client.get(_url(route, obj), **headers)
            status = response.status_code
            want = expected(rule, role, where)
            if want == "login":
                good = status == 401
            elif want == "hidden":
                good = status == 404
            elif want == "refused":
                good = _forbidden(status)
            elif rule.method in ("POST", "DELETE"):
                good = status < 500 and status not in (401, 403, 404)
            elif rule.access == "api_needs_query":  # without its parameters: 422, never 403
                good = status in (200, 422)
            else:
                good = status == 200
            if not good:
                wrong.append(f"{role}/{where}: {status}（应为 {want}）")
    assert not wrong, f"{route}: " + "；".join(wrong)


def test_read_only_roles_cannot_change_a_project_through_the_api(world, client):
    from duikou.api.services import api_token_create

    project = world["inside"]["project"]
    for role in ("recipient", "auditor", "public"):
        raw = api_token_create(user=world["users"][role], name="接口")[1]
        response = client.patch(
            f"/api/v1/projects/{project.pk}",
            data={"name": "改名"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert response.status_code in (403, 404), role
    project.refresh_from_db()
    assert project.name != "改名"
