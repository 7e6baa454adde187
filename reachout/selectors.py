"""Reads for reach-out-soon signals: Today's list and a signal's own page."""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import (
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from encounters.selectors import BRIEF_PARTICIPANT
from lib.prepared import prepared
from lib.when import show_time
from organizations.models import Membership, Organization, Role
from participants.models import MemberScope, Participant
from participants.selectors import own_open_caseload_of
from reachout.models import (
    DEFAULT_WINDOW_MINUTES,
    OnCallShift,
    ReachOutSettings,
    Signal,
    SignalText,
    TextState,
)

# Today shows the oldest 50 waiting signals and says how many more there are; it reads at most
# SCAN_LIMIT (a supervisor's team rows not yet late are read and left out here).
TODAY_LIMIT = 50
SCAN_LIMIT = 1000


def settings_for(organization: Organization) -> ReachOutSettings:
    """The organization's choices, or the defaults (unsaved) when it has made none."""
    found = ReachOutSettings.objects.filter(organization=organization).first()
    return found or ReachOutSettings(organization=organization)


def on_call_cover(membership: Membership, *, now: datetime) -> Q:
    """The signals this member answers while on call now: those of the whole program during a
    program-wide shift, else those of the people whose coach is on a team they cover. A filter
    on signals, read inside the query that uses it (no query of its own)."""
    return _on_call_cover(
        organization_id=membership.organization_id, user_id=membership.user_id, now=now
    )


def _on_call_cover(*, organization_id: int, user_id: int, now: datetime) -> Q:
    shifts = OnCallShift.objects.filter(
        organization_id=organization_id,
        person_id=user_id,
        starts_at__lte=now,
        ends_at__gt=now,
    )
    team_coaches = Membership.objects.filter(
        organization_id=organization_id,
        team_id__in=shifts.filter(team__isnull=False).values("team_id"),
    ).values("user_id")
    return Q(Exists(shifts.filter(team__isnull=True))) | Q(participant__coach_id__in=team_coaches)


def on_call_signal(membership: Membership, signal_id: Any) -> Signal | None:
    """A signal this member may answer because they are on call for it: waiting past the
    window, not yet answered. None otherwise (the usual participant rule then decides)."""
    now = timezone.now()
    row = (
        Signal.objects.filter(on_call_cover(membership, now=now))
        .filter(organization=membership.organization, id=signal_id, acknowledged_at=None)
        .select_related("participant", "participant__coach")
        .first()
    )
    if row is None:
        return None
    window = timedelta(minutes=settings_for(membership.organization).acknowledge_within_minutes)
    return row if now - row.raised_at > window else None


@dataclass(frozen=True)
class Waiting:
    """An open signal as Today shows it: with whether it has waited past the window, and
    whether it came to this reader because their coach has not answered it yet."""

    signal: Signal
    waited_too_long: bool
    escalated: bool = False

    @property
    def text_failed(self) -> bool:
        """A text about this signal could not be sent (the provider was down)."""
        return bool(getattr(self.signal, "text_failed", False))

    @property
    def participant(self) -> Participant:
        return self.signal.participant


class TodaySignals(list[Waiting]):
    """The waiting signals Today shows, oldest first, and how many more wait beyond them."""

    more: int = 0


@prepared
def _waiting(
    *, organization_id: int, user_id: int, role: str, team_id: UUID | None, now: datetime
) -> QuerySet[Signal]:
    window = Coalesce(
        Subquery(
            ReachOutSettings.objects.filter(organization=OuterRef("organization")).values(
                "acknowledge_within_minutes"
            )[:1]
        ),
        Value(DEFAULT_WINDOW_MINUTES),
    )
    people = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    mine = Q(participant__in=people.values("id"))
    if role == Role.SUPERVISOR:
        team = Participant.objects.visible_to_member(
            organization_id=organization_id, user_id=user_id, role=role, team_id=team_id, now=now
        )
        mine |= Q(participant__in=team.values("id"))
    mine |= _on_call_cover(organization_id=organization_id, user_id=user_id, now=now)
    return (
        Signal.objects.filter(mine, organization_id=organization_id, acknowledged_at=None)
        .select_related("participant", "participant__coach")
        .defer("words_found", "response_note", *BRIEF_PARTICIPANT)
        .annotate(
            window_minutes=window,
            text_failed=Exists(
                SignalText.objects.filter(signal=OuterRef("pk"), state=TextState.FAILED)
            ),
        )
        .order_by("raised_at")[:SCAN_LIMIT]
    )


def open_for_today(*, membership: Membership, today: date) -> TodaySignals:
    """Signals for the coach's own people not yet acknowledged, oldest first; for a supervisor
    also their team's signals that waited past the organization's window (escalated to them).
    One query, prepared: the window comes along as a subquery, the team's rows are sorted out
    here."""
    scope = MemberScope.of(membership)
    rows, now = _waiting.fetch(**scope.values()), scope.now
    own_coach = {membership.user_id}
    shown = TodaySignals()
    for row in rows:
        late = now - row.raised_at > timedelta(minutes=row.window_minutes)
        person = row.participant
        theirs = person.coach_id in own_coach or person.secondary_coach_id in own_coach
        if theirs:
            shown.append(Waiting(row, waited_too_long=late))
        elif late:
            shown.append(Waiting(row, waited_too_long=True, escalated=True))
    found = TodaySignals(shown[:TODAY_LIMIT])
    found.more = max(0, len(shown) - TODAY_LIMIT)
    return found


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
    # Waited longer than the program's window (answered late, or still waiting past it): the
    # signals that went on to the supervisor and whoever was on call.
    escalated: int = 0


@dataclass(frozen=True)
class Breakdown:
    """The same figures for one team, or one part of the day."""

    name: str
    figures: Figures


# Parts of the day, in the organization's time zone: (label, first hour, hour after the last).
DAY_PARTS = (
    (_("Night (midnight to 6 AM)"), 0, 6),
    (_("Morning (6 AM to noon)"), 6, 12),
    (_("Afternoon (noon to 6 PM)"), 12, 18),
    (_("Evening (6 PM to midnight)"), 18, 24),
)


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
    elif state == "escalated":
        window = timedelta(minutes=settings_for(membership.organization).acknowledge_within_minutes)
        waited = ExpressionWrapper(
            F("acknowledged_at") - F("raised_at"), output_field=DurationField()
        )
        late = Signal.objects.alias(waited=waited).filter(
            Q(acknowledged_at__isnull=True, raised_at__lt=timezone.now() - window)
            | Q(waited__gt=window)
        )
        rows = rows.filter(pk__in=late.values("pk"))
    return (
        rows.select_related("participant", "acknowledged_by")
        .defer("words_found", "response_note", *BRIEF_PARTICIPANT)
        .order_by("-raised_at", "id")
    )


def _figures(
    rows: list[tuple[datetime, datetime | None]], window: timedelta | None = None
) -> Figures:
    waits = sorted(
        (done - raised).total_seconds() / 60 for raised, done in rows if done is not None
    )
    now = timezone.now()
    late = (
        sum(1 for raised, done in rows if (done or now) - raised > window)
        if window is not None
        else 0
    )
    return Figures(
        raised=len(rows),
        acknowledged=len(waits),
        waiting=len(rows) - len(waits),
        median_minutes=_percentile(waits, 0.5),
        p90_minutes=_percentile(waits, 0.9),
        escalated=late,
    )


def window_of(organization: Organization) -> timedelta:
    return timedelta(minutes=settings_for(organization).acknowledge_within_minutes)


def figures(membership: Membership, *, window: timedelta | None = None) -> Figures:
    """Counts, how many waited past the window, and time to acknowledgement (median, 90th
    percentile) of the visible signals."""
    rows = list(visible_signals(membership).order_by().values_list("raised_at", "acknowledged_at"))
    return _figures(rows, window or window_of(membership.organization))


def breakdowns(
    membership: Membership, *, window: timedelta | None = None
) -> dict[str, list[Breakdown]]:
    """The figures by the team of the person's coach, by the part of the day and by the hour the
    signal was raised (the organization's time zone): where and when the program answers more
    slowly."""
    window = window or window_of(membership.organization)
    rows = list(
        visible_signals(membership)
        .order_by()
        .values_list("raised_at", "acknowledged_at", "participant__coach_id")
    )
    teams = dict(
        Membership.objects.filter(organization=membership.organization, team__isnull=False)
        .values_list("user_id", "team__name")
        .order_by()
    )
    zone = ZoneInfo(membership.organization.time_zone)
    by_team: dict[str, list[tuple[datetime, datetime | None]]] = {}
    for raised, done, coach in rows:
        by_team.setdefault(teams.get(coach, str(_("No team"))), []).append((raised, done))
    by_part = []
    for label, first, last in DAY_PARTS:
        part = [(r, d) for r, d, _c in rows if first <= r.astimezone(zone).hour < last]
        by_part.append(Breakdown(str(label), _figures(part, window)))
    by_hour: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for raised, done, _coach in rows:
        by_hour.setdefault(raised.astimezone(zone).hour, []).append((raised, done))
    return {
        "by_team": [Breakdown(name, _figures(by_team[name], window)) for name in sorted(by_team)],
        "by_part_of_day": by_part,
        "by_hour": [
            Breakdown(
                show_time(time(hour), clock=membership.organization.clock),
                _figures(by_hour[hour], window),
            )
            for hour in sorted(by_hour)
        ],
    }


ROTA_DAYS = 7


@dataclass(frozen=True)
class Gap:
    team: str  # the team's name, or "" for people whose coach has no team
    starts_at: datetime
    ends_at: datetime


def _uncovered(
    spans: list[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end) that none of `spans` covers."""
    gaps: list[tuple[datetime, datetime]] = []
    at = start
    for begin, finish in sorted(spans):
        if finish <= at:
            continue
        if begin > at:
            gaps.append((at, min(begin, end)))
        at = max(at, finish)
        if at >= end:
            break
    if at < end:
        gaps.append((at, end))
    return [(a, b) for a, b in gaps if a < b]


def rota(membership: Membership, *, start: datetime) -> dict[str, Any]:
    """The next week's shifts, and the stretches when no one is on call for a team (a
    program-wide shift covers every team)."""
    end = start + timedelta(days=ROTA_DAYS)
    shifts = list(
        OnCallShift.objects.filter(
            organization=membership.organization, ends_at__gt=start, starts_at__lt=end
        )
        .select_related("person", "team")
        .order_by("starts_at")
    )
    everyone = [(s.starts_at, s.ends_at) for s in shifts if s.team_id is None]
    teams = list(membership.organization.teams.order_by("name"))
    gaps: list[Gap] = []
    for team in teams:
        spans = everyone + [(s.starts_at, s.ends_at) for s in shifts if s.team_id == team.pk]
        gaps += [Gap(team.name, a, b) for a, b in _uncovered(spans, start, end)]
    if not teams:
        gaps += [Gap("", a, b) for a, b in _uncovered(everyone, start, end)]
    return {"shifts": shifts, "gaps": sorted(gaps, key=lambda g: g.starts_at), "until": end}


def raised_for(source_id: Any) -> bool:
    """Whether this check-in (or message) raised a signal: its thank-you page says so."""
    return Signal.objects.filter(source_id=source_id).exists()
