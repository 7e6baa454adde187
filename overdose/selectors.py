"""Reads for naloxone and overdose response: Today's outreach, a participant's page, and the
program's figures by month."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth

from encounters.selectors import BRIEF_PARTICIPANT
from lib.prepared import prepared
from organizations.models import Membership, Organization, Role
from overdose.models import KitGiven, Outcome, OutreachPlan, OverdoseEvent, Whose
from participants.models import MemberScope, Participant
from participants.selectors import own_open_caseload_of

# A supervisor's Today tells of a death recorded on their team for this long.
DEATH_NOTICE_DAYS = 14
FIGURE_MONTHS = 12


def outreach_plan(organization: Organization) -> OutreachPlan:
    """The program's plan, or the defaults (unsaved) when it has written none."""
    found = OutreachPlan.objects.filter(organization=organization).first()
    return found or OutreachPlan(organization=organization)


def for_today(*, membership: Membership, today: date) -> list[Any]:
    """In one read: post-overdose outreach still open for the coach's own people (soonest due
    first), and deaths recorded in the last two weeks (a supervisor hears of every one on their
    team, a coach of their own people). `today_lists` splits them. Prepared (lib.prepared)."""
    scope = MemberScope.of(membership)
    return _for_today.fetch(**scope.values(), since=scope.now - timedelta(days=DEATH_NOTICE_DAYS))


@prepared
def _for_today(
    *,
    organization_id: int,
    user_id: int,
    role: str,
    team_id: UUID | None,
    now: datetime,
    since: datetime,
) -> QuerySet[OverdoseEvent]:
    people = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    whose: QuerySet[Participant] = people
    if role == Role.SUPERVISOR:
        whose = Participant.objects.visible_to_member(
            organization_id=organization_id, user_id=user_id, role=role, team_id=team_id, now=now
        )
    open_outreach = Q(
        outreach_due_at__isnull=False,
        outreach_done_at__isnull=True,
        participant__in=people.values("id"),
    )
    deaths = Q(
        whose=Whose.THEIR_OWN,
        outcome=Outcome.DIED,
        recorded_at__gte=since,
        participant__in=whose.values("id"),
    )
    return (
        OverdoseEvent.objects.filter(open_outreach | deaths, organization_id=organization_id)
        .select_related("participant")
        .defer("place", "in_their_words", *BRIEF_PARTICIPANT)
        # The program's own steps come along in the same read (`overdose.models.outreach_steps`).
        .annotate(
            plan_steps=Subquery(
                OutreachPlan.objects.filter(organization=OuterRef("organization")).values("steps")[
                    :1
                ]
            )
        )
        .order_by("outreach_due_at", "-recorded_at")[:50]
    )


def today_lists(events: list[OverdoseEvent]) -> dict[str, list[OverdoseEvent]]:
    return {
        "outreach": [e for e in events if e.outreach_due_at and not e.outreach_done_at],
        "deaths": [e for e in events if e.outcome == Outcome.DIED],
    }


def participant_history(participant: Participant) -> dict[str, Any]:
    kits = list(KitGiven.objects.filter(participant=participant).select_related("given_by")[:100])
    events = list(
        OverdoseEvent.objects.filter(participant=participant).select_related(
            "recorded_by", "outreach_done_by"
        )[:100]
    )
    return {
        "kits": kits,
        "kits_total": sum(k.kits for k in kits),
        "events": events,
        "reversals_for_others": sum(
            1 for e in events if e.whose == Whose.THEY_HELPED and e.reversed
        ),
    }


@dataclass(frozen=True)
class Month:
    month: date
    kits_given: int = 0
    naloxone_used: int = 0
    overdoses: int = 0
    reversals: int = 0
    deaths: int = 0
    helped_others: int = 0

    @property
    def key(self) -> str:
        """The month as the rows page takes it (YYYY-MM)."""
        return f"{self.month:%Y-%m}"


def figures_by_month(membership: Membership, *, today: date) -> list[Month]:
    """The last 12 months, newest first, over the participants the reader may see."""
    start = (today.replace(day=1) - timedelta(days=31 * (FIGURE_MONTHS - 1))).replace(day=1)
    visible = Participant.objects.visible_to(membership.user, membership.organization).values("id")
    kits = (
        KitGiven.objects.filter(
            organization=membership.organization, given_on__gte=start, participant__in=visible
        )
        .annotate(month=TruncMonth("given_on"))
        .values("month")
        .order_by()
        .annotate(n=Sum("kits"))
    )
    events = (
        OverdoseEvent.objects.filter(
            organization=membership.organization, happened_on__gte=start, participant__in=visible
        )
        .annotate(month=TruncMonth("happened_on"))
        .values("month")
        .order_by()
        .annotate(
            naloxone_used=Count("id", filter=Q(naloxone_used=True)),
            overdoses=Count("id", filter=Q(whose=Whose.THEIR_OWN)),
            reversals=Count("id", filter=Q(reversed=True)),
            deaths=Count("id", filter=Q(whose=Whose.THEIR_OWN, outcome=Outcome.DIED)),
            helped_others=Count("id", filter=Q(whose=Whose.THEY_HELPED)),
        )
    )
    months: dict[date, dict[str, int]] = {}
    for row in kits:
        months.setdefault(_day(row["month"]), {})["kits_given"] = int(row["n"] or 0)
    for row in events:
        figures = months.setdefault(_day(row["month"]), {})
        for name in ("naloxone_used", "overdoses", "reversals", "deaths", "helped_others"):
            figures[name] = int(row[name])
    return [Month(month, **months[month]) for month in sorted(months, reverse=True)]


def _day(value: Any) -> date:
    """TruncMonth of a date column gives a date; some backends give a datetime."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value


# The figures' columns, each with the rows behind it: (measure, kits or events, filter).
MEASURES = {
    "kits": Q(),
    "naloxone_used": Q(naloxone_used=True),
    "overdoses": Q(whose=Whose.THEIR_OWN),
    "reversals": Q(reversed=True),
    "helped_others": Q(whose=Whose.THEY_HELPED),
    "deaths": Q(whose=Whose.THEIR_OWN, outcome=Outcome.DIED),
}


def rows_behind(membership: Membership, *, measure: str, month: date) -> QuerySet[Any]:
    """The kits given or the overdoses behind one figure of one month, over the participants
    the reader may see (the same rule as the figure)."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    visible = Participant.objects.visible_to(membership.user, membership.organization).values("id")
    if measure == "kits":
        return (
            KitGiven.objects.filter(
                organization=membership.organization,
                participant__in=visible,
                given_on__gte=month,
                given_on__lt=end,
            )
            .select_related("participant", "given_by")
            .defer(*BRIEF_PARTICIPANT)
            .order_by("-given_on", "-created_at")
        )
    return (
        OverdoseEvent.objects.filter(
            MEASURES[measure],
            organization=membership.organization,
            participant__in=visible,
            happened_on__gte=month,
            happened_on__lt=end,
        )
        .select_related("participant", "recorded_by")
        .defer("place", "in_their_words", *BRIEF_PARTICIPANT)
        .order_by("-happened_on", "-recorded_at")
    )
