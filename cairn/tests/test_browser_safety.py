"""Headless Chromium works a safety plan the way a coach does: from Pat's overview to the plan in
one step, an update written by keyboard alone (a mistyped number first), the new version in the
history with what changed, and the wallet card on screen and in print, with axe-core audits of the
plan, the form with and without errors, the history, a version and the card.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_safety.py
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
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_SIGN = "Pacing the kitchen at night"
NEW_PERSON = "Keisha from group"


def _link(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "a" and el["text"] == text


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def _pat_id() -> str:
    from participants.models import Participant

    return str(Participant.objects.get(user__username="pat").id)


def test_coach_updates_a_safety_plan_by_keyboard_and_prints_the_card(session: Session) -> None:
    from safety.models import SafetyPlanVersion

    pat_id = _pat_id()
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/participants/{pat_id}/")
    card = page.get_by_role("region", name="Safety plan")
    assert "Last updated" in card.inner_text(), card.inner_text()

    # One step from the overview to the plan.
    link = session.tab_until(_link("Open safety plan"), "Open safety plan link", max_tabs=80)
    assert link["href"] == f"/safety/participant/{pat_id}/"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.h1() == "Pat's safety plan"
    assert "Version 2, saved" in page.locator(".lead").inner_text()
    assert page.locator('a[href="tel:988"]').count() >= 1
    assert page.locator('a[href="sms:988"]').count() >= 1
    session.audit("the plan")

    session.tab_until(_link("Update the plan"), "Update the plan link", max_tabs=30)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    form_path = f"/safety/participant/{pat_id}/edit/"
    assert session.path == form_path
    assert session.h1() == "Update Pat's safety plan"
    session.audit("the plan form")

    # A new sign, at the end of the first list.
    session.tab_until(named("warning_signs"), "warning signs box", max_tabs=30)
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(NEW_SIGN)
    # A new person to ask for help, with a mistyped number.
    session.tab_until(named("help_people-2-name"), "third help person name", max_tabs=40)
    page.keyboard.type(NEW_PERSON)
    session.tab_until(named("help_people-2-phone"), "third help person phone", max_tabs=2)
    page.keyboard.type("555")
    session.tab_until(_button("Save the plan"), "Save the plan button", max_tabs=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == form_path
    alert = page.get_by_role("alert")
    assert "Please check the form" in alert.inner_text(), alert.inner_text()
    assert (session.focused() or {}).get("id") == "form-errors", session.focused()
    assert page.locator("#id_help_people-2-name").input_value() == NEW_PERSON
    assert NEW_SIGN in page.locator("#id_warning_signs").input_value()
    assert SafetyPlanVersion.objects.filter(plan__participant_id=pat_id).count() == 2
    session.audit("the plan form with an error")

    session.tab_until(named("help_people-2-phone"), "the phone with the error", max_tabs=60)
    page.keyboard.press("Control+a")
    page.keyboard.type("617-555-0166")
    session.tab_until(_button("Save the plan"), "Save the plan button", max_tabs=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == f"/safety/participant/{pat_id}/", f"{session.path}: {session.h1()!r}"
    assert page.get_by_role("status").get_by_text("Saved as a new version").is_visible()
    assert "Version 3, saved" in page.locator(".lead").inner_text()
    assert page.get_by_text(NEW_SIGN).is_visible()
    assert page.locator('a[href="tel:+16175550166"]').count() == 1
    assert page.locator('a[href="sms:+16175550166"]').count() == 1

    session.tab_until(_link("Earlier versions and what changed"), "versions link", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.h1() == "Versions of Pat's safety plan"
    rows = page.get_by_role("row")
    assert "Version 3 (current)" in rows.nth(1).inner_text(), rows.nth(1).inner_text()
    assert "Ana" in rows.nth(1).inner_text()
    session.audit("the history")

    session.tab_until(_link("Version 3"), "Version 3 link", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.h1() == "Version 3 of Pat's safety plan"
    changes = page.get_by_role("region", name="What changed from version 2")
    assert NEW_SIGN in changes.inner_text()
    assert NEW_PERSON in changes.inner_text()
    session.audit("version 3 with its changes")

    session.goto(f"/safety/participant/{pat_id}/")
    session.tab_until(_link("Wallet card to print"), "wallet card link", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.h1() == "Wallet card for Pat"
    front = page.get_by_role("region", name="My safety plan")
    assert "988" in front.inner_text()
    people = page.get_by_role("region", name="People I can reach")
    assert NEW_PERSON in people.inner_text()
    session.audit("the wallet card")

    # On paper: four panels of about 85 x 55 mm, nothing of the site around them.
    page.emulate_media(media="print")
    box = page.locator(".wallet-panel").first.bounding_box()
    assert box is not None
    mm = 96 / 25.4
    assert abs(box["width"] - 85 * mm) < 3 and abs(box["height"] - 55 * mm) < 3, box
    assert not page.locator(".site-header").is_visible()
    page.emulate_media(media="screen")
    session.assert_clean()


def test_plan_form_and_card_fit_a_phone_screen(narrow_session: Session) -> None:
    pat_id = _pat_id()
    narrow_session.sign_in("ana", DEMO_PASSWORD)
    for label, path in (
        ("plan", f"/safety/participant/{pat_id}/"),
        ("form", f"/safety/participant/{pat_id}/edit/"),
        ("card", f"/safety/participant/{pat_id}/card/"),
    ):
        narrow_session.goto(path)
        assert_no_horizontal_scroll(narrow_session, label)
        narrow_session.audit(f"{label} at 360 px")
    narrow_session.assert_clean()
