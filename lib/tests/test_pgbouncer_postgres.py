"""Cairn through pgbouncer in transaction mode (README, "Beyond one database server"): sign
in, a dashboard, an export job and the audit check, with server-side cursors off as
CAIRN_DB_TRANSACTION_POOLING sets them. Collected on PostgreSQL only (lib/tests/conftest.py)."""

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client

from cairn.settings import prepared_statements
from jobs.models import Job, JobState
from lib.tests.servers import Bouncer


@pytest.fixture(scope="module")
def bouncer(django_db_setup: None) -> Iterator[Bouncer]:
    default = connections.settings["default"]
    server = Bouncer.start_new(
        database=default["NAME"], user=default["USER"], password=default["PASSWORD"]
    )
    try:
        yield server
    finally:
        server.remove()


@contextmanager
def through(bouncer: Bouncer) -> Iterator[None]:
    """The default database reached through pgbouncer, as a deployment would configure it."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(PORT=bouncer.port, DISABLE_SERVER_SIDE_CURSORS=True)
    connection.settings_dict["OPTIONS"] = dict(saved["OPTIONS"])
    prepared_statements(connection.settings_dict, pooling=True)  # type: ignore[arg-type]
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def served(bouncer: Bouncer, database: str, user: str, password: str) -> dict[str, Any]:
    """pgbouncer's own count of the transactions and queries it passed on for the database."""
    with psycopg.connect(
        host="127.0.0.1",
        port=bouncer.port,
        dbname="pgbouncer",
        user=user,
        password=password,
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,  # its console speaks the simple protocol only
    ) as admin:
        cursor = admin.execute("SHOW STATS")
        names = [column.name for column in cursor.description or []]
        for row in cursor.fetchall():
            stats = dict(zip(names, row, strict=True))
            if stats["database"] == database:
                return stats
    return {"total_xact_count": 0, "total_query_count": 0}


@pytest.mark.django_db(transaction=True)
def test_cairn_reads_and_writes_through_pgbouncer_in_transaction_mode(bouncer, demo):
    default = connections.settings["default"]
    login = (default["NAME"], default["USER"], default["PASSWORD"])
    before = served(bouncer, *login)
    with through(bouncer):
        mia = Client()
        mia.force_login(demo.users["mia"])  # a session row written through pgbouncer
        dashboard = mia.get("/reports/")
        posted = mia.post(
            "/exports/", {"dataset": "contacts", "kind": "deidentified", "fmt": "csv"}
        )
        job = Job.objects.get(requested_by=demo.users["mia"])
        download = mia.get(f"/jobs/{job.id}/download/")
        # Values bound by the client, nothing prepared: pgbouncer may lend each transaction
        # another server connection, which would not know a prepared statement.
        assert connections["default"].connection.prepare_threshold is None
        out = StringIO()
        call_command("verify_audit", stdout=out)  # reads the chains with .iterator()
    after = served(bouncer, *login)
    assert dashboard.status_code == 200
    assert posted.status_code == 302
    assert job.state == JobState.DONE
    assert download.status_code == 200
    assert len(download.content.decode().splitlines()) > 1
    assert "chain intact" in out.getvalue()
    assert after["total_xact_count"] - before["total_xact_count"] >= 20
