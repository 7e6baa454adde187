"""Part 2: what leaves to an outside recipient goes through `consent.services.disclose`, carries
the labels and the redisclosure notice, and without a matching consent is refused with nothing
written. Tokens will carry the recipient; here the caller is given one directly."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cairn.demo import DemoWorld
from consent.models import Consent, Disclosure
from consent.services import record_consent
from fhir_r4 import views
from fhir_r4.access import FhirAccess
from fhir_r4.validation import parsed, round_trip
from organizations.models import Membership
from participants.models import Participant

CLINIC = "Harbor Medical Associates"
PURPOSE = "Coordinating care"


@pytest.fixture
def pat(demo: DemoWorld) -> Participant:
    return demo.users["ana"].caseload.get(preferred_name="Pat")


@pytest.fixture
def ana(demo: DemoWorld) -> Membership:
    return Membership.objects.select_related("user", "organization").get(user=demo.users["ana"])


@pytest.fixture
def as_clinic(monkeypatch, ana: Membership) -> FhirAccess:
    """The clinic's caller, as a token naming it as recipient will be."""
    access = FhirAccess(membership=ana, recipient=CLINIC, purpose=PURPOSE)
    monkeypatch.setattr(views, "resolve_access", lambda request: access)
    return access


def _consent(ana: Membership, pat: Participant, categories: list[str]) -> Consent:
    return record_consent(
        acting=ana,
        participant=pat,
        values={
            "disclosing_party": "Harbor Recovery Community",
            "categories": categories,
            "recipient": CLINIC,
            "purpose": PURPOSE,
            "expires_on": timezone.localdate() + timedelta(days=90),
            "signed_on": timezone.localdate(),
            "signature_method": "typed",
            "signature": "Pat",
            "revocation_explained": True,
        },
    )


def _body(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(response.content)
    return body


def test_without_a_consent_the_clinic_is_refused_in_plain_words_and_nothing_is_written(
    client, pat, as_clinic
) -> None:
    events = AuditEvent.objects.count()
    for url in (f"/fhir/r4/Patient/{pat.id}", f"/fhir/r4/Goal?patient={pat.id}"):
        response = client.get(url)
        assert response.status_code == 403
        issue = _body(response)["issue"][0]
        assert issue["code"] == "forbidden"
        assert "No active consent from this participant covers sharing" in issue["details"]["text"]
        assert "Pat" not in response.content.decode()
    assert not Disclosure.objects.filter(participant=pat).exists()
    assert AuditEvent.objects.count() == events


def test_a_consent_for_plans_lets_the_plan_out_labelled_with_the_notice_and_accounted(
    client, pat, ana, as_clinic
) -> None:
    _consent(ana, pat, ["plans"])
    response = client.get(f"/fhir/r4/Goal?patient={pat.id}")
    assert response.status_code == 200
    bundle = round_trip(_body(response))
    goals = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "match"]
    assert goals
    for goal in goals:
        codes = {c["code"] for c in goal["meta"]["security"]}
        assert codes == {"42CFRPart2", "R", "NORDSCLCD"}
        notice = goal["meta"]["extension"][0]["valueString"]
        assert "42 CFR part 2" in notice and "do not allow you to share it again" in notice
    outcome = [e for e in bundle["entry"] if e["search"]["mode"] == "outcome"]
    assert "42 CFR part 2" in outcome[0]["resource"]["issue"][0]["details"]["text"]
    accounted = Disclosure.objects.get(participant=pat)
    assert (accounted.recipient, accounted.categories) == (CLINIC, ["plans"])
    # The same consent does not cover contact details.
    assert client.get(f"/fhir/r4/Patient/{pat.id}").status_code == 403
    assert Disclosure.objects.filter(participant=pat).count() == 1


def test_contact_notes_go_out_only_under_a_consent_that_covers_them(
    client, pat, ana, as_clinic
) -> None:
    _consent(ana, pat, ["attendance"])
    without = _body(client.get(f"/fhir/r4/Encounter?patient={pat.id}"))
    contacts = [e["resource"] for e in without["entry"] if e["search"]["mode"] == "match"]
    assert contacts and all("text" not in c for c in contacts)
    _consent(ana, pat, ["attendance", "notes"])
    with_notes = _body(client.get(f"/fhir/r4/Encounter?patient={pat.id}"))
    noted = [e["resource"] for e in with_notes["entry"] if e["search"]["mode"] == "match"]
    assert any("text" in c for c in noted)
    assert [
        d.categories for d in Disclosure.objects.filter(participant=pat).order_by("disclosed_at")
    ] == [
        ["attendance"],
        ["attendance", "notes"],
    ]


def test_the_clinic_sees_only_the_consent_that_names_it_as_a_valid_consent(
    client, pat, ana, as_clinic
) -> None:
    mine = _consent(ana, pat, ["plans", "assessments"])
    other = _consent(ana, pat, ["contact"])
    Consent.objects.filter(pk=other.pk).update(recipient="Someone else")
    bundle = round_trip(_body(client.get(f"/fhir/r4/Consent?patient={pat.id}")))
    consents = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "match"]
    assert [c["id"] for c in consents] == [str(mine.id)]
    provision = consents[0]["provision"]
    assert provision["type"] == "permit"
    assert provision["actor"][0]["reference"]["display"] == CLINIC
    assert [c["coding"][0]["code"] for c in provision["code"]] == ["plans", "assessments"]
    assert provision["period"]["start"] == timezone.localdate().isoformat()
    assert consents[0]["status"] == "active"
    parsed(consents[0])


def test_a_revoked_consent_is_inactive_for_staff_and_refuses_the_clinic(
    client, client_for, pat, ana, monkeypatch
) -> None:
    consent = _consent(ana, pat, ["contact"])
    Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
    staff = _body(client_for("ana").get(f"/fhir/r4/Consent?patient={pat.id}"))
    assert [e["resource"]["status"] for e in staff["entry"]] == ["inactive"]
    access = FhirAccess(membership=ana, recipient=CLINIC, purpose=PURPOSE)
    monkeypatch.setattr(views, "resolve_access", lambda request: access)
    assert client.get(f"/fhir/r4/Patient/{pat.id}").status_code == 403
