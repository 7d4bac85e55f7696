"""A person logs in and sees the hours bar."""

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
