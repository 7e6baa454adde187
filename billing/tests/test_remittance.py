"""Remittance in, as Mia uses it: an 835 built here answers the 837P of a batch; lines become
paid, denied (with the payer's reason in words) or paid in part, what matches nothing is listed,
and every bad file is refused by name with nothing changed."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.models import Action, AuditEvent
from billing import remit_views, x12, x835
from billing.claims import batch_lines, download_batch
from billing.demo import line_payment
from billing.models import BatchState, BillableLine, ClaimBatch, LineState, Remittance
from billing.tests.conftest import mia
from cairn.demo import DemoWorld
from conftest import ANCHOR
from organizations.models import Membership

pytestmark = pytest.mark.django_db


def lines_of(batch: ClaimBatch) -> list[BillableLine]:
    return list(batch_lines(batch))


def pay(
    line: BillableLine,
    *,
    paid: Decimal | None = None,
    units: int | None = None,
    adjustments: list[x835.Adjustment] | None = None,
    status: str = "1",
) -> x835.ClaimPayment:
    return line_payment(
        line,
        payer_claim_number=f"PCN{line.pk.hex[:8]}",
        paid=paid,
        units=units,
        adjustments=adjustments,
        status=status,
    )


def remit_file(claims: list[x835.ClaimPayment], *, trace: str = "EFT0001") -> bytes:
    remit = x835.Remit(
        trace_number=trace,
        payer_name="Commonwealth Medicaid",
        total=sum((c.paid for c in claims), Decimal("0")),
        paid_on=ANCHOR,
        claims=claims,
    )
    text = x835.write_835(
        x835.RemitFile(
            remit, 17, datetime(2026, 12, 2, 10, 0, tzinfo=UTC), "DEMO01", "HARBORRCO", "Harbor"
        )
    )
    assert x12.validate(text) == []
    return text.encode("ascii")


def upload(client: Client, content: bytes, name: str = "payment.835") -> Any:
    return client.post(
        "/billing/remittances/", {"remittance": SimpleUploadedFile(name, content)}, follow=False
    )


def states(batch: ClaimBatch) -> dict[Any, tuple[str, Any]]:
    return {
        line.pk: (line.state, line.paid_amount) for line in BillableLine.objects.filter(batch=batch)
    }


def answer_of_four(lines: list[BillableLine]) -> list[x835.ClaimPayment]:
    """Paid in full; denied for no authorization; one unit short; a claim that is not ours."""
    first, second, third = lines[0], lines[1], lines[2]
    short = max(third.units - 1, 0)
    stranger = replace(pay(first), claim="NOTOURS0000000000000", services=[])
    return [
        pay(first),
        pay(
            second,
            paid=Decimal("0"),
            units=0,
            status="4",
            adjustments=[x835.Adjustment("CO", "197", second.amount)],
        ),
        pay(
            third,
            paid=third.amount - Decimal("1.00"),
            units=short if short else third.units,
            adjustments=[x835.Adjustment("CO", "45", Decimal("1.00"))],
        ),
        stranger,
    ]


def test_the_837p_and_an_835_built_here_make_paid_denied_and_partly_paid_lines(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    text = download_batch(acting=mia(demo), batch=batch, fmt="837").content.decode("ascii")
    assert x12.validate(text) == []
    lines = lines_of(batch)
    client = client_for("mia")
    response = upload(client, remit_file(answer_of_four(lines)))
    assert response.status_code == 302
    made = Remittance.objects.get()
    assert response["Location"] == f"/billing/remittances/{made.id}/"
    first, second, third = (BillableLine.objects.get(pk=line.pk) for line in lines[:3])
    assert first.state == LineState.PAID and first.paid_amount == first.amount
    assert first.paid_units == first.units and first.remittance == made
    assert second.state == LineState.DENIED and second.adjustments == "CO-197"
    assert second.paid_units == 0
    assert third.state == LineState.ADJUSTED and third.paid_amount == third.amount - 1
    assert third.adjustments == "CO-45"
    # The rest of the batch is still waiting for the payer's answer.
    assert BillableLine.objects.filter(batch=batch, state=LineState.BATCHED).count() == (
        len(lines) - 3
    )
    assert (made.paid_lines, made.denied_lines, made.adjusted_lines) == (1, 1, 1)
    assert made.file_name == "payment.835" and made.imported_by == demo.users["mia"]
    assert [item["claim"] for item in made.unmatched] == ["NOTOURS0000000000000"]
    assert ClaimBatch.objects.get(pk=batch.pk).state == BatchState.SENT
    assert AuditEvent.objects.filter(
        actor_username="mia", action=Action.CREATE, target_type="billing.remittance"
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "No prior authorization, or it was not on the claim" in page
    assert "The charge is above the payer&#x27;s fee schedule" in page
    assert "NOTOURS0000000000000" in page and "No claim of the program has this number" in page
    assert AuditEvent.objects.filter(
        actor_username="mia", action=Action.VIEW, target_id=str(made.id)
    ).exists()


def test_a_code_we_do_not_list_is_shown_by_its_number(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    line = lines_of(batch)[0]
    denial = pay(
        line, paid=Decimal("0"), units=0, adjustments=[x835.Adjustment("CO", "999", line.amount)]
    )
    assert upload(client_for("mia"), remit_file([denial])).status_code == 302
    page = client_for("mia").get(f"/billing/lines/{line.id}/").content.decode()
    assert "Reason code 999" in page


def _refused(client: Client, content: bytes, batch: ClaimBatch, name: str = "x.835") -> str:
    before = states(batch), Remittance.objects.count()
    response = upload(client, content, name)
    assert response.status_code == 400
    assert (states(batch), Remittance.objects.count()) == before, "nothing may change"
    page = response.content.decode()
    return page[page.index('id="form-errors"') :]


def test_a_malformed_file_is_refused_naming_the_segment(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    good = remit_file([pay(line) for line in lines_of(batch)]).decode()
    broken = good.replace("CLP*", "CLP*X*Y*zz*", 1).encode()
    page = _refused(client_for("mia"), broken, batch)
    assert "Segment CLP, line 13" in page
    page = _refused(client_for("mia"), b"this is not an X12 file at all", batch)
    assert "Segment ISA, line 1" in page


def test_an_837_sent_in_place_of_an_835_is_refused(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    claims = download_batch(acting=mia(demo), batch=batch, fmt="837").content
    page = _refused(client_for("mia"), claims, batch)
    assert "Segment ST, line 3" in page and "not an 835" in page


def test_another_organizations_835_is_refused(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    from organizations.models import Role

    riverside = demo.organizations["riverside"]
    manager = demo.users["rio"]
    Membership.objects.filter(user=manager, organization=riverside).update(role=Role.MANAGER)
    content = remit_file([pay(line) for line in lines_of(batch)])
    page = _refused(client_for("rio"), content, batch)
    assert "Segment CLP, line 13" in page and "another organization" in page


def test_a_file_imported_twice_or_its_payment_again_is_refused(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    lines = lines_of(batch)
    content = remit_file([pay(lines[0])])
    client = client_for("mia")
    assert upload(client, content).status_code == 302
    page = _refused(client, content, batch)
    assert "This file was already imported" in page
    again = remit_file([pay(lines[1])])  # another file, the same trace number
    page = _refused(client, again, batch)
    assert "Segment TRN, line 5" in page and "EFT0001 was already imported" in page
    assert Remittance.objects.count() == 1


def test_paying_more_units_than_were_billed_is_refused(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    lines = lines_of(batch)
    content = remit_file([pay(lines[0]), pay(lines[1], units=lines[1].units + 1)])
    page = _refused(client_for("mia"), content, batch)
    assert "Segment SVC, line 19" in page
    assert f"{lines[1].units + 1} units, but {lines[1].units} were billed" in page


def test_a_large_file_or_another_kind_of_file_is_refused(
    demo: DemoWorld, client_for, batch: ClaimBatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = remit_file([pay(line) for line in lines_of(batch)])
    page = _refused(client_for("mia"), content, batch, name="payment.pdf")
    assert "Choose the 835 file" in page
    page = _refused(client_for("mia"), "ISA*é".encode() + b" " * 200, batch)
    assert "not X12 text" in page
    monkeypatch.setattr(remit_views.RemittanceUploadHandler, "limit", 100)
    page = _refused(client_for("mia"), content, batch)
    assert "larger than 5 MB" in page


def test_the_demo_test_835_pays_some_lines_and_denies_one(
    demo: DemoWorld, client_for, batch: ClaimBatch, settings
) -> None:
    client = client_for("mia")
    page = client.get(f"/billing/claims/{batch.id}/").content.decode()
    assert "Download a test 835 for this batch" in page
    response = client.get(f"/billing/claims/{batch.id}/test-835/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == client.get(f"/billing/claims/{batch.id}/test-835/").content
    assert upload(client, response.content, "test.835").status_code == 302
    counts = {
        state: BillableLine.objects.filter(batch=batch, state=state).count()
        for state in (LineState.PAID, LineState.DENIED, LineState.ADJUSTED, LineState.BATCHED)
    }
    assert counts[LineState.DENIED] == 1 and counts[LineState.BATCHED] == 0
    assert counts[LineState.PAID] >= 1
    assert ClaimBatch.objects.get(pk=batch.pk).state == BatchState.CLOSED
    settings.CAIRN_DEMO = False
    assert client.get(f"/billing/claims/{batch.id}/test-835/").status_code == 404
    assert "test 835" not in client.get(f"/billing/claims/{batch.id}/").content.decode()


def test_only_the_organizations_managers_open_an_import(
    demo: DemoWorld, client_for, batch: ClaimBatch
) -> None:
    assert upload(client_for("mia"), remit_file([pay(lines_of(batch)[0])])).status_code == 302
    made = Remittance.objects.get()
    for persona in ("ana", "ben", "sam", "max", "rio", "pat"):
        response = client_for(persona).get(f"/billing/remittances/{made.id}/")
        assert response.status_code == 404, persona
    for persona in ("ana", "sam", "max"):
        assert client_for(persona).get("/billing/remittances/").status_code == 403
