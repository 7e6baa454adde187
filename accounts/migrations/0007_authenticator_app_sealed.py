"""Authenticator apps move from django-otp's TOTPDevice (seed in plain hex) to AuthenticatorApp
(seed encrypted); the old table, when an earlier Cairn made it, is emptied and dropped."""

import accounts.models
import django.db.models.deletion
import lib.crypto
from datetime import UTC, datetime

from django.conf import settings
from django.db import migrations, models


OLD_TABLE = "otp_totp_totpdevice"
COPIED = (
    "user_id", "name", "confirmed", "key", "drift", "last_t", "throttling_failure_timestamp",
    "throttling_failure_count", "created_at", "last_used_at",
)


def _utc(value):
    """A raw read of a SQLite timestamp comes back naive; its text is UTC, as Django writes it."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def move_seeds(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if OLD_TABLE not in connection.introspection.table_names(cursor):
            return
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT {', '.join(quote(c) for c in COPIED)} FROM {quote(OLD_TABLE)}")
        rows = [dict(zip(COPIED, map(_utc, row))) for row in cursor.fetchall()]
    app = apps.get_model("accounts", "AuthenticatorApp")
    for row in rows:
        created_at = row.pop("created_at")
        moved = app.objects.create(**row)  # the field encrypts the key as it is written
        app.objects.filter(pk=moved.pk).update(created_at=created_at)
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(OLD_TABLE)}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["otp_totp"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_notices'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuthenticatorApp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='The date and time when this device was initially created in the system.', null=True)),
                ('last_used_at', models.DateTimeField(blank=True, help_text='The most recent date and time this device was used.', null=True)),
                ('key', lib.crypto.EncryptedCharField(default=accounts.models.new_totp_key, validators=[accounts.models.validate_totp_key])),
                ('drift', models.SmallIntegerField(default=0)),
                ('last_t', models.BigIntegerField(default=-1)),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'authenticator app',
                'abstract': False,
            },
        ),
        migrations.RunPython(move_seeds, migrations.RunPython.noop),
    ]
