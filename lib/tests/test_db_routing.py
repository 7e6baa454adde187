"""With no replica configured (and always on SQLite), every read and write uses the primary;
replica settings are read from CAIRN_REPLICA_URLS. The replica itself: test_replica_postgres."""

import json
import os
import subprocess
import sys

from django.conf import settings as django_settings
from django.db import connections, router

from lib.db_routing import PIN_COOKIE, read_connection, replica_aliases, replica_reads
from participants.models import Participant


def test_without_replicas_marked_reads_use_the_default_database(demo):
    assert replica_aliases() == []
    with replica_reads():
        assert Participant.objects.all().db == "default"
        assert read_connection().alias == "default"
        assert router.db_for_write(Participant) == "default"
        assert Participant.objects.filter(organization=demo.organizations["harbor"]).exists()


def test_without_replicas_a_write_sets_no_cookie_and_reports_read_the_default(client_for):
    mia = client_for("mia")
    posted = mia.post("/exports/", {"dataset": "contacts", "kind": "deidentified", "fmt": "csv"})
    assert posted.status_code == 302
    assert PIN_COOKIE not in posted.cookies
    seen: list[str] = []

    def record(execute, sql, *args):
        seen.append(sql)
        return execute(sql, *args)

    with connections["default"].execute_wrapper(record):
        assert mia.get("/reports/").status_code == 200
    assert any('"encounters_encounter"' in sql for sql in seen)
    assert list(connections) == list(django_settings.DATABASES) == ["default"]


def _databases_with(database_url: str) -> dict:
    """The DATABASES a fresh process builds from these variables."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: {'PORT': v.get('PORT'), 'NAME': v['NAME'], "
        "'TEST': v.get('TEST', {}), 'OPTIONS': v.get('OPTIONS', {})} "
        "for k, v in settings.DATABASES.items()}, default=str))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cairn.settings",
        "DATABASE_URL": database_url,
        "CAIRN_REPLICA_URLS": "postgres://cairn:cairn@127.0.0.1:5433/cairn,"
        "postgres://cairn:cairn@127.0.0.1:5434/cairn",
    }
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_replica_urls_become_replica_databases_that_tests_never_create():
    databases = _databases_with("postgres://cairn:cairn@127.0.0.1:5432/cairn")
    assert list(databases) == ["default", "replica_1", "replica_2"]
    assert [databases[alias]["PORT"] for alias in ("replica_1", "replica_2")] == [5433, 5434]
    assert databases["replica_1"]["TEST"]["MIRROR"] == "default"
    assert databases["replica_1"]["OPTIONS"]["connect_timeout"] == 2


def test_replica_urls_are_ignored_on_sqlite(tmp_path):
    databases = _databases_with(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert list(databases) == ["default"]
