"""Headless Chromium on a phone-sized screen (360 x 740): ana prints a portal invitation for a
participant who has no sign-in yet; then, in a fresh browser, that person types the code (a wrong
one first), chooses a sign-in name and passphrase, lands on their own Cairn, signs out and signs
back in. Every page on the way, and the new-password pages, pass axe-core and fit the width.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_portal_entry.py
"""

import os
import re
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from cairn.demo import DEMO_PASSWORD, DemoWorld
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    assert_no_horizontal_scroll,
    browser,
    browser_demo_fixture,
    narrow_session_fixture,
    open_session,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
PASSPHRASE = "seven paper boats drifting"


def _new_participant(demo: DemoWorld) -> str:
    from participants.models import Participant

    robin = Participant.objects.create(
        organization=demo.organizations["harbor"],
        preferred_name="Robin",
        phone="+16175550123",
        coach=demo.users["ana"],
        enrolled_on="2026-01-01",
    )
    return str(robin.id)


def _check(session: Session, label: str) -> None:
    assert_no_horizontal_scroll(session, label)
    session.audit(label)


def test_a_paper_invitation_then_sign_up_sign_out_and_back_in_on_a_phone(
    narrow_session: Session, live_server: Any, browser_demo: DemoWorld
) -> None:
    robin_id = _new_participant(browser_demo)
    coach = narrow_session
    coach.sign_in("ana", DEMO_PASSWORD)
    coach.goto(f"/participants/{robin_id}/")
    with coach.page.expect_navigation():
        coach.page.get_by_role("link", name="Invite to their own Cairn").click()
    assert coach.h1() == "Invite Robin to their own Cairn"
    _check(coach, "the invitation form")
    coach.page.get_by_label("Print it on paper to hand over").check()
    with coach.page.expect_navigation():
        coach.page.get_by_role("button", name="Make the code").click()
    assert coach.h1() == "A code to print and hand over"
    handout = coach.page.get_by_role("region", name="Your own Cairn")
    assert f"{live_server.url}/me/start/" in handout.inner_text()
    shown = coach.page.locator(".code-big").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", shown), shown
    _check(coach, "the paper code")
    coach.page.emulate_media(media="print")
    assert not coach.page.get_by_role("button", name="Print").is_visible()
    assert coach.page.locator(".code-big").is_visible()
    coach.page.emulate_media(media="screen")
    coach.assert_clean()

    # The person, on their own phone: nothing shared with the coach's browser.
    own_phone = narrow_session.context.browser
    assert own_phone is not None
    person = open_session(own_phone, live_server.url, viewport=PHONE)  # type: ignore[arg-type]
    try:
        page = person.page
        person.goto("/accounts/login/")
        assert page.locator("input[name=shared_device]").is_visible()
        _check(person, "the sign-in page")
        with page.expect_navigation():
            page.get_by_role("link", name="Have a code from your coach?").click()
        assert person.h1() == "Set up your sign-in"
        _check(person, "the code page")

        page.get_by_label("Your code").fill("ABCD-2345")
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()
        alert = page.get_by_role("alert")
        assert "That code didn't work" in alert.inner_text(), alert.inner_text()
        _check(person, "the code page with a wrong code")

        page.get_by_label("Your code").fill(shown.lower())
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()
        assert person.path == "/me/start/account/"
        assert person.h1() == "Choose your sign-in name and password"
        _check(person, "choosing a sign-in")

        page.get_by_label("Choose a sign-in name").fill("robin.r")
        page.get_by_label("Password or passphrase").fill(PASSPHRASE)
        page.get_by_label("Type it again").fill(PASSPHRASE)
        with page.expect_navigation():
            page.get_by_role("button", name="Save and go to my Cairn").click()
        assert person.path == "/me/"
        assert person.h1() == "Hi, Robin"
        assert "Your sign-in name is robin.r" in page.get_by_role("status").inner_text()
        _check(person, "my own Cairn")

        person.sign_out()
        assert person.path.startswith("/accounts/login/")
        person.sign_in("robin.r", PASSPHRASE)
        assert person.path == "/me/"

        # The new-password pages, for the next time the passphrase slips the mind.
        person.sign_out()
        person.goto("/me/reset/")
        assert person.h1() == "Forgot your password?"
        _check(person, "the new-password request")
        page.get_by_label("Your sign-in name").fill("robin.r")
        with page.expect_navigation():
            page.get_by_role("button", name="Text me a code").click()
        assert person.path == "/me/reset/code/"
        _check(person, "the new-password form")
        person.assert_clean()
    finally:
        person.context.close()
