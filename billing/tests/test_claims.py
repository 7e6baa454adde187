"""Claims out, as Mia uses them: a batch of one payer's ready lines, each person disclosed under
their consent for payment (or held, with the reason), the 837P and the CSV, only for managers."""

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from audit.models import Action, AuditEvent
from billing import claims as claims_service
from billing import demo as billing_demo
from billing import x12
from billing.claims import ClaimSetupMissing, build_batch, cancel_batch
from billing.models import BatchState, BillableLine, ClaimBatch, LineState, Payer, Reason
from billing.tests.conftest import mia
from cairn.demo import DemoWorld
from consent.models import Disclosure
from consent.services import matching_consent

pytestmark = pytest.mark.django_db


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


def test_mia_sees_who_would_be_held_then_builds_a_batch(
    demo: DemoWorld, client_for, medicaid
) -> None:
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
    assert (
        rows[0].startswith("batch,claim,line_control") and len(rows) == built.batch.line_count + 1
    )
    exported = AuditEvent.objects.filter(
        actor_username="mia", action=Action.EXPORT, target_id=str(built.batch.id)
    )
    assert {e.changed_fields[0] for e in exported} >= {"format=837", "format=csv"}
    for persona in ("ana", "sam", "max", "rio", "pat"):
        for tail in ("", "837p/", "csv/"):
            got = client_for(persona).get(f"/billing/claims/{built.batch.id}/{tail}")
            assert got.status_code == 404, (persona, tail)


def test_building_again_finds_nothing_and_a_batched_line_cannot_be_ready(
    demo: DemoWorld, medicaid
) -> None:
    first = build_batch(acting=mia(demo), payer=medicaid)
    assert first.batch is not None
    second = build_batch(acting=mia(demo), payer=medicaid)
    assert second.batch is None and ClaimBatch.objects.count() == 1
    line = BillableLine.objects.filter(batch=first.batch).first()
    assert line is not None
    # The database itself refuses a line that is both in a batch and ready for another.
    with pytest.raises(IntegrityError), transaction.atomic():
        BillableLine.objects.filter(pk=line.pk).update(state=LineState.READY)


def test_a_cancelled_batch_built_again_keeps_its_control_numbers(demo: DemoWorld, medicaid) -> None:
    acting = mia(demo)
    first = build_batch(acting=acting, payer=medicaid)
    assert first.batch is not None
    numbers = (first.batch.interchange_control, first.batch.group_control)
    text = x12.write_837p(claims_service.claim_file(first.batch))
    cancel_batch(acting=acting, batch=first.batch)
    assert not BillableLine.objects.filter(batch=first.batch).exists()
    again = build_batch(acting=acting, payer=medicaid)
    assert again.again and again.batch is not None and again.batch.pk == first.batch.pk
    assert (again.batch.interchange_control, again.batch.group_control) == numbers
    assert again.batch.state == BatchState.OPEN
    assert x12.write_837p(claims_service.claim_file(again.batch)) == text  # the same bytes


def test_batches_with_other_content_get_the_next_numbers(demo: DemoWorld, medicaid) -> None:
    acting = mia(demo)
    days = sorted(set(ready(medicaid).values_list("service_date", flat=True)))
    middle = days[len(days) // 2]
    early = build_batch(acting=acting, payer=medicaid, service_until=middle)
    late = build_batch(acting=acting, payer=medicaid, service_from=middle)
    assert early.batch is not None and late.batch is not None
    assert late.batch.interchange_control == early.batch.interchange_control + 1
    assert not BillableLine.objects.filter(batch=early.batch, service_date__gt=middle).exists()


def test_a_failure_in_the_middle_leaves_nothing_written(
    demo: DemoWorld, medicaid, monkeypatch
) -> None:
    before = {
        line.pk: (line.state, line.reason) for line in BillableLine.objects.filter(payer=medicaid)
    }
    disclosures = Disclosure.objects.count()
    calls = {"n": 0}
    real = claims_service.disclose

    def second_fails(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(claims_service, "disclose", second_fails)
    with pytest.raises(RuntimeError):
        build_batch(acting=mia(demo), payer=medicaid)
    assert ClaimBatch.objects.count() == 0
    assert Disclosure.objects.count() == disclosures
    after = {
        line.pk: (line.state, line.reason) for line in BillableLine.objects.filter(payer=medicaid)
    }
    assert after == before


def test_lines_without_a_diagnosis_code_the_payer_needs_are_held(demo: DemoWorld, medicaid) -> None:
    line = ready(medicaid).exclude(authorization=None).select_related("authorization").first()
    assert line is not None and line.authorization is not None
    line.authorization.diagnosis_codes = ""
    line.authorization.save()
    built = build_batch(acting=mia(demo), payer=medicaid)
    assert BillableLine.objects.get(pk=line.pk).reason == Reason.NO_DIAGNOSIS
    assert any(p.reason == Reason.NO_DIAGNOSIS for p in built.held_people)


def test_the_grant_uses_its_code_for_claims_without_a_diagnosis(demo: DemoWorld, medicaid) -> None:
    grant = Payer.objects.get(name=billing_demo.GRANT)
    built = build_batch(acting=mia(demo), payer=grant)
    if built.batch is None:
        pytest.skip("no grant lines in this demo world")
    text = x12.write_837p(claims_service.claim_file(built.batch))
    assert "HI*ABK:Z7189~" in text and "SBR*P*18*******11~" in text
    assert x12.validate(text) == []


def test_a_payer_without_its_claim_details_builds_nothing(demo: DemoWorld, medicaid) -> None:
    medicaid.billing_address = ""
    medicaid.save()
    with pytest.raises(ClaimSetupMissing) as missing:
        build_batch(acting=mia(demo), payer=medicaid)
    assert "billing provider street address" in missing.value.missing
    assert ClaimBatch.objects.count() == 0


def test_mia_cancels_and_marks_sent_and_a_sent_batch_stays(
    demo: DemoWorld, client_for, medicaid
) -> None:
    built = build_batch(acting=mia(demo), payer=medicaid)
    assert built.batch is not None
    client = client_for("mia")
    assert client.post(f"/billing/claims/{built.batch.id}/sent/").status_code == 302
    client.post(f"/billing/claims/{built.batch.id}/cancel/")
    batch = ClaimBatch.objects.get(pk=built.batch.pk)
    assert batch.state == BatchState.SENT
    assert BillableLine.objects.filter(batch=batch).count() == batch.line_count
    page = client.get(f"/billing/claims/{batch.id}/").content.decode()
    assert "already sent or cancelled" in page
    assert client_for("ana").post(f"/billing/claims/{batch.id}/cancel/").status_code == 404


def test_the_claims_page_says_when_there_is_nothing_yet(demo: DemoWorld, client_for) -> None:
    page = client_for("mia").get("/billing/claims/").content.decode()
    assert "No batches yet." in page and "No payers in use yet." in page


def test_the_service_date_range_is_checked(demo: DemoWorld, client_for, medicaid) -> None:
    response = client_for("mia").get(
        "/billing/claims/",
        {"payer": str(medicaid.id), "service_from": "2026-10-01", "service_until": "2026-09-01"},
    )
    assert response.status_code == 400
    assert "The end comes before the start." in response.content.decode()
