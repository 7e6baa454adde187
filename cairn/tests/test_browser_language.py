"""Headless Chromium writes a full contact note with the inline language checker: findings
appear as the coach types, the "Why" disclosure and one-click replace work by keyboard, words in
quotation marks and the "in their own words" field are left alone, a finding never blocks
saving, and the administrator's lexicon page passes axe-core.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_language.py
"""

import os
import re
from collections.abc import Callable
from urllib.parse import parse_qs

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from playwright.sync_api import Locator, Response, expect

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    describe,
    session_fixture,
    with_id,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE_PATH = re.compile(r"^/contacts/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/$")
ADDICT_SUGGESTION = "person with a substance use disorder"
ADDICT_REASON = '"Addict" reduces a whole person to one condition'


def _open_full_note_for_pat(session: Session) -> str:
    """Signed in as ana, on the full note form for Pat; the participant's id."""
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/contacts/new/{pat.id}/?kind=full")
    assert session.h1() == "Contact note for Pat", session.h1()
    return str(pat.id)


def _is_check_of(field: str, containing: str) -> Callable[[Response], bool]:
    """A response test: the checker's answer for `field`, sent once `containing` was typed."""

    def wanted(response: Response) -> bool:
        request = response.request
        if request.method != "POST" or f"/coaching/check/?field={field}" not in response.url:
            return False
        sent = parse_qs(request.post_data or "").get(field, [""])[0]
        return containing in sent

    return wanted


def _findings(session: Session, field: str) -> Locator:
    return session.page.locator(f"#lang-{field}")


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def test_findings_why_and_one_click_replace_by_keyboard(session: Session) -> None:
    page = session.page
    _open_full_note_for_pat(session)
    findings = _findings(session, "coach_actions")
    assert findings.get_attribute("aria-live") == "polite"

    # "What I did", by Tab; the checker answers after the typing pauses.
    session.tab_until(with_id("id_coach_actions"), "What I did field", max_tabs=80)
    page.keyboard.type("client is an addict who relapsed")
    expect(findings).to_contain_text("2 words to look at")
    expect(findings).to_contain_text(ADDICT_SUGGESTION)
    items = findings.locator("li")
    assert items.count() == 2, findings.inner_text()
    assert "“addict”" in items.nth(0).inner_text(), items.nth(0).inner_text()
    assert "“relapsed”" in items.nth(1).inner_text(), items.nth(1).inner_text()

    # The first "Why" disclosure, by Tab from the field, opens with Enter and closes with Space.
    why = items.nth(0).locator("details")
    summary = session.tab_until(
        lambda el: el["tag"] == "summary" and el["text"] == "Why", "first Why summary", max_tabs=3
    )
    assert summary["text"] == "Why", describe(summary)
    assert why.get_attribute("open") is None
    page.keyboard.press("Enter")
    expect(why).to_have_attribute("open", "")
    expect(why.get_by_text(ADDICT_REASON)).to_be_visible()
    session.audit("full note form with two findings and a Why open")
    page.keyboard.press("Space")
    expect(why).not_to_have_attribute("open", "")
    page.keyboard.press("Space")
    expect(why).to_have_attribute("open", "")

    # One-click replace, by Tab and Enter: the words are swapped literally, focus returns to
    # the field, and the re-check leaves only "addict".
    session.tab_until(
        _button("Replace with “return to use”"), "Replace with “return to use” button", max_tabs=3
    )
    with page.expect_response(_is_check_of("coach_actions", "return to use")) as checked:
        page.keyboard.press("Enter")
        textarea = page.locator("#id_coach_actions")
        assert textarea.input_value() == "client is an addict who return to use"
        focus = session.focused()
        assert (focus or {}).get("id") == "id_coach_actions", (
            f"after replacing, focus is on {describe(focus)}, not the What I did field"
        )
    assert checked.value.status == 200, checked.value.status
    expect(findings).to_contain_text("1 word to look at")
    assert items.count() == 1, findings.inner_text()
    assert "“addict”" in items.nth(0).inner_text(), items.nth(0).inner_text()
    assert (session.focused() or {}).get("id") == "id_coach_actions", session.focused()
    session.audit("full note form after one-click replace")
    session.assert_clean()


