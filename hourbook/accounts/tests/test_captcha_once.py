"""One solved captcha opens one login attempt (issue 8, item 4): the first request that presents it spends it.

Ten requests sharing one solved captcha were all accepted, because the answer sat in the session that each
request had read before any of them wrote it back. The answer is now a database row deleted by one
statement whose row count decides.
"""

import threading

import pytest
from captcha.models import CaptchaStore
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from hourbook.accounts import captcha

LOGIN = reverse("accounts:login")
REQUESTS = 10


@pytest.mark.django_db
def test_a_solved_captcha_is_spent_by_its_first_use():
    key = captcha.new_key()
    answer = CaptchaStore.objects.get(hashkey=key).response
    assert captcha.consume(key, answer) is True
    assert captcha.consume(key, answer) is False


@pytest.mark.django_db
def test_a_wrong_answer_spends_the_challenge_too():
    key = captcha.new_key()
    answer = CaptchaStore.objects.get(hashkey=key).response
    assert captcha.consume(key, "zzzz" if answer != "zzzz" else "yyyy") is False
    assert captcha.consume(key, answer) is False


@pytest.mark.django_db
@override_settings(CAPTCHA_BYPASS=False)
def test_sequential_logins_cannot_reuse_one_captcha(client, cast):
    key = client.get(LOGIN).context["captcha_key"]
    answer = CaptchaStore.objects.get(hashkey=key).response
    data = {"account": "employee", "password": "wrong", "captcha": answer, "captcha_key": key}
    assert "账号或密码错误" in client.post(LOGIN, data).content.decode()
    second = client.post(LOGIN, data).content.decode()
    assert "验证码错误" in second and "账号或密码错误" not in second


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(CAPTCHA_BYPASS=False)
def test_parallel_logins_share_no_captcha(cast):
    """Ten clients post the same solved captcha at once (a Barrier releases them together): exactly one gets
    past the captcha to the password check."""
    key = Client().get(LOGIN).context["captcha_key"]
    answer = CaptchaStore.objects.get(hashkey=key).response
    data = {"account": "employee", "password": "wrong", "captcha": answer, "captcha_key": key}
    barrier = threading.Barrier(REQUESTS)
    pages, errors = [], []

    def attempt():
        try:
            client = Client()
            barrier.wait()
            pages.append(client.post(LOGIN, data).content.decode())
        except Exception as error:  # reported below; a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    past_captcha = [page for page in pages if "账号或密码错误" in page]
    refused = [page for page in pages if "验证码错误" in page]
    assert (len(past_captcha), len(refused)) == (1, REQUESTS - 1)
