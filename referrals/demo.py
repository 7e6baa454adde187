"""The tour's referrals, made by ana through the same services a coach uses:

- Pat to Harborview Health's treatment clinic, accepted through the clinic's link today, so
  Pat's portal shows it and mia's dashboard counts it;
- Pat to a housing help desk eight days ago with no answer yet, so ana's Today asks her to
  follow up (the program gives partners 5 days);
- two of ana's other people: one to a recovery residence that saw them six days after the
  referral, one to a food pantry that declined, so the figures by need and partner show each
  state."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from consent.services import record_consent
from directory.models import Need, Service
from organizations.models import Membership, Organization
from participants.models import Participant
from referrals.models import Referral, ReferralChange
from referrals.services import PURPOSE, Answer, partner_answer, send_referral

PROVIDER = "Harborview Health"


@dataclass(frozen=True)
class Planned:
    who: str  # "pat", or "other" for the next of ana's people in name order
    need: str
    provider: str
    days_ago: int
    answer: str  # an Answer, or "" for none yet
    note: str
    reason: str = ""
    seen_after_days: int = 0


PLANNED = [
    Planned(
        "pat",
        Need.TREATMENT,
        PROVIDER,
        0,
        Answer.ACCEPT,
        "Asking about a same-day start. Prefers a text after 4 pm.",
    ),
    Planned(
        "pat",
        Need.HOUSING,
        "Charm City Housing Alliance",
        8,
        "",
        "Looking for help with a deposit. Best reached by text.",
    ),
    Planned(
        "other",
        Need.HOUSING,
        "Maryland Recovery Homes Network",
        30,
        Answer.SEEN,
        "Ready to move in this month.",
        seen_after_days=6,
    ),
    Planned(
        "other",
        Need.FOOD,
        "Westside Neighbors",
        20,
        Answer.DECLINE,
        "Needs groceries for a family of three.",
        reason="Outside the area we serve.",
    ),
]


def _consent(ana: Membership, person: Participant, recipient: str, anchor: date) -> None:
    record_consent(
        acting=ana,
        participant=person,
        values={
            "disclosing_party": ana.organization.name,
            "categories": ["contact"],
            "recipient": recipient,
            "purpose": PURPOSE,
            "expires_on": anchor + timedelta(days=365),
            "signed_on": anchor - timedelta(days=40),
            "signature_method": "typed",
            "signature": person.preferred_name,
            "revocation_explained": True,
        },
    )


def _backdate(referral: Referral, days: int) -> None:
    """Moves a referral and its changes `days` into the past, as if sent then."""
    if not days:
        return
    shift = timedelta(days=days)
    referral.sent_at -= shift
    fields = ["sent_at"]
    if referral.accepted_at is not None:
        referral.accepted_at -= shift
        fields.append("accepted_at")
    referral.save(update_fields=fields)
    for change in ReferralChange.objects.filter(referral=referral):
        change.changed_at -= shift
        change.save(update_fields=["changed_at"])


def seed(organization: Organization, *, anchor: date) -> int:
    """The referrals above, once (a second call adds nothing); 0 without ana, Pat or the
    listings."""
    ana = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=organization, user__username="ana")
        .first()
    )
    pat = Participant.objects.filter(organization=organization, user__username="pat").first()
    if ana is None or pat is None:
        return 0
    if Referral.objects.filter(organization=organization, participant=pat).exists():
        return 0
    others = list(
        Participant.objects.filter(organization=organization, coach=ana.user)
        .exclude(pk=pat.pk)
        .order_by("name_sort", "id")[:2]
    )
    made = 0
    for plan in PLANNED:
        person = pat if plan.who == "pat" else (others.pop(0) if others else None)
        service = (
            Service.objects.of(organization)
            .active()
            .filter(need=plan.need, provider__name=plan.provider)
            .select_related("provider")
            .first()
        )
        if person is None or service is None:
            continue
        _consent(ana, person, plan.provider, anchor)
        sent = send_referral(
            acting=ana,
            participant=person,
            service=service,
            need=plan.need,
            note=plan.note,
            categories=["contact"],
        )
        if plan.answer:
            seen_on = timezone.localdate() - timedelta(days=plan.days_ago - plan.seen_after_days)
            partner_answer(
                referral=sent.referral,
                answer=plan.answer,
                reason=plan.reason,
                first_service_on=seen_on if plan.answer == Answer.SEEN else None,
            )
        sent.referral.refresh_from_db()
        _backdate(sent.referral, plan.days_ago)
        made += 1
    return made
