"""Headless Chromium on a phone-sized screen (360x740) as Pat: read my notes, ask for a correction,
send my coach a message, open my record and privacy page and the list of who looked; then Ana
answers the correction and Pat reads the answer. axe-core audits every page on the way.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_portal_record.py
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
    narrow_session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG = "We met at the library, not the center."
RIGHT = "We met at the library on Main Street."
MESSAGE = "Can we move Thursday to the afternoon?"


def _check(session: Session, label: str) -> None:
    assert_no_horizontal_scroll(session, label)
    session.audit(f"{label} at 360 px")


def _ana_views_pat() -> None:
    """Ana opens Pat's overview, so the access report has someone else in it."""
    from django.test import Client

    from accounts.models import User
    from participants.models import Participant

    client = Client()
    client.force_login(User.objects.get(username="ana"))
    pat = Participant.objects.get(user__username="pat")
    assert client.get(f"/participants/{pat.id}/").status_code == 200


def test_pat_reads_notes_asks_for_a_correction_messages_and_checks_privacy(
    narrow_session: Session,
) -> None:
    from encounters.models import FeedbackStatus, NoteFeedback
    from inbox.models import Message

    s, page = narrow_session, narrow_session.page
    _ana_views_pat()
    s.sign_in("pat", DEMO_PASSWORD)
    _check(s, "home with messages card")
    assert "You have 1 new message." in page.get_by_role("region", name="Messages").inner_text()

    # My notes: the list shows signed notes and the withheld one by date and reason.
    s.open_portal_menu()
    page.get_by_role("link", name="My notes").first.click()
    page.wait_for_url("**/me/notes/")
    assert s.h1() == "My notes"
    assert "was not shared: it has information about another person." in page.inner_text("main")
    _check(s, "notes list")
    page.locator(".note-link").first.click()
    assert s.h1().startswith("Note from ")
    _check(s, "one note")

    # Ask for a change; the form error is calm, then the request is sent.
    page.get_by_role("link", name="Ask for a change").click()
    assert s.h1() == "Ask for a change"
    _check(s, "correction form")
    page.get_by_role("button", name="Send").click()
    assert page.locator("#form-errors").is_visible()
    _check(s, "correction form with an error")
    page.get_by_label("What is wrong?").fill(WRONG)
    page.get_by_label("What should it say?").fill(RIGHT)
    page.get_by_role("button", name="Send").click()
    assert s.h1().startswith("Note from ")
    assert "Waiting for your coach" in page.inner_text("main")
    _check(s, "note with an open request")
    request = NoteFeedback.objects.get()
    assert request.status == FeedbackStatus.OPEN and request.suggested == RIGHT

    # A message to my coach, with the calm notice about reply times.
    s.open_portal_menu()
    page.get_by_role("link", name="Messages").first.click()
    assert s.h1() == "Messages with my coach"
    assert "This is not for emergencies" in page.inner_text("main")
    _check(s, "messages")
    page.get_by_label("Your message").fill(MESSAGE)
    page.get_by_role("button", name="Send").click()
    assert MESSAGE in page.inner_text("main")
    assert Message.objects.filter(from_participant=True).latest("created_at").body == MESSAGE
    _check(s, "messages after sending")

    # My record and privacy, and who has looked.
    s.open_portal_menu()
    page.get_by_role("link", name="My record and privacy").first.click()
    assert s.h1() == "My record and privacy"
    _check(s, "record and privacy")
    page.get_by_role("link", name="See the full list").click()
    assert s.h1() == "Who has looked at my record"
    assert "(peer coach) looked at your record" in page.inner_text("main")
    _check(s, "access report")
    s.sign_out()

    # Ana answers; Pat reads the answer on the note.
    s.sign_in("ana", DEMO_PASSWORD)
    s.goto("/today/")
    page.get_by_role("link", name="Pat: correction request on the note of").first.click()
    assert s.h1() == "Pat asks for a correction"
    s.audit("answer a correction")
    page.get_by_label("Accept: add the correction to the note as an addendum").check()
    page.get_by_label("What you write back").fill(RIGHT)
    page.get_by_role("button", name="Send answer").click()
    assert RIGHT in page.inner_text("main")
    s.audit("note with the correction added")
    page.get_by_role("link", name="Don't share this note").click()
    assert s.h1().startswith("Keep the note from")
    s.audit("withhold a note")
    page.get_by_role("button", name="Don't share this note").click()
    assert page.locator("#form-errors").is_visible()  # a reason is needed
    s.audit("withhold a note, no reason chosen")
    page.get_by_label("It has information about another person").check()
    page.get_by_role("button", name="Don't share this note").click()
    assert "Not shared with Pat" in page.inner_text("main")
    page.get_by_role("button", name="Share with Pat").click()
    assert "Pat can read this note" in page.inner_text("main")
    s.goto("/inbox/")
    assert "1 new" in page.inner_text("main")
    s.audit("staff inbox")
    page.get_by_role("link", name="Pat").first.click()
    assert s.h1() == "Messages with Pat" and MESSAGE in page.inner_text("main")
    s.audit("staff thread")
    s.sign_out()

    s.sign_in("pat", DEMO_PASSWORD)
    s.goto(f"/me/notes/{request.encounter_id}/")
    text = page.inner_text("main")
    assert "Corrected: the change was added to the note" in text and RIGHT in text
    _check(s, "note with the answer")
    s.assert_clean()
