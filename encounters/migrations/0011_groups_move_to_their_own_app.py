"""Groups now live in the `groups` app (groups 0001): only Django's state changes here. The tables
keep their names and every row; a note's `group_session` points at the same table as before."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("encounters", "0010_encrypt_existing_group_text"),
        ("groups", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="encounter",
                    name="group_session",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="groups.groupsession",
                    ),
                ),
                migrations.RemoveField(model_name="group", name="members"),
                migrations.DeleteModel(name="GroupMember"),
                migrations.DeleteModel(name="GroupSession"),
                migrations.DeleteModel(name="Group"),
            ],
            database_operations=[],
        ),
    ]
