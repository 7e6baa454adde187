"""Headless Chromium: Pat checks in on a hard day with very strong urges on a 320-pixel phone
and is told Ana was asked to get in touch, with 988 one tap away; Ana answers the signal from
Today by keyboard; Sam sees who answered and how quickly. axe-core audits each page.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_reach_out.py
"""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    assert_no_horizontal_scroll,
    browser,
    browser_demo_fixture,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hard_day_reaches_ana_who_answers_by_keyboard_and_sam_sees_it(
    session: Session,
) -> None:
    page = session.page
    page.set_viewport_size({"width": 320, "height": 720})
    session.sign_in("pat", DEMO_PASSWORD)
    session.goto("/me/check-in/")
    page.get_by_text("Having a hard day").first.click()
    page.get_by_text("Very strong").first.click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    text = page.locator("main").inner_text()
    assert "We have asked Ana to get in touch with you soon" in text
    assert page.locator('main a[href="tel:988"]').count() >= 1
    assert "signal" not in text.lower() and "flag" not in text.lower()
    assert_no_horizontal_scroll(session, "check-in thanks at 320 px")
    session.audit("check-in thanks after a hard day")
    session.sign_out()

    page.set_viewport_size({"width": 1280, "height": 900})
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto("/today/")
    section = page.locator("section.reach-out")
    assert "Pat" in section.inner_text()
    assert "Having a hard day, with very strong urges" in section.inner_text()
    session.audit("Today with a reach-out-soon signal")
    # By keyboard: the first choice, an arrow to "Left a message", then the button.
    section.locator("input[type=radio]").first.focus()
    page.keyboard.press("ArrowRight")
    assert section.locator("input[value=left_message]").is_checked()
    section.locator("button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Recorded: Left a message for Pat." in page.locator("main").inner_text()
    assert page.locator("section.reach-out").count() == 0
    session.sign_out()

    session.sign_in("sam", DEMO_PASSWORD)
    session.goto("/reach-out/")
    assert "Left a message — Ana" in page.locator("#signal-list").inner_text()
    session.audit("reach-out list for a supervisor")
    session.assert_clean()
