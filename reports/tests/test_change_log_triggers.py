"""Every table the dashboard counts keeps its change-log triggers after all migrations: on
SQLite, altering a column rebuilds the table, which silently drops them (the encryption
migrations put them back)."""

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
