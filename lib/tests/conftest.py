"""Tests of real servers beside the PostgreSQL test cluster (a streaming replica, pgbouncer,
two application servers on one database) are collected only when the suite runs on PostgreSQL:
on SQLite there is nothing for them to check, and a skipped check would read like one that
passed. What SQLite has of the same
feature (no replica, every read on the primary) is tested in test_db_routing.py."""

from django.conf import settings

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
collect_ignore = (
    []
    if ON_POSTGRES
    else [
        "test_replica_postgres.py",
        "test_pgbouncer_postgres.py",
        "test_two_servers_postgres.py",
        "test_prepared_statements_postgres.py",
    ]
)
