"""Booking, series across daylight saving, moving and cancelling one or the rest, outcomes, and
edits refused when someone else saved first."""

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from appointments.models import Appointment, CancelledBy, Mode, Status
from appointments.selectors import missed_for_today
from appointments.services import (
    Repeat,
    StaleAppointment,
    book_appointment,
    cancel_appointment,
    local_start,
    move_appointment,
    occurrence_starts,
    record_outcome,
)
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from lib.crypto import plain
from lib.testing import stored_columns
from organizations.models import Membership
from participants.models import Participant

NEW_YORK = "America/New_York"


@pytest.fixture
def ana(demo: DemoWorld) -> Membership:
    return Membership.objects.select_related("organization", "user").get(user__username="ana")


@pytest.fixture
def pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user__username="pat")


def _soon(days: int = 3, hour: int = 11) -> datetime:
    return local_start(
        organization_zone=timezone.get_current_timezone_name(),
        day=timezone.localdate() + timedelta(days=days),
        at=time(hour),
    )


def test_booking_stores_one_appointment_with_its_audit_event_and_place_encrypted(
    ana: Membership, pat: Participant
) -> None:
    booked = book_appointment(
        acting=ana,
        participant=pat,
        starts_at=_soon(),
        duration_minutes=45,
        mode=Mode.PHONE,
        place="Library, 2nd floor",
    )
    row = Appointment.objects.get(pk=booked.pk)
    assert (row.status, row.mode, row.duration_minutes, row.coach) == (
        Status.BOOKED,
        Mode.PHONE,
        45,
        ana.user,
    )
    assert row.place == "Library, 2nd floor"
    stored = stored_columns(row, "place")["place"]
    assert "Library" not in stored and plain(stored) == "Library, 2nd floor"
    event = AuditEvent.objects.filter(target_id=str(row.pk)).get()
    assert (event.action, event.participant_id) == (Action.CREATE, pat.id)


def test_a_weekly_series_keeps_its_wall_clock_time_across_the_daylight_saving_change() -> None:
    # New York leaves daylight saving on 1 November 2026: 10:00 stays 10:00 on both sides.
    first = datetime(2026, 10, 22, 10, 0, tzinfo=ZoneInfo(NEW_YORK))
    starts = occurrence_starts(first=first, repeat=Repeat(every_weeks=1, count=4), zone=NEW_YORK)
    local = [s.astimezone(ZoneInfo(NEW_YORK)) for s in starts]
    assert [(d.date(), d.hour) for d in local] == [
        (date(2026, 10, 22), 10),
        (date(2026, 10, 29), 10),
        (date(2026, 11, 5), 10),
        (date(2026, 11, 12), 10),
    ]
    utc_hours = [s.astimezone(ZoneInfo("UTC")).hour for s in starts]
    assert utc_hours == [14, 14, 15, 15]


def test_a_series_every_two_weeks_until_a_date_stops_on_that_date() -> None:
    first = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo(NEW_YORK))
    starts = occurrence_starts(
        first=first, repeat=Repeat(every_weeks=2, until=date(2026, 4, 13)), zone=NEW_YORK
    )
    assert [s.date() for s in starts] == [
        date(2026, 3, 2),
        date(2026, 3, 16),
        date(2026, 3, 30),
        date(2026, 4, 13),
    ]
    # 8 March 2026 is the spring change: still 9:30 in New York after it.
    assert {s.astimezone(ZoneInfo(NEW_YORK)).time() for s in starts} == {time(9, 30)}


def _series(ana: Membership, pat: Participant, count: int = 4) -> list[Appointment]:
    first = book_appointment(
        acting=ana,
        participant=pat,
        starts_at=_soon(days=2, hour=10),
        duration_minutes=30,
        repeat=Repeat(every_weeks=1, count=count),
    )
    return list(Appointment.objects.filter(series=first.series).order_by("starts_at"))


def test_booking_a_series_materialises_each_occurrence(ana: Membership, pat: Participant) -> None:
    rows = _series(ana, pat, count=5)
    assert len(rows) == 5
    local = [timezone.localtime(r.starts_at) for r in rows]
    assert {(b.date() - a.date()).days for a, b in itertools.pairwise(local)} == {7}
    assert len({d.time() for d in local}) == 1  # the same wall-clock time every week
    # One audit event for the booking, not one per occurrence.
    assert AuditEvent.objects.filter(target_id=str(rows[0].pk), action=Action.CREATE).count() == 1


def test_moving_one_occurrence_leaves_the_rest_of_the_series(
    ana: Membership, pat: Participant
) -> None:
    rows = _series(ana, pat)
    later = rows[1].starts_at + timedelta(hours=2)
    move_appointment(
        acting=ana,
        appointment=rows[1],
        starts_at=later,
        duration_minutes=30,
        expected_version=rows[1].version,
    )
    after = list(Appointment.objects.filter(series=rows[0].series).order_by("starts_at"))
    assert [a.starts_at for a in after] == [
        rows[0].starts_at,
        later,
        rows[2].starts_at,
        rows[3].starts_at,
    ]
    assert [a.status for a in after] == [Status.BOOKED, Status.MOVED, Status.BOOKED, Status.BOOKED]


