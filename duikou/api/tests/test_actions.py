"""Voiding and lifecycle changes through the API: the services' rules, reasons, versions
(query, body or If-Match), the history kept, and refusals for callers who may not write."""

from datetime import date

import pytest
from django.test import Client

from duikou.api.services import api_token_create
from duikou.audit.models import ChangeEntry
from duikou.core import testing as factories
from duikou.orgs.models import Membership
from duikou.policy import SYSTEM
from duikou.projects.models import FundTransaction, Project
from duikou.projects.services import fund_transaction_create

pytestmark = pytest.mark.django_db


def client_for(user=None, *, read_only=False) -> Client:
    _token, raw = api_token_create(user=user or factories.user(), name="测试", read_only=read_only)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def transaction_row():
    project = factories.project()
    return fund_transaction_create(
        project=project,
        fund_source="aid",
        kind="release",
        amount="100.00",
        on=date(2025, 4, 1),
        actor=SYSTEM,
    )


def test_a_transaction_is_voided_with_a_reason_and_the_version_read(transaction_row):
    client = client_for()
    path = f"/api/v1/fund_transactions/{transaction_row.pk}"
    etag = client.get(path)["ETag"]
    response = client.delete(f"{path}?reason=重复录入", HTTP_IF_MATCH=etag)
    assert response.status_code == 204, response.content
    assert not FundTransaction.objects.filter(pk=transaction_row.pk).exists()
    entry = ChangeEntry.objects.filter(action="delete").latest("pk")
    assert entry.reason == "重复录入"
    assert client.get(path).status_code == 404


def test_voiding_without_a_reason_or_a_version_or_with_a_stale_one_is_refused(transaction_row):
    client = client_for()
    path = f"/api/v1/fund_transactions/{transaction_row.pk}"
    response = client.delete(f"{path}?version={transaction_row.version}")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    assert client.delete(f"{path}?reason=错").status_code == 428
    response = client.delete(f"{path}?reason=错&version={transaction_row.version + 5}")
    assert response.status_code == 409, response.content
    assert FundTransaction.objects.filter(pk=transaction_row.pk).exists()


def test_a_read_only_token_and_an_outsider_cannot_void(transaction_row):
    path = f"/api/v1/fund_transactions/{transaction_row.pk}?reason=错&version=1"
    assert client_for(read_only=True).delete(path).status_code == 403
    outsider = factories.user(
        role=Membership.Role.SUB_COMMAND,
        organisation=factories.donor_org(parent=factories.donor_province("310000")),
    )
    assert client_for(outsider).delete(path).status_code == 404
    assert FundTransaction.objects.filter(pk=transaction_row.pk).exists()


def test_a_project_moves_to_its_next_status_and_no_further():
    project = factories.project()
    client = client_for()
    path = f"/api/v1/projects/{project.pk}/transition"
    body = {"to_status": "approved", "on": "2025-03-02", "version": project.version}
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Project.objects.get(pk=project.pk).status == "approved"
    assert response["ETag"] == f'"{Project.objects.get(pk=project.pk).version}"'
    body = {"to_status": "operating", "on": "2025-03-03"}
    response = client.post(
        path, body, content_type="application/json", HTTP_IF_MATCH=response["ETag"]
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "status" and "在建" in error["message"]
    stale = {"to_status": "building", "on": "2025-03-04", "version": project.version}
    assert client.post(path, stale, content_type="application/json").status_code == 409


def test_a_deal_advances_a_stage_and_a_skip_needs_a_reason():
    deal = factories.deal()
    client = client_for()
    path = f"/api/v1/deals/{deal.pk}/advance"
    response = client.post(
        path,
        {"to_stage": "producing", "on": "2025-02-01", "version": deal.version},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] in ("reason", "stage")
    response = client.post(
        path,
        {"to_stage": "producing", "on": "2025-02-01", "version": deal.version, "reason": "补录"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "producing"


def test_the_document_lists_the_actions_under_ascii_operation_ids():
    document = client_for().get("/api/v1/openapi.json").json()
    ids = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert {
        "fund_transactions_void",
        "funds_in_place_void",
        "sales_records_void",
        "values_void",
        "projects_transition",
        "deals_advance",
        "organisations_list",
        "rollups_get",
    } <= ids
