"""Headless Chromium on a phone-sized screen (360 by 740) as Pat: today's check-in by keyboard,
a call asked from Help now, the safety plan one tap from a goal, the safety plan edited (with a
dropped connection on the way, the draft kept), and "Leave quickly" landing on the neutral page
and signing out. axe-core audits every page this part of the portal adds.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_portal_plan.py
"""

import os
from collections.abc import Callable

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.conf import settings

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    assert_no_horizontal_scroll,
    browser,
    browser_demo_fixture,
    named,
    narrow_session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PERSON = "Keisha from group"


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def test_pat_checks_in_asks_for_a_call_and_edits_the_safety_plan(narrow_session: Session) -> None:
    from assessments.models import CHECKIN, Assessment, ItemResponse
    from portal.models import CallRequest, CallSource
    from safety.models import SafetyPlanVersion

    session = narrow_session
    page = session.page
    session.sign_in("pat", DEMO_PASSWORD)
    assert session.path == "/me/"
    session.audit("home with the check-in")
    assert_no_horizontal_scroll(session, "home")

    # Today's check-in by keyboard: three questions answered, one left blank.
    session.tab_until(named("item_today"), "first check-in question", max_tabs=40)
    page.keyboard.press("ArrowRight")  # "Not great" (arrows move and choose in a radio group)
    session.tab_until(named("item_urges"), "urges question")
    page.keyboard.press("Space")  # "None"
    session.tab_until(named("item_supported"), "supported question")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # "Somewhat"
    session.tab_until(_button("Send my check-in"), "send button")  # the call question skipped
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == "/me/check-in/thanks/"
    assert session.h1() == "Thank you for checking in"
    session.audit("check-in thank-you")
    check_in = Assessment.objects.get(
        participant__user__username="pat", instrument=CHECKIN, recorded_by__username="pat"
    )
    answers = {r.item_key: r.value for r in ItemResponse.objects.filter(assessment=check_in)}
    assert answers == {"today": 2, "urges": 0, "supported": 3, "call": None}

    # "I'd like a call" from Help now: the page says when coaches answer, and 988 first.
    page.get_by_text("Help now", exact=True).click()
    with page.expect_navigation():
        page.locator("details.help-now").get_by_role("link", name="I'd like a call").click()
    assert session.path == "/me/call/"
    body = page.locator("main").inner_text()
    assert "Coaches usually answer: Monday to Friday, 9 to 5." in body
    assert "call or text 988" in body
    session.audit("ask for a call")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, I'd like a call").click()
    assert "You asked for a call on" in page.locator("main").inner_text()
    session.audit("call asked")
    request = CallRequest.objects.get(participant__user__username="pat", handled_at__isnull=True)
    assert request.source == CallSource.HELP_NOW

    # My plan, one goal, and the safety plan in one tap from it.
    session.open_portal_menu()
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My plan").click()
    assert session.h1() == "My plan"
    session.audit("my plan")
    assert_no_horizontal_scroll(session, "my plan")
    with page.expect_navigation():
        page.get_by_role("link", name="Open this goal").first.click()
    assert session.h1() == "My goal"
    session.audit("a goal")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="My safety plan").click()
    assert session.path == "/me/safety-plan/"
    assert session.h1() == "My safety plan"
    session.audit("my safety plan")
    with page.expect_navigation():
        page.get_by_role("link", name="Wallet card to print").click()
    session.audit("my wallet card")
    page.go_back()

    # Edit it; the connection drops on the first save and the draft stays in the tab.
    with page.expect_navigation():
        page.get_by_role("link", name="Change my safety plan").click()
    assert session.path == "/me/safety-plan/edit/"
    session.audit("safety plan form")
    before = SafetyPlanVersion.objects.filter(plan__participant__user__username="pat").count()
    page.fill("input[name=help_people-2-name]", NEW_PERSON)
    session.context.set_offline(True)
    session.expected_error_urls.add(session.url("/me/safety-plan/edit/"))
    page.get_by_role("button", name="Save my plan").click()
    page.wait_for_timeout(300)
    session.context.set_offline(False)
    session.goto("/me/safety-plan/edit/")
    assert page.input_value("input[name=help_people-2-name]") == NEW_PERSON
    page.fill("input[name=help_people-2-phone]", "(617) 555-0199")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my plan").click()
    assert session.path == "/me/safety-plan/"
    assert page.locator('a[href="tel:+16175550199"]').count() >= 1
    newest = SafetyPlanVersion.objects.filter(plan__participant__user__username="pat").latest(
        "number"
    )
    assert newest.changed_by.username == "pat"
    assert SafetyPlanVersion.objects.filter(plan__participant__user__username="pat").count() == (
        before + 1
    )
    # The saved plan clears the kept draft: the form opens with the saved words only.
    session.goto("/me/safety-plan/edit/")
    assert page.input_value("input[name=help_people-3-name]") == ""

    # Leave quickly: the neutral page replaces this one, and the session is signed out.
    neutral = settings.CAIRN_QUICK_EXIT_URL
    page.route(
        f"{neutral.rstrip('/')}/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><p>Forecast</p>"
        ),
    )
    with page.expect_request(lambda r: r.url.endswith("/accounts/logout/")) as logout:
        page.get_by_role("link", name="Leave quickly").click()
    page.wait_for_url(f"{neutral.rstrip('/')}/**")
    assert page.title() == "Weather"
    logout.value.response()  # the background sign-out finished
    session.goto("/me/")
    assert session.path.startswith("/accounts/login/"), session.path
    session.assert_clean()
