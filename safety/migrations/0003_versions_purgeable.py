"""Saved versions stay immutable, except that the retention purge may remove a whole record.

The purge sets `cairn.purge` for its own transaction only (`lib.purge.protected_deletes_allowed`).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION safety_version_is_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('cairn.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.organization_id, NEW.plan_id, NEW.number, NEW.changed_by_id,
            NEW.changed_by_role, NEW.created_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.organization_id, OLD.plan_id, OLD.number, OLD.changed_by_id,
            OLD.changed_by_role, OLD.created_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'safety plan versions are never changed: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("safety", "0002_versions_are_immutable")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
