"""Every table the dashboard counts keeps its change-log triggers after all migrations: on
SQLite, altering a column rebuilds the table, which silently drops them (every `migrate` puts
them back: `lib.sqlite.restore_triggers`)."""

from importlib import import_module

import pytest
from django.db import connection

COUNTED = import_module("reports.migrations.0001_data_changes").COUNTED


def _triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        return {row[0] for row in cursor.fetchall() if row[0].startswith("reports_change_")}


@pytest.mark.django_db
@pytest.mark.parametrize("table", COUNTED)
def test_each_counted_table_has_its_insert_update_and_delete_triggers(table: str) -> None:
    names = _triggers(table)
    for event in ("insert", "update", "delete"):
        assert any(name.startswith(f"reports_change_{event}") for name in names), (table, event)


@pytest.mark.django_db
def test_after_a_migrate_a_trigger_that_a_table_rebuild_dropped_is_back() -> None:
    """What a later migration that rebuilds a table on SQLite does, undone by the next migrate's
    post_migrate step. (PostgreSQL never drops them this way: there the triggers just stay.)"""
    from django.core.management.sql import emit_post_migrate_signal

    table = "participants_participant"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in _triggers(table):
                cursor.execute(f'DROP TRIGGER "{name}"')
        assert _triggers(table) == set()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    assert {name.split("_")[2] for name in _triggers(table)} == {"insert", "update", "delete"}
