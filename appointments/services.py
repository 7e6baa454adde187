"""Writes to appointments and calendar feeds: each one transaction, each with its audit event."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule  # type: ignore[import-untyped,unused-ignore]
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from appointments.models import (
    Appointment,
    CalendarFeed,
    CancelledBy,
    Mode,
    Series,
    Status,
    TitleStyle,
)
from appointments.reminder_services import drop_reminders, schedule_reminders
from audit.models import Action
from audit.services import Target, record_member_action
from groups.models import Group
from organizations.models import Membership
from participants.models import Participant
from webhooks.models import EventType
from webhooks.services import emit_for

# A series is materialised up to this many occurrences (a year of weekly meetings).
MOST_OCCURRENCES = 52


class StaleAppointment(Exception):
    """Someone changed the appointment after this form was opened; nothing was written."""

    def __init__(self, current: Appointment) -> None:
        super().__init__("appointment changed since the form was opened")
        self.current = current


@dataclass(frozen=True)
class Repeat:
    """Every `every_weeks` weeks, until a date (inclusive) or for a number of times."""

    every_weeks: int = 1
    until: date | None = None
    count: int | None = None


def local_start(*, organization_zone: str, day: date, at: time) -> datetime:
    """The aware moment of a wall-clock day and time in the organization's time zone."""
    return datetime.combine(day, at).replace(tzinfo=ZoneInfo(organization_zone))


def occurrence_starts(*, first: datetime, repeat: Repeat, zone: str) -> list[datetime]:
    """Each occurrence at the same wall-clock time in `zone`, across daylight-saving changes."""
    tz = ZoneInfo(zone)
    wall = first.astimezone(tz).replace(tzinfo=None)
    until = datetime.combine(repeat.until, time.max) if repeat.until else None
    count = min(repeat.count or MOST_OCCURRENCES, MOST_OCCURRENCES)
    rule = rrule(
        WEEKLY,
        interval=max(repeat.every_weeks, 1),
        dtstart=wall,
        until=until,
        count=None if until else count,
    )
    return [moment.replace(tzinfo=tz) for moment in list(rule)[:count]]


def _audit(acting: Membership, action: Action, row: Appointment, fields: list[str]) -> None:
    record_member_action(
        acting=acting,
        action=action,
        target=Target.of(row),
        participant_id=row.participant_id,
        changed_fields=fields,
    )


def book_appointment(
    *,
    acting: Membership,
    participant: Participant | None = None,
    group: Group | None = None,
    starts_at: datetime,
    duration_minutes: int,
    mode: str = Mode.IN_PERSON,
    place: str = "",
    repeat: Repeat | None = None,
) -> Appointment:
    """Book one appointment, or a series (its occurrences stored one by one). Returns the first."""
    if (participant is None) == (group is None):
        raise ValueError("an appointment is with a participant or with a group")
    organization = acting.organization
    with transaction.atomic():
        series = None
        starts = [starts_at]
        if repeat is not None:
            series = Series.objects.create(
                organization=organization,
                every_weeks=repeat.every_weeks,
                until=repeat.until,
                count=repeat.count,
                created_by=acting.user,
            )
            starts = occurrence_starts(
                first=starts_at, repeat=repeat, zone=organization.time_zone
            ) or [starts_at]
        rows = Appointment.objects.bulk_create(
            [
                Appointment(
                    organization=organization,
                    participant=participant,
                    group=group,
                    coach=acting.user,
                    series=series,
                    starts_at=start,
                    duration_minutes=duration_minutes,
                    mode=mode,
                    place=place,
                    created_by=acting.user,
                )
                for start in starts
            ]
        )
        schedule_reminders(rows)
        for row in rows:
            emit_for(row, EventType.APPOINTMENT_CHANGED, "appointment")
        fields = ["starts_at", "duration_minutes", "mode", *(["place"] if place else [])]
        if series is not None:
            fields.append("series")
        _audit(acting, Action.CREATE, rows[0], fields)
    return rows[0]


def _locked(appointment: Appointment, expected_version: int) -> Appointment:
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if current.version != expected_version:
        raise StaleAppointment(current=current)
    return current


def _this_and_following(current: Appointment) -> list[Appointment]:
    if current.series_id is None:
        return [current]
    return list(
        Appointment.objects.select_for_update()
        .filter(
            series_id=current.series_id,
            starts_at__gte=current.starts_at,
            status__in=Status.upcoming(),
        )
        .order_by("starts_at")
    )


