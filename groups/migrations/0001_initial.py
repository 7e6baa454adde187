"""Groups move out of `encounters` into their own app without touching the database.

The three tables keep their names (`db_table`), so this migration only tells Django's state that
the models now live here (encounters 0011 removes them from that app's state). A database that
already holds groups, members and sessions keeps every row; a new one gets the tables from
encounters 0003. The content types follow, so nothing keyed on them is left behind.
"""

import django.db.models.deletion
import lib.crypto
import uuid
from django.conf import settings
from django.db import migrations, models


MODELS = ["group", "groupmember", "groupsession"]


def _move_content_types(apps, schema_editor, *, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label=source, model__in=MODELS
    ).update(app_label=target)


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="encounters", target="groups")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="groups", target="encounters")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('encounters', '0010_encrypt_existing_group_text'),
        ('organizations', '0006_access_changes_wait_for_approval'),
        ('participants', '0012_name_sort_and_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Group',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('name', lib.crypto.EncryptedCharField(max_length=120, verbose_name='group name')),
                        ('meets', models.CharField(blank=True, help_text="For example 'Tuesdays, 6 to 7:30 pm'.", max_length=120, verbose_name='when it meets')),
                        ('default_duration', models.PositiveSmallIntegerField(default=90, verbose_name='usual length in minutes')),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('facilitator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='facilitator')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                        ('service_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='encounters.servicetype', verbose_name='service type')),
                    ],
                    options={
                        'db_table': 'encounters_group',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='GroupMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('joined_on', models.DateField(auto_now_add=True)),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='groups.group')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                        ('participant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='group_memberships', to='participants.participant')),
                    ],
                    options={
                        'db_table': 'encounters_groupmember',
                    },
                ),
                migrations.AddField(
                    model_name='group',
                    name='members',
                    field=models.ManyToManyField(related_name='groups', through='groups.GroupMember', to='participants.participant'),
                ),
                migrations.CreateModel(
                    name='GroupSession',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('started_at', models.DateTimeField()),
                        ('occurred_on', models.DateField()),
                        ('duration_minutes', models.PositiveSmallIntegerField()),
                        ('topic', lib.crypto.EncryptedCharField(max_length=200, verbose_name='topic')),
                        ('shared_note', lib.crypto.EncryptedTextField(max_length=5000, verbose_name='group note')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('facilitator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='groups.group')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                    ],
                    options={
                        'db_table': 'encounters_groupsession',
                        'ordering': ['-started_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='groupmember',
                    index=models.Index(fields=['organization', 'group'], name='groupmember_org_group'),
                ),
                migrations.AddConstraint(
                    model_name='groupmember',
                    constraint=models.UniqueConstraint(fields=('group', 'participant'), name='groupmember_once'),
                ),
                migrations.AddIndex(
                    model_name='group',
                    index=models.Index(fields=['organization', 'facilitator'], name='group_org_facilitator'),
                ),
                migrations.AddIndex(
                    model_name='groupsession',
                    index=models.Index(fields=['organization', 'group', '-started_at'], name='groupsession_org_group'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
