"""The dashboard's change log on SQLite too: the twin of 0001's PostgreSQL triggers.

SQLite has no statement-level triggers, so each changed row adds a change row for its
organization (an update that moves a row to another organization adds one for each).
`reports.cache.fold` keeps the log short on both databases.
"""

from importlib import import_module
from typing import Any

from django.db import migrations

COUNTED = import_module("reports.migrations.0001_data_changes").COUNTED

BODIES = {
    "insert": "INSERT INTO reports_datachange (organization_id, weight) "
    "VALUES (NEW.organization_id, 1);",
    "update": "INSERT INTO reports_datachange (organization_id, weight) "
    "SELECT NEW.organization_id, 1 UNION SELECT OLD.organization_id, 1;",
    "delete": "INSERT INTO reports_datachange (organization_id, weight) "
    "VALUES (OLD.organization_id, 1);",
}


def create_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in COUNTED:
        for event, body in BODIES.items():
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS reports_change_{event}_{table} "
                f"AFTER {event.upper()} ON {table} FOR EACH ROW BEGIN {body} END"
            )


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in COUNTED:
        for event in BODIES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_change_{event}_{table}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_data_changes")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
