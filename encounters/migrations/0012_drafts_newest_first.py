"""An author's notes in one state are indexed newest first, so Today's "Notes left in draft"
reads its first 50 from the index instead of sorting all of a coach's drafts. The new index is
built before the old one (its prefix) is dropped, so the lists keep an index throughout."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("encounters", "0011_groups_move_to_their_own_app")]

    operations = [
        migrations.AddIndex(
            model_name="encounter",
            index=models.Index(
                fields=["organization", "author", "state", "-started_at"],
                name="encounter_org_author_state_at",
            ),
        ),
        migrations.RemoveIndex(model_name="encounter", name="encounter_org_author_state"),
    ]
