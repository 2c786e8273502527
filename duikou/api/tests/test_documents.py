"""Project documents in the JSON API: scoped like the project page, listed without reading
the bytes, downloaded as an attachment under the Chinese file name."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duikou.api.services import api_token_create
from duikou.core import testing
from duikou.orgs.models import Membership
from duikou.policy import SYSTEM
from duikou.projects.models import DocumentKind, ProjectDocumentContent
from duikou.projects.services import project_document_add, project_document_remove

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NAME = "关于医院信息化项目的立项批复.pdf"


@pytest.fixture
def world():
    team = testing.donor_org(base="652301")
    elsewhere = testing.donor_org(parent=testing.donor_province("140000"), base="653130")
    writer = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    writer.first_name = "张三"
    writer.save(update_fields=["first_name"])
    return {
        "project": testing.project(donor_org=team, region="652301"),
        "writer": writer,
        "reader": testing.user(role=Membership.Role.RECIPIENT, region_code="652300"),
        "outsider": testing.user(role=Membership.Role.SUB_COMMAND, organisation=elsewhere),
        "auditor": testing.user(role=Membership.Role.AUDITOR),
    }


def auth(user) -> dict:
    _token, raw = api_token_create(user=user, name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def add(project, data=PDF, name=NAME, **fields):
    return project_document_add(
        project=project, upload=ContentFile(data, name=name), **{"actor": SYSTEM, **fields}
    )


def listing(client, project, headers, query=""):
    return client.get(f"/api/v1/projects/{project.pk}/documents{query}", **headers)


def test_a_project_s_documents_are_listed_with_their_metadata(client, world):
    project = world["project"]
    document = add(project, kind=DocumentKind.APPROVAL, note="州发改委批复", actor=world["writer"])
    response = listing(client, project, auth(world["reader"]))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == document.pk and item["project"] == project.pk
    assert (item["title"], item["kind"], item["file_name"]) == (
        "关于医院信息化项目的立项批复",
        "approval",
        NAME,
    )
    assert (item["size"], item["content_type"]) == (len(PDF), "application/pdf")
    assert item["sha256"] == document.sha256 and item["note"] == "州发改委批复"
    assert item["uploaded_by"] == "张三" and item["uploaded_at"]
    assert item["removed"] is False and item["removed_at"] is None
    assert item["download_url"] == (
        f"http://testserver/api/v1/project_documents/{document.pk}/download"
    )


def test_the_list_is_paged_newest_first(client, world):
    project = world["project"]
    first = add(project, data=PDF + b"1", name="一.pdf")
    second = add(project, data=PDF + b"2", name="二.pdf")
    headers = auth(world["writer"])
    body = listing(client, project, headers, "?limit=1").json()
    assert body["count"] == 2 and [i["id"] for i in body["items"]] == [second.pk]
    body = listing(client, project, headers, "?limit=1&offset=1").json()
    assert [i["id"] for i in body["items"]] == [first.pk]


def test_a_document_downloads_as_the_same_bytes_under_its_chinese_name(client, world):
    document = add(world["project"])
    headers = auth(world["reader"])
    url = listing(client, world["project"], headers).json()["items"][0]["download_url"]
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="document-{document.pk}.pdf"' in disposition  # for clients without RFC 5987
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition


def test_a_text_file_keeps_its_charset(client, world):
    document = add(world["project"], data="援疆资金明细\n".encode(), name="明细.txt")
    response = client.get(
        f"/api/v1/project_documents/{document.pk}/download", **auth(world["writer"])
    )
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "援疆资金明细\n"


def test_another_organisation_s_user_finds_neither_list_nor_file(client, world):
    document = add(world["project"])
    headers = auth(world["outsider"])
    assert listing(client, world["project"], headers).status_code == 404
    response = client.get(f"/api/v1/project_documents/{document.pk}/download", **headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "文档不存在或无权查看"
    assert listing(client, world["project"], {}).status_code == 401


def test_a_removed_document_is_hidden_except_from_history_readers(client, world):
    project = world["project"]
    kept = add(project, data=PDF + b"kept", name="合同.pdf")
    gone = add(project)
    project_document_remove(document=gone, reason="上传错了", actor=world["writer"])
    download = f"/api/v1/project_documents/{gone.pk}/download"
    for role in ("writer", "reader"):
        headers = auth(world[role])
        body = listing(client, project, headers).json()
        assert [i["id"] for i in body["items"]] == [kept.pk] and body["count"] == 1, role
        assert client.get(download, **headers).status_code == 404, role
        assert listing(client, project, headers, "?removed=true").status_code == 403, role

    headers = auth(world["auditor"])
    assert [i["id"] for i in listing(client, project, headers).json()["items"]] == [kept.pk]
    item = listing(client, project, headers, "?removed=true").json()["items"][0]
    assert item["id"] == gone.pk and item["removed"] is True
    assert (item["removed_by"], item["removed_reason"]) == ("张三", "上传错了")
    assert item["removed_at"]
    response = client.get(download, **headers)
    assert response.status_code == 200 and response.content == PDF


def _queries(client, project, headers) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert listing(client, project, headers).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_list_runs_few_queries_and_never_reads_the_bytes(client, world):
    project = world["project"]
    writer = world["writer"]
    headers = auth(world["reader"])
    add(project, actor=writer)
    listing(client, project, headers)  # the token's first use is noted once
    one = _queries(client, project, headers)
    for n in range(5):
        add(project, data=PDF + str(n).encode(), name=f"照片{n}.pdf", actor=writer)
    six = _queries(client, project, headers)
    assert len(six) == len(one) <= 10
    table = ProjectDocumentContent._meta.db_table
    assert not [sql for sql in six if table in sql]


def test_the_openapi_document_describes_both_operations(client):
    document = client.get("/api/v1/openapi.json").json()
    listing_op = document["paths"]["/api/v1/projects/{id}/documents"]["get"]
    assert listing_op["operationId"] == "project_documents_list"
    assert {p["name"] for p in listing_op["parameters"]} >= {"id", "limit", "offset", "removed"}
    download = document["paths"]["/api/v1/project_documents/{id}/download"]["get"]
    content = download["responses"]["200"]["content"]
    assert "application/pdf" in content and "image/jpeg" in content
    assert content["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert {"404", "401"} <= set(download["responses"])


@pytest.fixture
def keep_connection():
    """As in test_openapi_fuzz: inside a test transaction the WSGI handler must not close the
    database connection after each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_real_answers_conform_to_the_openapi_document(keep_connection, world):
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from duikou.wsgi import application

    project = world["project"]
    document = add(project, actor=world["writer"])
    removed = add(project, data=PDF + b"x", name="旧.pdf")
    project_document_remove(document=removed, reason="重复", actor=world["writer"])
    raw = api_token_create(user=world["auditor"], name="测试")[1]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    listing_op = schema["/api/v1/projects/{id}/documents"]["GET"]
    download = schema["/api/v1/project_documents/{id}/download"]["GET"]
    cases = [
        listing_op.Case(path_parameters={"id": project.pk}),
        listing_op.Case(path_parameters={"id": project.pk}, query={"removed": "true"}),
        download.Case(path_parameters={"id": document.pk}),
        download.Case(path_parameters={"id": removed.pk}),
        download.Case(path_parameters={"id": removed.pk + 100}),
    ]
    for case in cases:
        response = case.call(headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code in (200, 404)
        case.validate_response(response, checks=checks)


def test_the_list_links_its_pages_newest_first(client, world):
    project = world["project"]
    made = [add(project, data=PDF + str(n).encode(), name=f"文件{n}.pdf") for n in range(5)]
    headers = auth(world["reader"])
    first = listing(client, project, headers, "?limit=2").json()
    assert first["count"] == 5 and first["previous"] is None and first["next"].startswith("http")
    seen, page = [], first
    while True:
        seen += [item["id"] for item in page["items"]]
        if not page["next"]:
            break
        page = client.get(page["next"], **headers).json()
    assert seen == [d.pk for d in reversed(made)]
    assert client.get(page["previous"], **headers).json()["items"][0]["id"] == seen[2]
    oldest = listing(client, project, headers, "?ordering=id&limit=1").json()
    assert [item["id"] for item in oldest["items"]] == [made[0].pk]


def test_the_list_filters_by_kind(client, world):
    project = world["project"]
    approval = add(project, data=PDF + b"a", kind=DocumentKind.APPROVAL)
    add(project, data=PDF + b"b", kind=DocumentKind.CONTRACT)
    body = listing(client, project, auth(world["reader"]), "?kind=approval").json()
    assert [item["id"] for item in body["items"]] == [approval.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [("?colour=red", "colour"), ("?kind=poem", "kind"), ("?ordering=title", "ordering")],
)
def test_the_list_refuses_what_it_does_not_document(client, world, query, field):
    response = listing(client, world["project"], auth(world["reader"]), query)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_project_out_of_scope_is_404_before_its_parameters_are_read(client, world):
    response = listing(client, world["project"], auth(world["outsider"]), "?colour=red")
    assert response.status_code == 404


def test_a_writer_uploads_and_removes_a_document_through_the_api(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project, headers = world["project"], auth(world["writer"])
    url = f"/api/v1/projects/{project.pk}/documents"
    upload = SimpleUploadedFile(NAME, PDF, content_type="application/pdf")
    response = client.post(url, {"file": upload, "kind": "approval", "note": "州发改委"}, **headers)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["file_name"], created["kind"], created["uploaded_by"]) == (
        NAME,
        "approval",
        "张三",
    )
    assert [d["id"] for d in listing(client, project, headers).json()["items"]] == [created["id"]]
    # The same file again is refused as on the page, saying why.
    again = SimpleUploadedFile(NAME, PDF, content_type="application/pdf")
    refused = client.post(url, {"file": again}, **headers)
    assert refused.status_code == 422 and "该文件已上传过" in str(refused.json())
    # A program dressed as a PDF is refused by its content.
    fake = SimpleUploadedFile("批复.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    assert client.post(url, {"file": fake}, **headers).status_code == 422
    # A read-only role may not upload at all.
    sneak = SimpleUploadedFile("其他.pdf", PDF + b"%x")
    assert client.post(url, {"file": sneak}, **auth(world["reader"])).status_code == 403
    # Removing needs a reason and the version read.
    gone = f"/api/v1/project_documents/{created['id']}"
    assert client.delete(f"{gone}?reason=重复上传", **headers).status_code == 428
    stale = client.delete(f"{gone}?reason=重复上传&version=9", **headers)
    assert stale.status_code == 409
    assert client.delete(f"{gone}?version=1", **headers).status_code == 422
    done = client.delete(f"{gone}?reason=重复上传&version={created['version']}", **headers)
    assert done.status_code == 204
    assert listing(client, project, headers).json()["items"] == []
    # Someone outside the project's chain cannot even find it.
    assert client.delete(f"{gone}?reason=x&version=2", **auth(world["outsider"])).status_code == 404
