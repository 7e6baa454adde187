"""Reads of appointments: a coach's calendar, a participant's card, a group's calendar, Today's
follow-ups after a missed appointment, and the participant's own upcoming list."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from appointments.models import (
    Appointment,
    CalendarFeed,
    Reminder,
    ReminderChoice,
    ReminderState,
    Status,
)
from appointments.services import hash_token
from audit.services import Target, record_page_view
from groups.models import Group
from lib.prepared import prepared
from organizations.access import acting_membership
from organizations.models import Membership
from participants.access import owned_or_404
from participants.models import Participant
from participants.selectors import ENCRYPTED_FIELDS, own_open_caseload_of

# Today offers a follow-up for a missed appointment for this long, unless a contact came since.
FOLLOW_UP_DAYS = 14
BRIEF = tuple(f"participant__{name}" for name in ENCRYPTED_FIELDS if name != "legal_name")


def visible_appointments(membership: Membership) -> QuerySet[Appointment]:
    """Appointments this member may see: of people they may see, or of groups they may see."""
    people = Participant.objects.visible_to(membership.user, membership.organization)
    groups = Group.objects.visible_to(membership.user, membership.organization)
    return Appointment.objects.filter(organization=membership.organization).filter(
        Q(participant__in=people.values("id")) | Q(group__in=groups.values("id"))
    )


def appointment_or_404(
    request: HttpRequest, appointment_id: object, *, viewed: bool
) -> Appointment:
    """One appointment, opened the one way (its page, the API): a group's through the group rule,
    a person's through the participant rule (404, audited, outside it); with `viewed`, the view
    event a page writes."""
    membership = acting_membership(request)
    groups = Group.objects.visible_to(request.user, membership.organization)
    group_row = (
        Appointment.objects.filter(
            organization=membership.organization,
            id=str(appointment_id),
            group__in=groups.values("id"),
        )
        .select_related("group", "coach")
        .first()
    )
    if group_row is not None:
        if viewed:
            record_page_view(request=request, target=Target.of(group_row))
        return group_row
    return owned_or_404(request, Appointment, related=("coach",), viewed=viewed, id=appointment_id)


def coach_calendar(*, membership: Membership, start: date, days: int) -> list[Appointment]:
    """The member's own appointments from `start` for `days` days (local), cancelled included."""
    zone = timezone.get_current_timezone()
    begin = datetime.combine(start, datetime.min.time()).replace(tzinfo=zone)
    end = datetime.combine(start + timedelta(days=days), datetime.min.time()).replace(tzinfo=zone)
    return list(
        visible_appointments(membership)
        .filter(coach=membership.user, starts_at__gte=begin, starts_at__lt=end)
        .select_related("participant", "group")
        .defer("place", "cancel_reason", *BRIEF)
        .order_by("starts_at")
    )


def overview_panel(*, participant: Participant) -> dict[str, Any]:
    """The participant overview's Appointments card: the next few, and the latest past one."""
    ids = {"organization_id": participant.organization_id, "participant_id": participant.id}
    now = timezone.now()
    latest = _latest_past.fetch(**ids, now=now)
    return {
        "participant": participant,
        "upcoming": _upcoming.fetch(**ids, now=now),
        "latest": latest[0] if latest else None,
        "choice": reminder_choice_of(participant),
    }


def _of_person(organization_id: int, participant_id: uuid.UUID) -> "QuerySet[Appointment]":
    return Appointment.objects.filter(
        organization_id=organization_id, participant_id=participant_id
    ).select_related("coach")


# The overview's reads are prepared (lib.prepared): every participant page opens it.
@prepared
def _upcoming(
    *, organization_id: int, participant_id: uuid.UUID, now: datetime
) -> "QuerySet[Appointment]":
    return (
        _of_person(organization_id, participant_id)
        .filter(starts_at__gte=now, status__in=Status.upcoming())
        .order_by("starts_at")[:5]
    )


@prepared
def _latest_past(
    *, organization_id: int, participant_id: uuid.UUID, now: datetime
) -> "QuerySet[Appointment]":
    return (
        _of_person(organization_id, participant_id)
        .filter(starts_at__lt=now)
        .order_by("-starts_at")[:1]
    )


def group_calendar_panel(*, group: Group) -> list[Appointment]:
    """A group's upcoming sessions as booked (its calendar)."""
    return list(
        Appointment.objects.filter(
            organization_id=group.organization_id,
            group=group,
            starts_at__gte=timezone.now() - timedelta(hours=3),
        )
        .select_related("coach")
        .defer("cancel_reason")
        .order_by("starts_at")[:12]
    )


