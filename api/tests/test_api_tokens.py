"""Who a request with a token is, and every way a token is refused: missing, malformed, unknown,
revoked, expired, waiting for approval, lacking the scope, over its rate limit. Each answer is
JSON that says why, and none says anything about a record."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.access import TokenAccess, token_access
from api.models import ApiToken, TokenKind, UseWindow
from api.services import approve_token, count_use, revoke_token, secret_digest
from api.tests.support import get, make_token, member
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from organizations.access_services import DecisionRefused

URL = "/api/v1/participants"


def _refusal(response, status: int, error: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == error
    assert body["detail"]
    assert "Pat" not in response.content.decode()
    return body


def test_the_secret_is_stored_only_as_its_sha256(demo: DemoWorld) -> None:
    secret, token = make_token()
    assert secret.startswith("cairn_") and len(secret) > 40
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert secret not in str(stored)
    assert stored["secret_hash"] == secret_digest(secret)
    assert stored["prefix"] == secret[:12]


def test_no_header_is_refused_with_how_to_send_one(demo: DemoWorld) -> None:
    response = Client().get(URL)
    body = _refusal(response, 401, "token_missing")
    assert "Authorization" in body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Basic abc",
        "Bearer",
        "Bearer not-a-cairn-token",
        "cairn_abc",
        "Bearer " + "cairn_" + "x" * 300,
    ],
)
def test_a_malformed_header_is_refused(demo: DemoWorld, header: str) -> None:
    _refusal(Client().get(URL, HTTP_AUTHORIZATION=header), 401, "token_malformed")


def test_an_unknown_token_is_refused(demo: DemoWorld) -> None:
    _refusal(get("cairn_" + "A" * 43, URL), 401, "token_unknown")


def test_a_revoked_token_is_refused_from_its_next_request(demo: DemoWorld) -> None:
    secret, token = make_token()
    assert get(secret, URL).status_code == 200
    revoke_token(acting=member(demo, "max"), token=token)
    _refusal(get(secret, URL), 401, "token_revoked")


def test_an_expired_token_is_refused(demo: DemoWorld) -> None:
    secret, token = make_token()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _refusal(get(secret, URL), 401, "token_expired")


def test_a_token_for_participant_records_waits_for_a_second_person(demo: DemoWorld) -> None:
    secret, token = make_token(approver=None)
    body = _refusal(get(secret, URL), 403, "token_waiting_for_approval")
    assert "second person" in body["detail"]
    approve_token(acting=member(demo, "mia"), token=token)
    assert get(secret, URL).status_code == 200


def test_a_directory_only_token_works_at_once(demo: DemoWorld) -> None:
    secret, token = make_token(approver=None, scopes=["directory:read"])
    assert not token.needs_approval
    assert get(secret, "/api/v1/directory/listings").status_code == 200
    _refusal(get(secret, URL), 403, "scope_missing")


@pytest.mark.parametrize(
    ("approver", "reason"),
    [("max", "asked by you"), ("ana", "not an approver")],
)
def test_neither_its_maker_nor_a_coach_can_approve_a_token(
    demo: DemoWorld, approver: str, reason: str
) -> None:
    _secret, token = make_token(approver=None)
    with pytest.raises(DecisionRefused) as refused:
        approve_token(acting=member(demo, approver), token=token)
    assert refused.value.reason == reason


def test_the_person_a_token_acts_as_cannot_approve_it(demo: DemoWorld) -> None:
    _secret, token = make_token(
        approver=None, kind=TokenKind.PERSONAL, person="mia", scopes=["participants:read"]
    )
    with pytest.raises(DecisionRefused) as refused:
        approve_token(acting=member(demo, "mia"), token=token)
    assert refused.value.reason == "your own"


def test_a_missing_scope_names_the_scope(demo: DemoWorld) -> None:
    secret, _token = make_token(scopes=["contacts:read"])
    body = _refusal(get(secret, URL), 403, "scope_missing")
    assert "participants:read" in body["detail"]


def test_making_approving_and_revoking_are_audited(demo: DemoWorld) -> None:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _secret, token = make_token()
    revoke_token(acting=member(demo, "max"), token=token)
    events = [
        (e.action, e.actor_username, e.target_type)
        for e in AuditEvent.objects.filter(pk__gt=last).order_by("pk")
    ]
    assert events == [
        (Action.ACCESS_ASKED, "max", "api.apitoken"),
        (Action.ACCESS_APPROVED, "mia", "api.apitoken"),
        (Action.UPDATE, "max", "api.apitoken"),
    ]


def test_a_revoked_service_token_closes_its_account(demo: DemoWorld) -> None:
    _secret, token = make_token()
    assert token.membership.user.is_active is False  # the service account never signs in
    revoke_token(acting=member(demo, "max"), token=token)
    token.membership.refresh_from_db()
    assert token.membership.is_active is False


def test_the_rate_limit_answers_429_with_retry_after(demo: DemoWorld, settings) -> None:
    settings.CAIRN_API_RATE_PER_MINUTE = 3
    secret, _token = make_token(scopes=["directory:read"])
    statuses = [get(secret, "/api/v1/directory/listings").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = get(secret, "/api/v1/directory/listings")
    body = _refusal(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "3 requests" in body["detail"]


def test_the_count_is_one_row_per_token_and_minute_in_the_database(demo: DemoWorld) -> None:
    """What every worker shares: the count lives in the database, not in a process's memory."""
    _secret, token = make_token(scopes=["directory:read"])
    moment = timezone.now().replace(second=10, microsecond=0)
    counts = [count_use(token=token, now=moment)[0] for _ in range(3)]
    assert counts == [1, 2, 3]
    assert count_use(token=token, now=moment + timedelta(minutes=1))[0] == 1
    assert UseWindow.objects.filter(token=token).count() == 2
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_new_minute_costs_the_same_statements_as_a_counted_one(demo: DemoWorld) -> None:
    """A request's query count does not depend on the clock: the first request of a minute
    (which makes the minute's row and dates the token's last use) makes as many statements as
    the next ones. The benchmark's "as many queries with four times the data" relies on it."""
    _secret, token = make_token(scopes=["directory:read"])
    moment = timezone.now().replace(second=10, microsecond=0)
    statements = []
    for now in (moment, moment + timedelta(seconds=5), moment + timedelta(minutes=1)):
        with CaptureQueriesContext(connection) as captured:
            count_use(token=token, now=now)
        statements.append(len(captured.captured_queries))
    assert statements[0] == statements[1] == statements[2]
    assert UseWindow.objects.get(token=token, minute=moment.replace(second=0)).count == 2
    token.refresh_from_db()
    assert token.last_used_at == moment + timedelta(minutes=1)


