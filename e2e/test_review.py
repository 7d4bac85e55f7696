"""The unit HR reviews (第九条二, FAQ Q5): filter the queue, open a record, reject it with a reason; the employee
reads the notification, edits and resubmits; the HR approves and the employee's home bar changes. A second test
decides three records with the keyboard alone."""

import datetime as dt
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from e2e.conftest import log_in, shot
from hourbook.ledger.choices import Category, Form, Status
from hourbook.ledger.models import Evidence, Record
from hourbook.ledger.services import RecordData, record_submit
from hourbook.testing.factories import PASSWORD


def _certificate() -> bytes:
    image = Image.new("RGB", (480, 300), "#fdf6e3")
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 468, 288), outline="#b58900", width=6)
    draw.rectangle((60, 90, 420, 110), fill="#586e75")
    draw.rectangle((60, 140, 360, 155), fill="#93a1a1")
    draw.ellipse((330, 190, 420, 280), outline="#dc322f", width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _submit(
    user, name: str, day: dt.date, hours: int = 16, category=Category.EXTERNAL_TRAINING, evidence: bool = True
) -> Record:
    data = RecordData(
        category=category,
        form=Form.CONFERENCE,
        name=name,
        start_date=day,
        end_date=day + dt.timedelta(days=max(hours // 8 - 1, 0)),
        seconds=hours * 3600,
        organiser="中国物理学会",
        place="北京",
    )
    record, _ = record_submit(actor=user, employee=user.employee, data=data)
    if not evidence:
        return record
    png = _certificate()
    Evidence.objects.create(
        record=record,
        file=ContentFile(png, name="certificate.png"),
        original_name="结业证书.png",
        content_type="image/png",
        size=len(png),
    )
    return record


def _other_page(browser, base_url: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = base_url
    return page


def test_reject_edit_resubmit_approve(page, browser, cast):
    year = dt.date.today().year
    record = _submit(cast.employee, "2026年全国凝聚态物理学术会议", dt.date(year, 4, 14))
    _submit(cast.colleague, "科研项目管理专题讲座", dt.date(year, 5, 9), hours=8)
    _submit(
        cast.colleague,
        "数据分析方法自学",
        dt.date(year, 6, 2),
        hours=6,
        category=Category.SELF_STUDY,
        evidence=False,
    )

    employee = _other_page(browser, page.base_url)
    log_in(employee, cast.employee.employee.arp, PASSWORD)
    before = employee.get_by_test_id("bar-training").inner_text()
    assert "未达标" in before and "待审核 16 学时" in before

    # The HR admin filters the queue by the employee's name and opens the record.
    log_in(page, "hr", PASSWORD)
    page.get_by_role("button", name="单位管理").click()
    page.get_by_role("link", name="审核队列").click()
    page.wait_for_url("**/review/")
    expect(page.locator("[data-review-row]")).to_have_count(3)
    expect(page.locator("[data-flag=no_evidence]")).to_have_count(1)
    expect(page.locator("[data-flag=half_days]")).to_have_count(1)
    shot(page, "review-queue")
    page.get_by_label("职工姓名或ARP编号").fill("张三")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("[data-review-row]")).to_have_count(1)
    assert "q=" in page.url
    shot(page, "review-queue-filtered")
    page.get_by_role("link", name=record.name).click()
    page.wait_for_url(f"**/review/records/{record.pk}/**")
    expect(page.get_by_role("img", name="结业证书.png")).to_be_visible()
    shot(page, "review-record-detail")

    # Rejected with a reason; an empty reason is refused by the form first.
    page.get_by_label("不通过理由").fill("会议通知与结业证书名称不一致，请核对培训名称")
    page.get_by_role("button", name="不通过", exact=True).click()
    page.wait_for_url(lambda url: "/review/?" in url)
    expect(page.get_by_role("alert").first).to_contain_text("已设为不通过")
    record.refresh_from_db()
    assert record.status == Status.REJECTED

    # The employee reads the notification, edits the record and resubmits it.
    employee.goto(employee.base_url + "/")
    expect(employee.get_by_role("link", name="通知消息")).to_contain_text("1")
    employee.get_by_role("link", name="通知消息").click()
    note = employee.get_by_test_id("notification").first
    expect(note).to_contain_text("学时记录未通过审核")
    expect(note).to_contain_text("理由：会议通知与结业证书名称不一致，请核对培训名称")
    shot(employee, "review-employee-notification")
    note.get_by_role("link", name="查看").click()
    employee.wait_for_url(f"**/record/{record.pk}/")
    employee.goto(employee.base_url + f"/record/{record.pk}/edit/")
    employee.get_by_label("培训名称").fill("第二十届全国凝聚态理论与统计物理学术会议")
    employee.get_by_role("button", name="保存").click()
    employee.wait_for_url(f"**/record/{record.pk}/")
    record.refresh_from_db()
    assert (record.status, record.version) == (Status.PENDING, 2)

    # The HR admin approves the resubmitted version from the queue.
    page.goto(page.base_url + "/review/?q=张三")
    row = page.locator(f"#row-{record.pk}")
    expect(row).to_contain_text("第二十届全国凝聚态理论与统计物理学术会议")
    row.get_by_role("button", name="通过", exact=True).click()
    expect(row).to_contain_text("已通过")
    shot(page, "review-queue-approved")
    record.refresh_from_db()
    assert record.status == Status.APPROVED

    # The employee's home bar now counts the 16 hours.
    employee.goto(employee.base_url + "/")
    after = employee.get_by_test_id("bar-training").inner_text()
    assert "16" in after and "待审核" not in after
    shot(employee, "review-employee-home-after")
    employee.context.close()


def test_three_decisions_with_the_keyboard_alone(page, cast):
    year = dt.date.today().year
    records = [
        _submit(cast.employee, f"学术报告会（第{i}期）", dt.date(year, 3, 2 + 7 * i), hours=8)
        for i in range(3)
    ]
    log_in(page, "hr", PASSWORD)
    page.goto(page.base_url + "/review/")
    expect(page.locator("#keyboard-help")).to_contain_text("a 通过")
    rows = [page.locator(f"#row-{r.pk}") for r in records]

    page.keyboard.press("j")
    expect(rows[0]).to_be_focused()
    page.keyboard.press("a")
    expect(rows[0]).to_contain_text("已通过")
    expect(rows[1]).to_be_focused()

    page.keyboard.press("r")
    reason = page.locator(f"#reason-input-{records[1].pk}")
    expect(reason).to_be_focused()
    page.keyboard.press("Enter")  # an empty reason: the browser asks for one, nothing is sent
    expect(reason).to_be_focused()
    page.keyboard.type("报告会无签到记录")
    shot(page, "review-keyboard-reason")
    page.keyboard.press("Enter")
    expect(rows[1]).to_contain_text("未通过")
    expect(rows[2]).to_be_focused()

    page.keyboard.press("k")
    expect(rows[1]).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("a")
    expect(rows[2]).to_contain_text("已通过")
    shot(page, "review-keyboard-done")

    statuses = [Record.objects.get(pk=r.pk).status for r in records]
    assert statuses == [Status.APPROVED, Status.REJECTED, Status.APPROVED]
    assert records[1].transitions.get(action="reject").reason == "报告会无签到记录"


def test_queue_on_a_phone(phone_page, cast):
    """The queue works on a phone: filters stack, the table scrolls sideways, a record opens and is decided."""
    year = dt.date.today().year
    record = _submit(cast.employee, "青年科学家论坛", dt.date(year, 9, 7), hours=8)
    log_in(phone_page, "hr", PASSWORD)
    phone_page.goto(phone_page.base_url + "/review/")
    expect(phone_page.get_by_label("职工姓名或ARP编号")).to_be_visible()
    shot(phone_page, "review-queue-phone")
    phone_page.get_by_role("link", name="青年科学家论坛").click()
    phone_page.get_by_role("button", name="通过", exact=False).first.click()
    expect(phone_page.get_by_role("alert").first).to_contain_text("已通过")
    shot(phone_page, "review-record-phone-approved")
    record.refresh_from_db()
    assert record.status == Status.APPROVED
