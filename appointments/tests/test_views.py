"""The pages: scoping (404 and its audit for another coach's or organization's appointment),
view events, the day and week, booking twice by accident, the portal list and its .ics."""

from datetime import time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from appointments.models import Appointment, Status
from appointments.services import book_appointment, local_start
from audit.models import Action, AuditEvent
from cairn.demo import DemoWorld
from groups.models import Group
from organizations.models import Membership, Role
from participants.models import Participant


def _next(days: int, hour: int = 11) -> Any:
    return local_start(
        organization_zone=timezone.get_current_timezone_name(),
        day=timezone.localdate() + timedelta(days=days),
        at=time(hour),
    )


@pytest.fixture
def booked(demo: DemoWorld) -> Appointment:
    ana = Membership.objects.select_related("organization", "user").get(user__username="ana")
    pat = Participant.objects.get(user__username="pat")
    return book_appointment(
        acting=ana,
        participant=pat,
        starts_at=_next(2),
        duration_minutes=45,
        place="Harbor center, room 2",
    )


def _client(demo: DemoWorld, username: str) -> Client:
    client = Client()
    client.force_login(demo.users[username])
    return client


def test_another_coachs_appointment_is_not_found_and_the_refusal_is_audited(
    demo: DemoWorld, booked: Appointment
) -> None:
    for username in ("ben", "rio"):
        response = _client(demo, username).get(f"/appointments/{booked.id}/")
        assert response.status_code == 404
        assert "Pat" not in response.content.decode().split("<main", 1)[-1]
        refused = AuditEvent.objects.filter(
            action=Action.PERMISSION_DENIED, actor=demo.users[username]
        )
        assert refused.exists()


def test_opening_an_appointment_writes_one_view_event_naming_the_participant(
    demo: DemoWorld, booked: Appointment
) -> None:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = _client(demo, "ana").get(f"/appointments/{booked.id}/")
    assert response.status_code == 200
    assert "Harbor center, room 2" in response.content.decode()
    views = AuditEvent.objects.filter(pk__gt=last, action=Action.VIEW)
    assert [v.participant_id for v in views] == [booked.participant_id]


def test_the_week_shows_the_coachs_appointments_by_day_with_names(
    demo: DemoWorld, booked: Appointment
) -> None:
    day = timezone.localtime(booked.starts_at).date()
    page = _client(demo, "ana").get(f"/appointments/?week={day.isoformat()}").content.decode()
    assert "Pat" in page and "45 minutes" in page
    assert page.count("<h1") == 1
    monday = day - timedelta(days=day.weekday())
    assert f"?week={(monday - timedelta(days=7)).isoformat()}" in page  # previous week
    assert f"?week={(monday + timedelta(days=7)).isoformat()}" in page  # next week
    day_page = _client(demo, "ana").get(f"/appointments/?day={day.isoformat()}").content.decode()
    assert "Pat" in day_page
    empty = _client(demo, "ana").get(f"/appointments/?day={(day + timedelta(days=60)).isoformat()}")
    assert "Nothing booked." in empty.content.decode()
    # Ben's week does not show ana's appointment.
    assert "Pat" not in _client(demo, "ben").get(f"/appointments/?week={day}").content.decode()


def test_booking_a_weekly_series_from_the_overview_form(demo: DemoWorld) -> None:
    pat = Participant.objects.get(user__username="pat")
    client = _client(demo, "ana")
    overview = client.get(f"/participants/{pat.id}/").content.decode()
    assert f"/appointments/with/{pat.id}/" in overview
    day = timezone.localdate() + timedelta(days=3)
    response = client.post(
        f"/appointments/with/{pat.id}/",
        {
            "day": day.isoformat(),
            "start": "09:30",
            "duration_minutes": "30",
            "mode": "video",
            "repeat": "2",
            "count": "3",
        },
    )
    assert response.status_code == 302
    rows = list(Appointment.objects.filter(participant=pat).order_by("starts_at"))
    assert [timezone.localtime(r.starts_at).date() for r in rows] == [
        day,
        day + timedelta(days=14),
        day + timedelta(days=28),
    ]
    assert {r.mode for r in rows} == {"video"}


def test_cancel_asks_first_and_records_who_cancelled(demo: DemoWorld, booked: Appointment) -> None:
    client = _client(demo, "ana")
    confirm = client.get(f"/appointments/{booked.id}/cancel/").content.decode()
    assert "Who cancelled?" in confirm
    assert Appointment.objects.get(pk=booked.pk).status == Status.BOOKED
    client.post(
        f"/appointments/{booked.id}/cancel/",
        {"cancelled_by": "participant", "reason": "Feeling unwell", "version": booked.version},
    )
    row = Appointment.objects.get(pk=booked.pk)
    assert (row.status, row.cancelled_by, row.cancel_reason) == (
        Status.CANCELLED,
        "participant",
        "Feeling unwell",
    )


