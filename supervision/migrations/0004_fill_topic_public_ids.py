"""Each existing topic gets its own public identifier (0003 added the column empty)."""

import uuid

from django.db import migrations


def give_topics_public_ids(apps, schema_editor):
    Topic = apps.get_model("supervision", "Topic")
    for topic in Topic.objects.filter(public_id__isnull=True).only("pk"):
        Topic.objects.filter(pk=topic.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0003_agreed_actions_topic_ids'),
    ]

    operations = [
        migrations.RunPython(give_topics_public_ids, migrations.RunPython.noop),
    ]
