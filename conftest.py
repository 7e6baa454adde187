"""Fixtures shared by every app's tests: the demo personas (ana, ben, sam, mia, max, rio, pat)."""

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.test import Client

from cairn.demo import DemoWorld, build_demo

ANCHOR = date(2026, 11, 1)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`make test` runs the whole suite on PostgreSQL and on SQLite. A test marked `postgres`
    checks something only PostgreSQL has, and must say what: it is skipped on SQLite with that
    reason, and a mark without one is an error."""
    marker = item.get_closest_marker("postgres")
    if marker is None:
        return
    reason = marker.kwargs.get("reason", "")
    if not reason:
        raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.postgres needs a reason=")
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip(f"PostgreSQL only: {reason}")


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


@pytest.fixture(autouse=True)
def program_at_work(monkeypatch) -> None:
    """Coaches are at work throughout a test unless it says otherwise (`reachout.hours`), so
    no test depends on the hour or the weekday it happens to run; `back_at` itself is tested
    with given moments."""
    from reachout import hours

    monkeypatch.setattr(hours, "back_at_for", lambda settings, at: None)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing kept: a kept dashboard is keyed by the data version, and on
    SQLite a rolled-back test gives its ids back, so the next test could meet the same version."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def english_after_each_test() -> Iterator[None]:
    """A request in Spanish (a portal page, a staff page asked for in Spanish) leaves its
    language active in the thread; the next test starts in English again."""
    yield
    from django.utils import translation

    translation.deactivate()
