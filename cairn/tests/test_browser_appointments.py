"""Headless Chromium books a weekly appointment the way a coach does, by keyboard alone, from the
calendar; it appears in the week view; axe-core audits the calendar, the form and the
appointment page, and the week keeps to the screen at 360 px.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_appointments.py
"""

import os
from collections.abc import Callable

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    assert_no_horizontal_scroll,
    browser,
    browser_demo_fixture,
    named,
    narrow_session_fixture,
    session_fixture,
    with_id,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "a" and el["text"] == text


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def test_keyboard_only_weekly_appointment_appears_in_the_week(session: Session) -> None:
    from appointments.models import Appointment
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto("/appointments/")
    assert session.h1().startswith("Appointments, week of"), session.h1()
    session.audit("empty week")

    session.tab_until(_link("Book an appointment"), "Book an appointment link", max_tabs=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == "/appointments/new/"
    assert session.h1() == "Book an appointment"
    session.audit("booking form")

    # With whom, by type-ahead on the select; the date keeps its default (tomorrow).
    session.tab_until(named("who"), "With select", max_tabs=40)
    page.keyboard.type("Pat")
    assert page.locator("#id_who").input_value() == f"p:{pat.id}"
    session.tab_until(named("start"), "start time", max_tabs=5)
    page.keyboard.type("1030AM")
    assert page.locator("#id_start").input_value() == "10:30"
    session.tab_until(named("duration_minutes"), "length field", max_tabs=5)
    page.keyboard.press("Control+A")
    page.keyboard.type("45")
    session.tab_until(named("repeat"), "Repeat select", max_tabs=15)
    page.keyboard.type("Every week")
    assert page.locator("#id_repeat").input_value() == "1"
    session.tab_until(named("count"), "how many times", max_tabs=5)
    page.keyboard.type("4")
    session.tab_until(_button("Book"), "Book button", max_tabs=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert session.path.startswith("/appointments/?week="), session.path
    assert page.get_by_role("status").get_by_text("Appointment booked.").is_visible()
    rows = list(Appointment.objects.filter(participant=pat).order_by("starts_at"))
    assert len(rows) == 4 and {r.duration_minutes for r in rows} == {45}
    assert len({r.series_id for r in rows}) == 1
    entry = page.locator(".appt", has_text="Pat")
    assert entry.count() == 1
    assert "10:30 AM" in entry.inner_text() and "45 minutes" in entry.inner_text()
    session.audit("week with the appointment")

    with page.expect_navigation():
        entry.get_by_role("link").first.click()
    assert session.h1().startswith("Appointment with Pat")
    session.audit("appointment page")
    session.assert_clean()


def test_keyboard_only_text_reminder_then_a_weekly_appointment_plans_it(session: Session) -> None:
    """Issue 23: ana records Pat's choice (a text the day before), books Pat weekly, and each
    appointment's page shows the text planned inside Pat's texting hours."""
    from datetime import timedelta

    from appointments.models import Appointment, Reminder, ReminderState
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/appointments/reminders/{pat.id}/")
    assert session.h1() == "Appointment reminders for Pat"
    session.audit("reminder choice")
    session.tab_until(with_id("id_wanted_0"), "Yes, send reminders", max_tabs=60)
    page.keyboard.press("Space")
    session.tab_until(lambda el: el["name"] == "lead", "when", max_tabs=5)
    page.keyboard.press("Space")
    session.tab_until(_button("Save"), "Save button", max_tabs=15)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("status").get_by_text("Reminder choice saved.").is_visible()

    session.goto("/appointments/new/")
    session.tab_until(named("who"), "With select", max_tabs=60)
    page.keyboard.type("Pat")
    session.tab_until(named("start"), "start time", max_tabs=5)
    page.keyboard.type("1100AM")
    session.tab_until(named("repeat"), "Repeat select", max_tabs=20)
    page.keyboard.type("Every week")
    session.tab_until(named("count"), "how many times", max_tabs=5)
    page.keyboard.type("3")
    session.tab_until(_button("Book"), "Book button", max_tabs=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    booked = list(Appointment.objects.filter(participant=pat).order_by("starts_at"))
    assert len(booked) == 3
    planned = Reminder.objects.filter(appointment__in=booked, state=ReminderState.QUEUED)
    assert planned.count() == 3
    for reminder in planned:
        # The day before (the first, tomorrow's, goes as soon as Pat's hours allow).
        assert reminder.appointment.starts_at - timedelta(days=2) < reminder.send_at
        assert reminder.send_at < reminder.appointment.starts_at
    session.goto(f"/appointments/{booked[1].id}/")
    reminders = page.locator("#reminders-heading").locator("..").inner_text()
    assert "a text planned for" in reminders, reminders
    session.audit("appointment with its reminder")
    session.assert_clean()


def test_the_week_fits_a_narrow_screen(narrow_session: Session) -> None:
    narrow_session.sign_in("ana", DEMO_PASSWORD)
    narrow_session.goto("/appointments/")
    assert_no_horizontal_scroll(narrow_session, "week at 360 px")
    narrow_session.audit("week at 360 px")
    narrow_session.assert_clean()
