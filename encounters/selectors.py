"""Reading contacts: the participant timeline and the coach's day."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from assessments.models import CHECKIN, Assessment
from assessments.selectors import DueReassessment, reassessments_due
from consent.models import Consent
from encounters.models import CheckInSchedule, Encounter, NoteFeedback, NoteState, ReviewState
from encounters.open_notes import open_requests_for
from organizations.models import Organization
from participants.models import Participant, ParticipantStatus, StatusChange
from portal.models import CallRequest

TIMELINE_KINDS = ("contacts", "status")
CONSENT_NOTICE_DAYS = 14


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
        encounters = Encounter.objects.filter(
            organization_id=participant.organization_id, participant=participant
        ).select_related("author", "service_type")[:limit]
        entries += [TimelineEntry(e.started_at, "contact", encounter=e) for e in encounters]
    if kind in ("", "status"):
        steps = StatusChange.objects.filter(
            organization_id=participant.organization_id, participant=participant
        ).select_related("changed_by")[:limit]
        entries += [TimelineEntry(s.effective_on, "status", status_change=s) for s in steps]
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)


@dataclass(frozen=True)
class Day:
    due: list[Participant]
    overdue: list[Participant]
    quiet: list[Participant]
    drafts: list[Encounter]
    comments: list[Encounter]
    scheduled: list[CheckInSchedule]
    expiring_consents: list[Consent]
    answered_consents: list[Consent]
    reassessments: list[DueReassessment]
    note_requests: list[NoteFeedback]
    call_requests: list[CallRequest]
    check_ins: list[Assessment]


def review_queue(*, user: Any, organization: Organization) -> Any:
    """Signed notes waiting for this supervisor's co-signature, oldest first."""
    return (
        Encounter.objects.visible_to(user, organization)
        .filter(review_state=ReviewState.PENDING)
        .exclude(author=user)
        .select_related("participant", "author")
        .order_by("signed_at")
    )


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
    comments = list(
        Encounter.objects.filter(
            organization=organization,
            author=user,
            review_state=ReviewState.RETURNED,
            review_comment_seen=False,
        )
        .select_related("participant", "reviewed_by")
        .order_by("-reviewed_at")[:50]
    )
    scheduled = [
        schedule
        for schedule in CheckInSchedule.objects.filter(
            organization=organization,
            weekday=today.weekday(),
            ended_on__isnull=True,
            paused=False,
            participant__in=mine.values("id"),
        ).select_related("participant")
        if schedule.falls_on(today)
    ]
    due_ids = {p.id for p in due}
    scheduled = [s for s in scheduled if s.participant_id not in due_ids]
    expiring_consents = list(
        Consent.objects.active(today)
        .filter(
            organization=organization,
            participant__in=mine.values("id"),
            expires_on__lte=today + timedelta(days=CONSENT_NOTICE_DAYS),
        )
        .select_related("participant")
        .order_by("expires_on")[:50]
    )
    # Consents sent to sign in the portal that the person signed or answered since yesterday.
    answered_consents = list(
        Consent.objects.filter(
            organization=organization,
            participant__in=mine.values("id"),
            answered_at__gte=datetime.combine(
                today - timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
            ),
        )
        .select_related("participant")
        .order_by("-answered_at")[:50]
    )
    reassessments = reassessments_due(organization=organization, participants=mine, today=today)
    # Asked from their own Cairn: calls still waiting (oldest first), and check-ins they did
    # themselves since yesterday (a coach's own check-in records are already in their notes).
    call_requests = list(
        CallRequest.objects.filter(
            organization=organization, handled_at__isnull=True, participant__in=mine.values("id")
        )
        .select_related("participant")
        .order_by("created_at")[:50]
    )
    check_ins = list(
        Assessment.objects.filter(
            organization=organization,
            instrument=CHECKIN,
            administered_on__gte=today - timedelta(days=1),
            participant__in=mine.values("id"),
            recorded_by_id=F("participant__user_id"),
        )
        .select_related("participant")
        .order_by("-created_at")[:50]
    )
    return Day(
        due=due,
        overdue=overdue,
        quiet=quiet,
        drafts=drafts,
        comments=comments,
        scheduled=scheduled,
        expiring_consents=expiring_consents,
        answered_consents=answered_consents,
        reassessments=reassessments,
        note_requests=open_requests_for(user=user, organization=organization),
        call_requests=call_requests,
        check_ins=check_ins,
    )
