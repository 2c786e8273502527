"""Stints, generated reports and background jobs through the API: each documented filter
filters, anything else answers 422, pages are linked, and each list is the caller's scope
as the pages show it."""

from datetime import UTC, date, datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from duikou.api.lists import JOBS, REPORT_PERIOD_FORMS, REPORTS, STINTS
from duikou.api.services import api_token_create
from duikou.core import testing as factories
from duikou.geo.models import Region
from duikou.jobs.models import Job
from duikou.jobs.services import job_enqueue
from duikou.orgs.models import Membership
from duikou.people.models import Assignment
from duikou.people.services import assignment_create
from duikou.policy import SYSTEM
from duikou.reports.models import GeneratedReport
from duikou.reports.periods import report_period_parse
from duikou.reports.services import report_request

pytestmark = pytest.mark.django_db

LISTINGS = {"stints": STINTS, "reports": REPORTS, "jobs": JOBS}


def get(path: str, user=None, **params):
    _token, raw = api_token_create(user=user or factories.user(), name="测试")
    return Client().get(path, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _stint(**overrides):
    member = overrides.pop("member", None) or factories.aid_member()
    fields = {"term": "short_term", "start": date(2025, 3, 1), "region": "652301"}
    return assignment_create(member=member, **{"actor": SYSTEM, **fields, **overrides})


def _report(**overrides):
    fields = {
        "kind": "summary",
        "fmt": "docx",
        "period": report_period_parse("2025"),
        "org": overrides.pop("org", None) or factories.donor_org(),
    }
    return report_request(**{"actor": SYSTEM, **fields, **overrides})


def _job(actor=None):
    return job_enqueue(kind="jobs.echo", params={}, actor=actor or factories.user())


MAKERS = {"stints": _stint, "reports": _report, "jobs": _job}
MODELS = {"stints": Assignment, "reports": GeneratedReport, "jobs": Job}


def _update(key: str, obj, **fields):
    MODELS[key].objects.filter(pk=obj.pk).update(**fields)


def _sides(key: str, param: str, a, b) -> str:
    """Put ``a`` inside the filter and ``b`` outside; the value that selects ``a``."""
    if param == "organisation":
        top = factories.donor_org()
        inside, outside = factories.donor_org(parent=top), factories.donor_org()
        if key == "stints":
            type(a.member).objects.filter(pk=a.member_id).update(donor_org=inside)
            type(b.member).objects.filter(pk=b.member_id).update(donor_org=outside)
        else:
            _update(key, a, org=inside)
            _update(key, b, org=outside)
        return top.code
    if param == "region":
        _update(key, a, region=Region.objects.get(code="652324"))
        _update(key, b, region=Region.objects.get(code="653101"))
        return "652300"
    if param == "year" and key == "reports":
        _update(key, a, period_start=date(2021, 1, 1), period_end=date(2023, 12, 31))
        _update(key, b, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31))
        return "2022"
    if param == "period":
        _update(key, a, period_start=date(2021, 1, 1), period_end=date(2025, 12, 31))
        _update(key, b, period_start=date(2021, 1, 1), period_end=date(2024, 12, 31))
        return "十四五"
    if param in ("year", "month"):
        _update(key, a, **{param: 3 if param == "month" else 2021})
        _update(key, b, **{param: 4 if param == "month" else 2022})
        return "3" if param == "month" else "2021"
    if param in ("updated_since", "created_since"):
        field = param.replace("_since", "_at")
        _update(key, a, **{field: datetime(2030, 1, 1, tzinfo=UTC)})
        _update(key, b, **{field: datetime(2020, 1, 1, tzinfo=UTC)})
        return "2029-06-01T00:00:00Z"
    if param == "kind" and key == "jobs":
        _update(key, b, kind="transfer.import")
        return "jobs.echo"
    choices = {
        ("stints", "term"): ("short_term", "long_term"),
        ("reports", "kind"): ("summary", "dispatch"),
        ("reports", "format"): ("pdf", "docx"),
        ("reports", "status"): ("done", "failed"),
        ("jobs", "status"): ("done", "failed"),
    }
    if (key, param) in choices:
        first, second = choices[(key, param)]
        _update(key, a, **{param: first})
        _update(key, b, **{param: second})
        return first
    pytest.fail(f"{key}?{param}=…: no way to set records on both sides of this filter")


