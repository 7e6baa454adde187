"""Consents my coach sends me to sign in my own Cairn, and my own accounting of what was shared."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from consent.models import Consent, Disclosure
from participants.models import Participant

pytestmark = pytest.mark.django_db

HOUSING = "Harbor Housing Office"


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _sent_to_pat(demo: DemoWorld, client_for) -> Consent:
    """ana prepares a consent and sends it to Pat to sign in Cairn, through the staff form."""
    pat = _pat(demo)
    response = client_for("ana").post(
        f"/consent/participant/{pat.id}/new/",
        {
            "disclosing_party": "Harbor Recovery Community",
            "categories": ["attendance", "contact"],
            "recipient": HOUSING,
            "purpose": "Housing application",
            "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "signature_method": "portal",
        },
    )
    assert response.status_code == 302
    (consent,) = [c for c in Consent.objects.filter(participant=pat) if c.recipient == HOUSING]
    return consent


def _sign(client, consent: Consent, **data: object):
    values: dict[str, object] = {
        "answer": "signed",
        "signature_method": "typed",
        "signature": "Pat Rivera",
        "understood": "on",
    }
    values.update(data)
    return client.post(f"/me/record/consents/{consent.id}/", values)


def test_pat_sees_the_waiting_consent_on_home_and_record_and_reads_it(demo, client_for) -> None:
    consent = _sent_to_pat(demo, client_for)
    pat = client_for("pat")
    home = pat.get("/me/").content.decode()
    assert "Your coach asked you to look at a consent" in home
    assert f'href="/me/record/consents/{consent.id}/"' in home
    record = pat.get("/me/record/").content.decode()
    assert "Read it and answer" in record and "Waiting for signature" in record
    page = pat.get(f"/me/record/consents/{consent.id}/").content.decode()
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    for words in (HOUSING, "Housing application", "Attendance", "You can stop it", "Sign it"):
        assert words in page
    assert "taken back" in page and "Not now" in page and "I do not agree" in page
    assert 'name="signature"' in page and "data-signature-pad" in page


def test_signing_by_typing_makes_it_active_today_audited_as_pat(demo, client_for) -> None:
    consent = _sent_to_pat(demo, client_for)
    response = _sign(client_for("pat"), consent)
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.status() == "active" and consent.signed_on == timezone.localdate()
    assert (consent.signature, consent.signature_method, consent.answer) == (
        "Pat Rivera",
        "typed",
        "signed",
    )
    event = AuditEvent.objects.filter(target_id=str(consent.id), action=Action.UPDATE).get()
    assert event.actor == demo.users["pat"] and event.role == "participant"
    page = client_for("pat").get(response["Location"]).content.decode()
    assert "You signed this on" in page and "Stop sharing with" in page


def test_signing_by_drawing_keeps_the_drawing(demo, client_for) -> None:
    consent = _sent_to_pat(demo, client_for)
    _sign(
        client_for("pat"),
        consent,
        signature_method="drawn",
        signature="",
        signature_drawing="M 10 10 L 50 60 L 90 20",
    )
    consent.refresh_from_db()
    assert consent.signature_method == "drawn" and consent.status() == "active"
    assert consent.signature_drawing == "M 10 10 L 50 60 L 90 20"
    assert consent.signature == "Pat"  # their preferred name stands beside the drawing


def test_signing_needs_a_name_and_the_box_ticked(demo, client_for) -> None:
    consent = _sent_to_pat(demo, client_for)
    page = _sign(client_for("pat"), consent, signature="", understood="").content.decode()
    assert "Type your name to sign." in page and "Please tick this box to sign." in page
    page = _sign(client_for("pat"), consent, signature_method="drawn", signature="").content
    assert "Draw in the box, or choose to type your name instead." in page.decode()
    consent.refresh_from_db()
    assert consent.status() == "waiting"


@pytest.mark.parametrize(
    ("answer", "coach_sees"), [("declined", "does not agree"), ("not_now", "said not now")]
)
def test_not_now_and_no_are_recorded_and_the_coach_sees_them(
    demo, client_for, answer: str, coach_sees: str
) -> None:
    consent = _sent_to_pat(demo, client_for)
    client_for("pat").post(f"/me/record/consents/{consent.id}/", {"answer": answer})
    consent.refresh_from_db()
    assert consent.answer == answer and consent.status() == "not_signed"
    assert Consent.objects.active().filter(pk=consent.pk).count() == 0
    staff = client_for("ana").get(f"/consent/participant/{consent.participant_id}/")
    assert f"Pat {coach_sees}" in staff.content.decode()
    assert "Your coach asked you" not in client_for("pat").get("/me/").content.decode()


def test_a_consent_is_signed_only_once(demo, client_for) -> None:
    consent = _sent_to_pat(demo, client_for)
    pat = client_for("pat")
    _sign(pat, consent)
    signed_at = Consent.objects.get(pk=consent.pk).answered_at
    again = _sign(pat, consent, signature="Someone else")
    assert again.status_code == 302
    page = pat.get(again["Location"]).content.decode()
    assert "already answered" in page and "Sign it" not in page
    consent.refresh_from_db()
    assert consent.signature == "Pat Rivera" and consent.answered_at == signed_at
    pat.post(f"/me/record/consents/{consent.id}/", {"answer": "declined"})
    consent.refresh_from_db()
    assert consent.answer == "signed"


def test_a_withdrawn_request_shows_a_calm_message_and_cannot_be_signed(demo, client_for) -> None:
    consent = _sent_to_pat(demo, client_for)
    client_for("ana").post(f"/consent/{consent.id}/revoke/", {"note": "Sent by mistake"})
    pat = client_for("pat")
    page = pat.get(f"/me/record/consents/{consent.id}/").content.decode()
    assert "Your coach took this back" in page and "Sign it" not in page
    _sign(pat, consent)
    consent.refresh_from_db()
    assert consent.answer == "" and consent.signed_on is None


def test_a_consent_past_its_end_date_cannot_be_signed(demo, client_for) -> None:
    consent = _sent_to_pat(demo, client_for)
    Consent.objects.filter(pk=consent.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    pat = client_for("pat")
    page = pat.get(f"/me/record/consents/{consent.id}/").content.decode()
    assert "Sign it" not in page and "can't be signed any more" in page
    _sign(pat, consent)
    assert Consent.objects.get(pk=consent.pk).answer == ""


def test_another_participants_consent_is_not_found(demo, client_for) -> None:
    consent = _sent_to_pat(demo, client_for)
    other = (
        Participant.objects.filter(organization=consent.organization, user__isnull=True)
        .exclude(pk=consent.participant_id)
        .first()
    )
    assert other is not None
    Consent.objects.filter(pk=consent.pk).update(participant=other)
    assert client_for("pat").get(f"/me/record/consents/{consent.id}/").status_code == 404
    assert _sign(client_for("pat"), consent).status_code == 404


def _disclosure(consent: Consent, participant: Participant, recipient: str, user) -> Disclosure:
    return Disclosure.objects.create(
        organization=participant.organization,
        participant=participant,
        consent=consent,
        legal_basis="consent",
        recipient=recipient,
        purpose="Coordinating care",
        categories=["attendance"],
        disclosed_by=user,
        document_sha256="0" * 64,
    )


def test_my_accounting_csv_has_only_my_rows_with_the_managers_columns(demo, client_for) -> None:
    pat = _pat(demo)
    other = Participant.objects.filter(organization=pat.organization).exclude(pk=pat.pk).first()
    assert other is not None
    _disclosure(None, pat, "Pat's clinic", demo.users["ana"])  # type: ignore[arg-type]
    old = timezone.now() - timedelta(days=3 * 365 + 30)
    shelter = _disclosure(None, pat, "Old shelter", demo.users["ana"])  # type: ignore[arg-type]
    Disclosure.objects.filter(pk=shelter.pk).update(disclosed_at=old)
    _disclosure(None, other, "Someone else's clinic", demo.users["ana"])  # type: ignore[arg-type]
    response = client_for("pat").get("/me/record/disclosures.csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    manager = client_for("mia").get(f"/consent/participant/{pat.id}/accounting.csv")
    assert rows[0] == next(csv.reader(io.StringIO(manager.content.decode("utf-8-sig"))))
    recipients = sorted(row[1] for row in rows[1:])
    assert recipients == ["Old shelter", "Pat's clinic"]
    page = client_for("pat").get("/me/record/").content.decode()
    assert 'href="/me/record/disclosures.csv"' in page and "Old shelter" in page


def test_my_pdf_copy_is_audited_as_an_export_and_leaves_out_drafts(demo, client_for, settings):
    settings.CAIRN_PDF_COMPRESS = False
    settings.CAIRN_PDF_FONT_DIR = "/nonexistent"  # the core font: text is readable in the bytes
    response = client_for("pat").get("/me/record/copy.pdf")
    body = response.content
    assert response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="my-cairn-record.pdf"'
    assert b"What this is" in body and b"Drafts are not in it" in body
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("created_at")
    assert (event.actor, event.target_id) == (demo.users["pat"], "pdf")
