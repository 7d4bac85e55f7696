"""A person's standing is derived at query time from the histories (org.standing): each history entry gets
`until` (the next entry's start), filled here, and the per-year copy EmployeeYear, which drifted with the
calendar, goes."""

from collections import defaultdict

from django.db import migrations, models


def fill_until(apps, schema_editor):
    for name, start in (("UnitMembership", "start"), ("PositionHistory", "since")):
        model = apps.get_model("org", name)
        entries = defaultdict(list)
        for pk, employee_id, day in model.objects.values_list("pk", "employee_id", start):
            entries[employee_id].append((day, pk))
        rows = []
        for mine in entries.values():
            mine.sort()
            for (_day, pk), following in zip(mine, [*mine[1:], None], strict=True):
                if following is not None:
                    rows.append(model(pk=pk, until=following[0]))
        model.objects.bulk_update(rows, ["until"], batch_size=2000)


def forget_until(apps, schema_editor):
    for name in ("UnitMembership", "PositionHistory"):
        apps.get_model("org", name).objects.update(until=None)


class Migration(migrations.Migration):
    dependencies = [("org", "0006_employee_arp_digits")]

    operations = [
        migrations.AddField(
            model_name="unitmembership",
            name="until",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="截止日期"),
        ),
        migrations.AddField(
            model_name="positionhistory",
            name="until",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="截止日期"),
        ),
        migrations.RunPython(fill_until, forget_until),
        migrations.DeleteModel(name="EmployeeYear"),
    ]
