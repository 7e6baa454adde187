"""Demo consents, a disclosure made under one, and an emergency access waiting for review.

Pat is left without any, so the tour can record her consent from the start.
"""

from contextlib import suppress
from datetime import date, timedelta

from django.utils import timezone

from consent.services import DisclosureRefused, disclose, record_consent
from organizations.models import Membership, Organization
from participants.models import EmergencyAccess, Participant
from participants.services import open_in_emergency

RECIPIENT = "Harbor Medical Associates"
PURPOSE = "Coordinating care"


def seed(organization: Organization, *, anchor: date) -> int:
    """Two of ana's people (not Pat) consent to share with a clinic, one share is made, and ben
    once opened one of them in an emergency; mia finds it in her review queue."""
    ana = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=organization, user__username="ana")
        .first()
    )
    ben = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=organization, user__username="ben")
        .first()
    )
    if ana is None or ben is None:
        return 0
    people = list(
        Participant.objects.filter(
            organization=organization, coach=ana.user, user__isnull=True
        ).order_by("enrolled_on", "id")[:2]
    )
    for index, person in enumerate(people):
        record_consent(
            acting=ana,
            participant=person,
            values={
                "disclosing_party": organization.name,
                "categories": ["attendance", "plans"],
                "recipient": RECIPIENT,
                "purpose": PURPOSE,
                "expires_on": anchor + timedelta(days=10 if index == 0 else 200),
                "signed_on": anchor - timedelta(days=60),
                "signature_method": "typed",
                "signature": person.preferred_name,
                "revocation_explained": True,
            },
        )
    if people:
        with suppress(DisclosureRefused):  # an old anchor date leaves no consent active today
            disclose(
                acting=ana,
                participant=people[-1],
                recipient=RECIPIENT,
                purpose=PURPOSE,
                categories=["attendance"],
            )
        grant = open_in_emergency(
            acting=ben,
            participant=people[0],
            reason="Called by the shelter after hours: checking for an emergency contact.",
        )
        ended = timezone.now() - timedelta(days=2)
        EmergencyAccess.objects.filter(pk=grant.pk).update(
            started_at=ended - timedelta(minutes=60), expires_at=ended
        )
    return len(people) + (2 if people else 0)
