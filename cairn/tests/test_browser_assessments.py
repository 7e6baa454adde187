"""Headless Chromium records a BARC-10 for Pat the way ana would on a call, by keyboard alone:
a refused date first (errors announced and focused), then ten answers with the arrow keys, the
total on the detail page and the chart's summary moving; axe-core audits every page on the way.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_assessments.py
"""

import os
from collections.abc import Callable
from datetime import timedelta

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.utils import dateformat, timezone

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    named,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pat's answers today, 1 (strongly disagree) to 6 (strongly agree): a total of 43.
ANSWERS = [5, 4, 4, 4, 4, 5, 4, 5, 4, 4]


def _link(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "a" and el["text"] == text


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def test_keyboard_only_barc10_for_pat_moves_the_total_and_the_chart(session: Session) -> None:
    from assessments.models import Assessment
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    list_path = f"/assessments/participant/{pat.id}/"
    session.goto(list_path)
    assert session.h1() == "Assessments for Pat"
    summary = page.locator("#total-chart-summary")
    assert summary.inner_text().startswith("From 31 at the start to 39 on"), summary.inner_text()
    chart = page.get_by_role("img", name="Recovery capital over time (BARC-10 total)")
    assert chart.count() == 1
    assert (chart.locator("desc").text_content() or "").startswith("From 31 at the start")
    session.audit("assessments list")

    session.tab_until(_link("Record an assessment"), "Record an assessment link", max_tabs=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    form_path = f"/assessments/participant/{pat.id}/new/"
    assert session.path == form_path
    assert session.h1() == "BARC-10 for Pat"
    session.audit("BARC-10 form (empty)")

    # A date in the future is refused; the errors are announced and take the focus.
    tomorrow = timezone.localdate() + timedelta(days=1)
    session.tab_until(named("administered_on"), "date field", max_tabs=30)
    page.keyboard.type(tomorrow.strftime("%m%d%Y"))  # en-US: month, day, year segments
    session.tab_until(_button("Save assessment"), "Save assessment button", max_tabs=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == form_path
    alert = page.get_by_role("alert")
    assert "can't be dated in the future" in alert.inner_text(), alert.inner_text()
    assert (session.focused() or {}).get("id") == "form-errors", session.focused()
    session.audit("BARC-10 form with errors")

    today = timezone.localdate()
    session.tab_until(named("administered_on"), "date field", max_tabs=10)
    page.keyboard.type(today.strftime("%m%d%Y"))
    assert page.locator("#id_administered_on").input_value() == today.isoformat()
    for number, value in enumerate(ANSWERS, start=1):
        # One Tab stop per radio group; Space picks the first choice, arrows move along.
        session.tab_until(named(f"item_q{number}"), f"statement {number}", max_tabs=3)
        page.keyboard.press("Space")
        for _ in range(value - 1):
            page.keyboard.press("ArrowRight")
        checked = page.locator(f"input[name=item_q{number}]:checked")
        assert checked.get_attribute("value") == str(value), number
    session.tab_until(_button("Save assessment"), "Save assessment button", max_tabs=10)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assessment = Assessment.objects.filter(participant=pat).latest("created_at")
    assert session.path == f"/assessments/{assessment.id}/", session.path
    assert (assessment.total, assessment.is_complete, assessment.administered_on) == (
        sum(ANSWERS),
        True,
        today,
    )
    assert page.get_by_role("status").get_by_text("Assessment saved.").is_visible()
    assert page.locator("#result").inner_text() == f"Total: {sum(ANSWERS)} of 60"
    assert page.get_by_role("row").filter(has_text="I get lots of support from friends.").count()
    session.audit("BARC-10 detail")

    session.tab_until(_link("All assessments"), "All assessments link", max_tabs=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == list_path
    day = dateformat.format(today, "j M")
    expected = f"From 31 at the start to {sum(ANSWERS)} on {day}, a change of +{sum(ANSWERS) - 31}."
    assert summary.inner_text() == expected
    assert page.locator("#totals-table tbody tr").count() == 5
    assert page.locator("svg[role=img] circle").count() == 5
    session.audit("assessments list after recording")
    session.assert_clean()


def test_choosing_an_instrument_by_keyboard_shows_its_statements_at_once(session: Session) -> None:
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/assessments/participant/{pat.id}/new/")
    assert session.h1() == "BARC-10 for Pat"
    # With script on, the no-script button is gone: choosing is enough.
    assert page.get_by_role("button", name="Show these statements").count() == 0
    menu = page.locator("#id_instrument")
    # The menu is wide enough for the whole name.
    assert menu.evaluate("el => el.clientWidth") >= page.locator("#id_language").evaluate(
        "el => el.clientWidth"
    )
    # The answers sit in equal columns, each a target of at least 24 by 24 pixels.
    boxes = [
        box
        for box in (
            label.bounding_box() for label in page.locator("fieldset").first.locator("label").all()
        )
        if box
    ]
    scale = boxes[:-1]  # the last is "prefer not to answer", on its own row
    assert len({round(box["width"]) for box in scale}) == 1, scale
    assert all(box["width"] >= 24 and box["height"] >= 24 for box in boxes)
    session.audit("BARC-10 form before changing instrument")

    session.tab_until(named("instrument"), "instrument menu", max_tabs=40)
    page.keyboard.press("ArrowDown")  # the next instrument: the check-in
    page.get_by_role("group", name="1. How are you today?").wait_for()
    assert session.h1() == "Check-in for Pat"
    assert page.locator("input[type=hidden][name=instrument]").input_value() == "checkin"
    assert (session.focused() or {}).get("name") == "instrument"
    assert page.locator("#assess-statements-shown").inner_text() == (
        "Showing the statements of Check-in."
    )
    assert "instrument=checkin" in page.url
    session.audit("check-in statements shown without another click")
    session.assert_clean()
