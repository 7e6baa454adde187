"""Headless Chromium: a referral goes from sent to completed by keyboard only. Ana refers Pat to
a treatment clinic Pat consented to; the partner opens the link, types the code, accepts, and
later marks the first service. axe-core audits each page.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_referrals.py
"""

import os
import re
from collections.abc import Callable
from datetime import timedelta

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.utils import timezone

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    session_fixture,
    with_id,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLINIC = "Harborview Medication for Opioid Use Disorder Clinic"


def _pat_consents_to_the_clinic() -> tuple[str, str]:
    """The demo's listings, and Pat's consent to share contact details with the clinic's
    provider for a referral. Returns Pat's id and the clinic's."""
    from consent.services import record_consent
    from directory import demo as directory_demo
    from directory.models import Service
    from organizations.models import Membership, Organization
    from participants.models import Participant
    from referrals.services import PURPOSE

    harbor = Organization.objects.get(slug="harbor")
    directory_demo.seed(harbor, anchor=timezone.localdate())
    pat = Participant.objects.get(user__username="pat")
    record_consent(
        acting=Membership.objects.select_related("user", "organization").get(
            organization=harbor, user__username="ana"
        ),
        participant=pat,
        values={
            "disclosing_party": harbor.name,
            "categories": ["contact"],
            "recipient": "Harborview Health",
            "purpose": PURPOSE,
            "expires_on": timezone.localdate() + timedelta(days=90),
            "signed_on": timezone.localdate(),
            "signature_method": "typed",
            "signature": "Pat",
            "revocation_explained": True,
        },
    )
    clinic = Service.objects.get(organization=harbor, name=CLINIC)
    return str(pat.id), str(clinic.id)


def _says(text: str) -> Callable[[dict[str, str]], bool]:
    """A tab_until test: the focused link or button says this."""
    return lambda el: el["text"] == text


def _press(session: Session, key: str = "Enter") -> None:
    with session.page.expect_navigation():
        session.page.keyboard.press(key)


def test_a_referral_goes_from_sent_to_completed_by_keyboard(session: Session) -> None:
    from referrals.models import Referral

    pat_id, clinic_id = _pat_consents_to_the_clinic()
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/directory/{clinic_id}/?for={pat_id}")
    session.tab_until(_says("Refer Pat to this service"), "the refer link")
    _press(session)
    assert session.h1() == f"Refer Pat to {CLINIC}"
    session.audit("refer, form")
    session.tab_until(with_id("id_note"), "the note for the partner")
    page.keyboard.type("Asking about a same-day start.")
    session.tab_until(_says("Send the referral"), "the send button")
    _press(session)
    assert "Referral sent." in page.locator("main").inner_text()
    secrets = page.locator("code.secret").all_inner_texts()
    assert len(secrets) == 2
    address, code = secrets
    session.audit("referral, link shown once")
    session.sign_out()

    # The partner: no account, the link and the code given by phone.
    session.goto(re.sub(r"^https?://[^/]+", "", address))
    assert "Pat" not in page.locator("main").inner_text()
    session.audit("partner, code")
    session.tab_until(with_id("id_code"), "the code field")
    page.keyboard.type(code)
    _press(session)
    assert "Pat" in page.locator("main").inner_text()
    assert "42 CFR part 2" in page.locator("main").inner_text()
    session.audit("partner, referral")
    session.tab_until(_says("Accept the referral"), "accept")
    _press(session)
    assert Referral.objects.get().state == "accepted"
    session.tab_until(with_id("id_first_service_on"), "the first service date")
    today = timezone.localdate()
    page.keyboard.type(f"{today:%m%d%Y}")
    session.tab_until(_says("Mark the first service as done"), "first service done")
    _press(session)
    assert session.h1() == "Thank you"
    session.audit("partner, thanks")
    referral = Referral.objects.get()
    assert referral.state == "completed"
    assert referral.first_service_on == today
    session.assert_clean()
