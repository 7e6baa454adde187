"""Encrypts saved practice reviews (0003: titles, transcripts, summaries) in place; going back,
decrypts them. Its own migration, so that on PostgreSQL the row updates and 0003's ALTER TABLEs
never share a transaction (in either direction)."""

from django.db import migrations

ENCRYPTED = [
    ("coaching_practicereview", "id", "title"),
    ("coaching_practicereview", "id", "utterances"),
    ("coaching_practicereview", "id", "summary"),
]


def encrypt_existing(apps, schema_editor):
    """Text written before 0003 is encrypted in place, in small batches."""
    from lib.crypto import rotate_column

    for table, pk, column in ENCRYPTED:
        rotate_column(schema_editor.connection, table, pk, column)


def decrypt_existing(apps, schema_editor):
    """Going back: the columns hold plain text again, in small batches."""
    from lib.crypto import plain, rotate_column

    for table, pk, column in ENCRYPTED:
        rotate_column(schema_editor.connection, table, pk, column, change=plain)


class Migration(migrations.Migration):

    dependencies = [
        ("coaching", "0003_encrypt_practice_reviews"),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
