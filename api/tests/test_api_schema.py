"""The API keeps its own contract: schemathesis generates requests for every operation in the
OpenAPI schema (a bounded number each), sends them in-process through the WSGI application with
a working token, and every answer must be no server error and match the schema (status, content
type, headers and body)."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.api import api
from api.models import TokenKind, offered_scopes
from api.tests.support import make_token
from cairn.demo import DemoWorld

# Every check but "schema-valid data is accepted": a cursor is a string to the schema, but only
# one the API signed is taken (a made-up one is a 400 that explains, as it should be).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 12  # per operation: seventeen operations stay near a minute on each database


@pytest.fixture
def api_schema(demo: DemoWorld, settings: Any) -> Iterator[Any]:
    settings.CAIRN_API_RATE_PER_MINUTE = 10_000
    # The WSGI handler closes the database connection after each request; the test's data lives
    # in one open transaction, so keep it open, as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def ana_secret(demo: DemoWorld) -> str:
    """Ana's personal token with every scope: reads her caseload, writes her contacts."""
    every = [name for name, _label in offered_scopes()]
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=every)
    return secret


# Read from the API itself, so a new operation is tested without being listed here.
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items()
    for method in item
)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_answers_without_server_errors_and_as_its_schema_says(
    api_schema: Any, ana_secret: str, method: str, path: str
) -> None:
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {ana_secret}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses.add(response.status_code)

    statuses: set[int] = set()
    check()
    # The token worked (no request was turned away at the door), and a list answered with rows.
    assert 401 not in statuses, statuses
    if "{" not in path and method == "GET":
        assert 200 in statuses, statuses


def test_the_schema_is_openapi_3_1_and_lists_every_operation(demo: DemoWorld) -> None:
    from django.test import Client

    body = Client().get("/api/v1/openapi.json").json()
    assert body["openapi"] == "3.1.0"
    operations = {(method.upper(), path) for path, item in body["paths"].items() for method in item}
    assert operations == {
        ("GET", "/api/v1/participants"),
        ("GET", "/api/v1/participants/{participant_id}"),
        ("GET", "/api/v1/contacts"),
        ("POST", "/api/v1/contacts"),
        ("GET", "/api/v1/contacts/{contact_id}"),
        ("GET", "/api/v1/directory/listings"),
        ("GET", "/api/v1/directory/listings/{listing_id}"),
        ("GET", "/api/v1/consents"),
        ("GET", "/api/v1/consents/{consent_id}"),
        ("GET", "/api/v1/plans"),
        ("GET", "/api/v1/plans/{plan_id}"),
        ("GET", "/api/v1/assessments"),
        ("GET", "/api/v1/assessments/{assessment_id}"),
        ("GET", "/api/v1/appointments"),
        ("GET", "/api/v1/appointments/{appointment_id}"),
        ("GET", "/api/v1/referrals"),
        ("GET", "/api/v1/referrals/{referral_id}"),
    }
