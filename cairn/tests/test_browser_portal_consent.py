"""Headless Chromium on a phone-sized screen (360 x 740) as Pat, by keyboard alone: open the
consent ana sent from the home page, read it, sign it by typing their name, see it in use, then
stop it. axe-core audits every page on the way and each page fits the width.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_portal_consent.py
"""

import os
from collections.abc import Callable
from datetime import timedelta

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.utils import timezone

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

RECIPIENT = "Harbor Housing Office"


def _check(session: Session, label: str) -> None:
    assert_no_horizontal_scroll(session, label)
    session.audit(f"{label} at 360 px")


def _link(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "a" and el["text"] == text


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def _ana_sends_a_consent_to_pat() -> str:
    from consent.services import record_consent
    from organizations.models import Membership
    from participants.models import Participant

    ana = Membership.objects.select_related("user", "organization").get(user__username="ana")
    consent = record_consent(
        acting=ana,
        participant=Participant.objects.get(user__username="pat"),
        values={
            "disclosing_party": ana.organization.name,
            "categories": ["attendance"],
            "recipient": RECIPIENT,
            "purpose": "Housing application",
            "expires_on": timezone.localdate() + timedelta(days=90),
            "signature_method": "portal",
        },
    )
    return str(consent.id)


def test_pat_signs_a_consent_by_typing_and_then_stops_it_by_keyboard(
    narrow_session: Session,
) -> None:
    from consent.models import Consent

    s, page = narrow_session, narrow_session.page
    consent_id = _ana_sends_a_consent_to_pat()
    s.sign_in("pat", DEMO_PASSWORD)
    assert s.path == "/me/"
    region = page.get_by_role("region", name="Your coach asked you to look at a consent")
    assert RECIPIENT in region.inner_text()
    _check(s, "home with a consent to look at")

    s.tab_until(_link(f"Read: sharing with {RECIPIENT}"), "the consent on home", max_tabs=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert s.path == f"/me/record/consents/{consent_id}/"
    assert s.h1() == f"Share with {RECIPIENT}?"
    _check(s, "the consent to read and sign")

    s.tab_until(named("signature"), "the name field", max_tabs=80)
    page.keyboard.type("Pat Rivera")
    s.tab_until(named("understood"), "the 'I know I can stop this' box", max_tabs=5)
    page.keyboard.press("Space")
    s.tab_until(_button("Sign it"), "the Sign it button", max_tabs=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    statuses = " ".join(page.get_by_role("status").all_inner_texts())
    assert "Signed. It starts today." in statuses and "You signed this on" in statuses
    consent = Consent.objects.get(pk=consent_id)
    assert consent.status() == "active" and consent.signature == "Pat Rivera"
    _check(s, "the signed consent")

    s.tab_until(_link(f"Stop sharing with {RECIPIENT}"), "the stop link", max_tabs=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert s.h1() == f"Stop sharing with {RECIPIENT}?"
    _check(s, "stopping the consent")
    s.tab_until(_button("Yes, stop it"), "the Yes, stop it button", max_tabs=20)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert s.path == "/me/record/"
    consents = page.get_by_role("region", name="My consents").inner_text()
    assert RECIPIENT in consents and "Revoked" in consents
    assert Consent.objects.get(pk=consent_id).status() == "revoked"
    _check(s, "the record page after stopping")
    s.assert_clean()
