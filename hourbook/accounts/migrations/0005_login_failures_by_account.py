"""Step 3 of 3 (issue 8): failures recorded before count against the account their typed name resolves to,
as new failures do (`accounts.selectors.account_for_login`), so a lock in force stays in force."""

import re

from django.db import migrations

DIGITS = re.compile(r"\A[0-9]{1,32}\Z")


def attach_failures(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    LoginFailure = apps.get_model("accounts", "LoginFailure")
    for key in LoginFailure.objects.filter(user=None).values_list("account_key", flat=True).distinct():
        if DIGITS.match(key):
            user = User.objects.filter(employee__arp=key).first()
        else:
            user = User.objects.filter(username__iexact=key).first()
        if user is not None:
            LoginFailure.objects.filter(user=None, account_key=key).update(user=user)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_username_constraints_login_failure_user"),
    ]

    operations = [
        migrations.RunPython(attach_failures, migrations.RunPython.noop),
    ]
