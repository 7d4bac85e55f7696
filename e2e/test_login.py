"""A person logs in and sees the hours bar; the login page shows a real captcha."""

from captcha.models import CaptchaStore
from django.test import override_settings
from playwright.sync_api import expect

from e2e.conftest import log_in, shot
from hourbook.testing.factories import PASSWORD


def test_login_shows_home_bar(page, cast):
    log_in(page, cast.employee.employee.arp, PASSWORD)
    bar = page.get_by_test_id("bar-training")
    assert "未达标" in bar.inner_text()
    assert "培训学时" in bar.inner_text()
    shot(page, "home-employee")


def test_wrong_password_is_refused(page, cast):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("账号").fill("employee")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text().strip() == "账号或密码错误"


def _answer(page) -> str:
    key = page.locator("#id_captcha_key").input_value()
    return CaptchaStore.objects.get(hashkey=key).response


@override_settings(CAPTCHA_BYPASS=False)
def test_login_with_the_real_captcha(page, cast):
    page.goto(page.base_url + "/accounts/login/")
    image = page.get_by_role("img", name="验证码图片")
    # Waits read properties, not page.wait_for_function("…") strings, which the Content-Security-Policy refuses
    # to evaluate ('unsafe-eval').
    image.wait_for(state="visible")
    expect(image).to_have_js_property("complete", True)
    expect(image).to_have_js_property("naturalWidth", 120)
    shot(page, "login-captcha")
    # 换一张 swaps the image and its key in place, without reloading the page.
    old_key = page.locator("#id_captcha_key").input_value()
    old_src = image.get_attribute("src")
    page.get_by_role("link", name="换一张").click()
    expect(page.locator("#id_captcha_key")).not_to_have_value(old_key)
    assert image.get_attribute("src") != old_src
    expect(image).to_have_js_property("complete", True)
    expect(image).to_have_js_property("naturalWidth", 120)
    page.get_by_label("账号").fill("employee")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码", exact=True).fill("ZZZZ" if _answer(page) != "zzzz" else "YYYY")
    page.get_by_role("button", name="登录").click()
    assert "验证码错误" in page.locator(".invalid-feedback").inner_text()
    # A new image came with the refused page; solving it logs in.
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码", exact=True).fill(_answer(page).upper())
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")
