"""Every error under /api/ in one JSON shape, figures written as people write them, and an
OpenAPI document a client generator turns into an installable package."""

import logging
import re
from decimal import Decimal

import pytest
from django.test import Client

from duikou.api.services import api_token_create
from duikou.core import testing as factories
from duikou.policy import SYSTEM
from duikou.projects.models import ProjectDocumentContent
from duikou.projects.services import project_document_add
from duikou.results.models import Indicator, Value

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def auth(user=None) -> dict:
    _token, raw = api_token_create(user=user or factories.user(), name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert isinstance(body["errors"], list)
    assert re.search(r"[\u4e00-\u9fff]", body["detail"]), body["detail"]
    return body


# Errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope",
        "/api/nope",
        "/api/",
        "/api/v1/",
        "/api/v2/projects",
        "/api/v1/projects/1/nope",
    ],
)
def test_an_unknown_address_under_api_answers_404_in_json(client, path):
    body = assert_error_shape(client.get(path, **auth()), 404)
    assert path in body["detail"]


def test_an_unknown_address_without_a_token_is_still_404_in_json(client):
    assert_error_shape(client.post("/api/v1/nope", {}, content_type="application/json"), 404)


def test_the_web_keeps_its_html_error_pages(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    # The token page lives under /api/ but is a web page.
    response = client.get("/api/tokens/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/projects", "GET, POST"),
        ("delete", "/api/v1/projects/1", "GET, PATCH"),
        ("get", "/api/v1/values/1/submit", "POST"),
        ("patch", "/api/v1/fund_transactions/1", "DELETE, GET"),
    ],
)
def test_a_method_the_address_does_not_take_answers_405_in_json_with_allow(
    client, method, path, allowed
):
    response = getattr(client, method)(path, content_type="application/json", **auth())
    body = assert_error_shape(response, 405)
    assert response["Allow"] == allowed
    assert method.upper() in body["detail"]
    assert "、".join(allowed.split(", ")) in body["detail"]


def test_a_server_fault_answers_500_in_json_logged_with_the_request_id(caplog):
    # A document whose stored bytes are gone (the content row was removed behind the
    # service's back): the download cannot be answered, and it is the server's fault.
    project = factories.project(donor_org=factories.donor_org())
    document = project_document_add(
        project=project,
        upload=_upload(),
        title="批复",
        kind="approval",
        actor=SYSTEM,
    )
    ProjectDocumentContent.objects.filter(document=document).delete()
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="duikou.api"):
        response = client.get(
            f"/api/v1/project_documents/{document.pk}/download",
            HTTP_X_REQUEST_ID="req-500-test",
            **auth(),
        )
    body = assert_error_shape(response, 500)
    assert response["X-Request-ID"] == "req-500-test"
    assert "req-500-test" in body["detail"]
    assert "Traceback" not in response.content.decode()
    assert "DoesNotExist" not in response.content.decode()
    records = [r for r in caplog.records if r.name.startswith("duikou.api")]
    assert len(records) == 1
    assert records[0].request_id == "req-500-test"
    assert records[0].exc_info is not None


def _upload():
    from django.core.files.base import ContentFile

    return ContentFile(PDF, name="批复.pdf")


def test_a_body_too_large_answers_400_in_json(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/v1/projects",
        '{"name": "' + "长" * 2000 + '"}',
        content_type="application/json",
        **auth(),
    )
    body = assert_error_shape(response, 400)
    assert "上限" in body["detail"]


def test_the_route_s_own_errors_keep_their_fields(client):
    response = client.get("/api/v1/projects?limit=0", **auth())
    body = assert_error_shape(response, 422)
    assert [e["field"] for e in body["errors"]] == ["limit"]
    response = client.get("/api/v1/projects")
    assert_error_shape(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


# Figures ---------------------------------------------------------------------------------


def _indicator(unit: str) -> Indicator:
    found = Indicator.objects.filter(
        kind=Indicator.Kind.STORED, frequency__in=["year", "any"], unit=unit
    ).first()
    assert found is not None, unit
    return found


def _post_value(client, indicator, org, value, headers, **more):
    body = {"indicator": indicator.code, "org": org.code, "period": "2025", "value": value}
    body.update(more)
    return client.post("/api/v1/values", body, content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("unit", "written", "stored"),
    [
        ("人", "1.2万", Decimal("12000")),
        ("个", "1.2万", Decimal("12000")),
        ("元", "3亿", Decimal("300000000")),
        ("元", "1,200", Decimal("1200")),
        ("人", "１２００", Decimal("1200")),
        ("人", "1.2万人", Decimal("12000")),
        ("元", 12000, Decimal("12000")),
        ("元", "12000.5", Decimal("12000.5")),
        ("元", 0.1, Decimal("0.1")),
        ("人", "1.23456万", Decimal("12345.6")),
        ("人", " 1 200 ", Decimal("1200")),
    ],
)
def test_a_figure_is_read_as_the_importer_reads_it(client, unit, written, stored):
    indicator, org = _indicator(unit), factories.donor_org()
    response = _post_value(client, indicator, org, written, auth())
    assert response.status_code == 201, response.json()
    assert Value.objects.get(indicator=indicator, org=org).value == stored


def test_an_approximate_figure_is_stored_with_the_note_that_it_is_approximate(client):
    indicator, org = _indicator("人"), factories.donor_org()
    response = _post_value(client, indicator, org, "4200余", auth())
    assert response.status_code == 201, response.json()
    value = Value.objects.get(indicator=indicator, org=org)
    assert (value.value, value.comment) == (Decimal("4200"), "约数")


@pytest.mark.parametrize("written", ["abc", "1.2万万", "12e3", "", "1.2 万 abc"])
def test_a_figure_that_cannot_be_read_is_refused_naming_the_field_and_the_text(client, written):
    indicator, org = _indicator("人"), factories.donor_org()
    response = _post_value(client, indicator, org, written, auth())
    body = assert_error_shape(response, 422)
    errors = [e for e in body["errors"] if e["field"] == "value"]
    assert errors, body
    if written:
        assert written in errors[0]["message"]
    assert not Value.objects.filter(indicator=indicator, org=org).exists()


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("0.00001", "小数超过4位"),
        ("99999999999999万亿", "数值过大"),
        (1e30, "数值超出范围"),
        (True, "应为数字"),
        ({"n": 1}, "应为数字"),
        ("1" * 41, "不能超过40个字"),
        ("85%", "“85%”：单位“%”"),
        ("1.2万元", "“1.2万元”：单位“元”"),
    ],
)
def test_a_figure_that_cannot_be_stored_as_meant_is_refused_never_rounded(client, written, said):
    indicator, org = _indicator("人"), factories.donor_org()
    body = assert_error_shape(_post_value(client, indicator, org, written, auth()), 422)
    (error,) = body["errors"]
    assert error["field"] == "value"
    assert said in error["message"], error["message"]
    assert not Value.objects.filter(indicator=indicator, org=org).exists()


