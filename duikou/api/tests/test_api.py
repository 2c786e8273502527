"""The JSON API: tokens, scope (404), read-only roles (403), refusals (422) via the services."""

import pytest

from duikou.api.models import ApiToken
from duikou.api.services import api_token_create, api_token_revoke
from duikou.audit.models import ChangeEntry
from duikou.core import testing as factories
from duikou.projects.models import Project

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    _token, raw = api_token_create(user=user, name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def new_project(org, **changes) -> dict:
    body = {
        "code": "API-1",
        "name": "接口新建项目",
        "donor_org": org.code,
        "region": "昌吉市",
        "sector": "health",
        "planned_start": "2025-03-01",
        "planned_end": "2025-12-31",
        "budget_aid": "500万元",
    }
    body.update(changes)
    return body


def test_the_openapi_document_lists_every_kind(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/projects", "/api/v1/deals", "/api/v1/values", "/api/v1/projects/{id}"):
        assert path in document["paths"]


def test_requests_without_a_valid_token_are_refused(client):
    assert client.get("/api/v1/projects").status_code == 401
    user = factories.user()
    token, raw = api_token_create(user=user, name="旧令牌")
    api_token_revoke(token=token)
    response = client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_only_a_hash_of_the_token_is_stored_and_its_use_is_noted(client):
    user = factories.user()
    token, raw = api_token_create(user=user, name="统计系统")
    assert raw not in token.token_hash and len(token.token_hash) == 64
    client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_a_project_is_created_through_the_service_and_read_back(client):
    org = factories.donor_org()
    headers = auth(factories.user(role="sub_command", organisation=org))
    response = client.post(
        "/api/v1/projects", new_project(org), content_type="application/json", **headers
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "API-1" and body["budget_aid"] == "5000000.00"
    assert ChangeEntry.objects.filter(entity="projects.project", source="接口").exists()
    listing = client.get("/api/v1/projects?limit=10", **headers).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]


def test_a_refusal_names_the_field_in_chinese(client):
    org = factories.donor_org()
    headers = auth(factories.user())
    response = client.post(
        "/api/v1/projects",
        new_project(org, planned_end="2024-01-01"),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (
        error["field"] == "planned_end" and "计划完工日期不能早于计划开工日期" in error["message"]
    )
    assert not Project.objects.filter(code="API-1").exists()


def test_out_of_scope_objects_are_not_found_and_read_only_roles_cannot_write(client):
    mine, theirs = factories.donor_org(), factories.donor_org()
    other = factories.project(donor_org=theirs)
    headers = auth(factories.user(role="sub_command", organisation=mine))
    assert client.get(f"/api/v1/projects/{other.pk}", **headers).status_code == 404
    response = client.patch(
        f"/api/v1/projects/{other.pk}", {"name": "改"}, content_type="application/json", **headers
    )
    assert response.status_code == 404
    auditor = auth(factories.user(role="auditor"))
    assert client.get(f"/api/v1/projects/{other.pk}", **auditor).status_code == 200
    response = client.patch(
        f"/api/v1/projects/{other.pk}", {"name": "改"}, content_type="application/json", **auditor
    )
    assert response.status_code == 403


def test_a_change_goes_through_the_update_service_with_history(client):
    org = factories.donor_org()
    project = factories.project(donor_org=org)
    headers = auth(factories.user(role="sub_command", organisation=org))
    response = client.patch(
        f"/api/v1/projects/{project.pk}",
        {"name": "接口改名", "version": 1},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "接口改名" and response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    entry = ChangeEntry.objects.filter(entity="projects.project", action="update").get()
    assert entry.source == "接口"


def _patch(client, url, body, headers, **extra):
    return client.patch(url, body, content_type="application/json", **headers, **extra)


def test_a_change_carries_the_version_it_read_and_a_stale_one_is_refused_with_the_record(client):
    org = factories.donor_org()
    project = factories.project(donor_org=org)
    headers = auth(factories.user(role="sub_command", organisation=org))
    url = f"/api/v1/projects/{project.pk}"
    read = client.get(url, **headers)
    assert read["ETag"] == '"1"'

    blind = _patch(client, url, {"name": "不带版本"}, headers)
    assert blind.status_code == 428 and "version" in blind.json()["detail"]
    first = _patch(client, url, {"name": "甲的修改"}, headers, HTTP_IF_MATCH=read["ETag"])
    assert first.status_code == 200 and first["ETag"] == '"2"'
    # A second client that read version 1 too: refused, shown what is there now.
    second = _patch(client, url, {"name": "乙的修改", "version": 1}, headers)
    assert second.status_code == 409
    assert second.json()["current"]["name"] == "甲的修改"
    assert second.json()["current"]["version"] == 2
    assert "已被他人修改" in second.json()["detail"]
    project.refresh_from_db()
    assert (project.name, project.version) == ("甲的修改", 2)
    assert _patch(client, url, {"name": "x"}, headers, HTTP_IF_MATCH="abc").status_code == 422


def test_a_sub_command_cannot_move_a_record_into_another_province(client):
    """The case seen from outside: 泉州 moving its project and deal to Shanxi's front
    command (and to a Beijing code) through PATCH answered 404 but saved."""
    from duikou.orgs.models import Organisation
    from duikou.projects.models import Project

    team = factories.donor_org()
    shanxi = factories.donor_org()
    project = factories.project(donor_org=team)
    deal = factories.deal(donor_org=team)
    headers = auth(factories.user(role="sub_command", organisation=team))
    entries = ChangeEntry.objects.count()
    for url, record in (
        (f"/api/v1/projects/{project.pk}", project),
        (f"/api/v1/deals/{deal.pk}", deal),
    ):
        response = _patch(client, url, {"donor_org": shanxi.code, "version": 1}, headers)
        assert response.status_code == 403, response.json()
        assert "无权" in response.json()["detail"]
        record.refresh_from_db()
        assert (record.donor_org_id, record.version) == (team.pk, 1)
    assert ChangeEntry.objects.count() == entries
    assert Project.objects.get(pk=project.pk).donor_org == Organisation.objects.get(pk=team.pk)


def test_indicator_values_are_saved_through_value_save(client):
    from duikou.results.models import Indicator, Value

    indicator = Indicator.objects.filter(
        kind="stored", frequency__in=["year", "any"], unit="人"
    ).first()
    org = factories.donor_org()
    headers = auth(factories.user())
    body = {"indicator": indicator.code, "org": org.code, "period": "2025", "value": "abc"}
    response = client.post("/api/v1/values", body, content_type="application/json", **headers)
    assert response.status_code == 422
    body["value"] = "1.2万"  # as the field's description says it may be written
    response = client.post("/api/v1/values", body, content_type="application/json", **headers)
    assert response.status_code == 201, response.json()
    assert Value.objects.get(indicator=indicator, org=org).value == 12000


def test_errors_share_one_shape_with_the_fields_named_as_the_client_wrote_them(client):
    response = client.get("/api/v1/projects")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    headers = auth(factories.user())
    response = client.post(
        "/api/v1/projects", "{not json", content_type="application/json", **headers
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "请求体不是有效的 JSON"
    assert response.json()["errors"][0]["field"] == "body"
    response = client.get("/api/v1/projects?limit=0", **headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]
    response = client.post("/api/v1/values", {}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert "value" in [e["field"] for e in response.json()["errors"]]
