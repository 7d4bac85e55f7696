"""The academy's policy for every year from 2019 on (人字〔2019〕89号): 90 / 110 training, 50 online,
在职自学 capped at 10 (第八条, 第九条五). Later years without a row use the latest earlier one."""

from django.db import migrations

H = 3600
YEARS = range(2019, 2027)


def create(apps, schema_editor):
    YearPolicy = apps.get_model("policy", "YearPolicy")
    for year in YEARS:
        YearPolicy.objects.get_or_create(
            year=year,
            defaults={
                "training_required": 90 * H,
                "training_required_leader": 110 * H,
                "online_required": 50 * H,
                "cap_self_study": 10 * H,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("policy", "YearPolicy").objects.filter(year__in=list(YEARS)).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
