"""Headless Chromium on a coach's quickest contact (issue 20): from Today, by keyboard alone,
type a name into "Log a contact for…", pick the person, write a line and "Save and sign"; the
note is signed in one step. Today with its matches and the note form pass axe-core.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_quick_contact.py
"""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    session_fixture,
    with_id,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_person_on_today_and_save_and_sign_by_keyboard(session: Session) -> None:
    from encounters.models import Encounter, NoteState
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    assert session.path == "/today/"

    # 1. Type: the finder is reached by Tab; Enter lists the matches in place.
    session.tab_until(with_id("finder-q"), "the 'Log a contact for…' box")
    page.keyboard.type(pat.preferred_name[:3].lower())
    page.keyboard.press("Enter")
    link = page.locator(f'#finder-results a[href="/contacts/new/{pat.id}/"]')
    link.wait_for()
    assert session.path == "/today/"  # filled in on Today itself
    session.audit("Today with the finder's matches")

    # 2. Pick: the person's "Log a contact" is the next stops away.
    session.tab_until(lambda el: el["href"] == f"/contacts/new/{pat.id}/", "Log a contact for Pat")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == f"/contacts/new/{pat.id}/"
    session.audit("A brief check-in opened from the finder")

    # 3. The form: one line, then "Save and sign".
    session.tab_until(with_id("id_summary"), "the one-line summary")
    page.keyboard.type("Pat called to say the interview went well.")
    session.tab_until(
        lambda el: el["tag"] == "button" and el["text"] == "Save and sign", "Save and sign"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    note = Encounter.objects.filter(participant=pat).latest("created_at")
    assert note.state == NoteState.SIGNED
    assert session.path == f"/contacts/{note.id}/"
    body = page.locator("main").inner_text()
    assert "Saved and signed." in body and "Pat called to say the interview went well." in body
    session.audit("The note, signed in one step")
    session.assert_clean()
