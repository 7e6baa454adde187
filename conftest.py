"""Fixtures shared by every app's tests: the demo personas (ana, ben, sam, mia, max, rio, pat)."""

import copy
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.db import transaction
from django.test import Client

from cairn.demo import DemoWorld, build_demo

ANCHOR = date(2026, 11, 1)


# Building the demo takes about 1.3 s, and most tests need it: built for each test, it was more
# than half of the suite's time. So each test module builds it once, inside a transaction that
# stays open while the module's tests run; every test runs in a savepoint within it (as
# pytest-django's `db` always does), gets its own copy of the Python objects, and is rolled
# back to the freshly built demo. The transaction is rolled back when the module ends.
# Transactional tests (browser tests, live server) commit for real, so they build their own.
_shared: dict[str, object] = {"item": None, "atomic": None}


def _transactional(item: pytest.Item) -> bool:
    """The same rule pytest-django orders tests by: these run last, outside any transaction."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest-django's order (shared-transaction tests, transactional ones, the rest),
    keep each module's tests together and run those that do not use the demo before those that
    do, so no test meets a demo it did not ask for."""
    kind = {id(item): 1 if _transactional(item) else 0 for item in items}
    module_at: dict[tuple[int, str], int] = {}
    for index, item in enumerate(items):
        module_at.setdefault((kind[id(item)], item.nodeid.split("::")[0]), index)
    items.sort(
        key=lambda item: (
            module_at[(kind[id(item)], item.nodeid.split("::")[0])],
            "demo" in getattr(item, "fixturenames", ()),
        )
    )


def _close_shared_demo() -> None:
    atomic = _shared["atomic"]
    if atomic is None:
        return
    _shared["atomic"] = None
    transaction.set_rollback(True)
    atomic.__exit__(None, None, None)  # type: ignore[attr-defined]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _shared["item"] = item
    if _transactional(item) and _shared["atomic"] is not None:
        # The module's last shared-transaction test has just run; this one commits for real.
        # Closing it reaches the database, which pytest-django blocks outside a test's fixtures.
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _close_shared_demo()
    _skip_postgres_only(item)


@pytest.fixture(scope="module")
def _module_demo(django_db_setup: None, django_db_blocker) -> Iterator[DemoWorld | None]:
    item = _shared["item"]
    if item is None or _transactional(item):  # type: ignore[arg-type]
        yield None
        return
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        # Durable blocks may nest inside it, as inside a TestCase's own transaction.
        atomic._from_testcase = True  # type: ignore[attr-defined]
        atomic.__enter__()
        _shared["atomic"] = atomic
        try:
            world = build_demo(participants=12, seed=7, anchor=ANCHOR)
        except BaseException:
            _close_shared_demo()
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            _close_shared_demo()


def _skip_postgres_only(item: pytest.Item) -> None:
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
def demo(_module_demo: DemoWorld | None, db: None) -> DemoWorld:
    """The demo contract with a small caseload: the same personas everywhere in the suite."""
    if _module_demo is None or _shared["atomic"] is None:
        return build_demo(participants=12, seed=7, anchor=ANCHOR)
    return copy.deepcopy(_module_demo)


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
def prepared_queries_checked(settings) -> None:
    """Every prepared query (lib.prepared) is compared with the same query compiled afresh."""
    settings.CAIRN_PREPARED_VERIFY = True


@pytest.fixture(autouse=True)
def hsds_uploads_apart(settings, tmp_path_factory) -> None:
    """Uploaded HSDS files wait in a folder of the test's own, not under var/."""
    settings.CAIRN_HSDS_UPLOAD_DIR = tmp_path_factory.mktemp("hsds-uploads")


@pytest.fixture(autouse=True)
def text_messages(settings) -> list:
    """Text messages go to an in-memory outbox in tests, emptied for each test."""
    from lib import sms

    settings.CAIRN_SMS_BACKEND = "memory"
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture(autouse=True)
def reminders_sent_in_the_tests_thread(settings) -> None:
    """Reminders go one at a time in tests: a sending thread of its own would have its own
    database connection, which cannot see a test's uncommitted rows (the kill -9 test sends
    several at a time in processes of their own)."""
    settings.CAIRN_REMINDER_SENDERS = 1


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
