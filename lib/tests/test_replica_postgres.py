"""A real streaming replica of the test cluster: reports read from it, a person's own writes
and a replica that lags or stops send reads back to the primary (lib.db_routing).

Collected on PostgreSQL only (lib/tests/conftest.py). The tests commit for real (the replica
sees only committed data), so they build their own demo."""

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from lib.db_routing import PIN_COOKIE, forget_replica_health, replica_lag, replica_reads
from lib.tests.servers import Replica
from organizations.models import Organization

ALIAS = "replica_1"
BOTH = pytest.mark.django_db(transaction=True, databases=["default", ALIAS])
# What a manager's dashboard reads: its data version (every view), and the contacts of the
# period when its figures are not kept from an earlier view of the same version.
FIGURE_TABLES = ('"encounters_encounter"', "reports_datachange")


@pytest.fixture(scope="module")
def replica(django_db_setup: None, django_db_blocker: Any) -> Iterator[Replica]:
    """A hot standby of the running cluster on a free loopback port, known to Django as
    `replica_1` and pointed at the test database, which it holds like every other database
    of the cluster. Stopped and removed when the module ends."""
    started = time.monotonic()
    server = Replica.start_new()
    default = connections.settings["default"]
    connections.settings[ALIAS] = {
        **copy.deepcopy(default),
        "HOST": "127.0.0.1",
        "PORT": server.port,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 2},
        "TEST": {**default["TEST"], "MIRROR": "default"},
    }
    try:
        with django_db_blocker.unblock():
            assert replica_lag(ALIAS) is not None
        print(f"replica ready in {time.monotonic() - started:.1f} s")
        yield server
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
        server.remove()


@pytest.fixture(autouse=True)
def fresh_health(settings: Any) -> None:
    settings.CAIRN_REPLICA_MAX_LAG_SECONDS = 5
    forget_replica_health()


