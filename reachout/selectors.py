"""Reads for reach-out-soon signals: Today's list and a signal's own page."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from encounters.selectors import BRIEF_PARTICIPANT
from organizations.models import Membership
from participants.models import Participant
from reachout.models import Signal
from reachout.services import settings_for

TODAY_LIMIT = 50


@dataclass(frozen=True)
class Waiting:
    """An open signal as Today shows it: with whether it has waited past the window."""

    signal: Signal
    waited_too_long: bool

    @property
    def participant(self) -> Participant:
        return self.signal.participant


def open_for_today(
    *, membership: Membership, today: date, people: QuerySet[Participant]
) -> list[Any]:
    """Signals for the coach's own people not yet acknowledged, oldest first."""
    window = timedelta(minutes=settings_for(membership.organization).acknowledge_within_minutes)
    now = timezone.now()
    rows = (
        Signal.objects.filter(
            organization=membership.organization,
            acknowledged_at__isnull=True,
            participant__in=people.values("id"),
        )
        .select_related("participant")
        .defer("words_found", "response_note", *BRIEF_PARTICIPANT)
        .order_by("raised_at")[:TODAY_LIMIT]
    )
    return [Waiting(row, waited_too_long=now - row.raised_at > window) for row in rows]
