"""Each consent's purpose gets its keyed hash too, so an outside system's consents are matched in
SQL without decrypting them; existing consents are hashed from their decrypted purpose."""

from django.db import migrations

import lib.blind_index


def hash_existing(apps, schema_editor):
    from lib.blind_index import refresh_model_hashes

    refresh_model_hashes(apps.get_model("consent", "Consent"))


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0008_recipient_hash"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="purpose_hash",
            field=lib.blind_index.KeyedHashField(
                blank=True, default="", editable=False, max_length=64, source="purpose"
            ),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
    ]
