"""Reading contacts: the participant timeline and the coach's day."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q

from encounters.models import Encounter, NoteState
from organizations.models import Organization
from participants.models import Participant, ParticipantStatus, StatusChange

TIMELINE_KINDS = ("contacts", "status")


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime | date
    kind: str
    encounter: Encounter | None = None
    status_change: StatusChange | None = None

    @property
    def sort_key(self) -> tuple[date, str]:
        moment = self.when
        day = moment.date() if isinstance(moment, datetime) else moment
        return (day, moment.isoformat())


def timeline(participant: Participant, *, kind: str = "", limit: int = 500) -> list[TimelineEntry]:
    """Contacts and status steps in date order, newest first (bounded; the page paginates)."""
    entries: list[TimelineEntry] = []
    if kind in ("", "contacts"):
        encounters = participant.encounters.select_related("author", "service_type")[:limit]
        entries += [TimelineEntry(e.started_at, "contact", encounter=e) for e in encounters]
    if kind in ("", "status"):
        steps = participant.status_changes.select_related("changed_by")[:limit]
        entries += [TimelineEntry(s.effective_on, "status", status_change=s) for s in steps]
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)


@dataclass(frozen=True)
class Day:
    due: list[Participant]
    overdue: list[Participant]
    quiet: list[Participant]
    drafts: list[Encounter]


def coach_day(*, user: Any, organization: Organization, today: date) -> Day:
    """The coach's own people: follow-ups due today, overdue ones, long quiet spells, drafts."""
    mine = (
        Participant.objects.visible_to(user, organization)
        .filter(Q(coach=user) | Q(secondary_coach=user))
        .filter(status__in=ParticipantStatus.open())
    )
    due = list(mine.filter(next_contact_on=today).order_by("preferred_name"))
    overdue = list(mine.filter(next_contact_on__lt=today).order_by("next_contact_on")[:50])
    cutoff = today - timedelta(days=organization.out_of_touch_days)
    quiet = list(
        mine.filter(
            Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True, enrolled_on__lt=cutoff)
        )
        .exclude(next_contact_on__lte=today)
        .order_by("last_contact_on")[:50]
    )
    drafts = list(
        Encounter.objects.filter(organization=organization, author=user, state=NoteState.DRAFT)
        .select_related("participant")
        .order_by("-started_at")[:50]
    )
    return Day(due=due, overdue=overdue, quiet=quiet, drafts=drafts)
