"""Every way in passes the same captcha and lockout, and the lock follows the account (issue 8, items 1-2).

DOMAIN.md, Login: five wrong passwords for one account within 15 minutes lock it for 15 minutes.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from django.urls import reverse

from hourbook.accounts.models import LoginFailure
from hourbook.audit.models import AuditEntry
from hourbook.testing.factories import PASSWORD

LOGIN = reverse("accounts:login")
START = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def post(client, account, password, **extra):
    return client.post(LOGIN, {"account": account, "password": password}, **extra)


def fail_five_times(client, account, **extra):
    for _ in range(5):
        post(client, account, "wrong", **extra)


# Item 1: the admin's login page is not a second way in.


@pytest.mark.django_db
def test_admin_login_page_sends_to_the_site_login(client, cast):
    cast.academy.is_staff = cast.academy.is_superuser = True
    cast.academy.save()
    response = client.get("/admin/login/?next=/admin/org/employee/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=%2Fadmin%2Forg%2Femployee%2F"
    # Posting the right password there logs nobody in.
    response = client.post("/admin/login/", {"username": "academy", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    # A foreign `next` is not followed.
    assert client.get("/admin/login/?next=https://evil.example/")["Location"].endswith("?next=%2Fadmin%2F")


@pytest.mark.django_db
def test_staff_reach_the_admin_through_the_site_login(client, cast):
    cast.academy.is_staff = cast.academy.is_superuser = True
    cast.academy.save()
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    response = client.post(LOGIN, {"account": "academy", "password": PASSWORD, "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_locked_account_cannot_authenticate_by_any_path(client, cast):
    """The lock is in the authentication backend: the site's login, Django's admin form and any future token
    exchange all call authenticate(), which refuses the right password while the account is locked."""
    with time_machine.travel(START, tick=False):
        fail_five_times(client, "employee")
        request = RequestFactory().post("/admin/login/")
        assert authenticate(request, username="employee", password=PASSWORD) is None
        assert request.login_lock.minutes == 15
        assert authenticate(None, username=cast.employee.employee.arp, password=PASSWORD) is None


# Item 2: failures count per resolved account, and per client address.


@pytest.mark.django_db
def test_lock_follows_the_account_whatever_name_was_typed(client, cast):
    arp = cast.employee.employee.arp
    with time_machine.travel(START, tick=False):
        fail_five_times(client, "employee")
        response = post(client, arp, PASSWORD)
        assert "账号已锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert "账号已锁定" in post(client, "EMPLOYEE", PASSWORD).content.decode()
        # Guessing through the ARP number adds nothing while locked.
        assert LoginFailure.objects.filter(user=cast.employee).count() == 5


@pytest.mark.django_db
def test_failures_through_both_names_add_up(client, cast):
    arp = cast.employee.employee.arp
    with time_machine.travel(START, tick=False):
        for name in ("employee", arp, "Employee", f" {arp} ", "employee"):
            post(client, name, "wrong")
        assert "账号已锁定" in post(client, "employee", PASSWORD).content.decode()
        assert post(client, "colleague", PASSWORD).status_code == 302  # another account is not locked


@pytest.mark.django_db
def test_an_unknown_name_locks_like_an_account(client, cast):
    """A lock message must not tell which names exist."""
    with time_machine.travel(START, tick=False):
        fail_five_times(client, "nobody")
        assert "账号已锁定" in post(client, "nobody", PASSWORD).content.decode()


@pytest.mark.django_db
@override_settings(LOGIN_ADDRESS_MAX_FAILURES=8)
def test_one_address_is_limited_across_accounts_more_loosely(client, cast):
    here, elsewhere = {"REMOTE_ADDR": "10.1.1.1"}, {"REMOTE_ADDR": "10.2.2.2"}
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(8):  # eight names, each short of its own limit
            post(client, f"guess{n}", "wrong", **here)
            traveller.shift(dt.timedelta(seconds=30))
        response = post(client, "employee", PASSWORD, **here)
        assert "网络地址" in response.content.decode() and "_auth_user_id" not in client.session
        assert post(client, "employee", PASSWORD, **elsewhere).status_code == 302
        client.logout()
        traveller.shift(dt.timedelta(minutes=15))
        assert post(client, "employee", PASSWORD, **here).status_code == 302


@pytest.mark.django_db
@override_settings(LOGIN_ADDRESS_MAX_FAILURES=3)
def test_address_comes_from_x_real_ip_only_behind_the_proxy(client, cast):
    with time_machine.travel(START, tick=False):
        for n in range(3):
            post(client, f"guess{n}", "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=f"10.9.9.{n}")
        # Without TRUST_X_REAL_IP the header is ignored: all three came from 127.0.0.1.
        assert "网络地址" in post(client, "employee", PASSWORD, REMOTE_ADDR="127.0.0.1").content.decode()
        with override_settings(TRUST_X_REAL_IP=True):
            response = post(client, "employee", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.9.9.9")
            assert response.status_code == 302
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"127.0.0.1"}


@pytest.mark.django_db
def test_the_lock_is_audited(client, cast):
    with time_machine.travel(START, tick=False):
        fail_five_times(client, cast.employee.employee.arp)
    entry = AuditEntry.objects.get(action="account.lock")
    assert entry.object_id == str(cast.employee.pk) and entry.unit == cast.employee.employee.unit
    assert entry.data["typed"] == cast.employee.employee.arp and entry.actor is None
