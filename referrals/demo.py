"""The tour's referral: Pat agrees to share their contact details with Harborview Health for a
referral, ana refers him to its treatment clinic, and the clinic accepted through its link, so
Pat's portal shows it and mia's dashboard counts it."""

from datetime import date, timedelta

from consent.services import record_consent
from directory.models import Need, Service
from organizations.models import Membership, Organization
from participants.models import Participant
from referrals.models import Referral
from referrals.services import PURPOSE, Answer, partner_answer, send_referral

PROVIDER = "Harborview Health"


def seed(organization: Organization, *, anchor: date) -> int:
    """One referral, once (a second call adds nothing); 0 without ana, Pat or the listing."""
    ana = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=organization, user__username="ana")
        .first()
    )
    pat = Participant.objects.filter(organization=organization, user__username="pat").first()
    clinic = (
        Service.objects.of(organization)
        .active()
        .filter(need=Need.TREATMENT, provider__name=PROVIDER)
        .select_related("provider")
        .first()
    )
    if ana is None or pat is None or clinic is None:
        return 0
    if Referral.objects.filter(organization=organization, participant=pat).exists():
        return 0
    record_consent(
        acting=ana,
        participant=pat,
        values={
            "disclosing_party": organization.name,
            "categories": ["contact"],
            "recipient": PROVIDER,
            "purpose": PURPOSE,
            "expires_on": anchor + timedelta(days=365),
            "signed_on": anchor - timedelta(days=3),
            "signature_method": "typed",
            "signature": pat.preferred_name,
            "revocation_explained": True,
        },
    )
    sent = send_referral(
        acting=ana,
        participant=pat,
        service=clinic,
        need=Need.TREATMENT,
        note="Asking about a same-day start. Prefers a text after 4 pm.",
        categories=["contact"],
    )
    partner_answer(referral=sent.referral, answer=Answer.ACCEPT)
    return 1
