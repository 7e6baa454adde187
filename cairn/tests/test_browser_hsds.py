"""Headless Chromium: a manager exchanges the resource directory as HSDS by keyboard. She
downloads it, uploads the same file back (the dry run says nothing would change and offers no
import), then uploads a partner's copy with one listing renamed: the dry run counts it as
updated, she imports it, and the listing is renamed. axe-core finds no violation of any impact
on each HSDS page.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_hsds.py
"""

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.utils import timezone

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    AXE_TAGS,
    RUN_AXE_JS,
    Session,
    browser,
    browser_demo_fixture,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RENAMED = "Evening Pantry at the Library"


def _every_violation(session: Session, label: str) -> list[str]:
    """axe-core's findings of every impact (minor and moderate too), as `label id: targets`."""
    session.audit(label)  # loads axe-core into the page and records serious and critical ones
    found = session.page.evaluate(RUN_AXE_JS, AXE_TAGS)
    return [f"{label}: {v['id']} ({v['impact']}) {v['targets'][:3]}" for v in found]


def _focus_is(tag: str, text: str = "", name: str = "") -> Callable[[dict[str, str]], bool]:
    return lambda el: (
        el["tag"] == tag and el["text"].startswith(text) and (not name or el["name"] == name)
    )


def _upload_by_keyboard(session: Session, path: Path) -> None:
    """Tab to the file field, give it the file (the system dialog cannot be driven from a test),
    Tab on to the button and press Enter."""
    page = session.page
    session.tab_until(_focus_is("input", name="file"), "file field", max_tabs=60)
    page.set_input_files("input[name=file]", str(path))
    session.tab_until(_focus_is("button", "Check the file"), "check button", max_tabs=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_manager_exports_then_imports_by_keyboard_and_each_page_is_axe_clean(
    session: Session, tmp_path: Path
) -> None:
    from directory import demo as directory_demo
    from directory.models import HsdsImport, Service
    from organizations.models import Organization

    harbor = Organization.objects.get(slug="harbor")
    directory_demo.seed(harbor, anchor=timezone.localdate())
    listed = Service.objects.of(harbor).count()
    page = session.page
    findings: list[str] = []
    session.sign_in("mia", DEMO_PASSWORD)
    session.goto("/directory/keep/hsds/")
    assert session.h1() == "Exchange the directory (HSDS)"
    findings += _every_violation(session, "exchange page")

    session.tab_until(_focus_is("a", "Download as HSDS JSON"), "download link", max_tabs=60)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    exported = tmp_path / "harbor-directory.json"
    download_info.value.save_as(exported)
    services = json.loads(exported.read_text(encoding="utf-8"))
    assert len(services) == listed

    # The same file back: nothing would change, so there is nothing to press.
    _upload_by_keyboard(session, exported)
    assert session.h1() == "Check before importing"
    main = page.locator("main").inner_text()
    assert f"Nothing would change: all {listed} services in this file are already here" in main
    assert page.locator("main form button").count() == 0
    findings += _every_violation(session, "dry run, nothing to change")

    # A partner's copy with one listing renamed: one to update, the rest unchanged.
    services[0]["name"] = RENAMED
    partner = tmp_path / "partner-directory.json"
    partner.write_text(json.dumps(services), encoding="utf-8")
    session.goto("/directory/keep/hsds/")
    assert "harbor-directory.json" in page.locator("main table").inner_text()
    findings += _every_violation(session, "exchange page with a recent file")
    _upload_by_keyboard(session, partner)
    assert session.h1() == "Check before importing"
    main = page.locator("main").inner_text()
    assert f"updates 1 and leaves {listed - 1} as they are" in main
    assert "0 problems" not in main and page.locator(".imports-problems").count() == 0
    findings += _every_violation(session, "dry run, one update")

    session.tab_until(_focus_is("button", "Import 1 service"), "import button", max_tabs=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.h1() == "Import finished"
    assert "Imported: 0 added, 1 updated" in page.locator("body").inner_text()
    findings += _every_violation(session, "import finished")

    assert Service.objects.of(harbor).filter(name=RENAMED).count() == 1
    assert Service.objects.of(harbor).count() == listed
    assert HsdsImport.objects.filter(organization=harbor, state="applied").count() == 1
    assert not findings, "\n".join(findings)
    session.assert_clean()
