"""On SQLite too, the database itself refuses to change or remove an audit event (the twin of
0002's PostgreSQL trigger). Like PostgreSQL's TRUNCATE, which no row trigger sees, wiping the
whole database with `manage.py flush` (`lib/management/commands/flush.py`) still works."""

from django.db import migrations

TRIGGERS = {
    "update": "BEFORE UPDATE ON audit_auditevent",
    "delete": "BEFORE DELETE ON audit_auditevent WHEN NOT cairn_wiping()",
}


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for event, when in TRIGGERS.items():
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS audit_event_append_only_{event} {when} "
            f"BEGIN SELECT RAISE(ABORT, 'audit events are append-only: {event.upper()} refused');"
            " END"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for event in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_event_append_only_{event}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_integrity_failure_action")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