def test_a_stale_move_is_refused_with_a_calm_word(demo: DemoWorld, booked: Appointment) -> None:
    client = _client(demo, "ana")
    data = {"day": timezone.localdate().isoformat(), "start": "15:00", "duration_minutes": "30"}
    client.post(f"/appointments/{booked.id}/move/", {**data, "version": booked.version})
    moved = Appointment.objects.get(pk=booked.pk)
    response = client.post(
        f"/appointments/{booked.id}/move/",
        {**data, "start": "17:00", "version": booked.version},
        follow=True,
    )
    assert "Someone changed this appointment" in response.content.decode()
    assert Appointment.objects.get(pk=booked.pk).starts_at == moved.starts_at


def test_no_show_from_the_page_puts_a_gentle_line_on_today(demo: DemoWorld) -> None:
    ana = Membership.objects.select_related("organization", "user").get(user__username="ana")
    pat = Participant.objects.get(user__username="pat")
    Participant.objects.filter(pk=pat.pk).update(
        last_contact_on=timezone.localdate() - timedelta(days=10)
    )
    missed = book_appointment(
        acting=ana,
        participant=pat,
        starts_at=timezone.now() - timedelta(hours=26),
        duration_minutes=30,
    )
    client = _client(demo, "ana")
    client.post(
        f"/appointments/{missed.id}/outcome/", {"status": "no_show", "version": missed.version}
    )
    today = client.get("/today/").content.decode().replace("&#x27;", "'")
    assert "Pat didn't make the appointment on" in today
    assert "a good moment to reach out" in today
    assert Participant.objects.get(pk=pat.pk).status == pat.status


def test_a_group_appointment_shows_on_the_groups_calendar(demo: DemoWorld) -> None:
    ana = Membership.objects.select_related("organization", "user").get(user__username="ana")
    group = Group.objects.create(
        organization=ana.organization, name="Morning circle", facilitator=ana.user
    )
    session = book_appointment(acting=ana, group=group, starts_at=_next(1, 9), duration_minutes=90)
    page = _client(demo, "ana").get(f"/groups/{group.id}/").content.decode()
    assert "Group calendar" in page and f"/appointments/{session.id}/" in page
    assert _client(demo, "ana").get(f"/appointments/{session.id}/").status_code == 200
    assert _client(demo, "ben").get(f"/appointments/{session.id}/").status_code == 404


def test_the_portal_lists_my_appointments_in_plain_words_and_gives_an_ics(
    demo: DemoWorld, booked: Appointment
) -> None:
    client = _client(demo, "pat")
    page = client.get("/me/appointments/").content.decode()
    assert "My appointments" in page and "Harbor center, room 2" in page
    response = client.get(f"/me/appointments/{booked.id}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == booked.starts_at
    assert str(event["location"]) == "Harbor center, room 2"


def test_another_participant_cannot_download_pats_appointment(
    demo: DemoWorld, booked: Appointment
) -> None:
    robin = User.objects.create(username="robin", preferred_name="Robin")
    Participant.objects.create(
        organization=booked.organization,
        preferred_name="Robin",
        user=robin,
        coach=demo.users["ana"],
        enrolled_on="2026-01-01",
    )
    Membership.objects.create(organization=booked.organization, user=robin, role=Role.PARTICIPANT)
    client = Client()
    client.force_login(robin)
    assert client.get("/me/appointments/").status_code == 200
    assert client.get(f"/me/appointments/{booked.id}/calendar.ics").status_code == 404


def test_the_portal_page_speaks_spanish(demo: DemoWorld, booked: Appointment) -> None:
    client = _client(demo, "pat")
    client.cookies["django_language"] = "es"
    page = client.get("/me/appointments/").content.decode()
    assert "Mis citas" in page and "Agregar a mi calendario" in page


def test_an_appointment_says_how_to_reach_the_person_and_in_which_language(
    demo: DemoWorld, booked: Appointment
) -> None:
    assert booked.participant_id is not None
    Participant.objects.filter(pk=booked.participant_id).update(
        preferred_language="vi", needs_interpreter=True, interpreter_language=""
    )
    page = _client(demo, "ana").get(f"/appointments/{booked.id}/").content.decode()
    assert "How they like to be reached" in page
    assert "<strong>interpreter: Vietnamese</strong>" in page
