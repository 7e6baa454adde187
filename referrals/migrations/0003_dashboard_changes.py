"""Referrals add to the dashboard's change log (reports 0001 and 0002), so the dashboard keeps its
referral figures beside its own until a referral is written (`reports.cache.kept_part`)."""

from importlib import import_module
from typing import Any

from django.db import migrations

TABLE = "referrals_referral"

# The triggers' own words, as reports 0001 (PostgreSQL, statement-level, calling the function it
# made) and 0002 (SQLite, row-level) write them for the dashboard's own tables.
STATEMENT = import_module("reports.migrations.0001_data_changes").TRIGGERS
ROW = import_module("reports.migrations.0002_sqlite_data_changes").BODIES


def create_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for event, when in STATEMENT.items():
            schema_editor.execute(
                f"CREATE TRIGGER reports_change_{event} {when.format(table=TABLE)} "
                "FOR EACH STATEMENT EXECUTE FUNCTION reports_note_change()"
            )
    elif vendor == "sqlite":
        for event, body in ROW.items():
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS reports_change_{event}_{TABLE} "
                f"AFTER {event.upper()} ON {TABLE} FOR EACH ROW BEGIN {body} END"
            )


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for event in STATEMENT:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_change_{event} ON {TABLE}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_change_{event}_{TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_referral_settings"),
        ("reports", "0002_sqlite_data_changes"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
