"""Login lockout (DOMAIN.md, Login): five wrong passwords for one account within 15 minutes lock it
for 15 minutes, whichever app server is asked: the failures are rows in the database."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


def _key(account: str) -> str:
    return (account or "").strip().lower()[:150]


def lock_remaining(account: str) -> dt.timedelta | None:
    """How long the account stays locked, or None. Locked once 5 failures fall within any 15-minute window
    that ended less than 15 minutes ago."""
    now = timezone.now()
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    lock = dt.timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
    recent = list(
        LoginFailure.objects.filter(account_key=_key(account), created_at__gte=now - window - lock)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    n = settings.LOGIN_MAX_FAILURES
    for i in range(len(recent) - n + 1):
        first, last = recent[i], recent[i + n - 1]
        if last - first <= window and now < last + lock:
            return last + lock - now
    return None


def login_failed(account: str, ip: str | None = None) -> None:
    LoginFailure.objects.create(account_key=_key(account), ip=ip)


def login_succeeded(account: str) -> None:
    LoginFailure.objects.filter(account_key=_key(account)).delete()
