"""Step 1 of 2 (issue 8): ARP numbers become digits only, enforced by a check constraint in 0006.

An ARP number is a person's staff number and login name; this migration cannot invent one. If any existing
ARP number is not digits, it stops with their list, to be corrected (in /admin/org/employee/ or the roster)
before migrating again; surrounding spaces are removed, which changes nothing a person sees.
"""

import re

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations

DIGITS = re.compile(r"\A[0-9]{1,32}\Z")


def check_arp_numbers(apps, schema_editor):
    Employee = apps.get_model("org", "Employee")
    bad = []
    for employee in Employee.objects.order_by("pk").only("pk", "arp", "name"):
        stripped = employee.arp.strip()
        if DIGITS.match(stripped):
            if stripped != employee.arp and not Employee.objects.filter(arp=stripped).exists():
                Employee.objects.filter(pk=employee.pk).update(arp=stripped)
            elif stripped != employee.arp:
                bad.append(employee)
        else:
            bad.append(employee)
    if bad:
        listed = "; ".join(f"{e.arp!r} ({e.name}, id {e.pk})" for e in bad[:50])
        more = f" and {len(bad) - 50} more" if len(bad) > 50 else ""
        raise ImproperlyConfigured(
            f"{len(bad)} ARP numbers are not digits only: {listed}{more}. ARP numbers are login names and "
            "must not look like usernames (issue 8): correct them with the previous release, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_ordering_by_ids"),
    ]

    operations = [
        migrations.RunPython(check_arp_numbers, migrations.RunPython.noop),
    ]
