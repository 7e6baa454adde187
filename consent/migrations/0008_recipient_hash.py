"""Each consent's recipient gets its keyed hash, so an outside system's token finds the consents
naming it in SQL; existing consents are hashed from their decrypted recipient."""

from django.db import migrations

import lib.blind_index


def hash_existing(apps, schema_editor):
    from lib.blind_index import refresh_model_hashes

    refresh_model_hashes(apps.get_model("consent", "Consent"))


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0007_disclosure_channel"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="recipient_hash",
            field=lib.blind_index.KeyedHashField(
                blank=True, db_index=True, default="", editable=False, max_length=64, source="recipient"
            ),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
    ]