def test_what_the_schemas_refuse_is_said_in_chinese(client):
    headers = auth()
    body = assert_error_shape(client.get("/api/v1/projects?limit=abc&year=1", **headers), 422)
    assert {e["field"]: e["message"] for e in body["errors"]} == {
        "limit": "应为整数",
        "year": "不能小于1900",
    }
    response = client.post(
        "/api/v1/value_states",
        {"action": "sign", "items": [{"id": 0}]},
        content_type="application/json",
        **headers,
    )
    body = assert_error_shape(response, 422)
    assert {e["field"]: e["message"] for e in body["errors"]} == {
        "action": "应为以下之一：submit、approve、return、unlock",
        "items.0.id": "不能小于1",
        "items.0.version": "必填",
    }


def test_a_figure_with_wan_for_an_indicator_counted_in_wan_is_refused_not_guessed(client):
    indicator = Indicator.objects.create(
        code="TEST_WANYUAN", name_zh="测试投资额", unit="万元", frequency="any"
    )
    org = factories.donor_org()
    response = _post_value(client, indicator, org, "1.2万", auth())
    assert response.status_code == 422, response.json()
    (error,) = response.json()["errors"]
    assert error["field"] == "value"
    assert "1.2万" in error["message"] and "万元" in error["message"]
    response = _post_value(client, indicator, org, "1.2", auth())
    assert response.status_code == 201, response.json()
    assert Value.objects.get(indicator=indicator, org=org).value == Decimal("1.2")


def test_a_figure_is_corrected_with_a_chinese_unit_too(client):
    indicator, org = _indicator("人"), factories.donor_org()
    headers = auth()
    created = _post_value(client, indicator, org, 100, headers).json()
    response = client.patch(
        f"/api/v1/values/{created['id']}",
        {"value": "2.5万", "version": created["version"]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.json()
    assert Value.objects.get(pk=created["id"]).value == Decimal("25000")
    response = client.patch(
        f"/api/v1/values/{created['id']}",
        {"value": "很多", "version": created["version"] + 1},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "value"
    assert Value.objects.get(pk=created["id"]).value == Decimal("25000")


# The document ----------------------------------------------------------------------------


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json()


def _operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_operation_ids_are_ascii_snake_case_and_unique(document):
    ids = [op["operationId"] for _p, _m, op in _operations(document)]
    assert len(ids) >= 60
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", operation_id), operation_id
    for expected in ("projects_list", "projects_create", "values_create", "values_submit"):
        assert expected in ids


def test_tags_are_ascii_and_described_in_chinese(document):
    described = {t["name"]: t["description"] for t in document["tags"]}
    for _path, _method, operation in _operations(document):
        (tag,) = operation["tags"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", tag), tag
        assert re.search(r"[\u4e00-\u9fff]", described[tag]), tag
        assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), operation["operationId"]
    assert described["projects"] == "援疆项目"


def test_the_title_gives_an_installable_package_name(document):
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9 ]*", document["info"]["title"])
    assert "对口" in document["info"]["description"]


def test_the_value_field_documents_numbers_and_chinese_units(document):
    schema = document["components"]["schemas"]["ValuesIn"]["properties"]["value"]
    kinds = {s["type"] for s in schema["anyOf"]}
    assert {"number", "string"} <= kinds
    assert "1.2万" in schema["examples"]
    assert "可写 1.2万" in schema["description"]


def test_errors_are_documented_with_examples(document):
    error = document["components"]["schemas"]["Error"]
    assert error["examples"][0]["errors"][0]["field"] == "value"
