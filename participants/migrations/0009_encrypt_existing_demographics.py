"""Encrypts the participant text of 0008 in place, in small batches, and computes the keyed
hashes beside it; going back, decrypts it. Its own migration, so that on PostgreSQL the row
updates and 0008's ALTER TABLEs never share a transaction (in either direction)."""

from django.db import migrations

ENCRYPTED = [
    ("participants_participant", "id", column)
    for column in (
        "legal_name", "pronouns", "gender_identity", "race_ethnicity", "sexual_orientation",
        "referral_detail", "safe_times", "strengths", "interests", "values", "pathways",
        "pathway_other", "substances_of_concern",
    )
] + [
    ("participants_statuschange", "id", "reason"),
    ("participants_emergencyaccess", "id", "review_note"),
]  # fmt: skip


def encrypt_existing(apps, schema_editor):
    """Text written before this migration is encrypted in place, in small batches; then the keyed
    hashes the filters compare are computed from the (decrypted) values."""
    from lib.blind_index import refresh_model_hashes
    from lib.crypto import rotate_column

    for table, pk, column in ENCRYPTED:
        rotate_column(schema_editor.connection, table, pk, column)
    refresh_model_hashes(apps.get_model("participants", "Participant"))


def decrypt_existing(apps, schema_editor):
    """Going back: the columns hold plain text (and plain JSON) again, in small batches."""
    from lib.crypto import plain, rotate_column

    for table, pk, column in ENCRYPTED:
        rotate_column(schema_editor.connection, table, pk, column, change=plain)


class Migration(migrations.Migration):

    dependencies = [
        ("participants", "0008_encrypt_demographics_and_lists"),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
