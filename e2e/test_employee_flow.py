"""An employee logs in, adds a 线下培训 record through the menu, sees it pending on the home bar; the unit's
HR approves it and the 培训学时 on the home bar changes (issue 2's main flow; the upload with a bad row is
e2e/test_upload.py, the review screens e2e/test_review.py)."""

import datetime as dt

from e2e.conftest import log_in, shot
from hourbook.common.dates import today
from hourbook.ledger.choices import Status
from hourbook.ledger.models import Record
from hourbook.ledger.services import record_set_status
from hourbook.testing.factories import PASSWORD


def test_add_a_record_and_see_the_home_bar_change(page, cast):
    log_in(page, cast.employee.employee.arp, PASSWORD)
    bar = page.get_by_test_id("bar-training")
    assert "0 学时" in bar.inner_text()

    page.get_by_role("button", name="我的学习").click()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的外部学习").click()
    page.get_by_role("link", name="新增记录").click()
    day = today() - dt.timedelta(days=3)
    page.get_by_label("培训名称").fill("全国凝聚态物理学术会议")
    page.get_by_label("培训地点").fill("合肥")
    page.get_by_label("开始时间").fill((day - dt.timedelta(days=1)).isoformat())
    page.get_by_label("结束时间").fill(day.isoformat())
    page.get_by_label("学时（小时）").fill("16")
    shot(page, "record-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "全国凝聚态物理学术会议" in page.content()
    assert "待审核" in page.content()
    shot(page, "records-list")

    page.goto(page.base_url + "/")
    assert "待审核 16 学时" in page.get_by_test_id("bar-training").inner_text()

    record = Record.objects.get(employee=cast.employee.employee, name="全国凝聚态物理学术会议")
    record_set_status(actor=cast.hr, record=record, to=Status.APPROVED, action="approve")
    page.reload()
    training = page.get_by_test_id("bar-training").inner_text()
    assert "16 学时" in training and "待审核" not in training
    shot(page, "home-after-approval")


def test_home_on_a_phone(phone_page, cast):
    log_in(phone_page, "employee", PASSWORD)
    assert phone_page.get_by_test_id("bar-total").is_visible()
    phone_page.get_by_role("button", name="展开菜单").click()
    assert phone_page.get_by_role("button", name="我的学习").is_visible()
    shot(phone_page, "home-phone")


def test_days_fill_the_hours_at_eight_a_day(page, cast):
    """The form's helper multiplies by the day's length the server states (第十条: 1 day = 8 学时)."""
    log_in(page, cast.employee.employee.arp, PASSWORD)
    page.goto(page.base_url + "/records/external_training/new/")
    page.get_by_label("天数").fill("2.5")
    assert page.get_by_label("学时（小时）").input_value() == "20"