def test_quoted_words_and_own_words_are_left_alone(session: Session) -> None:
    page = session.page
    _open_full_note_for_pat(session)
    findings = _findings(session, "participant_response")

    # "In their own words" has no checker: no hx-post on the field, no findings region.
    own_words = page.locator("#id_own_words")
    assert own_words.get_attribute("hx-post") is None
    assert page.locator("#lang-own_words").count() == 0

    # "How they responded" is checked, but the participant's quoted words are not flagged.
    response_field = page.locator("#id_participant_response")
    assert response_field.get_attribute("hx-post") == "/coaching/check/?field=participant_response"
    response_field.focus()
    with page.expect_response(_is_check_of("participant_response", "today")) as checked:
        page.keyboard.type('She said "I am an addict" today')
    assert checked.value.status == 200, checked.value.status
    assert "<li" not in checked.value.text(), checked.value.text()
    page.wait_for_timeout(100)  # the swap follows the response
    assert findings.locator("li").count() == 0, findings.inner_text()
    assert findings.inner_text().strip() == "", findings.inner_text()

    # The same word outside the quotation marks is flagged: the field is really being checked.
    page.keyboard.type(", an addict")
    expect(findings).to_contain_text("1 word to look at")
    assert "“addict”" in findings.inner_text(), findings.inner_text()

    # Typing in "In their own words" sends nothing to the checker.
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if "/coaching/check/" in r.url else None)
    own_words.focus()
    page.keyboard.type("I am an addict and I relapsed")
    page.wait_for_timeout(1000)  # longer than the 700 ms debounce
    assert checks == [], checks
    session.audit("full note form with quoted words")
    session.assert_clean()


def test_a_finding_never_blocks_saving(session: Session) -> None:
    from encounters.models import Encounter

    page = session.page
    pat_id = _open_full_note_for_pat(session)
    text = "client is an addict who relapsed"

    page.locator("#id_contact_type").select_option("phone")
    # Date and start time are prefilled with now.
    assert page.locator("#id_day").input_value(), "the date is not prefilled"
    assert page.locator("#id_start").input_value(), "the start time is not prefilled"
    page.locator("#id_coach_actions").focus()
    page.keyboard.type(text)
    expect(_findings(session, "coach_actions")).to_contain_text("2 words to look at")

    session.tab_until(_button("Save draft"), "Save draft button", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert NOTE_PATH.match(session.path), f"{session.path}: {session.h1()!r}"
    assert session.h1() == "Phone with Pat", session.h1()
    assert page.get_by_text(text).is_visible()
    note = Encounter.objects.filter(participant_id=pat_id).latest("created_at")
    assert session.path == f"/contacts/{note.id}/"
    assert note.coach_actions == text
    assert note.state == "draft"
    session.assert_clean()


def test_lexicon_page_for_an_administrator(session: Session) -> None:
    page = session.page
    session.sign_in("max", DEMO_PASSWORD)
    session.goto("/coaching/lexicon/")
    assert session.h1() == "Language checker", session.h1()
    table = page.get_by_role("table")
    assert table.locator("tbody tr").count() > 10, table.locator("tbody tr").count()
    assert page.get_by_role("button", name="Turn off “addict”", exact=True).is_visible()
    assert table.locator("tbody tr").first.get_by_role("button").inner_text().startswith("Turn")
    assert page.get_by_role("heading", name="Add a word").is_visible()
    session.audit("lexicon page")
    session.assert_clean()


def test_practice_review_is_readable_and_accessible(session: Session, settings, tmp_path) -> None:
    """A coach pastes a role-play, reads the strengths-first review, and saves it privately."""
    from coaching.conversation import model as conversation_model
    from coaching.models import PracticeReview

    settings.CAIRN_MODEL_DIR = tmp_path / "models"
    conversation_model.load.cache_clear()
    conversation_model.load()  # build the model first: the first review would train it (seconds)
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto("/coaching/practice/")
    assert session.h1() == "My practice"
    session.audit("practice page")
    page.fill(
        "#id_transcript",
        "Coach: What has this week been like for you?\nParticipant: Hard, but I went to group.\n"
        "Coach: You showed up even on a hard week.\nParticipant: I guess I did.",
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("heading", name="What went well")).to_be_visible()
    assert page.get_by_role("heading", name="To try next").is_visible()
    session.audit("practice review")
    assert not PracticeReview.objects.exists()
    page.fill("#id_title", "Tuesday role-play")
    with page.expect_navigation():
        page.get_by_role("button", name="Save to my practice records").click()
    assert session.h1() == "Tuesday role-play"
    session.audit("saved practice review")
    session.assert_clean()