@prepared
def _missed(*, organization_id: int, user_id: int, since: datetime) -> QuerySet[Appointment]:
    people = own_open_caseload_of(user_id=user_id, organization_id=organization_id)
    return (
        Appointment.objects.filter(
            organization_id=organization_id,
            coach_id=user_id,
            status=Status.NO_SHOW,
            starts_at__gte=since,
            participant__in=people.values("id"),
        )
        .select_related("participant")
        .defer("place", "cancel_reason", *BRIEF)
        .order_by("-starts_at")[:20]
    )


def missed_for_today(*, membership: Membership, today: date) -> list[Appointment]:
    """The coach's missed appointments of the last two weeks with no contact recorded since:
    a gentle reason to reach out, never a change to the person's status (prepared)."""
    rows = _missed.fetch(
        organization_id=membership.organization_id,
        user_id=membership.user_id,
        since=timezone.now() - timedelta(days=FOLLOW_UP_DAYS),
    )
    shown: list[Appointment] = []
    seen: set[Any] = set()
    for row in rows:
        person = row.participant
        assert person is not None
        if person.pk in seen:
            continue
        last = person.last_contact_on
        if last is not None and last >= timezone.localdate(row.starts_at):
            continue
        seen.add(person.pk)
        shown.append(row)
    return shown


def upcoming_for_participant(participant: Participant) -> list[Appointment]:
    """The participant's own upcoming appointments (their portal list)."""
    return list(
        Appointment.objects.filter(
            organization_id=participant.organization_id,
            participant=participant,
            starts_at__gte=timezone.now() - timedelta(hours=1),
            status__in=Status.upcoming(),
        )
        .select_related("coach")
        .prefetch_related(Prefetch("reminders", queryset=live_reminders()))
        .order_by("starts_at")[:20]
    )


PORTAL_WEEKS = 4
PORTAL_SESSIONS = 30


def _group_sessions_open_to(participant: Participant) -> QuerySet[Appointment]:
    """Upcoming sessions of the groups open to every participant of the program, and of the
    groups the person belongs to."""
    return Appointment.objects.filter(
        Q(group__open_to_participants=True) | Q(group__memberships__participant=participant),
        organization_id=participant.organization_id,
        group__isnull=False,
        group__is_active=True,
        status__in=Status.upcoming(),
        starts_at__gte=timezone.now() - timedelta(hours=1),
    )


def group_sessions_for_portal(participant: Participant) -> list[Appointment]:
    """The group sessions of the next four weeks a participant may see, soonest first."""
    return list(
        _group_sessions_open_to(participant)
        .filter(starts_at__lt=timezone.now() + timedelta(weeks=PORTAL_WEEKS))
        .select_related("group")
        .distinct()
        .order_by("starts_at", "id")[:PORTAL_SESSIONS]
    )


def group_session_for_portal(participant: Participant, appointment_id: uuid.UUID) -> Appointment:
    """One of those sessions, or 404 (a closed group's, another program's, a past one)."""
    found = _group_sessions_open_to(participant).filter(id=appointment_id).select_related("group")
    session = found.first()
    if session is None:
        raise Http404
    return session


def live_reminders() -> QuerySet[Reminder]:
    """Reminders still worth showing: waiting, sent or not sent (replaced ones left out)."""
    return Reminder.objects.exclude(state=ReminderState.CANCELLED).order_by("due_at")


def reminders_of(appointment: Appointment) -> list[Reminder]:
    """An appointment's text reminders and where each is (its page tells the coach)."""
    return list(live_reminders().filter(appointment=appointment))


def reminder_choice_of(participant: Participant) -> ReminderChoice | None:
    """The person's reminder choice; None until they have made one (no texts until then)."""
    found = _reminder_choice.fetch(
        organization_id=participant.organization_id, participant_id=participant.id
    )
    return found[0] if found else None


@prepared
def _reminder_choice(
    *, organization_id: int, participant_id: uuid.UUID
) -> "QuerySet[ReminderChoice]":
    return ReminderChoice.objects.filter(
        organization_id=organization_id, participant_id=participant_id
    ).order_by("pk")[:1]


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed a secret opens, or None (revoked, replaced or never made)."""
    if not token:
        return None
    return (
        CalendarFeed.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .select_related("coach", "organization")
        .first()
    )


def feed_of(membership: Membership) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        organization=membership.organization, coach=membership.user
    ).first()


def feed_appointments(feed: CalendarFeed) -> list[Appointment]:
    """What a coach's feed carries: their appointments from a month back, a year ahead."""
    now = timezone.now()
    return list(
        Appointment.objects.filter(
            organization=feed.organization,
            coach=feed.coach,
            starts_at__gte=now - timedelta(days=31),
            starts_at__lt=now + timedelta(days=366),
        )
        .select_related("participant", "group")
        .order_by("starts_at")
    )
