"""SUPRT reporting moves from a schedule row to the organization's own setting.

Until now an organization reported SUPRT when it had a SUPRT-A `ReassessmentSchedule` row (which
held no schedule: SUPRT's time points are fixed). Those organizations get the setting switched
on, and the rows go.
"""

from django.db import migrations

SUPRT_A = "suprt_a"


def to_setting(apps, schema_editor):
    schedule = apps.get_model("assessments", "ReassessmentSchedule")
    organization = apps.get_model("organizations", "Organization")
    rows = schedule.objects.filter(instrument=SUPRT_A)
    organization.objects.filter(pk__in=rows.values("organization_id")).update(reports_suprt=True)
    rows.delete()


def to_rows(apps, schema_editor):
    schedule = apps.get_model("assessments", "ReassessmentSchedule")
    organization = apps.get_model("organizations", "Organization")
    for org_id in organization.objects.filter(reports_suprt=True).values_list("pk", flat=True):
        schedule.objects.get_or_create(organization_id=org_id, instrument=SUPRT_A)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_suprt"),
        ("organizations", "0010_reports_suprt"),
    ]

    operations = [migrations.RunPython(to_setting, to_rows)]
