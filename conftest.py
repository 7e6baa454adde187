"""Fixtures shared by every app's tests: the demo personas (ana, ben, sam, mia, max, rio, pat)."""

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from organizations.demo import DemoWorld, build_demo

ANCHOR = date(2026, 11, 1)


@pytest.fixture
def demo(db: None) -> DemoWorld:
    """The demo contract with a small caseload: the same personas everywhere in the suite."""
    return build_demo(participants=12, seed=7, anchor=ANCHOR)


@pytest.fixture
def client_for(demo: DemoWorld) -> Callable[[str], Client]:
    """A test client signed in as one of the demo personas."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(demo.users[username])
        return client

    return make


@pytest.fixture(autouse=True)
def jobs_run_inline(settings) -> None:
    """Background jobs run inside the request in tests, so their results can be asserted."""
    settings.CAIRN_JOBS_SYNC = True


@pytest.fixture(autouse=True)
def text_messages(settings) -> list:
    """Text messages go to an in-memory outbox in tests, emptied for each test."""
    from lib import sms

    settings.CAIRN_SMS_BACKEND = "memory"
    sms.outbox.clear()
    return sms.outbox