@contextmanager
def queries_on(alias: str) -> Iterator[list[str]]:
    """The SQL sent to one database (without opening a connection to it, unlike
    CaptureQueriesContext: a stopped replica must stay unasked)."""
    seen: list[str] = []

    def record(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        seen.append(sql)
        return execute(sql, *args)

    with connections[alias].execute_wrapper(record):
        yield seen


def reads_figures(queries: list[str]) -> bool:
    return any(table in sql for sql in queries for table in FIGURE_TABLES)


def signed_in(demo: Any, username: str) -> Client:
    client = Client()
    client.force_login(demo.users[username])
    return client


def wait_for(check: Callable[[], bool], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.05)


@contextmanager
def replay_paused(server: Replica) -> Iterator[None]:
    server.sql("SELECT pg_wal_replay_pause()")
    try:
        wait_for(lambda: server.sql("SELECT pg_get_wal_replay_pause_state()") == "paused", "pause")
        yield
    finally:
        server.sql("SELECT pg_wal_replay_resume()")


def harbor_name_on(alias: str, pk: int) -> str:
    return Organization.objects.using(alias).get(pk=pk).name


@BOTH
def test_replica_is_a_standby_holding_the_test_database(replica):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database(), inet_server_port()")
        in_recovery, database, port = cursor.fetchone()
    assert in_recovery is True
    assert database == connections["default"].settings_dict["NAME"]
    assert port == replica.port


@BOTH
def test_dashboard_figures_are_read_from_the_replica(replica, demo):
    client = signed_in(demo, "mia")
    with queries_on(ALIAS) as on_replica, queries_on("default") as on_primary:
        response = client.get("/reports/")
    assert response.status_code == 200
    assert reads_figures(on_replica)
    assert not reads_figures(on_primary)
    # The replica's figures are the primary's: the demo's contacts, committed there.
    assert "Contacts" in response.content.decode()


@BOTH
def test_a_marked_read_sees_only_what_the_replica_has_replayed(replica, demo, settings):
    settings.CAIRN_REPLICA_MAX_LAG_SECONDS = 3600  # behind, but within what is allowed
    harbor = demo.organizations["harbor"]
    with replay_paused(replica):
        Organization.objects.filter(pk=harbor.pk).update(name="Harbor Recovery (renamed)")
        wait_for(
            lambda: (
                replica.sql("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()") == "t"
            ),
            "the rename to reach the replica unreplayed",
        )
        with replica_reads():
            on_replica = Organization.objects.get(pk=harbor.pk).name
        on_primary = Organization.objects.get(pk=harbor.pk).name
        # A job asked for after the rename must see it: this replica has not replayed it.
        with replica_reads(since=timezone.now()):
            for_a_job = Organization.objects.get(pk=harbor.pk).name
    assert on_replica == "Harbor Recovery Community"
    assert on_primary == for_a_job == "Harbor Recovery (renamed)"
    wait_for(
        lambda: harbor_name_on(ALIAS, harbor.pk) == "Harbor Recovery (renamed)", "replay to resume"
    )


@BOTH
def test_a_replica_further_behind_than_the_limit_is_passed_over(replica, demo, settings):
    settings.CAIRN_REPLICA_MAX_LAG_SECONDS = 1
    harbor = demo.organizations["harbor"]
    client = signed_in(demo, "mia")
    with replay_paused(replica):
        Organization.objects.filter(pk=harbor.pk).update(name="Harbor Recovery (renamed)")
        wait_for(lambda: (replica_lag(ALIAS) or 0) > 1.2, "the replica to fall 1 s behind", 20)
        forget_replica_health()
        with replica_reads():
            seen = Organization.objects.get(pk=harbor.pk).name
        with queries_on(ALIAS) as on_replica, queries_on("default") as on_primary:
            response = client.get("/reports/")
    assert seen == "Harbor Recovery (renamed)"
    assert response.status_code == 200
    assert reads_figures(on_primary)
    assert not reads_figures(on_replica)


@BOTH
def test_a_stopped_replica_is_passed_over_without_an_error(replica, demo):
    client = signed_in(demo, "mia")
    first = client.get("/reports/")  # the replica answers and is trusted for a moment
    replica.stop()
    try:
        with queries_on(ALIAS) as on_replica, queries_on("default") as on_primary:
            second = client.get("/reports/")
            third = client.get("/reports/")
    finally:
        replica.start()
    assert first.status_code == second.status_code == third.status_code == 200
    assert reads_figures(on_primary)
    assert on_replica == []
    assert "Contacts" in second.content.decode()


@BOTH
def test_after_a_write_the_persons_own_reads_stay_on_the_primary(replica, demo, settings):
    mia, sam = signed_in(demo, "mia"), signed_in(demo, "sam")
    posted = mia.post(
        "/exports/", {"dataset": "contacts", "kind": "deidentified", "fmt": "csv"}, follow=False
    )
    assert posted.status_code == 302
    cookie = posted.cookies[PIN_COOKIE]
    assert int(cookie["max-age"]) == settings.CAIRN_READ_YOUR_WRITES_SECONDS
    with queries_on(ALIAS) as on_replica, queries_on("default") as on_primary:
        assert mia.get("/reports/").status_code == 200
    assert reads_figures(on_primary)
    assert not reads_figures(on_replica)
    # Someone else who wrote nothing reads from the replica meanwhile.
    with queries_on(ALIAS) as on_replica:
        assert sam.get("/reports/").status_code == 200
    assert reads_figures(on_replica)
    # Once the window has passed, mia's reads go to the replica again.
    mia.cookies[PIN_COOKIE] = f"{time.time() - 1:.3f}"
    with queries_on(ALIAS) as on_replica:
        assert mia.get("/reports/").status_code == 200
    assert reads_figures(on_replica)


@BOTH
def test_a_database_created_after_the_replica_started_is_replicated(replica):
    name = f"cairn_after_replica_{replica.port}"
    with connections["default"].cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        wait_for(
            lambda: (
                replica.sql(f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == "1"
            ),
            "the new database on the replica",
        )
    finally:
        with connections["default"].cursor() as cursor:
            cursor.execute(f"DROP DATABASE {name}")
