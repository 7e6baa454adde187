"""Encrypts job parameters (0002; an export shared outside names its recipient and purpose) in
place; going back, decrypts them. Its own migration, so that on PostgreSQL the row updates and
0002's ALTER TABLEs never share a transaction (in either direction)."""

from django.db import migrations

ENCRYPTED = [
    ("jobs_job", "id", "params"),
]


def encrypt_existing(apps, schema_editor):
    """Text written before 0002 is encrypted in place, in small batches."""
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
        ("jobs", "0002_encrypt_job_params"),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