def test_token_access_gives_the_organization_the_member_and_the_scopes(demo: DemoWorld) -> None:
    """What FHIR and webhooks build on."""
    from django.test import RequestFactory

    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=["contacts:read"])
    request = RequestFactory().get("/fhir/r4/Patient", HTTP_AUTHORIZATION=f"Bearer {secret}")
    access = token_access(request)
    assert isinstance(access, TokenAccess)
    assert access.organization.slug == "harbor"
    assert access.membership.user.username == "ana"
    assert access.allows("contacts", "read") and not access.allows("contacts", "write")
    assert token_access(RequestFactory().get("/fhir/r4/Patient")) is None


def test_a_token_acts_only_in_its_own_organization(demo: DemoWorld) -> None:
    """Ana also coaches at Riverside: her Harbor token's requests know her Harbor membership
    alone (already read with the token, so not looked up again), never her Riverside one."""
    from django.test import RequestFactory

    from organizations.models import Membership, Organization, Role
    from organizations.selectors import active_memberships

    secret, _token = make_token(kind=TokenKind.PERSONAL, person="ana", scopes=["contacts:read"])
    Membership.objects.create(
        user=demo.users["ana"],
        organization=Organization.objects.get(slug="riverside"),
        role=Role.COACH,
    )
    request = RequestFactory().get("/api/v1/contacts", HTTP_AUTHORIZATION=f"Bearer {secret}")
    access = token_access(request)
    assert access is not None
    with CaptureQueriesContext(connection) as captured:
        memberships = active_memberships(request.user)
    assert [m.organization.slug for m in memberships] == ["harbor"]
    assert memberships == [access.membership] and not captured.captured_queries


def test_a_secret_never_reaches_the_logs(demo: DemoWorld, caplog: Any, settings: Any) -> None:
    settings.DEBUG = True  # ninja's own bearer reader logs a refused header when debugging
    caplog.set_level(logging.DEBUG)
    # Cairn logs refused requests only at ERROR in production; here every line is let through.
    caplog.set_level(logging.DEBUG, logger="django.request")
    secret, token = make_token()
    get(secret, URL)
    get(secret.replace("cairn_", "other_"), URL)
    revoke_token(acting=member(demo, "max"), token=token)
    get(secret, URL)
    assert "Unauthorized" in caplog.text  # Django's request log did write its lines
    assert secret[6:] not in caplog.text
