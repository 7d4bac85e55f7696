"""Create an integration token: `manage.py api_token_create NAME UNIT_CODE --perm read_people ...`."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hourbook.api.models import Permission
from hourbook.api.services import create_token
from hourbook.org.models import Unit


class Command(BaseCommand):
    help = "Create an API token for an integration; prints the secret once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The integration's name (集成名称)")
        parser.add_argument("unit", help="The code of the unit tree it may reach (单位代码)")
        parser.add_argument(
            "--perm",
            action="append",
            choices=Permission.values,
            required=True,
            help="Repeat for each permission",
        )
        parser.add_argument("--days", type=int, default=None, help="Expire after this many days")

    def handle(self, *args, name, unit, perm, days, **options):
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"No unit with code {unit!r}")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            _token, secret = create_token(
                actor=None, name=name, unit=found, permissions=perm, expires_at=expires_at
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(secret)
