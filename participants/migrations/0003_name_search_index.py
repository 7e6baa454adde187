"""On PostgreSQL, name and phone search inside an organization use trigram indexes that lead
with the organization, so a search stays indexed at tens of thousands of participants."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
-- Matches what Django's icontains / contains produce (UPPER(col::text) LIKE, col::text LIKE)
-- and the scope every caseload query carries (one organization, records not merged away).
CREATE INDEX IF NOT EXISTS participant_org_search_trgm
    ON participants_participant
    USING gin (
        organization_id,
        (UPPER(preferred_name::text)) gin_trgm_ops,
        phone gin_trgm_ops,
        phone_other gin_trgm_ops
    )
    WHERE merged_into_id IS NULL;
"""
DROP = """
DROP INDEX IF EXISTS participant_org_search_trgm;
"""


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_intake")]

    operations = [migrations.RunPython(create_index, drop_index)]
