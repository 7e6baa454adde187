"""Reads for reach-out-soon signals: Today's list and a signal's own page."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from encounters.selectors import BRIEF_PARTICIPANT
from organizations.models import Membership
from participants.models import Participant
from reachout.models import DEFAULT_WINDOW_MINUTES, ReachOutSettings, Signal

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
    """Signals for the coach's own people not yet acknowledged, oldest first (one query: the
    organization's window comes along as a subquery)."""
    window = Coalesce(
        Subquery(
            ReachOutSettings.objects.filter(organization=OuterRef("organization")).values(
                "acknowledge_within_minutes"
            )[:1]
        ),
        Value(DEFAULT_WINDOW_MINUTES),
    )
    rows = (
        Signal.objects.filter(
            organization=membership.organization,
            acknowledged_at__isnull=True,
            participant__in=people.values("id"),
        )
        .select_related("participant")
        .defer("words_found", "response_note", *BRIEF_PARTICIPANT)
        .annotate(window_minutes=window)
        .order_by("raised_at")[:TODAY_LIMIT]
    )
    now = timezone.now()
    return [
        Waiting(row, waited_too_long=now - row.raised_at > timedelta(minutes=row.window_minutes))
        for row in rows
    ]
