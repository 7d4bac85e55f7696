"""Login (DOMAIN.md, Login): ARP or username, a real captcha, five failures in 15 minutes lock for 15 minutes."""

import datetime as dt

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.test import override_settings
from django.urls import reverse

from hourbook.accounts import captcha
from hourbook.accounts.models import LoginFailure
from hourbook.testing.factories import PASSWORD

LOGIN = reverse("accounts:login")


def post(client, account, password, code="", key=""):
    return client.post(LOGIN, {"account": account, "password": password, "captcha": code, "captcha_key": key})


@pytest.mark.django_db
def test_login_with_arp_number_or_username(client, cast):
    response = post(client, cast.employee.employee.arp, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    client.logout()
    assert post(client, "employee", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_wrong_password_message(client, cast):
    response = post(client, "employee", "nope")
    assert "账号或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(CAPTCHA_BYPASS=False)
def test_captcha_wrong_code_is_refused_and_right_code_passes(client, cast):
    key = client.get(LOGIN).context["captcha_key"]
    image = client.get(reverse("accounts:captcha", args=[key]))
    assert image["Content-Type"] == "image/png" and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    answer = CaptchaStore.objects.get(hashkey=key).response
    wrong = "zzzz" if answer != "zzzz" else "yyyy"
    response = post(client, "employee", PASSWORD, wrong, key)
    assert response.status_code == 200 and "验证码错误" in response.content.decode()
    # The challenge is spent: the right answer no longer works without a new image.
    assert post(client, "employee", PASSWORD, answer, key).status_code == 200
    assert client.get(reverse("accounts:captcha", args=[key])).status_code == 410
    key = client.get(LOGIN).context["captcha_key"]
    answer = CaptchaStore.objects.get(hashkey=key).response
    assert post(client, "employee", PASSWORD, answer.upper(), key).status_code == 302


@pytest.mark.django_db
@override_settings(CAPTCHA_BYPASS=False)
def test_captcha_without_key_or_answer_is_refused(client, cast):
    key = client.get(LOGIN).context["captcha_key"]
    assert "验证码错误" in post(client, "employee", PASSWORD, "", key).content.decode()
    assert "验证码错误" in post(client, "employee", PASSWORD, "abcd", "").content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(CAPTCHA_BYPASS=False)
def test_captcha_refresh_gives_a_new_challenge(client):
    data = client.get(reverse("accounts:captcha_refresh")).json()
    assert CaptchaStore.objects.filter(hashkey=data["key"]).exists()
    assert data["image_url"] == reverse("accounts:captcha", args=[data["key"]])
    assert client.get(data["image_url"])["Content-Type"] == "image/png"


def test_captcha_challenges_avoid_ambiguous_characters():
    for _ in range(200):
        text, answer = captcha.challenge()
        assert len(text) == 4 and answer == text.lower()
        assert not set(text) & set("01IO")


@pytest.mark.django_db
def test_five_failures_lock_for_fifteen_minutes(client, cast):
    start = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            post(client, "employee", "wrong")
            traveller.shift(dt.timedelta(minutes=2))
        response = post(client, "employee", PASSWORD)
        assert "账号已锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session
        # The lock holds for whichever app server is asked: the counter is in the database.
        assert LoginFailure.objects.filter(user=cast.employee).count() == 5
        traveller.shift(dt.timedelta(minutes=8))  # last failure at +8 min; lock ends at +23 min
        assert "账号已锁定" in post(client, "employee", PASSWORD).content.decode()
        traveller.shift(dt.timedelta(minutes=8))
        assert post(client, "employee", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_four_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, cast):
    start = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            post(client, "employee", "wrong")
            traveller.shift(dt.timedelta(minutes=4))  # five failures over 16 minutes
        assert post(client, "employee", PASSWORD).status_code == 302


def test_argon2_is_the_production_hasher():
    """Outside the test-only MD5 speed-up, new passwords are hashed with Argon2."""
    from django.conf import settings as dj
    from django.contrib.auth.hashers import identify_hasher, make_password

    production = [h for h in dj.PASSWORD_HASHERS if "MD5" not in h]
    assert production[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert identify_hasher(make_password("x", hasher="argon2")).algorithm == "argon2"


@pytest.mark.django_db
def test_initial_password_must_be_changed(client, cast):
    user = cast.colleague
    user.must_change_password = True
    user.save()
    client.force_login(user)
    assert client.get("/")["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Qz7-new-passphrase",
            "new_password2": "Qz7-new-passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is False
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_logout_needs_post(client, cast):
    client.force_login(cast.employee)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/").status_code == 302
