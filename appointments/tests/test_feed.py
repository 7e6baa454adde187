"""The coach's private iCal feed: valid iCalendar, no participant name, the place only when the
coach chooses, no session needed, and 404 once revoked or replaced."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from appointments.models import CalendarFeed, TitleStyle
from appointments.services import (
    book_appointment,
    hash_token,
    make_feed_address,
    revoke_feed,
    save_feed_choices,
)
from cairn.demo import DemoWorld
from organizations.models import Membership
from participants.models import Participant


@pytest.fixture
def ana(demo: DemoWorld) -> Membership:
    membership = Membership.objects.select_related("organization", "user").get(user__username="ana")
    pat = Participant.objects.get(user__username="pat")
    Participant.objects.filter(pk=pat.pk).update(legal_name="Patricia Rivera")
    pat.refresh_from_db()
    book_appointment(
        acting=membership,
        participant=pat,
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=45,
        place="Harbor center, room 2",
    )
    return membership


def _events(token: str) -> list[dict[str, str]]:
    response = Client().get(f"/calendar/{token}.ics")  # no session
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    body = response.content.decode()
    assert "Pat" not in body and "Rivera" not in body
    return [
        {"summary": str(e["summary"]), "location": str(e.get("location", ""))}
        for e in calendar.walk("VEVENT")
    ]


def test_the_feed_is_valid_icalendar_and_never_names_the_participant(ana: Membership) -> None:
    token = make_feed_address(acting=ana)
    assert _events(token) == [{"summary": "Check-in", "location": ""}]
    save_feed_choices(acting=ana, title_style=TitleStyle.INITIALS, show_place=True)
    assert _events(token) == [
        {"summary": "Check-in with P. R.", "location": "Harbor center, room 2"}
    ]


def test_only_a_hash_of_the_secret_is_stored(ana: Membership) -> None:
    token = make_feed_address(acting=ana)
    feed = CalendarFeed.objects.get(coach=ana.user)
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash


def test_a_revoked_or_replaced_address_is_not_found(ana: Membership) -> None:
    first = make_feed_address(acting=ana)
    second = make_feed_address(acting=ana)
    assert Client().get(f"/calendar/{first}.ics").status_code == 404
    assert Client().get(f"/calendar/{second}.ics").status_code == 200
    assert revoke_feed(acting=ana)
    assert Client().get(f"/calendar/{second}.ics").status_code == 404


def test_the_settings_page_shows_a_new_address_once(demo: DemoWorld, ana: Membership) -> None:
    client = Client()
    client.force_login(demo.users["ana"])
    page = client.post("/appointments/calendar-feed/", {"action": "make"}).content.decode()
    assert "/calendar/" in page and "shown only once" in page
    again = client.get("/appointments/calendar-feed/").content.decode()
    assert "/calendar/" not in again.split("<main", 1)[-1]
