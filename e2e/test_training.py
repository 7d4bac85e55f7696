"""A programme manager runs an in-house programme end to end; a trainee then sees the hours (第九条一, 第十条)."""

import datetime as dt
import io
import re

from openpyxl import Workbook
from playwright.sync_api import expect

from e2e.conftest import log_in, shot
from hourbook.testing.factories import PASSWORD


def arp_list(tmp_path, arps) -> str:
    workbook = Workbook()
    workbook.active.append(["员工ARP编号", "员工姓名"])
    for arp in arps:
        workbook.active.append([arp, ""])
    path = tmp_path / "学员名单.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_manager_runs_a_programme_and_trainee_sees_hours(page, cast, tmp_path):
    today = dt.date.today()
    day, half = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    page.on("dialog", lambda dialog: dialog.accept())

    # The manager creates a plan with two sessions: a day and a half day (12 学时, 第十条).
    log_in(page, "manager", PASSWORD)
    page.get_by_role("link", name="培训管理").click()
    page.get_by_role("link", name="新建培训计划").click()
    page.get_by_label("培训名称").fill("青年科研骨干能力提升培训班")
    page.get_by_label("培训地点").fill("物理所 M 楼报告厅")
    page.get_by_label("项目类型").select_option(label="培训班")
    page.get_by_label("是否脱产").check()
    page.locator("#id_sessions-0-date").fill(day.isoformat())
    page.get_by_role("button", name="添加日程").click()
    page.locator("#id_sessions-1-date").fill(half.isoformat())
    page.locator("#id_sessions-1-length").select_option(label="半天")
    expect(page.locator("#session-total")).to_have_text("12")
    shot(page, "training-plan-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("programme-hours")).to_contain_text("12 学时")

    # Trainees from an .xlsx list of ARP numbers.
    page.get_by_label("学员名单（.xlsx，一列员工ARP编号）").set_input_files(
        arp_list(tmp_path, [cast.employee.employee.arp, cast.colleague.employee.arp])
    )
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("alert").filter(has_text="已从名单添加 2 名学员")).to_be_visible()
    expect(page.get_by_test_id("trainee-table")).to_contain_text("张三")
    shot(page, "training-detail-trainees")

    # Attendance: everyone at the full day; 李四 absent from the half day (4 × 7 ≥ 12: no hours).
    page.get_by_role("link", name="考勤与考核").click()
    page.get_by_role("button", name=f"{day.isoformat()} 全天本场全部出勤").click()
    expect(page.get_by_role("alert").filter(has_text="考勤已保存")).to_be_visible()
    page.get_by_label(f"张三 {half.isoformat()} 半天").select_option(label="出勤")
    page.get_by_label(f"李四 {half.isoformat()} 半天").select_option(label="缺席")
    shot(page, "training-attendance-grid")
    page.get_by_role("button", name="保存考勤").first.click()
    expect(page.get_by_role("alert").filter(has_text="考勤已保存")).to_be_visible()

    # Register hours.
    page.get_by_role("link", name="返回培训实施").click()
    page.get_by_role("button", name="登记学时").click()
    expect(
        page.get_by_role("alert").filter(has_text="学时已登记：学员 2 人，其中计入学时 1 人")
    ).to_be_visible()
    shot(page, "training-registered")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "training-registered-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="打印签到表").click()
    expect(page.locator("table.sheet td.sign")).to_have_count(4)
    page.emulate_media(media="print")
    shot(page, "training-signin-print")
    page.emulate_media(media="screen")
    page.goto(page.base_url + "/training/?q=骨干")
    expect(page.get_by_role("table")).to_contain_text("已登记学时")
    shot(page, "training-list")

    # The trainee sees the hours on the home bar and under 我的培训班.
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    log_in(page, cast.employee.employee.arp, PASSWORD)
    page.goto(page.base_url + f"/?year={half.year}")
    expect(page.get_by_test_id("bar-training")).to_contain_text(re.compile(r"^\s*培训学时\s*12"))
    shot(page, "training-trainee-home")
    page.get_by_role("button", name="我的学习").click()
    page.get_by_role("link", name="我的培训班").click()
    card = page.get_by_test_id("my-programme").filter(has_text="青年科研骨干能力提升培训班")
    expect(card.get_by_test_id("my-programme-hours")).to_contain_text("已登记 12 学时")
    shot(page, "training-my-programmes")

    # 李四 sees zero, with the reason.
    page.context.clear_cookies()
    log_in(page, cast.colleague.employee.arp, PASSWORD)
    page.goto(page.base_url + "/training/my/")
    expect(page.get_by_test_id("my-programme-hours")).to_contain_text("1/7")
    shot(page, "training-my-programmes-zero")


def test_manager_adds_a_trainee_of_another_unit_by_search(page, cast):
    """Any active employee of the academy can be found by name and added (htmx search, 20 a page)."""
    from hourbook.training.choices import SessionLength
    from hourbook.training.tests.factories import make_programme, past_days

    programme = make_programme(cast.units["unit"], past_days(2, SessionLength.DAY), name="实验室安全培训班")
    log_in(page, "manager", PASSWORD)
    page.goto(page.base_url + f"/training/{programme.pk}/")
    page.get_by_label("姓名或员工ARP编号").fill("王五")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("化学研究所")
    page.get_by_label("王五").check()
    shot(page, "training-search")
    page.get_by_role("button", name="添加所选职工").click()
    expect(page.get_by_role("alert").filter(has_text="已添加 1 名学员")).to_be_visible()
    expect(page.get_by_test_id("trainee-table")).to_contain_text("王五")
