"""On PostgreSQL, name search inside an organization uses a trigram index (leads with the org)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX IF NOT EXISTS participant_org_name_trgm
    ON participants_participant USING gin (organization_id, preferred_name gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS participant_org_name_trgm;"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_intake")]

    operations = [migrations.RunPython(create_index, drop_index)]
