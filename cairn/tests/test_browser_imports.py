"""Headless Chromium walks the import flow the way a manager does, by keyboard: upload a small
CSV, check the suggested column matches, read the dry run's problems, import the valid rows;
axe-core audits every step.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_imports.py
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    named,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "Name,DOB,Phone number,Coach\r\n"
    "Robin Import,1988-05-06,(617) 253-0142,ben\r\n"
    "Sky Import,06/07/1991,(617) 253-0143,ben\r\n"
    "Lee Import,1979-01-02,12,nobody\r\n"
)


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"].startswith(text)


def test_keyboard_only_import_upload_match_check_and_apply(
    session: Session, tmp_path: Path
) -> None:
    from participants.models import Participant

    upload = tmp_path / "people.csv"
    upload.write_text(CSV, encoding="utf-8")
    page = session.page
    session.sign_in("mia", DEMO_PASSWORD)
    session.goto("/imports/")
    assert session.h1() == "Import from a spreadsheet"
    session.audit("imports home")

    # Choosing the file opens the system dialog, which a test cannot drive; set it directly.
    page.set_input_files("input[name=file]", str(upload))
    session.tab_until(_button("Upload and match columns"), "upload button", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.h1() == "Match the columns"
    assert page.locator("select[name=preferred_name]").input_value() == "Name"
    assert page.locator("select[name=date_of_birth]").input_value() == "DOB"
    assert page.locator("select[name=phone]").input_value() == "Phone number"
    assert page.locator("select[name=coach_username]").input_value() == "Coach"
    session.audit("imports column matching")

    # Declare month/day/year for the slashed date, by keyboard.
    session.tab_until(lambda el: el["name"] == "date_style", "date style radios", max_tabs=60)
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Month/day/year (03/04/2026 is March 4)").is_checked()
    session.tab_until(_button("Check every row"), "check button", max_tabs=10)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.h1() == "Check before importing"
    table = page.locator(".imports-problems table").inner_text()
    assert "4\tPhone number\t12" in table
    assert "4\tCoach\tnobody" in table
    session.audit("imports dry run")

    session.tab_until(_button("Import the 2 valid rows"), "import button", max_tabs=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.h1() == "Import finished"
    session.audit("imports finished")
    assert set(
        Participant.objects.filter(preferred_name__endswith=" Import").values_list(
            "preferred_name", flat=True
        )
    ) == {"Robin Import", "Sky Import"}
    session.assert_clean()
