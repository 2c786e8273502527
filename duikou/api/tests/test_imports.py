"""Imports through the API: upload, read the proposal and preview, change it, commit; the
same engine, scope and refusals as the page."""

import pytest
from django.contrib.auth import get_user_model

from duikou.api.services import api_token_create
from duikou.core.demo import demo_load
from duikou.projects.models import Project
from tests.messy_cases import HERE

pytestmark = pytest.mark.django_db
PLAN = "01-泉州分指挥部2025年援疆项目计划表.xlsx"


def auth(username: str) -> dict:
    user = get_user_model().objects.get(username=username)
    _token, raw = api_token_create(user=user, name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def upload(client, username: str, name: str = PLAN, kind: str = "projects", data=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = data if data is not None else (HERE / name).read_bytes()
    return client.post(
        "/api/v1/imports",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        **auth(username),
    )


def test_an_office_plan_is_checked_previewed_and_committed(client):
    demo_load()
    before = Project.objects.count()
    response = upload(client, "demo-quanzhou")
    assert response.status_code == 201, response.content
    document = response.json()
    assert document["status"] == "checked"
    assert document["mapping"]["建设地点"] == "region"
    assert document["mapping"]["总投资（万元）/援疆资金"] == "budget_aid"
    assert {s["row"] for s in document["skipped"]} >= {5, 6, 11, 14, 15}
    assert [r["action"] for r in document["rows"]] == ["create"] * 6
    first = document["rows"][0]["values"]
    assert (first["budget_aid"], first["planned_start"], first["region"]) == (
        "3200000.00",
        "2025-07-01",
        "652301",
    )
    assert Project.objects.count() == before  # the check wrote nothing
    committed = client.post(
        f"/api/v1/imports/{document['id']}/commit", **auth("demo-quanzhou")
    ).json()
    assert committed["committed"] is True
    assert Project.objects.count() == before + 6
    assert any(w["row"] == 7 and "652301" in w["message"] for w in committed["warnings"])


def test_the_mapping_can_be_changed_and_is_checked_again(client):
    demo_load()
    document = upload(client, "demo-quanzhou").json()
    changed = client.post(
        f"/api/v1/imports/{document['id']}/mapping",
        {"columns": {"建设内容及规模": None}, "constants": {"行业领域": "其他"}},
        content_type="application/json",
        **auth("demo-quanzhou"),
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert "建设内容及规模" in body["ignored"]
    assert body["constants"]["sector"] == "其他"
    assert all("description" not in r["values"] for r in body["rows"])


def test_only_the_uploader_commits_and_readers_cannot_upload(client):
    demo_load()
    document = upload(client, "demo-quanzhou").json()
    other = client.post(f"/api/v1/imports/{document['id']}/commit", **auth("demo-fujian"))
    assert other.status_code in (403, 404)
    assert upload(client, "demo-auditor").status_code == 403


def test_a_file_that_is_no_spreadsheet_is_refused_in_chinese(client):
    demo_load()
    response = upload(client, "demo-quanzhou", name="x.xlsx", data=b"%PDF-1.7 not a sheet")
    assert response.status_code == 422
    assert "损坏" in response.json()["errors"][0]["message"]
