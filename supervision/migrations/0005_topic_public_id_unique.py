import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0004_fill_topic_public_ids'),
    ]

    operations = [
        migrations.AlterField(
            model_name='topic',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
