"""Headless Chromium on Today's long lists: the "Show all" link under a shortened overdue list is
reached and followed by keyboard alone, lists everyone, and both pages pass axe-core.

Run: DATABASE_URL=postgres://cairn:cairn@127.0.0.1:5432/cairn CAIRN_DEMO=1 CAIRN_HTTPS=0 \
     CAIRN_REQUIRE_2FA=0 .venv/bin/pytest cairn/tests/test_browser_today.py
"""

import os
from datetime import timedelta

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.db.models import Q
from django.utils import timezone

from cairn.demo import DEMO_PASSWORD
from cairn.tests.browser_support import (  # noqa: F401 - the *_fixture names and browser are fixtures
    Session,
    browser,
    browser_demo_fixture,
    session_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_show_all_overdue_people_by_keyboard(session: Session, monkeypatch) -> None:
    from accounts.models import User
    from participants.models import Participant, ParticipantStatus

    # The live server runs in this process: a short list stands in for fifty people.
    monkeypatch.setattr("encounters.today_views.LONG_LIST", 2)
    ana = User.objects.get(username="ana")
    people = Participant.objects.filter(
        Q(coach=ana) | Q(secondary_coach=ana),
        status__in=ParticipantStatus.open(),
        no_contact_since__isnull=True,  # never on a due list (issue 20)
    )
    everyone = people.update(next_contact_on=timezone.localdate() - timedelta(days=2))
    assert everyone > 2

    page = session.page
    session.sign_in("ana", DEMO_PASSWORD)
    assert session.path == "/today/"
    assert page.locator("#overdue-list > li").count() == 2
    session.audit("Today with a shortened overdue list")
    label = f"Show all {everyone} people still waiting"
    session.tab_until(lambda el: el["tag"] == "a" and el["text"] == label, label)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert session.path == "/today/?show=overdue#overdue-heading"
    assert page.locator("#overdue-list > li").count() == everyone
    assert page.get_by_role("link", name=label).count() == 0
    session.audit("Today with every overdue person")
    session.assert_clean()
