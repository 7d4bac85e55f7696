"""Fill EmployeeYear for the people already in the database (the same rule as org.years.compute)."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    Employee = apps.get_model("org", "Employee")
    Membership = apps.get_model("org", "UnitMembership")
    Position = apps.get_model("org", "PositionHistory")
    EmployeeYear = apps.get_model("org", "EmployeeYear")
    today = timezone.localdate()
    rows = []
    memberships, positions = {}, {}
    for emp, start, pk, unit in Membership.objects.values_list("employee_id", "start", "pk", "unit_id"):
        memberships.setdefault(emp, []).append((start, pk, unit))
    for emp, since, pk, level in Position.objects.values_list("employee_id", "since", "pk", "level"):
        positions.setdefault(emp, []).append((since, pk, level))
    for employee in Employee.objects.all().iterator(chunk_size=2000):
        mine = sorted(memberships.get(employee.pk, []))
        ranks = sorted(positions.get(employee.pk, []))
        first = max(2019, mine[0][0].year if mine else 2019)
        last = min(today.year, employee.left_on.year) if employee.left_on else today.year
        for year in range(first, last + 1):
            day = today if year == today.year else dt.date(year, 12, 31)
            if employee.left_on and employee.left_on < day:
                day = employee.left_on
            unit_id = next((u for s, _, u in reversed(mine) if s <= day), employee.unit_id)
            level = next((v for s, _, v in reversed(ranks) if s <= day), "ordinary")
            rows.append(EmployeeYear(employee_id=employee.pk, year=year, unit_id=unit_id, level=level))
        if len(rows) > 5000:
            EmployeeYear.objects.bulk_create(rows)
            rows = []
    EmployeeYear.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("org", "0002_employee_year")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
