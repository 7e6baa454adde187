"""On SQLite too, the database refuses to change or remove a saved safety plan version (the
twin of 0002 and 0003 on PostgreSQL): only the ciphertext may be rewritten (`rotate_keys`), and
only the retention purge may delete, through the connection's `cairn_purging()` function
(`lib.purge.protected_deletes_allowed`), and `manage.py flush` may wipe the whole database (as
PostgreSQL's TRUNCATE may). A connection without these functions cannot delete."""

from django.db import migrations

KEPT = ("id", "organization_id", "plan_id", "number", "changed_by_id", "changed_by_role",
        "created_at")

CREATE_UPDATE = (
    "CREATE TRIGGER IF NOT EXISTS safety_version_immutable_update "
    "BEFORE UPDATE ON safety_safetyplanversion WHEN "
    + " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in KEPT)
    + " BEGIN SELECT RAISE(ABORT, 'safety plan versions are never changed: UPDATE refused'); END"
)
CREATE_DELETE = (
    "CREATE TRIGGER IF NOT EXISTS safety_version_immutable_delete "
    "BEFORE DELETE ON safety_safetyplanversion WHEN NOT (cairn_purging() OR cairn_wiping()) "
    "BEGIN SELECT RAISE(ABORT, 'safety plan versions are never changed: DELETE refused'); END"
)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_UPDATE)
        schema_editor.execute(CREATE_DELETE)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS safety_version_immutable_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS safety_version_immutable_delete")


class Migration(migrations.Migration):
    dependencies = [("safety", "0003_versions_purgeable")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
