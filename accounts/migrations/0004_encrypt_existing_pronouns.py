"""Encrypts people's pronouns (0003) in place; going back, decrypts them. Its own migration, so
that on PostgreSQL the row updates and 0003's ALTER TABLEs never share a transaction (in either
direction)."""

from django.db import migrations

ENCRYPTED = [
    ("accounts_user", "id", "pronouns"),
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
        ("accounts", "0003_encrypt_pronouns"),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
