"""Before the text fields get their maxima (issue 8, item 10): cut what is longer, so the next migration
(varchar on PostgreSQL) cannot fail on existing data.

Decision: truncate, keeping the first max − 1 characters and marking the cut with "…", rather than refuse
to migrate. Only text pasted through the unbounded fields can be that long (1 MB 培训内容 was the attack);
the record's hours, dates and history are untouched. How many values were cut is logged.
"""

import logging

from django.db import migrations
from django.db.models import TextField, Value
from django.db.models.functions import Concat, Length, Substr

logger = logging.getLogger("hourbook.migrations")

LIMITS = (("Record", "content", 2000), ("RecordTransition", "reason", 500))


def truncate(apps, schema_editor):
    for model_name, field, limit in LIMITS:
        model = apps.get_model("ledger", model_name)
        cut = (
            model.objects.annotate(text_length=Length(field))
            .filter(text_length__gt=limit)
            .update(**{field: Concat(Substr(field, 1, limit - 1), Value("…"), output_field=TextField())})
        )
        if cut:
            logger.warning("ledger.%s.%s: %s values cut to %s characters", model_name, field, cut, limit)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0003_ordering_by_ids"),
    ]

    operations = [
        migrations.RunPython(truncate, migrations.RunPython.noop),
    ]
