"""On PostgreSQL, the database itself refuses to change or remove a saved safety plan version.

Only the ciphertext may be rewritten, so that `rotate_keys` can re-encrypt it with a new key.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION safety_version_is_immutable() RETURNS trigger AS $$
BEGIN
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
DROP TRIGGER IF EXISTS safety_version_immutable ON safety_safetyplanversion;
CREATE TRIGGER safety_version_immutable
    BEFORE UPDATE OR DELETE ON safety_safetyplanversion
    FOR EACH ROW EXECUTE FUNCTION safety_version_is_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS safety_version_immutable ON safety_safetyplanversion;
DROP FUNCTION IF EXISTS safety_version_is_immutable();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