def test_moving_this_and_following_shifts_the_later_ones_too(
    ana: Membership, pat: Participant
) -> None:
    rows = _series(ana, pat)
    before = [r.starts_at for r in rows]
    move_appointment(
        acting=ana,
        appointment=rows[1],
        starts_at=rows[1].starts_at + timedelta(days=1),
        duration_minutes=60,
        expected_version=rows[1].version,
        following=True,
    )
    after = list(Appointment.objects.filter(series=rows[0].series).order_by("starts_at"))
    assert after[0].starts_at == before[0] and after[0].status == Status.BOOKED
    tz = timezone.get_current_timezone()
    for old, new in zip(before[1:], after[1:], strict=True):
        assert timezone.localtime(new.starts_at, tz).date() == timezone.localtime(
            old, tz
        ).date() + timedelta(days=1)
        assert (new.status, new.duration_minutes) == (Status.MOVED, 60)


def test_cancelling_one_records_who_and_why(ana: Membership, pat: Participant) -> None:
    rows = _series(ana, pat)
    cancelled = cancel_appointment(
        acting=ana,
        appointment=rows[2],
        cancelled_by=CancelledBy.PARTICIPANT,
        reason="Has a job interview",
        expected_version=rows[2].version,
    )
    assert cancelled == 1
    row = Appointment.objects.get(pk=rows[2].pk)
    assert (row.status, row.cancelled_by, row.cancel_reason) == (
        Status.CANCELLED,
        CancelledBy.PARTICIPANT,
        "Has a job interview",
    )
    others = Appointment.objects.filter(series=rows[0].series).exclude(pk=row.pk)
    assert set(others.values_list("status", flat=True)) == {Status.BOOKED}


def test_cancelling_this_and_following_cancels_the_rest(ana: Membership, pat: Participant) -> None:
    rows = _series(ana, pat)
    count = cancel_appointment(
        acting=ana,
        appointment=rows[1],
        cancelled_by=CancelledBy.PROGRAM,
        reason="",
        expected_version=rows[1].version,
        following=True,
    )
    assert count == 3
    statuses = list(
        Appointment.objects.filter(series=rows[0].series)
        .order_by("starts_at")
        .values_list("status", flat=True)
    )
    assert statuses == [Status.BOOKED, Status.CANCELLED, Status.CANCELLED, Status.CANCELLED]


def test_an_edit_from_an_old_version_is_refused_not_overwritten(
    ana: Membership, pat: Participant
) -> None:
    booked = book_appointment(acting=ana, participant=pat, starts_at=_soon(), duration_minutes=30)
    opened_version = booked.version
    move_appointment(
        acting=ana,
        appointment=booked,
        starts_at=booked.starts_at + timedelta(hours=1),
        duration_minutes=30,
        expected_version=opened_version,
    )
    moved_to = Appointment.objects.get(pk=booked.pk).starts_at
    with pytest.raises(StaleAppointment):
        move_appointment(
            acting=ana,
            appointment=booked,
            starts_at=booked.starts_at + timedelta(hours=5),
            duration_minutes=30,
            expected_version=opened_version,
        )
    with pytest.raises(StaleAppointment):
        record_outcome(
            acting=ana,
            appointment=booked,
            status=Status.NO_SHOW,
            expected_version=opened_version,
        )
    assert Appointment.objects.get(pk=booked.pk).starts_at == moved_to


def test_a_no_show_puts_a_follow_up_on_today_and_never_changes_the_participant(
    ana: Membership, pat: Participant
) -> None:
    Participant.objects.filter(pk=pat.pk).update(
        last_contact_on=timezone.localdate() - timedelta(9)
    )
    status_before = Participant.objects.get(pk=pat.pk).status
    missed = book_appointment(
        acting=ana,
        participant=pat,
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=30,
    )
    record_outcome(
        acting=ana, appointment=missed, status=Status.NO_SHOW, expected_version=missed.version
    )
    shown = missed_for_today(membership=ana, today=timezone.localdate())
    assert [m.pk for m in shown] == [missed.pk]
    assert Participant.objects.get(pk=pat.pk).status == status_before
    # A contact since then: the follow-up has done its work.
    Participant.objects.filter(pk=pat.pk).update(last_contact_on=timezone.localdate())
    assert missed_for_today(membership=ana, today=timezone.localdate()) == []


def test_an_appointment_is_with_a_participant_or_a_group(ana: Membership) -> None:
    with pytest.raises(ValueError, match="participant or with a group"):
        book_appointment(acting=ana, starts_at=_soon(), duration_minutes=30)
