"""Every form that creates rows carries a one-time token: posting it again (a double click,
back and resubmit) creates nothing and shows what the first post made."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from duikou.core import testing
from duikou.orgs.models import Membership, Organisation
from duikou.web.models import Submission
from duikou.web.once import FIELD
from duikou.web.testing import page_forms

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form_with_token(page: str, action: str = "") -> dict:
    """The form posting to ``action`` (any, without one) that carries a token."""
    found = [
        f
        for f in page_forms(page, choose=True)
        if FIELD in f["fields"] and (not action or f["action"] == action)
    ]
    assert found, f"the create form ({action or 'on the page'}) carries no one-time token"
    return found[0]


@pytest.fixture
def world(db):
    from duikou.exchanges.services import sales_channel_create
    from duikou.investment.services import deal_create
    from duikou.people.services import batch_create
    from duikou.policy import SYSTEM

    command = testing.donor_org(kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command)
    project = testing.project(donor_org=team, budgets={"aid": "9000000.00"})
    deal = deal_create(
        code="ONCE-DL",
        name="一次性招商",
        enterprise="某企业",
        donor_org=team,
        region="652301",
        stage_date=date(2025, 1, 1),
        stage="signed",
        signed_amount="1000000",
        actor=SYSTEM,
    )
    batch = batch_create(donor_org=team, number=11, term_start=date(2023, 7, 1), actor=SYSTEM)
    channel = sales_channel_create(
        code="ONCE-CH",
        name="援疆馆",
        kind="store",
        operator="某公司",
        donor_org=team,
        region="652301",
        actor=SYSTEM,
    )
    writer = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    return {
        "command": command,
        # Publishing is the front command's, not the team's.
        "publisher": testing.user(role=Membership.Role.FRONT_COMMAND, organisation=command),
        "team": team,
        "project": project,
        "deal": deal,
        "batch": batch,
        "channel": channel,
        "writer": writer,
    }


def _cases(w):
    from duikou.api.models import ApiToken
    from duikou.exchanges.models import Event, Partnership, SalesChannel, SalesRecord
    from duikou.ingest.models import Report
    from duikou.investment.models import Deal, FundsInPlace
    from duikou.jobs.models import Job
    from duikou.people.models import AidBatch, AidMember
    from duikou.projects.models import FundTransaction, Project, ProjectDocument
    from duikou.reports.models import Publication
    from duikou.transfer.models import ImportRecord

    p, d, b, c, team = w["project"], w["deal"], w["batch"], w["channel"], w["team"]
    return {
        "projects:new": (
            "/projects/new/",
            {
                "code": "ONCE-PRJ",
                "name": "一次性项目",
                "donor_org": team.pk,
                "region": "652301",
                "plan_year": "2025",
                "planned_start": "2025-03-01",
                "planned_end": "2025-12-31",
                "budget_aid": "100000",
            },
            Project,
        ),
        "projects:transactions": (
            f"/projects/{p.pk}/transactions/",
            {"amount": "1000", "on": "2025-05-01"},
            FundTransaction,
        ),
        "projects:progress": (
            f"/projects/{p.pk}/progress/",
            {"year": "2025", "month": "5", "percent_complete": "30", "amount_spent": "0"},
            None,  # one report per month: a repeat corrects it, never doubles it
        ),
        "projects:document_upload": (
            f"/projects/{p.pk}/",
            {"file": lambda: SimpleUploadedFile("批复.pdf", PDF), "title": "立项批复"},
            ProjectDocument,
        ),
        "investment:new": (
            "/deals/new/",
            {
                "code": "ONCE-DL2",
                "name": "招商二",
                "enterprise": "企业二",
                "donor_org": team.pk,
                "region": "652301",
                "stage_date": "2025-02-01",
                "jobs_expected": "0",
            },
            Deal,
        ),
        "investment:funds": (
            f"/deals/{d.pk}/",
            {"amount": "1000", "on": "2025-06-01"},
            FundsInPlace,
        ),
        "people:batch_new": (
            "/people/batches/new/",
            {"donor_org": team.pk, "number": "12", "term_start": "2026-07-01"},
            AidBatch,
        ),
        "people:member_new": (
            f"/people/batches/{b.pk}/members/new/",
            {"name": "张三", "region": "652301"},
            AidMember,
        ),
        "exchanges:partnership_new": (
            "/exchanges/partnerships/new/",
            {
                "code": "ONCE-PT",
                "donor_org": team.pk,
                "donor_party_name": "某医院",
                "local_party_name": "昌吉市人民医院",
                "region": "652301",
                "signed_on": "2025-03-01",
            },
            Partnership,
        ),
        "exchanges:event_new": (
            "/exchanges/events/new/",
            {
                "code": "ONCE-EV",
                "title": "义诊",
                "on": "2025-04-01",
                "place": "昌吉市",
                "organiser": team.pk,
                "participants": "10",
                "exhibitors": "0",
                "deals_signed": "0",
                "amount_traded": "0",
                "intended_orders": "0",
                "people_served": "0",
                "medicine_value": "0",
            },
            Event,
        ),
        "exchanges:channel_new": (
            "/exchanges/channels/new/",
            {
                "code": "ONCE-CH2",
                "name": "网店",
                "operator": "某公司",
                "donor_org": team.pk,
                "region": "652301",
            },
            SalesChannel,
        ),
        "exchanges:sales_record_new": (
            f"/exchanges/channels/{c.pk}/",
            {"period_start": "2025-01-01", "period_end": "2025-01-31", "sales_amount": "100"},
            SalesRecord,
        ),
        "ingest:list": (
            "/ingest/",
            {"title": "报道", "doc_date": "2025-12-01", "text": "2025年接诊患者1.2万人次。"},
            Report,
        ),
        "reports:list": ("/reports/", {"period": "2025"}, Job),
        "transfer:upload": (
            "/transfer/import/",
            {
                "kind": "projects",
                "file": lambda: SimpleUploadedFile("项目.csv", "项目编号,项目名称\n".encode()),
            },
            ImportRecord,
        ),
        "api_tokens:list": ("/api/tokens/", {"name": "对接", "days": "30"}, ApiToken),
        "reports:publications": (
            "/reports/publications/",
            {"year": "2025", "org": str(w["command"].pk)},
            Publication,
            "publisher",
        ),
    }


def _kwargs(name: str, world) -> dict:
    """The primary key in the create URL of ``name``, if it has one."""
    parent = {
        "projects:transactions": "project",
        "projects:progress": "project",
        "projects:document_upload": "project",
        "investment:funds": "deal",
        "people:member_new": "batch",
        "exchanges:sales_record_new": "channel",
    }.get(name)
    return {"pk": world[parent].pk} if parent else {}


def _decorated_views() -> set[str]:
    """URL names whose view runs once per form token."""
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                view = pattern.callback
                while view is not None:
                    if getattr(view, "submitted_once", False):
                        names.add(f"{namespace}:{pattern.name}")
                        break
                    view = getattr(view, "__wrapped__", None)

    walk(get_resolver().url_patterns)
    return names


def test_every_create_form_is_run_once_and_every_one_is_tested(world):
    assert _decorated_views() == set(_cases(world))


@pytest.mark.parametrize(
    "name",
    [
        "projects:new",
        "projects:transactions",
        "projects:progress",
        "projects:document_upload",
        "investment:new",
        "investment:funds",
        "people:batch_new",
        "people:member_new",
        "exchanges:partnership_new",
        "exchanges:event_new",
        "exchanges:channel_new",
        "exchanges:sales_record_new",
        "ingest:list",
        "reports:list",
        "transfer:upload",
        "api_tokens:list",
        "reports:publications",
    ],
)
def test_posting_a_create_form_twice_creates_one_row(client, world, name):
    page_url, given, model, *who = _cases(world)[name]
    client.force_login(world[who[0] if who else "writer"])
    page = client.get(page_url)
    assert page.status_code == 200
    wanted = reverse(name, kwargs=_kwargs(name, world))
    form = _form_with_token(page.content.decode(), wanted if wanted != page_url else "")
    action = form["action"] or page_url

    def body():
        data = {k: v for k, v in form["fields"].items() if v is not None}
        data.update({k: (v() if callable(v) else v) for k, v in given.items()})
        return data

    before = model.objects.count() if model else None
    first = client.post(action, body())
    assert first.status_code in (200, 302), first.content.decode()[:2000]
    if model is not None:
        assert model.objects.count() == before + 1, first.content.decode()[:2000]
    again = client.post(action, body(), follow=True)
    assert again.status_code == 200
    if model is not None:
        assert model.objects.count() == before + 1
    assert "该表单已经提交过，没有重复保存" in again.content.decode()
    if first.status_code == 302:
        assert again.redirect_chain[0][0] == first["Location"]


def test_a_refused_form_can_be_posted_again_with_its_token(client, world):
    from duikou.projects.models import FundTransaction

    client.force_login(world["writer"])
    url = f"/projects/{world['project'].pk}/transactions/"
    form = _form_with_token(client.get(url).content.decode())
    token = form["fields"][FIELD]
    data = {**{k: v for k, v in form["fields"].items() if v is not None}, "on": "2025-05-01"}
    refused = client.post(url, {**data, "amount": "-5"})
    assert refused.status_code == 400
    assert not Submission.objects.filter(token=token).exists()
    saved = client.post(url, {**data, "amount": "5"})
    assert saved.status_code == 302
    assert FundTransaction.objects.filter(project=world["project"]).count() == 1


def test_another_users_token_is_not_theirs_to_replay(client, world):
    from duikou.projects.models import FundTransaction

    client.force_login(world["writer"])
    url = f"/projects/{world['project'].pk}/transactions/"
    form = _form_with_token(client.get(url).content.decode())
    data = {**{k: v for k, v in form["fields"].items() if v is not None}}
    data.update(on="2025-05-01", amount="5")
    assert client.post(url, data).status_code == 302
    client.force_login(testing.user(role=Membership.Role.SUB_COMMAND, organisation=world["team"]))
    replay = client.post(url, data)
    assert replay.status_code == 409
    assert FundTransaction.objects.filter(project=world["project"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_moment_make_one_row(reference_data):
    """A double click: both posts arrive together, each on its own database connection."""
    import threading

    from django.db import connection, connections
    from django.test import Client

    from duikou.projects.models import FundTransaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    team = testing.donor_org()
    project = testing.project(donor_org=team, budgets={"aid": "9000000.00"})
    writer = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    url = f"/projects/{project.pk}/transactions/"
    probe = Client()
    probe.force_login(writer)
    form = _form_with_token(probe.get(url).content.decode())
    data = {k: v for k, v in form["fields"].items() if v is not None}
    data.update(on="2025-05-01", amount="5")
    start, answers = threading.Barrier(2), []

    def post():
        client = Client()
        client.force_login(writer)
        start.wait()
        answers.append(client.post(url, data).status_code)
        connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) in ([302, 302], [302, 409])
    assert FundTransaction.objects.filter(project=project).count() == 1
