"""Before 培训内容 gets its maximum (issue 8, item 10): cut what is longer, so the next migration (varchar
on PostgreSQL) cannot fail on existing data. Decision: truncate to max − 1 characters and "…" (see
ledger 0004_truncate_long_texts); how many were cut is logged."""

import logging

from django.db import migrations
from django.db.models import TextField, Value
from django.db.models.functions import Concat, Length, Substr

logger = logging.getLogger("hourbook.migrations")


def truncate(apps, schema_editor):
    programme = apps.get_model("training", "Programme")
    cut = (
        programme.objects.annotate(text_length=Length("content"))
        .filter(text_length__gt=2000)
        .update(content=Concat(Substr("content", 1, 1999), Value("…"), output_field=TextField()))
    )
    if cut:
        logger.warning("training.Programme.content: %s values cut to 2000 characters", cut)


class Migration(migrations.Migration):

    dependencies = [
        ("training", "0002_ordering_by_ids"),
    ]

    operations = [
        migrations.RunPython(truncate, migrations.RunPython.noop),
    ]
