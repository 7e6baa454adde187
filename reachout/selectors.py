"""Reads for reach-out-soon signals: Today's list and a signal's own page."""

import math
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


# The list shows the last 90 days; its figures are of the same rows.
LIST_DAYS = 90


@dataclass(frozen=True)
class Figures:
    """How quickly signals were answered, over the signals a reader may see: never by coach."""

    raised: int
    acknowledged: int
    waiting: int
    median_minutes: int | None
    p90_minutes: int | None


def _percentile(sorted_values: list[float], share: float) -> int | None:
    """The nearest-rank percentile (the smallest value with at least `share` of them at or
    below it), in whole minutes."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(share * len(sorted_values)))
    return round(sorted_values[rank - 1])


def visible_signals(membership: Membership, *, state: str = "") -> QuerySet[Signal]:
    """Signals of the last `LIST_DAYS` days the member may see (the participant rule), newest
    first; `state` "open" or "done" narrows them."""
    since = timezone.now() - timedelta(days=LIST_DAYS)
    rows = Signal.objects.visible_to(membership.user, membership.organization).filter(
        raised_at__gte=since
    )
    if state == "open":
        rows = rows.filter(acknowledged_at__isnull=True)
    elif state == "done":
        rows = rows.filter(acknowledged_at__isnull=False)
    return (
        rows.select_related("participant", "acknowledged_by")
        .defer("words_found", "response_note", *BRIEF_PARTICIPANT)
        .order_by("-raised_at", "id")
    )


def figures(membership: Membership) -> Figures:
    """Counts and time to acknowledgement (median, 90th percentile) of the visible signals."""
    rows = list(visible_signals(membership).order_by().values_list("raised_at", "acknowledged_at"))
    waits = sorted(
        (done - raised).total_seconds() / 60 for raised, done in rows if done is not None
    )
    return Figures(
        raised=len(rows),
        acknowledged=len(waits),
        waiting=len(rows) - len(waits),
        median_minutes=_percentile(waits, 0.5),
        p90_minutes=_percentile(waits, 0.9),
    )
