"""Writes about accounts: the login lockout and changing one's password.

Lockout (DOMAIN.md, Login): five wrong passwords for one account within 15 minutes lock it for 15 minutes,
whichever app server is asked: the failures are rows in the database. Failures count against the account
the typed name resolves to (username or ARP number alike), and, as a second and looser limit, against the
client's address. The check runs in the authentication backend, so every way in (the site's login, any
future token exchange) passes it; the admin has no login page of its own (`admin_site`).
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hourbook.org.models import Employee

from .models import LoginFailure, User
from .signals import account_locked, password_changed

MSG_ACCOUNT_LOCKED = _("密码连续错误次数过多，账号已锁定，请 %(m)s 分钟后再试。")
MSG_ADDRESS_LOCKED = _("您所在网络地址的登录失败次数过多，请 %(m)s 分钟后再试。")
MSG_PASSWORD_SAME = _("新密码不能与当前密码相同")
MSG_PASSWORD_NOT_YOURS = _("只能修改自己的密码")


@dataclass(frozen=True)
class LoginLock:
    """Why and for how long logins are refused."""

    remaining: dt.timedelta
    by_address: bool = False

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.remaining.total_seconds() / 60))

    def message(self) -> str:
        text = MSG_ADDRESS_LOCKED if self.by_address else MSG_ACCOUNT_LOCKED
        return str(text) % {"m": self.minutes}


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: behind our nginx (TRUST_X_REAL_IP) the header it always overwrites."""
    if request is None:
        return None
    if settings.TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"].strip()
    return request.META.get("REMOTE_ADDR") or None


def _name_key(name: str) -> str:
    return (name or "").strip().lower()[:150]


def _account_failures(user: User | None, name: str):
    if user is not None:
        return LoginFailure.objects.filter(user=user)
    return LoginFailure.objects.filter(user=None, account_key=_name_key(name))


def _remaining(failures, limit: int, now: dt.datetime) -> dt.timedelta | None:
    """How long a lock holds: `limit` failures within one window lock until `LOGIN_LOCK_SECONDS` after the
    last of them (a sliding window, not a counter reset by a quiet spell)."""
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    lock = dt.timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
    times = list(
        failures.filter(created_at__gte=now - window - lock)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    until = None
    for first, last in zip(times, times[limit - 1 :], strict=False):
        if last - first <= window and now < last + lock:
            until = last + lock if until is None else max(until, last + lock)
    return None if until is None else until - now


def login_lock(*, user: User | None, name: str, ip: str | None) -> LoginLock | None:
    """The lock that refuses this login, or None: the account's (or typed name's), then the address's."""
    now = timezone.now()
    remaining = _remaining(_account_failures(user, name), settings.LOGIN_MAX_FAILURES, now)
    if remaining is not None:
        return LoginLock(remaining)
    if ip:
        remaining = _remaining(LoginFailure.objects.filter(ip=ip), settings.LOGIN_ADDRESS_MAX_FAILURES, now)
        if remaining is not None:
            return LoginLock(remaining, by_address=True)
    return None


def login_failed(*, user: User | None, name: str, ip: str | None) -> LoginLock | None:
    """Record a wrong password; returns the lock it starts, if any (announced for the audit trail)."""
    LoginFailure.objects.create(user=user, account_key=_name_key(name), ip=ip)
    lock = login_lock(user=user, name=name, ip=ip)
    if lock is not None and not lock.by_address and user is not None:
        account_locked.send(sender=User, user=user, name=name, ip=ip, until=timezone.now() + lock.remaining)
    return lock


def login_succeeded(*, user: User) -> None:
    """A right password clears the account's failures (not the address's: those are other accounts')."""
    LoginFailure.objects.filter(user=user).delete()


@transaction.atomic
def password_change(*, actor: User, user: User, new_password: str) -> User:
    """An account's owner sets a new password; an initial password must be changed to a different one.

    Only the owner (the actor) changes it here; administrators reset passwords through the roster.
    """
    if actor.pk != user.pk:
        raise PermissionDenied(MSG_PASSWORD_NOT_YOURS)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.check_password(new_password):
        raise ValidationError({"new_password1": MSG_PASSWORD_SAME})
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    password_changed.send(sender=User, actor=actor, user=user)
    return user


def account_username(employee: Employee) -> str:
    """The username of an employee's new account: `arp` and the ARP number. A username may not be the ARP
    number itself (usernames never start with a digit); the employee logs in with either."""
    return f"arp{employee.arp}"
