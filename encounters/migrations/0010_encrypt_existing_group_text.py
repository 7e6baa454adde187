"""Encrypts group names, session topics and contact settings (0009) in place; going back, decrypts
them. Its own migration, so that on PostgreSQL the row updates and 0009's ALTER TABLEs never
share a transaction (in either direction)."""

from django.db import migrations

ENCRYPTED = [
    ("encounters_group", "id", "name"),
    ("encounters_groupsession", "id", "topic"),
    ("encounters_encounter", "id", "setting"),
]


def encrypt_existing(apps, schema_editor):
    """Text written before 0009 is encrypted in place, in small batches."""
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
        ("encounters", "0009_encrypt_group_names_topics_and_settings"),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
