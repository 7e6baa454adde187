"""Headless Chromium: Sam opens a practice review Ana shared and comments on one of its lines
using only the keyboard; Ana answers on the same line using only the keyboard; both see the
thread. axe-core audits each page.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_comment_thread.py
"""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from cairn.demo import DEMO_PASSWORD, DemoWorld
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    named,
    session_fixture,
)
from coaching.models import PracticeReview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = [
    {"speaker": "coach", "text": "How was the week?", "label": "open_question"},
    {"speaker": "participant", "text": "Rough. I skipped the meeting.", "label": "neutral"},
    {
        "speaker": "coach",
        "text": "You should really go next time.",
        "label": "advice_without_permission",
    },
]
SAM_SAYS = "Could you ask first here? Try: may I share an idea?"
ANA_SAYS = "Yes, I felt myself rushing. I will ask first next time."


def _comment_by_keyboard(session: Session, *, line: int, text: str) -> None:
    """From the top of the page: Tab to the line chooser, arrow down to the line, Tab to the
    comment, type it, Tab to the button and press Enter."""
    page = session.page
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    session.tab_until(named("line"), "the line chooser", max_tabs=80)
    for _ in range(line):
        page.keyboard.press("ArrowDown")
    assert page.locator("select[name=line]").input_value() == str(line)
    page.keyboard.press("Tab")
    assert (session.focused() or {}).get("name") == "text"
    page.keyboard.type(text)
    session.tab_until(lambda el: el["text"] == "Add the comment", "the comment button")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _thread(session: Session) -> str:
    return session.page.locator("#comments").inner_text()


def test_sam_comments_on_a_line_and_ana_answers_by_keyboard(
    session: Session, browser_demo: DemoWorld
) -> None:
    review = PracticeReview.objects.create(
        organization=browser_demo.organizations["harbor"],
        owner=browser_demo.users["ana"],
        title="Role-play with Jordan",
        utterances=LINES,
        summary={},
        shared_with_supervisor=True,
    )
    url = f"/coaching/practice/{review.id}/"

    session.sign_in("sam", DEMO_PASSWORD)
    session.goto(url)
    assert "shared by Ana" in session.page.locator("main").inner_text()
    session.audit("a shared practice review, for the supervisor")
    _comment_by_keyboard(session, line=3, text=SAM_SAYS)
    assert session.path == f"{url}#comments"
    thread = _thread(session)
    assert SAM_SAYS in thread and "on line 3" in thread
    assert "You should really go next time." in thread
    session.audit("the review after the supervisor's comment")
    session.sign_out()

    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(url)
    assert SAM_SAYS in _thread(session)
    session.audit("the review with a comment, for the coach")
    _comment_by_keyboard(session, line=3, text=ANA_SAYS)
    thread = _thread(session)
    assert thread.index(SAM_SAYS) < thread.index(ANA_SAYS)
    assert thread.count("on line 3") == 2
    session.audit("the review after the coach's answer")
    session.sign_out()

    session.sign_in("sam", DEMO_PASSWORD)
    session.goto(url)
    thread = _thread(session)
    assert SAM_SAYS in thread and ANA_SAYS in thread
    session.audit("the thread, for the supervisor")
    session.assert_clean()


def test_the_self_check_and_the_signed_log_pages_are_axe_clean(session: Session) -> None:
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto("/supervision/wellbeing/new/")
    assert "not a clinical instrument" in page.locator("main").inner_text()
    session.audit("the wellbeing self-check")
    page.locator("input[name=energy][value='2']").check()
    page.locator("textarea[name=help]").fill("An afternoon without calls.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "An afternoon without calls." in page.locator("main").inner_text()
    session.audit("one self-check")
    with page.expect_navigation():
        page.get_by_role("button", name="Share the summary with my supervisor").click()
    session.goto("/supervision/wellbeing/")
    session.audit("the self-check history")
    session.goto("/supervision/")
    session.audit("my supervision")
    session.sign_out()

    session.sign_in("sam", DEMO_PASSWORD)
    session.goto("/supervision/")
    with page.expect_navigation():
        page.get_by_role("link", name="Ana: signed logs and shared self-checks").click()
    session.audit("a supervisor's page for a coach")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the log for this period").click()
    main = page.locator("main").inner_text()
    assert "Signed." in page.locator("body").inner_text()
    assert "A little" in main and "An afternoon" not in main
    session.audit("a supervisor's page for a coach, after signing")
    session.assert_clean()
