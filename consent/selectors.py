"""Reads of consents for other apps' pages: the participant overview's card and Today's lists."""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from consent.models import Consent
from encounters.selectors import BRIEF_PARTICIPANT
from organizations.models import Membership
from participants.models import Participant

# Today lists a consent this many days before it ends.
CONSENT_NOTICE_DAYS = 14


def active_consents(*, participant: Participant) -> list[Consent]:
    """The overview's consents: in force, or sent to the person and waiting for their signature."""
    return list(Consent.objects.active_or_waiting().filter(participant=participant))


def expiring_for_today(
    *, membership: Membership, today: date, people: QuerySet[Participant]
) -> list[Any]:
    """The coach's people whose consent ends within `CONSENT_NOTICE_DAYS`, soonest first."""
    return list(
        Consent.objects.active(today)
        .filter(
            organization=membership.organization,
            participant__in=people.values("id"),
            expires_on__lte=today + timedelta(days=CONSENT_NOTICE_DAYS),
        )
        .select_related("participant")
        .order_by("expires_on")[:50]
    )


def answered_for_today(
    *, membership: Membership, today: date, people: QuerySet[Participant]
) -> list[Any]:
    """Consents sent to sign in the portal that the person signed or answered since yesterday."""
    return list(
        Consent.objects.filter(
            organization=membership.organization,
            participant__in=people.values("id"),
            answered_at__gte=datetime.combine(
                today - timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
            ),
        )
        .select_related("participant")
        .defer(*BRIEF_PARTICIPANT)
        .order_by("-answered_at")[:50]
    )


def in_force(*, consent_id: uuid.UUID | None) -> bool:
    """Whether the consent is still in force today (not revoked, not ended): a share made under
    it stops showing anything more once it is not."""
    return consent_id is not None and Consent.objects.active().filter(pk=consent_id).exists()
