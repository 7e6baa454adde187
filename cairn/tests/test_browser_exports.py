"""Headless Chromium works the exports page the way a manager does: a de-identified Excel file
chosen by keyboard, downloaded from its job page, the data dictionary read, and a sharing outside
checked against consents before anything leaves, with axe-core audits on the way.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_exports.py
"""

import io
import os
from datetime import timedelta

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.utils import timezone
from openpyxl import load_workbook

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_exports_a_deidentified_workbook_by_keyboard(session: Session) -> None:
    page = session.page
    session.sign_in("mia", DEMO_PASSWORD)
    session.goto("/exports/")
    assert session.h1() == "Export data"
    session.audit("exports page")

    contacts = page.get_by_role("radio", name="Contacts", exact=True)
    contacts.focus()
    page.keyboard.press("Space")
    assert contacts.is_checked()
    page.get_by_role("radio", name="De-identified, for evaluators").check()
    page.get_by_role("radio", name="Excel workbook (.xlsx)").check()
    page.get_by_role("radio", name="Keep only the month (YYYY-MM)").check()
    page.get_by_role("button", name="Export").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path.startswith("/jobs/"), session.path
    assert "Ready." in page.locator("#job-live").inner_text()
    session.audit("export job page")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download harbor-contacts").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    book = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    assert book.sheetnames == ["Contacts", "Data dictionary"]
    header = [c.value for c in next(book["Contacts"].iter_rows(max_row=1))]
    assert header[0] == "person" and "coach_username" not in header

    session.goto("/exports/contacts/dictionary/")
    assert session.h1() == "Data dictionary: Contacts"
    session.audit("data dictionary page")
    session.assert_clean()


def test_sharing_outside_lists_who_is_left_out_first(session: Session) -> None:
    from consent.models import Disclosure
    from consent.services import record_consent
    from organizations.models import Membership
    from participants.models import Participant

    ana = Membership.objects.select_related("user", "organization").get(user__username="ana")
    today = timezone.localdate()
    record_consent(
        acting=ana,
        participant=Participant.objects.get(user__username="pat"),
        values={
            "disclosing_party": ana.organization.name,
            "categories": ["attendance"],
            "recipient": "County Recovery Fund",
            "purpose": "Grant reporting",
            "expires_on": today + timedelta(days=180),
            "signed_on": today,
            "signature_method": "typed",
            "signature": "Pat",
            "revocation_explained": True,
        },
    )
    page = session.page
    session.sign_in("mia", DEMO_PASSWORD)
    session.goto("/exports/")
    page.get_by_role("radio", name="Contacts", exact=True).check()
    page.get_by_role(
        "radio", name="Identifiable, for a named recipient outside the organization"
    ).check()
    page.get_by_role("radio", name="CSV (opens in Excel, LibreOffice, R, Python)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Export").click()
    assert page.get_by_role("alert").count() >= 1
    session.audit("exports page with errors")
    page.get_by_role("textbox", name="Recipient outside the organization").fill(
        "County Recovery Fund"
    )
    page.get_by_role("textbox", name="Purpose of sharing").fill("Grant reporting")
    with page.expect_navigation():
        page.get_by_role("button", name="Export").click()
    assert session.h1() == "Check before sharing"
    left_out = page.get_by_role("region", name="will be left out")
    assert left_out.get_by_role("row").count() > 1
    assert not Disclosure.objects.exists()
    session.audit("disclosure preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Share and download (1 person)").click()
    assert "Ready." in page.locator("#job-live").inner_text()
    assert "left out without a matching consent" in page.locator("#job-live").inner_text()
    assert Disclosure.objects.count() == 1
    session.audit("disclosure job page")
    session.assert_clean()