CASES = [(key, spec.param) for key, listing in LISTINGS.items() for spec in listing.filters]
INVALID = {
    "organisation": "NOPE",
    "region": "999999",
    "year": "1999年",
    "month": "三月",
    "updated_since": "昨天",
    "created_since": "昨天",
    "period": "batch:1",
}


@pytest.mark.parametrize(("key", "param"), CASES)
def test_every_filter_filters(key, param):
    a, b = MAKERS[key](), MAKERS[key]()
    value = _sides(key, param, a, b)
    body = get(f"/api/v1/{key}", **{param: value, "limit": 500}).json()
    ids = {item["id"] for item in body["items"]}
    assert a.pk in ids and b.pk not in ids, (key, param, value, body)


@pytest.mark.parametrize(("key", "param"), CASES)
def test_every_filter_refuses_a_value_it_cannot_read(key, param):
    value = INVALID.get(param, "bogus")
    response = get(f"/api/v1/{key}", **{param: value})
    assert response.status_code == 422, response.content
    [error] = response.json()["errors"]
    assert error["field"] == param
    spec = next(s for s in LISTINGS[key].filters if s.param == param)
    if spec.bounds:  # an integer in the document: the schema's own message
        assert error["message"] == "应为整数"
    else:
        assert f"“{value}”" in error["message"], error


@pytest.mark.parametrize("key", list(LISTINGS))
@pytest.mark.parametrize(("param", "value"), [("colour", "red"), ("ordering", "name")])
def test_every_list_refuses_an_undocumented_parameter_or_ordering(key, param, value):
    response = get(f"/api/v1/{key}", **{param: value})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (
        error["field"] == param and f"“{param if param == 'colour' else value}”" in error["message"]
    )


