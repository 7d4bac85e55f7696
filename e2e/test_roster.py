"""A unit HR admin adds a person with the day they joined, and meets the limits of their powers: the academy
admin's record offers no actions and says why, their own record locks 在册 and level (issue 8, items 6, 7,
15). Screenshots at a laptop's 1366×900 and a phone's 390×844."""

import pytest

from e2e.conftest import log_in, shot
from hourbook.accounts.choices import Role
from hourbook.common.dates import today
from hourbook.org.models import Employee
from hourbook.testing.factories import PASSWORD, EmployeeFactory, EmployeeUserFactory, RoleFactory

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(SIZES))
def sized_page(request, browser, live_server, transactional_db):
    name = request.param
    context = browser.new_context(locale="zh-CN", viewport=SIZES[name], is_mobile=name == "phone")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    page.size_name = name
    yield page
    context.close()


def test_add_with_join_date_and_the_limits_of_hr_powers(sized_page, cast):
    page, size = sized_page, sized_page.size_name
    admin = EmployeeUserFactory(
        username="admin",
        employee=EmployeeFactory(name="周院人", unit=cast.units["dept"]),
        is_superuser=True,
        is_staff=True,
    )
    RoleFactory(user=admin, role=Role.ACADEMY_ADMIN, unit=cast.units["root"])
    log_in(page, "hr", PASSWORD)

    page.goto(page.base_url + "/roster/add/")
    joined = page.get_by_label("入职日期")
    assert joined.input_value() == today().isoformat()
    page.get_by_label("员工ARP编号").fill("990001")
    page.get_by_label("员工姓名").fill("新同事")
    page.locator("#id_unit").select_option(label="\u3000人力资源处")
    shot(page, f"roster-add-{size}")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    person = Employee.objects.get(arp="990001")
    assert person.memberships.get().start == today()
    assert f"{today():%Y-%m-%d} 起：人力资源处" in page.content()
    shot(page, f"roster-detail-new-{size}")

    page.goto(page.base_url + f"/roster/{admin.employee.pk}/")
    note = page.locator("[data-roster-refusal]")
    assert "院人事局管理员" in note.inner_text()
    assert page.get_by_role("link", name="登记离职").count() == 0
    shot(page, f"roster-detail-protected-{size}")

    response = page.goto(page.base_url + f"/roster/{admin.employee.pk}/leave/")
    assert response.status == 403 and "院人事局管理员" in page.content()
    shot(page, f"roster-leave-refused-{size}")

    own = cast.hr.employee
    page.goto(page.base_url + f"/roster/{own.pk}/")
    assert page.locator("[data-roster-self]").is_visible()
    shot(page, f"roster-detail-self-{size}")
    page.goto(page.base_url + f"/roster/{own.pk}/edit/")
    assert page.get_by_label("在册正式职工").is_disabled()
    assert page.locator("#id_level").is_disabled()
    shot(page, f"roster-edit-self-{size}")

    page.goto(page.base_url + "/roster/import/")
    assert "入职日期" in page.content()
    shot(page, f"roster-import-{size}")
