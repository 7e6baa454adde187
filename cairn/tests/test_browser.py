"""Headless Chromium drives the real pages: a keyboard-only journey, axe-core audits of every
page reached, the 360 px layout, and no console errors or CSP violations anywhere.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser.py
"""

import os
import uuid

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from playwright.sync_api import Locator

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    UUID_PATH,
    Session,
    assert_no_horizontal_scroll,
    browser,
    browser_demo_fixture,
    describe,
    named,
    narrow_session_fixture,
    session_fixture,
    with_id,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _is_skip_link(element: dict[str, str] | None) -> bool:
    return (
        element is not None and element["tag"] == "a" and element["text"] == "Skip to main content"
    )


def test_keyboard_only_journey_for_a_coach(session: Session) -> None:
    page = session.page
    session.goto("/accounts/login/")
    assert session.h1() == "Sign in to Cairn"
    session.audit("login page")

    # The first Tab from the top reaches the skip link; Enter moves focus into main#main,
    # and the next Tab reaches the username field.
    page.keyboard.press("Tab")
    first = session.focused()
    assert _is_skip_link(first), f"the first Tab reached {describe(first)}, not the skip link"
    page.keyboard.press("Enter")
    assert (session.focused() or {}).get("id") == "main", session.focused()
    session.tab_until(lambda el: el["name"] == "username", "username field", max_tabs=3)
    page.keyboard.type("ana")
    session.tab_until(lambda el: el["name"] == "password", "password field", max_tabs=2)
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == "/today/"
    assert session.h1() == "Today, Ana"
    session.audit("ana's Today")

    # On a signed-in page too, the first Tab reaches the skip link and it leads to main.
    page.keyboard.press("Tab")
    assert _is_skip_link(session.focused()), session.focused()
    page.keyboard.press("Enter")
    assert (session.focused() or {}).get("id") == "main", session.focused()

    # The nav link to the participants list, by Tab and Enter (back up from main).
    session.tab_until(
        lambda el: el["tag"] == "a" and el["text"] == "Participants",
        "Participants nav link",
        key="Shift+Tab",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == "/participants/"
    assert session.h1() == "My caseload"
    session.audit("ana's caseload")

    # Open Pat (on ana's caseload) from the list with the keyboard.
    link = session.tab_until(
        lambda el: el["tag"] == "a" and el["text"] == "Pat", "Pat in the caseload table"
    )
    assert UUID_PATH.search(link["href"]), link
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert UUID_PATH.search(session.path), session.path
    assert session.h1().startswith("Pat")
    assert page.get_by_role("heading", name="How they like to be reached").is_visible()
    session.audit("Pat's overview")

    # Sign out: the header's POST button, reached from the top of the page.
    session.tab_until(
        lambda el: el["tag"] == "button" and el["text"] == "Sign out", "Sign out button"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path.startswith("/accounts/login/")
    assert session.h1() == "Sign in to Cairn"
    assert page.get_by_role("button", name="Sign out").count() == 0

    # Signed out for real: the caseload now asks for sign-in again.
    session.goto("/participants/")
    assert session.path.startswith("/accounts/login/")
    session.assert_clean()


@pytest.mark.parametrize(
    ("username", "home", "heading"),
    [
        ("ana", "/today/", "Today, Ana"),
        ("sam", "/today/", "Today, Sam"),
        ("mia", "/participants/", "Participants"),
        ("max", "/organization/people/", "People and roles"),
        ("pat", "/me/", "Hi, Pat"),
        ("rio", "/today/", "Today, Rio"),
    ],
)
def test_each_role_lands_on_an_accessible_home(
    session: Session, username: str, home: str, heading: str
) -> None:
    session.sign_in(username, DEMO_PASSWORD)
    assert session.path == home
    assert session.h1() == heading
    session.audit(f"{username}'s home {home}")
    if username == "pat":
        # The crisis line is always in sight for a participant.
        assert session.page.get_by_role("link", name="Call 988").is_visible()
    session.assert_clean()


def test_admin_pages_and_security_page(session: Session) -> None:
    page = session.page
    session.sign_in("max", DEMO_PASSWORD)

    with page.expect_navigation():
        page.get_by_role("link", name="Invite someone").click()
    assert session.path == "/organization/people/invite/"
    assert session.h1() == "Invite someone"
    session.audit("admin invite page")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    assert session.path == "/organization/teams/"
    assert session.h1() == "Teams"
    assert page.get_by_role("link", name="Harbor Team A").is_visible()
    session.audit("admin teams page")

    with page.expect_navigation():
        page.get_by_role("link", name="Sign-in security").click()
    assert session.path == "/accounts/security/"
    assert session.h1() == "Sign-in security"
    session.audit("security page")
    session.assert_clean()


def test_not_found_pages_are_calm_and_accessible(session: Session) -> None:
    from participants.models import Participant

    bens = Participant.objects.filter(coach__username="ben").values_list("id", flat=True).first()
    assert bens is not None

    # Anonymous, an address that does not exist.
    response = session.goto_error_page("/no-such-page/")
    assert response.status == 404
    assert session.h1() == "We couldn't find that page"
    session.audit("404 page (signed out)")

    # Signed in as ana: someone outside her caseload answers 404, like an unknown id.
    session.sign_in("ana", DEMO_PASSWORD)
    for participant_id in (bens, uuid.uuid4()):
        response = session.goto_error_page(f"/participants/{participant_id}/")
        assert response.status == 404
        assert session.h1() == "We couldn't find that page"
    session.audit("404 page (signed in)")
    session.assert_clean()


def test_no_horizontal_scroll_at_360_px(narrow_session: Session) -> None:
    session = narrow_session
    session.goto("/accounts/login/")
    assert_no_horizontal_scroll(session, "login page")

    session.sign_in("ana", DEMO_PASSWORD)
    session.goto("/participants/")
    assert session.h1() == "My caseload"
    assert_no_horizontal_scroll(session, "/participants/ for ana")
    session.audit("ana's caseload at 360 px")
    session.assert_clean()


def test_the_checks_themselves_catch_problems(session: Session) -> None:
    """Guards against false confidence: a blocked inline script and an image without
    alternative text must be reported by the same machinery the other tests rely on."""
    session.goto("/accounts/login/")
    session.page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inline_ran = true;";
          document.body.appendChild(script);
          const img = document.createElement("img");
          img.src = "/static/cairn/missing.png";
          document.body.appendChild(img);
        }"""
    )
    assert session.page.evaluate("() => window.__inline_ran === undefined"), "CSP let it run"
    session.audit("login page with planted problems")
    session.page.wait_for_timeout(200)  # let the console messages arrive
    assert any("Content Security Policy" in e for e in session.console_errors), (
        session.console_errors
    )
    assert any("image-alt" in f for f in session.axe_findings), session.axe_findings


def test_idle_warning_offers_to_stay_signed_in(session: Session, settings) -> None:
    settings.CAIRN_IDLE_TIMEOUT_MINUTES = 1
    settings.CAIRN_IDLE_WARNING_SECONDS = 58  # the warning opens two seconds after page load
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    dialog = page.get_by_role("dialog", name="Still there?")
    dialog.wait_for(state="visible", timeout=6000)
    assert page.evaluate("() => document.activeElement.id") == "idle-stay"
    session.audit("idle warning dialog")
    with page.expect_response(lambda r: r.url.endswith("/accounts/keepalive/")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    dialog.wait_for(state="hidden", timeout=3000)
    assert session.path == "/today/"
    session.assert_clean()


# --- participant intake ---------------------------------------------------------------------


def _error_summary(session: Session) -> Locator:
    page = session.page
    return page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="Please check the form")
    )


def test_keyboard_only_intake_by_a_coach(session: Session) -> None:
    from participants.models import Participant

    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto("/participants/")
    assert session.h1() == "My caseload"
    session.tab_until(
        lambda el: el["tag"] == "a" and el["text"] == "Enrol someone", "Enrol someone link"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == "/participants/new/"
    assert session.h1() == "Enrol someone"
    session.audit("intake page (empty)")

    # Enter in the one required field, still empty, submits the form; the page comes back
    # with the error summary, whose link leads back to the field.
    session.tab_until(named("preferred_name"), "name they go by field")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == "/participants/new/"
    assert _error_summary(session).is_visible()
    session.audit("intake page with errors (no name)")
    session.tab_until(
        lambda el: el["tag"] == "a" and el["href"] == "#id_preferred_name",
        "error summary link to the name field",
    )
    page.keyboard.press("Enter")
    assert (session.focused() or {}).get("id") == "id_preferred_name", session.focused()
    page.keyboard.type("Robin")

    # Pronouns: type-ahead on the select.
    session.tab_until(named("pronoun_choice"), "pronouns select", max_tabs=1)
    page.keyboard.type("they")
    assert page.locator("#id_pronoun_choice").input_value() == "they/them"

    # Legal name: "prefer not to say", ticked with Space.
    declined_id = page.get_by_label("Prefer not to say (legal name)").get_attribute("id") or ""
    assert declined_id
    session.tab_until(with_id(declined_id), "prefer not to say (legal name)", max_tabs=5)
    page.keyboard.press("Space")
    assert page.locator(f"#{declined_id}").is_checked()

    # First way to reach them, past language, interpreter and identity: one step down from
    # "No choice".
    session.tab_until(named("channel_1"), "first contact choice", max_tabs=24)
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_channel_1").input_value() == "text"

    session.tab_until(named("phone"), "phone field", max_tabs=3)
    page.keyboard.type("617-555-0188")

    harm_reduction_id = page.get_by_label("Harm reduction", exact=True).get_attribute("id") or ""
    assert harm_reduction_id
    session.tab_until(with_id(harm_reduction_id), "Harm reduction pathway", max_tabs=30)
    page.keyboard.press("Space")
    assert page.locator(f"#{harm_reduction_id}").is_checked()

    session.tab_until(
        lambda el: el["tag"] == "button" and el["text"] == "Enrol", "Enrol button", max_tabs=20
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The form posts to its own address, which still carries "#id_preferred_name" from the
    # summary link; the browser keeps that fragment across the redirect. Compare without it.
    overview_path = session.path.partition("#")[0]
    assert UUID_PATH.search(overview_path), session.path
    assert session.h1().startswith("Robin"), session.h1()
    assert "they/them" in session.h1()
    assert page.get_by_role("status").get_by_text("Robin is enrolled.").is_visible()
    assert page.get_by_text("Text message").first.is_visible()
    session.audit("Robin's overview after intake")

    robin = Participant.objects.get(preferred_name="Robin")
    assert overview_path == f"/participants/{robin.id}/"
    assert robin.pronouns == "they/them"
    assert robin.phone == "+16175550188"
    assert robin.contact_channels == ["text"]
    assert "harm_reduction" in robin.pathways
    assert "legal_name" in robin.declined
    assert robin.legal_name == ""
    assert robin.coach is not None and robin.coach.username == "ana"
    session.assert_clean()


def test_intake_with_a_bad_phone_keeps_what_was_typed(session: Session) -> None:
    from django.core.exceptions import ValidationError

    from lib.phones import to_e164
    from participants.models import Participant

    with pytest.raises(ValidationError) as raised:
        to_e164("555-12")
    phone_error = raised.value.messages[0]

    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto("/participants/new/")
    before = Participant.objects.count()
    page.locator("#id_preferred_name").fill("Sky")
    page.locator("#id_phone").fill("555-12")
    with page.expect_navigation():
        page.get_by_role("button", name="Enrol").click()

    assert session.path == "/participants/new/"
    assert Participant.objects.count() == before, "a participant was saved despite the error"
    summary = _error_summary(session)
    assert summary.is_visible()
    link = summary.get_by_role("link", name="Phone")
    assert link.get_attribute("href") == "#id_phone"
    assert phone_error in summary.inner_text()
    field_error = page.locator("#id_phone_error")
    assert field_error.is_visible()
    assert field_error.inner_text().strip() == phone_error
    assert page.locator("#id_preferred_name").input_value() == "Sky"
    assert page.locator("#id_phone").input_value() == "555-12"
    assert page.locator("#id_phone").get_attribute("aria-invalid") == "true"
    described_by = (page.locator("#id_phone").get_attribute("aria-describedby") or "").split()
    assert "id_phone_error" in described_by, described_by
    session.audit("intake page with a phone error")

    # Following the summary's link by keyboard puts focus in the phone field.
    session.tab_until(
        lambda el: el["tag"] == "a" and el["href"] == "#id_phone", "error summary link to phone"
    )
    page.keyboard.press("Enter")
    assert (session.focused() or {}).get("id") == "id_phone", session.focused()
    session.assert_clean()


def test_pats_overview_edit_and_history_pages_are_accessible(session: Session) -> None:
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)

    session.goto(f"/participants/{pat.id}/")
    assert session.h1().startswith("Pat"), session.h1()
    session.audit("Pat's overview")

    session.goto(f"/participants/{pat.id}/edit/")
    assert session.h1() == "Edit Pat's details"
    session.audit("Pat's edit page")

    # Save one change, so the history has a row to show.
    page.locator("#id_safe_times").fill("Weekday evenings")
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    assert session.path == f"/participants/{pat.id}/", session.h1()
    assert page.get_by_role("status").get_by_text("Saved.").is_visible()

    session.goto(f"/participants/{pat.id}/history/")
    assert session.h1() == "Changes to Pat's record"
    assert page.locator("table tbody tr").count() >= 1
    session.audit("Pat's change history")
    session.assert_clean()


def test_intake_and_overview_fit_360_px(narrow_session: Session) -> None:
    from participants.models import Participant

    session = narrow_session
    pat = Participant.objects.get(user__username="pat")
    session.sign_in("ana", DEMO_PASSWORD)

    session.goto("/participants/new/")
    assert session.h1() == "Enrol someone"
    assert_no_horizontal_scroll(session, "intake page")
    session.page.locator("#id_phone").fill("555-12")
    with session.page.expect_navigation():
        session.page.get_by_role("button", name="Enrol").click()
    assert _error_summary(session).is_visible()
    assert_no_horizontal_scroll(session, "intake page with errors")
    session.audit("intake page with errors at 360 px")

    session.goto(f"/participants/{pat.id}/")
    assert session.h1().startswith("Pat"), session.h1()
    assert_no_horizontal_scroll(session, "Pat's overview")
    session.audit("Pat's overview at 360 px")
    session.assert_clean()
