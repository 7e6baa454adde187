"""Headless Chromium on the staff component set (issue 20): the navigation bar with its counts,
Today's summary strip, the caseload table and the components page pass axe-core with no
violation of any impact, desk and phone width, and the counts are read out with their meaning.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_components.py
"""

import os

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
    narrow_session_fixture,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "ana": ["/today/", "/participants/", "/organization/components/"],
    "sam": ["/today/", "/participants/"],
    "max": ["/organization/components/", "/organization/teams/"],
}


def _something_to_count() -> None:
    """Two unread messages from Pat and one person due today on Ana's caseload."""
    from accounts.models import User
    from inbox.models import Thread
    from participants.models import Participant

    pat = Participant.objects.get(user__username="pat")
    Thread.objects.update_or_create(
        participant=pat,
        defaults={
            "organization": pat.organization,
            "unread_by_staff": 2,
            "last_message_at": timezone.now(),
        },
    )
    Participant.objects.filter(pk=pat.pk).update(
        next_contact_on=timezone.localdate(), no_contact_since=None
    )
    assert User.objects.filter(username="ana").exists()


def _every_violation(session: Session) -> list[str]:
    """axe-core's findings of every impact (minor and moderate too), as `id: targets`."""
    session.audit()  # loads axe-core into the page and records serious and critical ones
    found = session.page.evaluate(RUN_AXE_JS, AXE_TAGS)
    return [f"{session.path} {v['id']} ({v['impact']}): {v['targets'][:3]}" for v in found]


def test_staff_pages_pass_axe_with_no_violation_at_all(session: Session) -> None:
    _something_to_count()
    findings: list[str] = []
    for username, paths in PAGES.items():
        session.sign_in(username, DEMO_PASSWORD)
        for path in paths:
            assert session.goto(path).status == 200
            findings += _every_violation(session)
        session.sign_out()
    assert not findings, "\n".join(findings)
    session.assert_clean()


def test_the_counts_are_read_out_with_their_meaning(session: Session) -> None:
    _something_to_count()
    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    session.goto("/today/")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Messages 2 unread").count() == 1
    assert nav.get_by_role("link", name="Today 1 due today").count() == 1
    strip = page.get_by_role("navigation", name="Today at a glance")
    due = strip.get_by_role("link", name="1 person due today")
    assert due.count() == 1
    # Each figure opens its list: the link's target is the section's heading.
    due.click()
    assert session.path.endswith("#due-heading")
    # Every icon is decorative: hidden from the accessibility tree, never focusable.
    hidden = page.evaluate(
        "() => [...document.querySelectorAll('svg.icon')].every("
        "s => s.getAttribute('aria-hidden') === 'true' && s.getAttribute('focusable') === 'false')"
    )
    assert hidden
    session.assert_clean()


def test_on_a_phone_nothing_scrolls_sideways_and_axe_stays_clean(
    narrow_session: Session,
) -> None:
    _something_to_count()
    findings: list[str] = []
    narrow_session.sign_in("sam", DEMO_PASSWORD)
    for path in ["/today/", "/participants/", "/organization/components/"]:
        narrow_session.goto(path)
        wide = narrow_session.page.evaluate(
            "() => document.documentElement.scrollWidth > window.innerWidth + 1"
        )
        assert not wide, f"{path} scrolls sideways at 360 px"
        findings += _every_violation(narrow_session)
    assert not findings, "\n".join(findings)
    narrow_session.assert_clean()
