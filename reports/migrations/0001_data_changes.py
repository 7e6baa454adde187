"""The dashboard's change log, and the triggers that add to it on every counted table."""

from typing import Any

from django.db import migrations, models

# The tables whose rows the program dashboard counts (accounts_user is not among them: the one
# figure with names, the caseload by coach, is never cached).
COUNTED = [
    "encounters_encounter",
    "encounters_servicetype",
    "participants_participant",
    "participants_statuschange",
    "assessments_assessment",
    "assessments_reassessmentschedule",
    "organizations_membership",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION reports_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reports_datachange (organization_id, weight)
        SELECT DISTINCT organization_id, 1 FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO reports_datachange (organization_id, weight)
        SELECT organization_id, 1 FROM new_rows UNION SELECT organization_id, 1 FROM old_rows;
    ELSE
        INSERT INTO reports_datachange (organization_id, weight)
        SELECT DISTINCT organization_id, 1 FROM old_rows;
    END IF;
    RETURN NULL;
END $$;
"""

# One statement-level trigger per event (a trigger with transition tables has one event): a
# bulk insert of 100,000 contacts adds one row per organization, not one per contact.
TRIGGERS = {
    "insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows",
}


def create_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # without triggers the dashboard is never cached (`reports.cache.version`)
    schema_editor.execute(FUNCTION)
    for table in COUNTED:
        for event, when in TRIGGERS.items():
            schema_editor.execute(
                f"CREATE TRIGGER reports_change_{event} {when.format(table=table)} "
                "FOR EACH STATEMENT EXECUTE FUNCTION reports_note_change()"
            )


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in COUNTED:
        for event in TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_change_{event} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS reports_note_change()")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("encounters", "0008_contacts_by_day_covering"),
        ("participants", "0007_emergency_access"),
        ("assessments", "0002_reassessment_windows"),
        ("organizations", "0005_coach_hours"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("organization_id", models.BigIntegerField()),
                ("weight", models.BigIntegerField(default=1)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["organization_id", "id"],
                        include=("weight",),
                        name="datachange_org",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
