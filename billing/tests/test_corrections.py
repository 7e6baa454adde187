"""Corrections: a line is voided with a reason (kept) and replaced by a line that names it; the
replacement of a claimed line goes out as a replacement claim (837P frequency 7)."""

import pytest

from audit.models import Action, AuditEvent
from billing import x12
from billing.claims import build_batch, claim_number, download_batch
from billing.models import BillableLine, ClaimBatch, LineState
from billing.services import recheck
from billing.tests.conftest import mia
from billing.tests.test_remittance import (
    lines_of,
    pay,
    remit_file,
    upload,
)
from cairn.demo import DemoWorld

pytestmark = pytest.mark.django_db


def test_mia_voids_a_paid_line_and_its_replacement_is_claimed_as_one(
    demo: DemoWorld, client_for, batch: ClaimBatch, medicaid
) -> None:
    client = client_for("mia")
    line = lines_of(batch)[0]
    assert upload(client, remit_file([pay(line)])).status_code == 302
    page = client.get(f"/billing/lines/{line.id}/void/").content.decode()
    assert "Void the line of" in page
    assert BillableLine.objects.get(pk=line.pk).state == LineState.PAID  # asking changes nothing
    response = client.post(
        f"/billing/lines/{line.id}/void/",
        {"reason": "Coded as in person; it was by phone", "replace": "on"},
    )
    assert response.status_code == 302
    original = BillableLine.objects.get(pk=line.pk)
    assert original.state == LineState.VOID and original.voided_by == demo.users["mia"]
    assert original.void_reason == "Coded as in person; it was by phone"
    assert original.paid_amount == line.amount  # what the payer said stays with it
    replacement = BillableLine.objects.get(replaces=original)
    assert replacement.encounter_id == original.encounter_id
    assert replacement.state == LineState.READY
    assert AuditEvent.objects.filter(
        actor_username="mia", action=Action.UPDATE, target_id=str(original.pk)
    ).exists()
    detail = client.get(f"/billing/lines/{replacement.id}/").content.decode()
    assert f"/billing/lines/{original.id}/" in detail
    assert "Coded as in person" in client.get(f"/billing/lines/{original.id}/").content.decode()
    again = build_batch(acting=mia(demo), payer=medicaid)
    assert again.batch is not None
    assert BillableLine.objects.get(pk=replacement.pk).batch == again.batch
    text = download_batch(acting=mia(demo), batch=again.batch, fmt="837").content.decode()
    assert x12.validate(text) == []
    clm = next(s for s in text.splitlines() if s.startswith(f"CLM*{claim_number(replacement)}*"))
    assert ":B:7*" in clm
    assert f"REF*F8*{original.payer_claim_number}~" in text
    others = [s for s in text.splitlines() if s.startswith("CLM*") and s != clm]
    assert all(":B:1*" in s for s in others)


def test_a_line_voided_without_a_replacement_stays_unbilled(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    client = client_for("mia")
    line = lines_of(batch)[0]
    client.post(f"/billing/claims/{batch.id}/sent/")
    response = client.post(f"/billing/lines/{line.id}/void/", {"reason": "Not a billable visit"})
    assert response.status_code == 302
    recheck(acting=mia(demo))
    assert list(
        BillableLine.objects.filter(encounter_id=line.encounter_id).values_list("state", flat=True)
    ) == [LineState.VOID]


def test_a_line_in_a_batch_not_sent_is_not_voided(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    line = lines_of(batch)[0]
    response = client_for("mia").post(
        f"/billing/lines/{line.id}/void/", {"reason": "Wrong code", "replace": "on"}
    )
    assert response.status_code == 400
    assert "cancel the batch instead" in response.content.decode()
    assert BillableLine.objects.get(pk=line.pk).state == LineState.BATCHED
    assert not BillableLine.objects.filter(replaces=line).exists()


def test_only_a_manager_of_the_organization_voids(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    line = lines_of(batch)[0]
    for persona in ("ana", "sam", "max"):
        assert client_for(persona).post(f"/billing/lines/{line.id}/void/").status_code == 403
    assert BillableLine.objects.get(pk=line.pk).state == LineState.BATCHED


def test_a_paid_line_voided_without_a_replacement_goes_to_the_payer_as_a_void(
    demo: DemoWorld, client_for, batch: ClaimBatch, medicaid
) -> None:
    client = client_for("mia")
    line = lines_of(batch)[0]
    assert upload(client, remit_file([pay(line)])).status_code == 302
    client.post(f"/billing/lines/{line.id}/void/", {"reason": "The contact was a text"})
    voided = BillableLine.objects.get(pk=line.pk)
    page = client.get("/billing/claims/", {"payer": str(medicaid.id)}).content.decode()
    assert "Voided lines to send as voids of their claims" in page
    again = build_batch(acting=mia(demo), payer=medicaid)
    assert again.batch is not None
    assert BillableLine.objects.get(pk=line.pk).void_batch == again.batch
    text = download_batch(acting=mia(demo), batch=again.batch, fmt="837").content.decode()
    assert x12.validate(text) == []
    clm = next(s for s in text.splitlines() if s.startswith(f"CLM*{claim_number(voided)}*"))
    assert ":B:8*" in clm and f"REF*F8*{voided.payer_claim_number}~" in text
    assert text.count("\nCLM*") == again.batch.line_count
    # Cancelled, the void waits for the next batch; it is sent once.
    client.post(f"/billing/claims/{again.batch.id}/cancel/")
    assert BillableLine.objects.get(pk=line.pk).void_batch is None
