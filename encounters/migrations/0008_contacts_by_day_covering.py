"""The contacts-by-day index covers what the program dashboard counts (index-only scans)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("encounters", "0007_open_notes")]

    operations = [
        migrations.RemoveIndex(model_name="encounter", name="encounter_org_day"),
        migrations.AddIndex(
            model_name="encounter",
            index=models.Index(
                fields=["organization", "occurred_on"],
                include=(
                    "participant",
                    "contact_type",
                    "outcome",
                    "service_type",
                    "duration_minutes",
                ),
                name="encounter_org_day",
            ),
        ),
    ]
