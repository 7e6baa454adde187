"""Headless Chromium: the API's documentation page, as someone who has not signed in reads it.
axe-core finds nothing of any impact, and the keyboard reaches an operation from the page's
contents and lands on its heading.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_api_docs.py
"""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    AXE_TAGS,
    RUN_AXE_JS,
    Session,
    browser,
    browser_demo_fixture,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_passes_axe_and_works_by_keyboard(session: Session) -> None:
    session.goto("/api/v1/docs/")
    assert session.h1() == "Cairn API documentation"
    session.audit("api docs")
    every = session.page.evaluate(RUN_AXE_JS, AXE_TAGS)
    assert every == [], [f"{v['id']} ({v['impact']}) {v['targets'][:3]}" for v in every]
    link = session.tab_until(
        lambda el: el["tag"] == "a" and "Record a brief contact" in el["text"],
        "the contents link to the contact write",
        max_tabs=40,
    )
    assert link["text"].startswith("POST")
    session.page.keyboard.press("Enter")
    heading = session.page.locator(":target")
    assert "Record a brief contact" in heading.inner_text()
    assert heading.evaluate("el => el.tagName") == "H3"
    assert session.page.evaluate("() => location.hash").startswith("#op-")
    session.assert_clean()
