"""Shared by the demo's tests: the frozen moment and a quiet way to run the command."""

import datetime as dt
from io import StringIO

from django.core.management import call_command

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Asia/Shanghai, late in the year
YEAR = 2026
EMPLOYEES = 40


def load(**options) -> str:
    out = StringIO()
    options.setdefault("employees", EMPLOYEES)
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()
