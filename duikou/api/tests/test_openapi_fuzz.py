"""Fuzz the API against its own OpenAPI document: no server errors, responses as documented."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import InvalidArgument
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from duikou.api.services import api_token_create
from duikou.core import testing as factories
from duikou.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]  # tools/test-sweeps
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request, as in production;
    inside a test transaction it must stay open (Django's test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def fuzz(operation, token: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        case.validate_response(response, checks=CHECKS)

    check()


def test_the_api_conforms_to_its_openapi_document(keep_connection):
    user = factories.user()
    factories.project(donor_org=factories.donor_org())
    _token, raw = api_token_create(user=user, name="fuzz")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            fuzz(operation, raw)
        except InvalidArgument:
            raise
        except Exception as error:  # every operation is tried; all failures are reported
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert operations >= 40
    assert not failures, "\n\n".join(failures[:5])
