"""Encrypts the consent and disclosure text of 0005 in place (recipients, purposes, who may
disclose, expiry events, reasons, scan file names); going back, decrypts it. Its own migration,
so that on PostgreSQL the row updates and 0005's ALTER TABLEs never share a transaction."""

from django.db import migrations

ENCRYPTED = [
    ("consent_consent", "id", "disclosing_party"),
    ("consent_consent", "id", "recipient"),
    ("consent_consent", "id", "purpose"),
    ("consent_consent", "id", "expiry_event"),
    ("consent_consent", "id", "revocation_note"),
    ("consent_consentscan", "id", "filename"),
    ("consent_disclosure", "id", "basis_reason"),
    ("consent_disclosure", "id", "recipient"),
    ("consent_disclosure", "id", "purpose"),
    ("consent_legalhold", "id", "reason"),
]


def encrypt_existing(apps, schema_editor):
    """Text written before 0005 is encrypted in place, in small batches."""
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
        ("consent", "0005_encrypt_recipients_and_purposes"),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