def test_the_document_lists_only_each_list_s_own_filters():
    document = get("/api/v1/openapi.json").json()
    for key, listing in LISTINGS.items():
        operation = document["paths"][f"/api/v1/{key}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert names == {s.param for s in listing.filters} | {"limit", "offset", "ordering"}


@pytest.mark.parametrize("key", list(LISTINGS))
def test_pages_are_stable_and_linked(key):
    national = factories.user()
    made = [MAKERS[key](actor=national) if key == "jobs" else MAKERS[key]() for _ in range(5)]
    _token, raw = api_token_create(user=national, name="测试")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    page = Client().get(f"/api/v1/{key}", {"limit": 2}, **headers).json()
    assert page["previous"] is None and page["next"].startswith("http")
    seen = []
    while True:
        seen += [item["id"] for item in page["items"]]
        if not page["next"]:
            break
        page = Client().get(page["next"], **headers).json()
    assert seen == sorted(seen) and {m.pk for m in made} <= set(seen)
    assert len(seen) == len(set(seen)) == page["count"]
    back = Client().get(page["previous"], **headers).json()
    assert back["items"] and back["items"][0]["id"] in seen


@pytest.fixture
def provinces():
    """Two provinces, each with a front command and an officer there."""
    found = {}
    for code in ("350000", "310000"):
        command = factories.donor_org(parent=factories.donor_province(code))
        officer = factories.user(role=Membership.Role.FRONT_COMMAND, organisation=command)
        found[code] = (command, officer)
    return found


def test_a_province_sees_its_own_stints_only(provinces):
    (ours, officer), (theirs, _) = provinces["350000"], provinces["310000"]
    mine = _stint(member=factories.aid_member(donor_org=ours, region="653101"))
    other = _stint(member=factories.aid_member(donor_org=theirs, region="653101"), region="653101")
    body = get("/api/v1/stints", user=officer, limit=500).json()
    ids = {item["id"] for item in body["items"]}
    assert mine.pk in ids and other.pk not in ids
    assert get(f"/api/v1/stints/{other.pk}", user=officer).status_code == 404
    item = get(f"/api/v1/stints/{mine.pk}", user=officer).json()
    assert (item["member_name"], item["term"]) == (mine.member.name, "short_term")


def test_stints_need_the_right_to_personal_data():
    _stint()
    reader = factories.user(role=Membership.Role.RECIPIENT, region_code="652300")
    response = get("/api/v1/stints", user=reader)
    assert response.status_code == 403
    assert response.json()["detail"] == "无权查看人员个人信息，请查看汇总统计"


def test_a_province_sees_reports_about_itself_only(provinces):
    (ours, officer), (theirs, _) = provinces["350000"], provinces["310000"]
    mine, other = _report(org=ours), _report(org=theirs)
    body = get("/api/v1/reports", user=officer, limit=500).json()
    assert [item["id"] for item in body["items"]] == [mine.pk]
    assert body["items"][0]["organisation"] == ours.code
    assert body["items"][0]["download_url"] is None
    assert get(f"/api/v1/reports/{other.pk}", user=officer).status_code == 404
    assert get(f"/api/v1/reports/{other.pk}/download", user=officer).status_code == 404


def test_a_generated_report_is_downloaded_from_its_link(provinces, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ours, officer = provinces["350000"]
    report = _report(org=ours)
    assert get(f"/api/v1/reports/{report.pk}/download", user=officer).status_code == 404
    report.file.save("福建前指2025年工作总结.docx", ContentFile(b"PK\x03\x04word"), save=True)
    item = get(f"/api/v1/reports/{report.pk}", user=officer).json()
    assert item["file_name"] == "福建前指2025年工作总结.docx"
    assert item["download_url"] == f"http://testserver/api/v1/reports/{report.pk}/download"
    response = get(item["download_url"].removeprefix("http://testserver"), user=officer)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04word"
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_jobs_are_the_user_s_own_and_all_of_them_for_the_national_office(provinces):
    (_, officer), (_, other_officer) = provinces["350000"], provinces["310000"]
    mine, theirs = _job(actor=officer), _job(actor=other_officer)
    body = get("/api/v1/jobs", user=officer, limit=500).json()
    assert [item["id"] for item in body["items"]] == [mine.pk]
    assert body["items"][0]["kind_label"] == "后台进程自检"
    assert get(f"/api/v1/jobs/{theirs.pk}", user=officer).status_code == 404
    national = get("/api/v1/jobs", user=factories.user(), limit=500).json()
    assert {mine.pk, theirs.pk} <= {item["id"] for item in national["items"]}


def test_a_job_s_output_is_downloaded_from_its_link(provinces, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, officer = provinces["350000"]
    job = _job(actor=officer)
    assert get(f"/api/v1/jobs/{job.pk}/download", user=officer).status_code == 404
    job.output.save("导出.csv", ContentFile("编号,名称\n1,测试\n".encode()), save=True)
    item = get(f"/api/v1/jobs/{job.pk}", user=officer).json()
    assert item["download_url"] == f"http://testserver/api/v1/jobs/{job.pk}/download"
    response = get(f"/api/v1/jobs/{job.pk}/download", user=officer)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert b"".join(response.streaming_content).decode() == "编号,名称\n1,测试\n"


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2023-2025", date(2023, 1, 1), date(2025, 12, 31)),
        ("2025Q1", date(2025, 1, 1), date(2025, 3, 31)),
        ("2025-01-01..2025-06-30", date(2025, 1, 1), date(2025, 6, 30)),
    ],
)
def test_reports_filter_by_the_period_as_the_report_form_takes_it(written, start, end):
    spans = [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2023, 1, 1), date(2025, 12, 31)),
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 1, 1), date(2025, 6, 30)),
    ]
    made = {}
    for span in spans:
        made[span] = _report()
        _update("reports", made[span], period_start=span[0], period_end=span[1])
    body = get("/api/v1/reports", period=written, limit=500).json()
    assert [item["id"] for item in body["items"]] == [made[(start, end)].pk]
    response = get("/api/v1/reports", period="2025年上半年")
    [error] = response.json()["errors"]
    assert error == {
        "field": "period",
        "column": "",
        "line": None,
        "message": f"period“2025年上半年”无法识别，请写成 {REPORT_PERIOD_FORMS}",
    }


@pytest.mark.parametrize("key", list(LISTINGS))
def test_a_page_runs_as_many_queries_for_five_rows_as_for_one(key):
    national = factories.user()
    _token, raw = api_token_create(user=national, name="测试")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def make():
        return MAKERS[key](actor=national) if key == "jobs" else MAKERS[key]()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(f"/api/v1/{key}", **headers).status_code == 200
        return len(captured.captured_queries)

    make()
    queries()  # the token's first use is noted once
    one = queries()
    for _ in range(4):
        make()
    assert queries() == one
