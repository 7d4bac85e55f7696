"""Step 1 of 3 (issue 8): usernames never start with a digit, so they cannot collide with ARP numbers.

Accounts the roster or the demo made with the ARP number as username are renamed `arp<ARP>` (the person
still logs in with the ARP number, which now resolves through the employee); any other username starting
with a digit gets `user` in front. Usernames equal but for case stop the migration with their list (which
account keeps the name is a person's decision). 0004 adds the constraints, 0005 moves the login-failure
counter onto accounts.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations
from django.db.models.functions import Lower


def _free(User, name: str, pk: int) -> str:
    candidate, n = name, 1
    while User.objects.filter(username__iexact=candidate).exclude(pk=pk).exists():
        n += 1
        candidate = f"{name}-{n}"
    return candidate


def rename_digit_usernames(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen, clashes = {}, []
    for pk, username in User.objects.order_by("pk").values_list("pk", "username"):
        key = username.lower()
        if key in seen:
            clashes.append(f"{seen[key]!r} / {username!r}")
        seen.setdefault(key, username)
    if clashes:
        raise ImproperlyConfigured(
            "Usernames equal but for case cannot both stay (a login name must mean one account): "
            + "; ".join(clashes)
            + ". Rename one of each pair with the previous release, then migrate again."
        )
    for user in User.objects.filter(username__regex=r"\A[0-9]").select_related("employee").order_by("pk"):
        own_arp = user.employee_id is not None and user.employee.arp == user.username
        user.username = _free(User, f"{'arp' if own_arp else 'user'}{user.username}", user.pk)
        user.save(update_fields=["username"])


def restore_arp_usernames(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(username__startswith="arp", employee__isnull=False).select_related("employee"):
        if user.username == f"arp{user.employee.arp}":
            user.username = user.employee.arp
            user.save(update_fields=["username"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_ordering_by_ids"),
        ("org", "0005_arp_digits_only_check"),
    ]

    operations = [
        migrations.RunPython(rename_digit_usernames, restore_arp_usernames),
    ]
