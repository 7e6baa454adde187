"""Headless Chromium: mia opens the program reports, narrows the date range by keyboard alone,
follows a figure to the people behind it and, by keyboard, a table cell to its contacts; ana
opens her own view. axe-core audits every page.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_reports.py
"""

import os
import re
from collections.abc import Callable

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


def _summary(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "summary" and el["text"] == text


def _button(text: str) -> Callable[[dict[str, str]], bool]:
    return lambda el: el["tag"] == "button" and el["text"] == text


def _contact_cell(el: dict[str, str]) -> bool:
    href = el["href"]
    return (
        el["tag"] == "a"
        and "/reports/rows/contacts/" in href
        and "type=" in href
        and "month=" in href
        and el["text"] != "0"
    )


def test_manager_changes_the_date_range_by_keyboard(session: Session) -> None:
    page = session.page
    session.sign_in("mia", DEMO_PASSWORD)
    session.goto("/reports/")
    assert session.h1() == "Program reports"
    assert page.locator("svg[role=img] title").first.text_content() == "Contacts per month"
    session.audit("reports dashboard")

    session.tab_until(_summary("Filters"), "Filters disclosure", max_tabs=40)
    page.keyboard.press("Enter")
    session.tab_until(named("start"), "From date", max_tabs=5)
    page.keyboard.type("06012026")  # en-US: month, day, year segments
    session.tab_until(named("end"), "To date", max_tabs=5)
    page.keyboard.type("09302026")
    session.tab_until(_button("Show"), "Show button", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "start=2026-06-01" in page.url and "end=2026-09-30" in page.url
    assert "From 1 Jun 2026 to 30 Sep 2026." in page.locator("main").inner_text()
    session.audit("reports dashboard, June to September")

    with page.expect_navigation():
        page.get_by_role(
            "link", name=re.compile(r"people behind: \d+, Participants served")
        ).click()
    assert session.h1() == "Participants served"
    assert "start=2026-06-01" in page.url
    session.audit("people behind a figure")

    # One cell of the contacts table, by keyboard: its number is the link.
    page.go_back()
    cell = session.tab_until(_contact_cell, "a month and type cell", max_tabs=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.h1().startswith("Contacts recorded")
    assert "start=2026-06-01" in page.url and "type=" in page.url and "month=" in page.url
    assert page.locator("caption").first.inner_text() in (
        f"{cell['text']} contact",
        f"{cell['text']} contacts",
    )
    session.audit("contacts behind a cell")
    session.assert_clean()


def test_coach_opens_their_own_view(session: Session) -> None:
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto("/reports/")
    assert session.path == "/reports/mine/"
    assert session.h1() == "My work"
    assert "Your follow-ups this quarter" in session.page.locator("main").inner_text()
    session.audit("coach's own view")
    session.assert_clean()
