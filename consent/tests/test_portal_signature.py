"""A consent prepared by the coach and signed in the portal; the record as PDF."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from consent.models import Consent, ConsentAnswer
from consent.services import DisclosureRefused, answer_consent, disclose, record_consent
from organizations.models import Membership
from participants.models import Participant

CLINIC = "Harbor Medical Associates"


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def _membership(demo: DemoWorld, username: str) -> Membership:
    return Membership.objects.get(user=demo.users[username])


def _waiting(demo: DemoWorld) -> Consent:
    return record_consent(
        acting=_membership(demo, "ana"),
        participant=_pat(demo),
        values={
            "disclosing_party": "Harbor",
            "categories": ["attendance"],
            "recipient": CLINIC,
            "purpose": "Coordinating care",
            "expires_on": timezone.localdate() + timedelta(days=30),
            "signature_method": "portal",
        },
    )


def test_the_form_offers_sending_to_pat_only_when_they_have_a_portal_account(
    demo, client_for
) -> None:
    pat = _pat(demo)
    page = client_for("ana").get(f"/consent/participant/{pat.id}/new/").content.decode()
    assert "Send to Pat to sign in Cairn" in page
    other = Participant.objects.filter(coach=demo.users["ana"], user__isnull=True).first()
    assert other is not None
    page = client_for("ana").get(f"/consent/participant/{other.id}/new/").content.decode()
    assert "to sign in Cairn" not in page
    response = client_for("ana").post(
        f"/consent/participant/{other.id}/new/",
        {
            "disclosing_party": "Harbor",
            "categories": ["attendance"],
            "recipient": CLINIC,
            "purpose": "Care",
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "signature_method": "portal",
        },
    )
    assert response.status_code == 200 and not Consent.objects.filter(participant=other).exists()


def test_a_waiting_consent_is_not_in_force_and_disclose_refuses_it(demo) -> None:
    consent = _waiting(demo)
    assert consent.status() == "waiting" and consent.signed_on is None
    assert not Consent.objects.active().filter(pk=consent.pk).exists()
    with pytest.raises(DisclosureRefused):
        disclose(
            acting=_membership(demo, "ana"),
            participant=consent.participant,
            recipient=CLINIC,
            purpose="Coordinating care",
            categories=["attendance"],
        )


def test_overview_and_list_say_it_waits_for_pats_signature(demo, client_for) -> None:
    consent = _waiting(demo)
    ana = client_for("ana")
    overview = ana.get(f"/participants/{consent.participant_id}/").content.decode()
    assert "waiting for Pat's signature" in overview
    listing = ana.get(f"/consent/participant/{consent.participant_id}/").content.decode()
    assert "waiting for Pat's signature" in listing and "Withdraw the request" in listing


def test_once_signed_it_is_in_force_and_shows_on_anas_today(demo, client_for) -> None:
    consent = _waiting(demo)
    answer_consent(
        acting=_membership(demo, "pat"),
        consent=consent,
        answer=ConsentAnswer.SIGNED,
        signature="Pat",
    )
    document = disclose(
        acting=_membership(demo, "ana"),
        participant=consent.participant,
        recipient=CLINIC,
        purpose="Coordinating care",
        categories=["attendance"],
    )
    assert document.disclosure.consent_id == consent.id
    today = client_for("ana").get("/today/").content.decode()
    assert "Pat signed a consent" in today and CLINIC in today
    assert "Pat signed a consent" not in client_for("ben").get("/today/").content.decode()
    event = AuditEvent.objects.filter(target_id=str(consent.id), action=Action.UPDATE).get()
    assert event.actor == demo.users["pat"]


def test_staff_pdf_has_every_section_in_unicode_with_the_persons_name(demo, client_for, settings):
    settings.CAIRN_PDF_COMPRESS = False
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(preferred_name="Zoë Nguyễn")
    _waiting(demo)
    response = client_for("ana").get(f"/consent/participant/{pat.id}/record.pdf")
    body = response.content
    assert response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert b"DejaVuSans" in body  # the Unicode font is embedded
    # Section headings are in the PDF outline (bookmarks), so readers can jump to them.
    for heading in (b"What this is", b"About you", b"Contacts and notes", b"Consents"):
        assert b"/Title (" + heading + b")" in body
    assert "Zoë Nguyễn".encode("utf-16-be").hex().encode() in body  # in the document title
    assert b"could not be shown" not in body
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("created_at")
    assert (event.actor, event.target_id) == (demo.users["ana"], "pdf")


def test_without_the_unicode_font_the_pdf_says_some_characters_are_missing(
    demo, client_for, settings, tmp_path
) -> None:
    settings.CAIRN_PDF_COMPRESS = False
    settings.CAIRN_PDF_FONT_DIR = str(tmp_path)  # an empty folder: the core font is used
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(preferred_name="Zoë Nguyễn")
    body = client_for("ana").get(f"/consent/participant/{pat.id}/record.pdf").content
    assert body.startswith(b"%PDF") and b"DejaVu" not in body
    assert b"could not be shown" in body and b"HTML" in body
    assert "Zoë Nguy?n".encode("latin-1") in body  # ë is Latin-1; ễ is not
    assert b"Page 1 of" in body and b"What this is" in body
