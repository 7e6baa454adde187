"""Headless Chromium: a coach finds a food pantry open now within 5 miles of a ZIP code and shares
it onto the participant's portal, by keyboard; the participant reads it on a 320-pixel phone.
axe-core audits each page.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_directory.py
"""

import os
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.utils import timezone

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PANTRY = "Westside Community Food Pantry"


def _pantry_open_for_the_next_two_hours() -> None:
    """The demo's listings, with the pantry's hours around this moment (whatever the clock)."""
    from directory import demo as directory_demo
    from directory.models import Schedule, Service, SharedResource, Weekday
    from organizations.models import Organization

    harbor = Organization.objects.get(slug="harbor")
    directory_demo.seed(harbor, anchor=timezone.localdate())
    SharedResource.objects.all().delete()
    now = timezone.now().astimezone(ZoneInfo(harbor.time_zone))
    start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    pantry = Service.objects.get(organization=harbor, name=PANTRY)
    Schedule.objects.filter(service=pantry).delete()
    for day in (now.date() - timedelta(days=1), now.date()):
        Schedule.objects.create(
            organization=harbor,
            service=pantry,
            byday=Weekday.of(day),
            opens_at=start,
            closes_at=end if end != start else time(0),
        )
    assert isinstance(now, datetime)


def test_coach_finds_an_open_pantry_near_a_zip_and_shares_it(session: Session) -> None:
    _pantry_open_for_the_next_two_hours()
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/participants/{pat.id}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Find help and share it").click()
    assert session.h1() == "Find help for Pat"
    session.audit("find help, empty")

    page.locator("#id_need").select_option(label="Food")
    page.locator("#id_open_now").focus()
    page.keyboard.press("Space")
    page.locator("#id_zip").fill("21201")
    page.locator("#id_within").select_option(label="5 miles")
    page.locator("#id_zip").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results = page.locator(".resource-results")
    assert PANTRY in results.inner_text()
    assert "Northside Food Bank" not in results.inner_text()  # eight miles away
    assert "miles away" in results.inner_text()
    session.audit("find help, results")

    share = results.locator("button", has_text=f"Share with Pat: {PANTRY}")
    assert share.count() == 1
    share.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "now in Pat's resources" in page.locator("body").inner_text()
    assert PANTRY in page.locator("#shared-heading + ul").inner_text()
    session.audit("find help, after sharing")
    session.sign_out()

    page.set_viewport_size({"width": 320, "height": 700})
    session.sign_in("pat", DEMO_PASSWORD)
    session.goto("/me/resources/")
    assert session.h1() == "My resources"
    assert PANTRY in page.locator("main").inner_text()
    assert page.locator('main a[href^="tel:"]').count() == 1
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= 320, f"My resources scrolls sideways at 320 px: {widths}"
    session.audit("my resources")
    page.screenshot(path="var/my-resources-320.png", full_page=True)
    with page.expect_navigation():
        page.locator("main button", has_text=f"This helped: {PANTRY}").click()
    assert "You said this helped." in page.locator("main").inner_text()
    session.assert_clean()


def test_coach_finds_an_open_pantry_near_a_zip_and_texts_it(
    session: Session, text_messages
) -> None:
    """The issue's browser test: found by keyboard, texted by keyboard, and the text with the
    pantry's name is in the outbox; the thread shows it as a message to Pat."""
    _pantry_open_for_the_next_two_hours()
    from participants.models import ContactChannel, Participant

    Participant.objects.filter(user__username="pat").update(
        contact_channels=[ContactChannel.TEXT, ContactChannel.CALL],
        texts_from=None,
        texts_until=None,
        texts_stopped_at=None,
    )
    pat = Participant.objects.get(user__username="pat")
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/directory/?for={pat.id}")
    page.locator("#id_need").select_option(label="Food")
    page.locator("#id_open_now").focus()
    page.keyboard.press("Space")
    page.locator("#id_zip").fill("21201")
    page.locator("#id_within").select_option(label="5 miles")
    page.locator("#id_zip").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results = page.locator(".resource-results")
    assert PANTRY in results.inner_text()
    assert "Northside Food Bank" not in results.inner_text()  # eight miles away
    session.audit("find help, results with text buttons")

    results.locator("button", has_text=f"Share with Pat: {PANTRY}").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused == f"Text it to Pat: {PANTRY}"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"Texted {PANTRY} to Pat." in page.locator("body").inner_text()
    assert PANTRY in page.locator("#shared-heading + ul").inner_text()
    session.audit("find help, after texting")
    assert [m.to for m in text_messages] == [pat.phone]
    assert text_messages[0].body.splitlines()[0] == PANTRY
    session.goto(f"/inbox/{pat.id}/")
    assert PANTRY in page.locator("main").inner_text()
    session.assert_clean()
