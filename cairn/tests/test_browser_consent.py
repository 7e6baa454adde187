"""Headless Chromium works the consent and sharing pages the way staff do: a consent recorded and
revoked by keyboard alone, a disclosure downloaded and then listed in the accounting, and an
emergency access opened by one coach, reviewed by the manager and shown in the audit pages,
with axe-core audits of every form, error state and list on the way.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_consent.py
"""

import os
from collections.abc import Callable
from datetime import timedelta

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.utils import timezone

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    UUID_PATH,
    Session,
    browser,
    browser_demo_fixture,
    named,
    session_fixture,
    with_id,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECIPIENT = "Harbor Medical Associates"
PURPOSE = "Coordinating care"
ATTENDANCE_LABEL = "Attendance (dates and kinds of contact)"


def _link(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "a" and el["text"] == text


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def _pat_id() -> str:
    from participants.models import Participant

    return str(Participant.objects.get(user__username="pat").id)


def _record_consent_for_pat() -> None:
    """An active consent covering attendance for RECIPIENT and PURPOSE (set up without the UI)."""
    from consent.services import record_consent
    from organizations.models import Membership
    from participants.models import Participant

    ana = Membership.objects.select_related("user", "organization").get(user__username="ana")
    pat = Participant.objects.get(user__username="pat")
    today = timezone.localdate()
    record_consent(
        acting=ana,
        participant=pat,
        values={
            "disclosing_party": ana.organization.name,
            "categories": ["attendance"],
            "recipient": RECIPIENT,
            "purpose": PURPOSE,
            "expires_on": today + timedelta(days=180),
            "signed_on": today,
            "signature_method": "typed",
            "signature": "Pat",
            "revocation_explained": True,
        },
    )


def test_keyboard_only_consent_recorded_and_revoked(session: Session) -> None:
    from consent.models import Consent

    pat_id = _pat_id()
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/consent/participant/{pat_id}/")
    assert session.h1() == "Consent and sharing for Pat"
    before = set(Consent.objects.filter(participant_id=pat_id).values_list("id", flat=True))
    session.audit("consent list")

    link = session.tab_until(_link("Record a consent"), "Record a consent link", max_tabs=60)
    assert link["href"] == f"/consent/participant/{pat_id}/new/", link
    with page.expect_navigation():
        page.keyboard.press("Enter")
    form_path = f"/consent/participant/{pat_id}/new/"
    assert session.path == form_path
    assert session.h1() == "Record Pat's consent"
    session.audit("consent form (empty)")

    # Submit with nothing filled in: the errors are announced and the focus moves to them.
    session.tab_until(_button("Record consent"), "Record consent button", max_tabs=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == form_path
    alert = page.get_by_role("alert")
    assert "Please check the form" in alert.inner_text(), alert.inner_text()
    assert "Explain the right to revoke" in alert.inner_text(), alert.inner_text()
    assert (session.focused() or {}).get("id") == "form-errors", session.focused()
    assert Consent.objects.filter(participant_id=pat_id).count() == len(before)
    session.audit("consent form with errors")

    # The keyboard only, in the order of the form.
    attendance = page.get_by_role("checkbox", name=ATTENDANCE_LABEL)
    attendance_id = attendance.get_attribute("id") or ""
    assert attendance_id, "the Attendance checkbox has no id"
    session.tab_until(with_id(attendance_id), "Attendance checkbox", max_tabs=40)
    page.keyboard.press("Space")
    assert attendance.is_checked()
    session.tab_until(named("recipient"), "recipient field", max_tabs=10)
    page.keyboard.type(RECIPIENT)
    session.tab_until(named("purpose"), "purpose field", max_tabs=2)
    page.keyboard.type(PURPOSE)
    expires = timezone.localdate() + timedelta(days=365)
    session.tab_until(named("expires_on"), "expires on date field", max_tabs=5)
    page.keyboard.type(expires.strftime("%m%d%Y"))  # en-US: month, day, year segments
    assert page.locator("#id_expires_on").input_value() == expires.isoformat()
    session.tab_until(named("signature"), "signature field", max_tabs=10)
    page.keyboard.type("Pat")
    session.tab_until(named("revocation_explained"), "revocation explained checkbox", max_tabs=3)
    page.keyboard.press("Space")
    assert page.get_by_role(
        "checkbox", name="the right to revoke and its limits were explained"
    ).is_checked()
    session.tab_until(_button("Record consent"), "Record consent button", max_tabs=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert session.path == f"/consent/participant/{pat_id}/", f"{session.path}: {session.h1()!r}"
    assert page.get_by_role("status").get_by_text("Consent recorded.").is_visible()
    consent = Consent.objects.filter(participant_id=pat_id).exclude(id__in=before).get()
    assert consent.recipient == RECIPIENT
    assert consent.purpose == PURPOSE
    assert consent.categories == ["attendance"]
    assert consent.expires_on == expires
    assert consent.signature == "Pat"
    assert consent.revocation_explained
    consents = page.get_by_role("region", name="Consents").get_by_role("listitem")
    item = consents.filter(has_text=RECIPIENT)
    assert item.count() == 1
    assert item.locator("em").inner_text() == "active"
    session.audit("consent list with the new consent")

    revoke = session.tab_until(
        lambda el: _link("Revoke")(el) and el["href"] == f"/consent/{consent.id}/revoke/",
        "Revoke link of the new consent",
        max_tabs=60,
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == revoke["href"]
    assert session.h1() == f"Revoke consent to share with {RECIPIENT}?"
    session.audit("revoke confirmation")
    session.tab_until(_button("Yes, revoke"), "Yes, revoke button", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert session.path == f"/consent/participant/{pat_id}/"
    assert page.get_by_role("status").get_by_text("Consent revoked.").is_visible()
    assert item.locator("em").inner_text() == "revoked"
    assert item.get_by_role("link", name="Revoke").count() == 0
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert consent.revoked_by is not None and consent.revoked_by.username == "ana"
    session.audit("consent list after revoking")
    session.assert_clean()


def test_sharing_downloads_a_document_and_lists_it_in_the_accounting(session: Session) -> None:
    from consent.models import Disclosure

    pat_id = _pat_id()
    _record_consent_for_pat()
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/consent/participant/{pat_id}/")
    accounting = page.get_by_role("region", name="Accounting of disclosures")
    assert accounting.get_by_role("cell", name=RECIPIENT).count() == 0

    with page.expect_navigation():
        page.get_by_role("link", name="Share information").click()
    disclose_path = f"/consent/participant/{pat_id}/disclose/"
    assert session.path == disclose_path
    assert session.h1() == "Share Pat's information"
    session.audit("share form")

    page.get_by_label("To whom").fill(RECIPIENT)
    page.get_by_label("Purpose").fill(PURPOSE)
    page.get_by_role("checkbox", name=ATTENDANCE_LABEL).check()
    assert page.get_by_label("On what basis").input_value() == "consent"
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Check and download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("disclosure-"), download.suggested_filename
    assert download.suggested_filename.endswith(".html"), download.suggested_filename
    document = download.path().read_text(encoding="utf-8")
    assert f"To: {RECIPIENT}." in document
    assert "Notice to the person receiving this information" in document

    # The download leaves the form where it was; it is still a clean page.
    assert session.path == disclose_path
    session.audit("share form after the download")

    disclosure = Disclosure.objects.get(participant_id=pat_id)
    assert disclosure.recipient == RECIPIENT
    assert disclosure.categories == ["attendance"]
    assert disclosure.consent is not None

    with page.expect_navigation():
        page.get_by_role("link", name="Cancel").click()
    assert session.path == f"/consent/participant/{pat_id}/"
    row = accounting.get_by_role("row").filter(has_text=RECIPIENT)
    assert row.count() == 1
    assert PURPOSE in row.inner_text()
    assert "Attendance" in row.inner_text()
    assert accounting.get_by_role("link", name="Download as a spreadsheet (CSV)").is_visible()
    session.audit("consent page with the accounting")
    session.assert_clean()


def test_emergency_access_is_reviewed_and_audited(session: Session) -> None:
    from participants.models import EmergencyAccess, Participant

    pat = Participant.objects.get(user__username="pat")
    assert pat.date_of_birth is not None
    page = session.page

    # ben is not on Pat's care team: the emergency form opens the record.
    session.sign_in("ben", DEMO_PASSWORD)
    response = session.goto_error_page(f"/participants/{pat.id}/")
    assert response is not None and response.status == 404, response and response.status
    session.goto("/participants/emergency/")
    assert session.h1() == "Open a record in an emergency"
    session.audit("emergency access form")
    page.get_by_label("Name they go by").fill("Pat")
    page.get_by_label("Date of birth").fill(pat.date_of_birth.isoformat())
    page.get_by_label("Why you need this record now").fill(
        "Pat is at the front desk in crisis and Ana is off today."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Open the record").click()
    assert session.path == f"/participants/{pat.id}/", f"{session.path}: {session.h1()!r}"
    assert UUID_PATH.search(session.path)
    assert session.h1().startswith("Pat"), session.h1()
    assert "Emergency access is open for 60 minutes" in page.get_by_role("status").inner_text()
    grant = EmergencyAccess.objects.get(participant=pat, user__username="ben")
    assert grant.reviewed_at is None
    session.audit("Pat's overview under emergency access")
    session.sign_out()

    # mia, the manager, reviews it.
    session.sign_in("mia", DEMO_PASSWORD)
    session.goto("/participants/emergency/review/")
    assert session.h1() == "Emergency access review"
    item = page.get_by_role("listitem").filter(has_text="Ana is off today")
    assert item.count() == 1
    assert "Ben" in item.inner_text()
    session.audit("emergency review queue")
    item.get_by_label("Review note (optional)").fill("Confirmed with Ben; appropriate.")
    with page.expect_navigation():
        item.get_by_role("button", name="Mark reviewed").click()
    assert session.path == "/participants/emergency/review/"
    assert page.get_by_role("status").get_by_text("Marked as reviewed.").is_visible()
    assert "Reviewed by Mia" in item.inner_text(), item.inner_text()
    assert item.get_by_role("button", name="Mark reviewed").count() == 0
    grant.refresh_from_db()
    assert grant.reviewed_at is not None
    assert grant.reviewed_by is not None and grant.reviewed_by.username == "mia"
    session.audit("emergency review queue after review")

    session.goto("/audit/")
    assert session.h1() == "Audit review"
    assert page.get_by_role("cell", name="ben", exact=True).count() >= 1
    session.audit("mia's audit review")
    session.sign_out()

    # ana, Pat's coach, sees ben's visit in Pat's access report.
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/audit/access/{pat.id}/")
    assert session.h1() == "Who has looked at Pat's record"
    assert page.get_by_role("row").filter(has_text="Ben").count() >= 1
    session.audit("Pat's access report")
    session.assert_clean()


def test_a_consent_signed_by_drawing_on_the_screen(session: Session) -> None:
    from consent.models import Consent

    pat_id = _pat_id()
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto(f"/consent/participant/{pat_id}/new/")
    pad = page.locator("[data-signature-pad] canvas")
    assert pad.is_visible(), "the drawing pad shows once JavaScript runs"
    session.audit("consent form with the drawing pad")
    page.get_by_role("checkbox", name=ATTENDANCE_LABEL).check()
    page.fill("#id_recipient", RECIPIENT)
    page.fill("#id_purpose", PURPOSE)
    page.fill("#id_expires_on", (timezone.localdate() + timedelta(days=90)).isoformat())
    page.fill("#id_signature", "Pat")
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 100)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(box["x"] + 20 + step * 30, box["y"] + 100 - (step % 2) * 50)
    page.mouse.up()
    assert page.get_by_role("radio", name="Drawn on the screen").is_checked()
    page.get_by_role("checkbox", name="the right to revoke and its limits were explained").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record consent").click()
    consent = Consent.objects.get(participant_id=pat_id, signature_method="drawn")
    assert consent.signature_drawing.startswith("M ") and " L " in consent.signature_drawing
    assert page.get_by_role("img", name="Signature drawn by Pat").is_visible()
    session.audit("consent list with a drawn signature")
    session.assert_clean()
