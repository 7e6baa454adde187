"""Who a consent lets Cairn share with, for what, and every disclosure's recipient, purpose and
reason are ciphertext in the database and read back as written."""

from datetime import timedelta

from django.utils import timezone

from cairn.demo import DemoWorld
from consent.models import Consent, Disclosure
from lib.testing import stored_columns
from participants.models import Participant

CLINIC = "Dr. Haddad, Bayview Methadone Clinic"


def test_consent_and_disclosure_text_is_ciphertext_in_the_database(
    demo: DemoWorld, client_for
) -> None:
    pat = Participant.objects.get(user=demo.users["pat"])
    ana = client_for("ana")
    ana.post(
        f"/consent/participant/{pat.id}/new/",
        {
            "disclosing_party": "Harbor Recovery Community, Lowell office",
            "categories": ["attendance"],
            "recipient": CLINIC,
            "purpose": "Dose coordination after the overdose in March",
            "expires_on": (timezone.localdate() + timedelta(days=180)).isoformat(),
            "expiry_event": "When probation with Officer Lin ends",
            "signed_on": timezone.localdate().isoformat(),
            "signature_method": "typed",
            "signature": "Pat",
            "revocation_explained": "on",
        },
    )
    consent = Consent.objects.get(participant=pat)
    assert consent.recipient == CLINIC
    ana.post(
        f"/consent/participant/{pat.id}/disclose/",
        {
            "recipient": "Bayview ED triage nurse",
            "purpose": "Overdose response",
            "categories": ["attendance"],
            "legal_basis": "medical_emergency",
            "basis_reason": "Unresponsive; ED asked about recent fentanyl use",
        },
    )
    disclosure = Disclosure.objects.get()
    assert disclosure.basis_reason == "Unresponsive; ED asked about recent fentanyl use"
    stored = [
        *stored_columns(
            consent, "disclosing_party", "recipient", "purpose", "expiry_event"
        ).values(),
        *stored_columns(disclosure, "recipient", "purpose", "basis_reason").values(),
    ]
    assert all(value.startswith("enc1:") for value in stored)
    raw = " ".join(stored)
    for secret in ("Bayview", "Haddad", "Lowell", "overdose", "Officer Lin", "fentanyl"):
        assert secret not in raw
