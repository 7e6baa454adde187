"""Recurring check-ins: they land on Today on their days; pause, resume and end in one click."""

from datetime import date, time, timedelta

from django.utils import timezone

from cairn.demo import DemoWorld
from encounters.models import CheckInSchedule
from participants.models import Participant


def _pat(demo: DemoWorld) -> Participant:
    return Participant.objects.get(user=demo.users["pat"])


def test_fortnightly_schedule_falls_on_every_other_week() -> None:
    schedule = CheckInSchedule(
        weekday=1,
        every_weeks=2,
        starts_on=date(2026, 1, 5),
        window_start=time(10),
        window_end=time(11),
    )
    tuesdays = [date(2026, 1, 6) + timedelta(weeks=n) for n in range(4)]
    assert [schedule.falls_on(d) for d in tuesdays] == [True, False, True, False]
    assert not schedule.falls_on(date(2026, 1, 7))
    assert not schedule.falls_on(date(2025, 12, 30))
    schedule.paused = True
    assert not schedule.falls_on(date(2026, 1, 6))


def test_schedule_is_created_and_shows_on_today(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    Participant.objects.filter(pk=pat.pk).update(next_contact_on=None)
    today = timezone.localdate()
    client = client_for("ana")
    bad = client.post(
        f"/contacts/schedules/new/{pat.id}/",
        {
            "every_weeks": 1,
            "weekday": today.weekday(),
            "window_start": "11:00",
            "window_end": "10:00",
            "starts_on": today.isoformat(),
        },
    )
    assert "The window ends after it starts." in bad.content.decode()
    client.post(
        f"/contacts/schedules/new/{pat.id}/",
        {
            "every_weeks": 1,
            "weekday": today.weekday(),
            "window_start": "10:00",
            "window_end": "12:00",
            "starts_on": today.isoformat(),
        },
    )
    schedule = CheckInSchedule.objects.get(participant=pat)
    page = client.get("/today/").content.decode()
    section = page.split('id="scheduled-heading"')[1].split('id="overdue-heading"')[0]
    assert ">Pat<" in section and "between 10:00 AM and 12:00 PM" in section
    client.post(f"/contacts/schedules/{schedule.id}/", {"action": "pause"})
    schedule.refresh_from_db()
    assert schedule.paused
    page = client.get("/today/").content.decode()
    assert ">Pat<" not in page.split('id="scheduled-heading"')[1].split('id="overdue-heading"')[0]
    client.post(f"/contacts/schedules/{schedule.id}/", {"action": "resume"})
    client.post(f"/contacts/schedules/{schedule.id}/", {"action": "end"})
    schedule.refresh_from_db()
    assert schedule.ended_on == today and not schedule.paused


def test_other_coach_cannot_change_the_schedule(demo: DemoWorld, client_for) -> None:
    pat = _pat(demo)
    schedule = CheckInSchedule.objects.create(
        organization=pat.organization,
        participant=pat,
        created_by=demo.users["ana"],
        weekday=2,
        window_start=time(9),
        window_end=time(10),
        starts_on=date(2026, 1, 1),
    )
    assert (
        client_for("ben").post(f"/contacts/schedules/{schedule.id}/", {"action": "end"}).status_code
        == 404
    )
    schedule.refresh_from_db()
    assert schedule.ended_on is None
