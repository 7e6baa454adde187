"""FHIR with the API's tokens: the same tokens as `/api/v1/`, the same scopes, the same refusals,
answered as OperationOutcomes."""

import json
from typing import Any

import pytest
from django.test import Client

from api.models import TokenKind
from api.services import revoke_token
from api.tests.support import get, make_token, member
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from fhir_r4.validation import parsed
from participants.models import Participant


@pytest.fixture
def pat(demo: DemoWorld) -> Participant:
    return demo.users["ana"].caseload.get(preferred_name="Pat")


def _issue(response: Any) -> str:
    body = json.loads(response.content)
    assert body["resourceType"] == "OperationOutcome"
    text: str = body["issue"][0]["details"]["text"]
    return text


def test_anas_personal_token_reads_pat_as_fhir_and_the_read_is_audited_as_hers(
    demo: DemoWorld, pat: Participant
) -> None:
    secret, _token = make_token(
        kind=TokenKind.PERSONAL,
        person="ana",
        approver="mia",
        scopes=["participants:read", "plans:read"],
    )
    response = get(secret, f"/fhir/r4/Patient/{pat.id}")
    assert response.status_code == 200
    body = json.loads(response.content)
    parsed(body)  # valid FHIR
    assert body["resourceType"] == "Patient" and body["name"][0]["text"] == "Pat"
    assert AuditEvent.objects.filter(
        participant_id=pat.id, actor__username="ana", action=Action.VIEW
    ).exists()
    goals = get(secret, f"/fhir/r4/Goal?patient={pat.id}")
    assert goals.status_code == 200 and json.loads(goals.content)["type"] == "searchset"


def test_a_token_reads_only_what_its_scopes_name(demo: DemoWorld, pat: Participant) -> None:
    secret, _token = make_token(
        kind=TokenKind.PERSONAL, person="ana", approver="mia", scopes=["participants:read"]
    )
    assert get(secret, f"/fhir/r4/Patient/{pat.id}").status_code == 200
    notes = get(secret, f"/fhir/r4/Encounter?patient={pat.id}")
    assert notes.status_code == 403
    assert "may not read Encounter" in _issue(notes)


def test_bens_token_finds_no_pat(demo: DemoWorld, pat: Participant) -> None:
    ben, _token = make_token(kind=TokenKind.PERSONAL, person="ben", approver="mia")
    answer = get(ben, f"/fhir/r4/Patient/{pat.id}")
    assert answer.status_code == 404
    assert b"Pat" not in answer.content


def test_a_revoked_or_malformed_token_is_refused_with_the_reason(
    demo: DemoWorld, pat: Participant
) -> None:
    secret, token = make_token(kind=TokenKind.PERSONAL, person="ana", approver="mia")
    revoke_token(acting=member(demo, "max"), token=token)
    revoked = get(secret, f"/fhir/r4/Patient/{pat.id}")
    assert revoked.status_code == 401 and "revoked" in _issue(revoked)
    malformed = Client().get(f"/fhir/r4/Patient/{pat.id}", HTTP_AUTHORIZATION="Bearer nope")
    assert malformed.status_code == 401 and "not a Cairn API token" in _issue(malformed)


def test_a_personal_token_cannot_start_a_bulk_export(demo: DemoWorld) -> None:
    # Even a supervisor's: program-wide files are taken on the exports page, signed in.
    secret, _token = make_token(kind=TokenKind.PERSONAL, person="sam", approver="mia")
    response = Client().get(
        "/fhir/r4/Patient/$export",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_PREFER="respond-async",
    )
    assert response.status_code == 403
