"""Reads of consents for other apps' pages: the participant overview's card and Today's lists."""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from consent.models import Consent
from encounters.selectors import BRIEF_PARTICIPANT
from lib.prepared import prepared
from organizations.models import Membership, Organization
from participants.models import Participant
from participants.selectors import own_open_caseload_of

# Today lists a consent this many days before it ends.
CONSENT_NOTICE_DAYS = 14


def named_recipients(*, organization: Organization) -> tuple[list[str], list[str]]:
    """The recipients and the purposes the organization's consents in force name, each once
    (as first written), for a form that must match them. No participant is named."""
    recipients: dict[str, str] = {}
    purposes: dict[str, str] = {}
    for consent in (
        Consent.objects.active().filter(organization=organization).only("recipient", "purpose")
    ):
        recipients.setdefault(consent.recipient.strip().lower(), consent.recipient.strip())
        purposes.setdefault(consent.purpose.strip().lower(), consent.purpose.strip())
    return sorted(recipients.values(), key=str.lower), sorted(purposes.values(), key=str.lower)


def active_consents(*, participant: Participant) -> list[Consent]:
    """The overview's consents: in force, or sent to the person and waiting for their signature."""
    return _active_or_waiting.fetch(
        organization_id=participant.organization_id,
        participant_id=participant.id,
        today=timezone.localdate(),
    )


@prepared
def _active_or_waiting(
    *, organization_id: int, participant_id: uuid.UUID, today: date
) -> QuerySet[Consent]:
    return Consent.objects.active_or_waiting(today).filter(
        organization_id=organization_id, participant_id=participant_id
    )


@prepared
def _expiring(*, organization_id: int, user_id: int, today: date, until: date) -> QuerySet[Consent]:
    people = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    return (
        Consent.objects.active(today)
        .filter(
            organization_id=organization_id,
            participant__in=people.values("id"),
            expires_on__lte=until,
        )
        .select_related("participant")
        .order_by("expires_on")[:50]
    )


def expiring_for_today(*, membership: Membership, today: date) -> list[Any]:
    """The coach's own people whose consent ends within `CONSENT_NOTICE_DAYS`, soonest first
    (prepared)."""
    return _expiring.fetch(
        organization_id=membership.organization_id,
        user_id=membership.user_id,
        today=today,
        until=today + timedelta(days=CONSENT_NOTICE_DAYS),
    )


@prepared
def _answered(*, organization_id: int, user_id: int, since: datetime) -> QuerySet[Consent]:
    people = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    return (
        Consent.objects.filter(
            organization_id=organization_id,
            participant__in=people.values("id"),
            answered_at__gte=since,
        )
        .select_related("participant")
        .defer(*BRIEF_PARTICIPANT)
        .order_by("-answered_at")[:50]
    )


def answered_for_today(*, membership: Membership, today: date) -> list[Any]:
    """Consents sent to sign in the portal that the person (one of the coach's own people)
    signed or answered since yesterday (prepared)."""
    since = datetime.combine(
        today - timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )
    return _answered.fetch(
        organization_id=membership.organization_id, user_id=membership.user_id, since=since
    )


def in_force(*, consent_id: uuid.UUID | None) -> bool:
    """Whether the consent is still in force today (not revoked, not ended): a share made under
    it stops showing anything more once it is not."""
    return consent_id is not None and Consent.objects.active().filter(pk=consent_id).exists()