def move_appointment(
    *,
    acting: Membership,
    appointment: Appointment,
    starts_at: datetime,
    duration_minutes: int,
    expected_version: int,
    following: bool = False,
) -> Appointment:
    """Move one occurrence, or this one and the later ones of its series by the same wall-clock
    shift (the same weekday and time move with it, daylight saving kept)."""
    tz = ZoneInfo(acting.organization.time_zone)
    with transaction.atomic():
        current = _locked(appointment, expected_version)
        rows = _this_and_following(current) if following else [current]
        shift = starts_at.astimezone(tz).replace(tzinfo=None) - current.starts_at.astimezone(
            tz
        ).replace(tzinfo=None)
        for row in rows:
            wall = row.starts_at.astimezone(tz).replace(tzinfo=None) + shift
            Appointment.objects.filter(pk=row.pk).update(
                starts_at=wall.replace(tzinfo=tz),
                duration_minutes=duration_minutes,
                status=Status.MOVED,
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
        for row in rows:
            emit_for(row, EventType.APPOINTMENT_CHANGED, "appointment")
        # Moved: the waiting reminders are planned again for the new times.
        schedule_reminders(Appointment.objects.filter(pk__in=[row.pk for row in rows]))
        _audit(
            acting,
            Action.UPDATE,
            current,
            ["starts_at", "duration_minutes", "status", *(["following"] if following else [])],
        )
    appointment.refresh_from_db()
    return appointment


def cancel_appointment(
    *,
    acting: Membership,
    appointment: Appointment,
    cancelled_by: str,
    reason: str,
    expected_version: int,
    following: bool = False,
) -> int:
    """Cancel one occurrence or this and the following ones; returns how many were cancelled."""
    if cancelled_by not in CancelledBy.values:
        raise ValueError("who cancelled is one of the listed choices")
    with transaction.atomic():
        current = _locked(appointment, expected_version)
        if current.status not in Status.upcoming():
            return 0
        rows = _this_and_following(current) if following else [current]
        for row in rows:
            # One by one: the reason is encrypted per row.
            row.status = Status.CANCELLED
            row.cancelled_by = cancelled_by
            row.cancel_reason = reason
            row.outcome_by = acting.user
            row.version = row.version + 1
            row.save(
                update_fields=[
                    "status",
                    "cancelled_by",
                    "cancel_reason",
                    "outcome_by",
                    "version",
                    "updated_at",
                ]
            )
        drop_reminders([row.pk for row in rows])
        for row in rows:
            emit_for(row, EventType.APPOINTMENT_CHANGED, "appointment")
        _audit(
            acting,
            Action.UPDATE,
            current,
            ["status", "cancelled_by", "cancel_reason", *(["following"] if following else [])],
        )
    appointment.refresh_from_db()
    return len(rows)


def record_outcome(
    *, acting: Membership, appointment: Appointment, status: str, expected_version: int
) -> Appointment:
    """Mark an appointment attended or not made. A missed appointment changes nothing about the
    person's record: Today offers a gentle follow-up instead."""
    if status not in (Status.ATTENDED, Status.NO_SHOW):
        raise ValueError("an outcome is attended or no-show")
    with transaction.atomic():
        current = _locked(appointment, expected_version)
        Appointment.objects.filter(pk=current.pk).update(
            status=status,
            outcome_by=acting.user,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        drop_reminders([current.pk])
        emit_for(current, EventType.APPOINTMENT_CHANGED, "appointment")
        _audit(acting, Action.UPDATE, current, ["status"])
    appointment.refresh_from_db()
    return appointment


# --- calendar feeds --------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _feed_target(feed: CalendarFeed) -> Target:
    return Target(type="appointments.calendarfeed", id=str(feed.pk))


def make_feed_address(*, acting: Membership) -> str:
    """A new secret for the coach's feed (the old address stops working); returns the secret,
    shown once: only its hash is kept."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
            organization=acting.organization, coach=acting.user
        )
        feed.token_hash = hash_token(token)
        feed.revoked_at = None
        feed.save(update_fields=["token_hash", "revoked_at"])
        record_member_action(
            acting=acting, action=Action.CREATE, target=_feed_target(feed), changed_fields=["token"]
        )
    return token


def revoke_feed(*, acting: Membership) -> bool:
    with transaction.atomic():
        feed = (
            CalendarFeed.objects.select_for_update()
            .filter(organization=acting.organization, coach=acting.user)
            .first()
        )
        if feed is None or feed.token_hash is None:
            return False
        feed.token_hash = None
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["token_hash", "revoked_at"])
        record_member_action(
            acting=acting, action=Action.DELETE, target=_feed_target(feed), changed_fields=["token"]
        )
    return True


def save_feed_choices(*, acting: Membership, title_style: str, show_place: bool) -> CalendarFeed:
    if title_style not in TitleStyle.values:
        raise ValueError("unknown title style")
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
            organization=acting.organization, coach=acting.user
        )
        feed.title_style = title_style
        feed.show_place = show_place
        feed.save(update_fields=["title_style", "show_place"])
        record_member_action(
            acting=acting,
            action=Action.UPDATE,
            target=_feed_target(feed),
            changed_fields=["title_style", "show_place"],
        )
    return feed
