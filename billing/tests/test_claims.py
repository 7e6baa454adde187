"""Claims out, as Mia uses them: a batch of one payer's ready lines, each person disclosed under
their consent for payment (or held, with the reason), the 837P and the CSV, only for managers."""

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from audit.models import Action, AuditEvent
from billing import claims as claims_service
from billing import demo as billing_demo
from billing import x12
from billing.claims import ClaimSetupMissing, build_batch, cancel_batch
from billing.models import BatchState, BillableLine, ClaimBatch, LineState, Payer, Reason
from cairn.demo import DemoWorld
from conftest import ANCHOR
from consent.models import Disclosure
from consent.services import matching_consent
from organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def medicaid(demo: DemoWorld) -> Payer:
    billing_demo.seed(demo.organizations["harbor"], anchor=ANCHOR)
    return Payer.objects.get(name=billing_demo.MEDICAID)


def mia(demo: DemoWorld) -> Membership:
    return Membership.objects.select_related("user", "organization").get(
        organization=demo.organizations["harbor"], user=demo.users["mia"]
    )


def ready(payer: Payer) -> Any:
    return BillableLine.objects.filter(payer=payer, state=LineState.READY)


def without_consent(payer: Payer) -> set[Any]:
    people = {line.participant for line in ready(payer).select_related("participant")}
    return {
        person.id
        for person in people
        if matching_consent(
            participant=person,
            recipient=payer.name,
            purpose="payment",
            categories=claims_service.CLAIM_CATEGORIES,
        )
        is None
    }


def test_mia_sees_who_would_be_held_then_builds_a_batch(demo: DemoWorld, client_for, medicaid) -> None:
    held_people = without_consent(medicaid)
    assert held_people, "the demo leaves someone without a consent for payment"
    going = ready(medicaid).exclude(participant__in=held_people).count()
    client = client_for("mia")
    page = client.get("/billing/claims/", {"payer": str(medicaid.id)}).content.decode()
    assert "No consent for payment" in page and "Build the batch" in page
    assert ClaimBatch.objects.count() == 0  # the summary writes nothing
    response = client.post(f"/billing/claims/build/{medicaid.id}/", {"payer": str(medicaid.id)})
    assert response.status_code == 302
    batch = ClaimBatch.objects.get()
    assert response["Location"] == f"/billing/claims/{batch.id}/"
    assert batch.line_count == going and batch.state == BatchState.OPEN
    assert BillableLine.objects.filter(batch=batch, state=LineState.BATCHED).count() == going
    held = BillableLine.objects.filter(participant__in=held_people, payer=medicaid)
    assert {line.reason for line in held.filter(state=LineState.HELD)} == {
        Reason.NO_PAYMENT_CONSENT
    }
    assert not held.filter(batch__isnull=False).exists()
    # One disclosure per person sent, to the payer, for payment; none for the held.
    disclosed = [
        d
        for d in Disclosure.objects.filter(disclosed_by=demo.users["mia"])
        if d.recipient == medicaid.name and d.purpose == "payment"
    ]
    assert len(disclosed) == batch.people
    assert not {d.participant_id for d in disclosed} & held_people
    assert AuditEvent.objects.filter(
        actor_username="mia", action=Action.EXPORT, target_type="billing.claimbatch"
    ).exists()
    detail = client.get(f"/billing/claims/{batch.id}/").content.decode()
    assert "837P" in detail and 'id="batch-lines"' in detail


def test_the_837p_validates_and_downloads_are_attachments_for_managers_only(
    demo: DemoWorld, client_for, medicaid
) -> None:
    built = build_batch(acting=mia(demo), payer=medicaid)
    assert built.batch is not None
    client = client_for("mia")
    response = client.get(f"/billing/claims/{built.batch.id}/837p/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("ascii")
    assert x12.validate(text) == []
    assert text.count("\nCLM*") == built.batch.line_count
    assert f"*{built.batch.interchange_control:09d}*" in text.splitlines()[0]
    csv_response = client.get(f"/billing/claims/{built.batch.id}/csv/")
    assert csv_response["Content-Disposition"].startswith("attachment;")
    rows = csv_response.content.decode("utf-8-sig").strip().splitlines()
    assert rows[0].startswith("batch,claim,line_control") and len(rows) == built.batch.line_count + 1
    exported = AuditEvent.objects.filter(
        actor_username="mia", action=Action.EXPORT, target_id=str(built.batch.id)
    )
    assert {tuple(e.changed_fields)[0] for e in exported} >= {"format=837", "format=csv"}
    for persona in ("ana", "sam", "max", "rio", "pat"):
        for tail in ("", "837p/", "csv/"):
            got = client_for(persona).get(f"/billing/claims/{built.batch.id}/{tail}")
            assert got.status_code == 404, (persona, tail)
