"""单位人员名册: scope, filters and current-year status, a fixed query budget, add/edit, transfers (DOMAIN.md
decision: the current year's records move, past years stay), leavers (records stay), accounts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hourbook.accounts.choices import Role
from hourbook.accounts.models import User
from hourbook.audit.models import AuditEntry
from hourbook.ledger.choices import Category, Status
from hourbook.ledger.models import Record
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, PositionHistory
from hourbook.roster import services
from hourbook.testing.factories import EmployeeFactory, RecordFactory, RoleFactory

NOW = dt.datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
H = 3600


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _record(employee, end: dt.date, **kwargs):
    return RecordFactory(employee=employee, start_date=end, end_date=end, **kwargs)


# --- the list --------------------------------------------------------------------------------------------


def test_list_shows_the_admins_tree_only(cast, login):
    body = login(cast.hr).get(reverse("roster:list")).content.decode()
    assert "张三" in body and "李四" in body  # 物理研究所 and its 人力资源处
    assert "王五" not in body and "钱分院" not in body  # 化学研究所, 北京分院


def test_parent_hr_and_academy_see_the_whole_tree(cast, login):
    body = login(cast.parent_hr).get(reverse("roster:list")).content.decode()
    assert "张三" in body and "王五" in body
    client = login(cast.academy)
    assert "钱分院" in client.get(reverse("roster:list")).content.decode()


def test_list_filter_on_a_unit_outside_the_tree_is_404(cast, login):
    response = login(cast.hr).get(reverse("roster:list"), {"unit": cast.units["sibling"].pk})
    assert response.status_code == 404


def test_list_filters(cast, login):
    leader = EmployeeFactory(
        name="处长甲", unit=cast.units["unit"], history__level=PositionLevel.SECTION_AND_ABOVE
    )
    temp = EmployeeFactory(name="临时乙", unit=cast.units["dept"], is_registered=False)
    gone = EmployeeFactory(
        name="离职丙", unit=cast.units["unit"], is_active=False, left_on=dt.date(2025, 3, 1)
    )
    client = login(cast.hr)

    def names(**query):
        response = client.get(reverse("roster:list"), query)
        return {e.name for e, _s in response.context["rows"]}

    assert names(level=PositionLevel.SECTION_AND_ABOVE) == {leader.name}
    assert names(registered="no") == {temp.name}
    assert names(status="left") == {gone.name}
    assert gone.name not in names(status="active")
    assert names(unit=cast.units["dept"].pk) == {"李四", temp.name}
    assert names(q=temp.arp) == {temp.name}
    assert names(q="处长") == {leader.name}


def test_list_shows_current_year_status_from_the_sql_twin(cast, login):
    """Capped self-study counts 10 (第九条五); 达标 needs both buckets (第八条)."""
    me = cast.employee.employee
    _record(me, dt.date(2025, 3, 1), seconds=8 * H, category=Category.SELF_STUDY)
    _record(me, dt.date(2025, 3, 2), seconds=8 * H, category=Category.SELF_STUDY)
    _record(me, dt.date(2024, 3, 2), seconds=8 * H)  # last year: not in this year's status
    response = login(cast.hr).get(reverse("roster:list"), {"q": me.arp})
    [(employee, summary)] = response.context["rows"]
    assert employee == me
    assert summary.training_effective == 10 * H
    assert summary.met is False


def test_htmx_gets_the_table_fragment(cast, login):
    response = login(cast.hr).get(reverse("roster:list"), HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "roster/_table.html"


def _roster_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("roster:list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_people(cast, login):
    client = login(cast.hr)

    def add(n):
        for i in range(n):
            e = EmployeeFactory(unit=cast.units["unit" if i % 2 else "dept"])
            _record(e, dt.date(2025, 2, 1 + i % 20))

    add(8)  # 10 with 张三 and 李四 (plus hr and manager: 12)
    at_10 = _roster_queries(client)
    add(90)
    at_100 = _roster_queries(client)
    assert at_10 == at_100
    assert at_100 <= 14


def test_employee_gets_403_everywhere(cast, login):
    client = login(cast.employee)
    pk = cast.colleague.employee_id
    for url in (
        reverse("roster:list"),
        reverse("roster:add"),
        reverse("roster:import"),
        reverse("roster:detail", args=[pk]),
        reverse("roster:transfer", args=[pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("roster:account_reset", args=[pk])).status_code == 403


# --- add and edit ----------------------------------------------------------------------------------------


def test_add_employee(cast, login):
    response = login(cast.hr).post(
        reverse("roster:add"),
        {
            "arp": "900001",
            "name": "新人",
            "unit": cast.units["dept"].pk,
            "phone": "010-1",
            "mobile": "139",
            "is_registered": "on",
            "level": PositionLevel.SECTION_AND_ABOVE,
            "level_since": "2024-07-01",
        },
    )
    employee = Employee.objects.get(arp="900001")
    assert response.status_code == 302
    assert employee.unit == cast.units["dept"] and employee.is_registered
    assert employee.level_for_year(2025) == PositionLevel.SECTION_AND_ABOVE
    assert employee.level_for_year(2023) == PositionLevel.ORDINARY
    assert AuditEntry.objects.filter(action="employee.create", object_id=str(employee.pk)).exists()


def test_add_refuses_a_forged_unit_and_a_duplicate_arp(cast, login):
    client = login(cast.hr)
    data = {"arp": "900002", "name": "外人", "unit": cast.units["sibling"].pk, "level": "ordinary"}
    response = client.post(reverse("roster:add"), data)
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    data.update(unit=cast.units["unit"].pk, arp=cast.outsider.employee.arp)
    response = client.post(reverse("roster:add"), data)
    assert "已存在" in response.context["form"].errors["arp"][0]
    assert not Employee.objects.filter(name="外人").exists()


def test_edit_records_a_promotion_from_its_date(cast, login):
    me = cast.employee.employee
    response = login(cast.hr).post(
        reverse("roster:edit", args=[me.pk]),
        {
            "arp": me.arp,
            "name": "张三丰",
            "phone": "",
            "mobile": "13900000000",
            "level": PositionLevel.SECTION_AND_ABOVE,
            "level_since": "2025-05-01",
        },
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.name == "张三丰" and not me.is_registered  # unchecked box: not 在册
    assert me.level_for_year(2025) == PositionLevel.SECTION_AND_ABOVE
    assert me.level_for_year(2024) == PositionLevel.ORDINARY


def test_edit_of_another_units_person_is_404(cast, login):
    client = login(cast.sibling_hr)
    pk = cast.employee.employee_id
    assert client.get(reverse("roster:edit", args=[pk])).status_code == 404
    response = client.post(
        reverse("roster:edit", args=[pk]), {"arp": "X1", "name": "改名", "level": "ordinary"}
    )
    assert response.status_code == 404
    assert Employee.objects.get(pk=pk).name == "张三"


# --- transfer --------------------------------------------------------------------------------------------


def test_transfer_moves_this_years_records_and_not_last_years(cast, login):
    """DOMAIN.md decision: a transfer moves the current year's records and pending reviews; past years stay."""
    me = cast.employee.employee
    old = _record(me, dt.date(2024, 11, 3))
    approved = _record(me, dt.date(2025, 2, 3))
    pending = _record(me, dt.date(2025, 4, 3), status=Status.PENDING)
    response = login(cast.hr).post(reverse("roster:transfer", args=[me.pk]), {"unit": cast.units["dept"].pk})
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.unit == cast.units["dept"]
    assert me.unit_for_year(2025) == cast.units["dept"]
    assert me.unit_for_year(2024) == cast.units["unit"]
    assert Record.objects.get(pk=approved.pk).unit == cast.units["dept"]
    assert Record.objects.get(pk=pending.pk).unit == cast.units["dept"]
    assert Record.objects.get(pk=old.pk).unit == cast.units["unit"]
    entry = AuditEntry.objects.get(action="employee.transfer")
    assert entry.data["records_moved"] == 2


def test_transfer_to_a_unit_outside_the_tree_is_refused_whole(cast, login):
    """The admin must administer the target too: a forged unit id refuses the request; nothing moves."""
    me = cast.employee.employee
    record = _record(me, dt.date(2025, 2, 3))
    response = login(cast.hr).post(
        reverse("roster:transfer", args=[me.pk]), {"unit": cast.units["sibling"].pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    me.refresh_from_db()
    assert me.unit == cast.units["unit"] and me.memberships.count() == 1
    assert Record.objects.get(pk=record.pk).unit == cast.units["unit"]
    with pytest.raises(PermissionDenied):
        services.employee_transfer(actor=cast.hr, employee=me, unit=cast.units["sibling"])


def test_parent_hr_and_academy_may_transfer_between_their_units(cast):
    me = cast.employee.employee
    services.employee_transfer(actor=cast.parent_hr, employee=me, unit=cast.units["sibling"])
    assert Employee.objects.get(pk=me.pk).unit == cast.units["sibling"]
    services.employee_transfer(actor=cast.academy, employee=me, unit=cast.units["root"])
    assert Employee.objects.get(pk=me.pk).unit == cast.units["root"]


def test_transfer_date_must_be_this_year_and_not_future(cast, login):
    client = login(cast.hr)
    url = reverse("roster:transfer", args=[cast.employee.employee_id])
    for day in ("2024-12-31", "2025-07-01"):
        response = client.post(url, {"unit": cast.units["dept"].pk, "start": day})
        assert response.context["form"].errors["start"], day
    assert Employee.objects.get(pk=cast.employee.employee_id).unit == cast.units["unit"]


# --- leavers ---------------------------------------------------------------------------------------------


def test_leave_keeps_records_and_disables_the_account(cast, login):
    me = cast.employee.employee
    record = _record(me, dt.date(2025, 2, 3))
    response = login(cast.hr).post(reverse("roster:leave", args=[me.pk]), {"left_on": "2025-05-31"})
    assert response.status_code == 302
    me.refresh_from_db()
    assert not me.is_active and me.left_on == dt.date(2025, 5, 31)
    assert Record.objects.filter(pk=record.pk, deleted_at__isnull=True).exists()
    assert not User.objects.get(pk=cast.employee.pk).is_active
    assert AuditEntry.objects.filter(action="employee.leave").exists()


def test_leave_date_cannot_be_in_the_future(cast, login):
    response = login(cast.hr).post(
        reverse("roster:leave", args=[cast.employee.employee_id]), {"left_on": "2025-06-16"}
    )
    assert response.context["form"].errors["left_on"]
    assert Employee.objects.get(pk=cast.employee.employee_id).is_active


# --- accounts --------------------------------------------------------------------------------------------


def test_account_create_shows_the_password_once_and_forces_a_change(cast, login, client):
    newcomer = EmployeeFactory(unit=cast.units["dept"])
    response = login(cast.hr).post(reverse("roster:account_create", args=[newcomer.pk]))
    password = response.context["password"]
    user = User.objects.get(employee=newcomer)
    assert user.username == f"arp{newcomer.arp}" and user.must_change_password
    assert user.check_password(password) and password not in str(AuditEntry.objects.values_list("data"))
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    client.logout()
    client.force_login(user)
    assert client.get(reverse("ledger:home")).url == reverse("accounts:password_change")


def test_account_create_refused_for_someone_with_an_account(cast, login):
    response = login(cast.hr).post(reverse("roster:account_create", args=[cast.employee.employee_id]))
    assert response.status_code == 302
    assert User.objects.filter(employee=cast.employee.employee).count() == 1


def test_unit_hr_cannot_reset_an_administrators_password(cast):
    """A unit HR resetting the password of an account with a role would take it over."""
    RoleFactory(user=cast.employee, role=Role.ACADEMY_ADMIN, unit=cast.units["root"])
    with pytest.raises(Exception, match="院人事局"):
        services.account_reset_password(actor=cast.hr, user=cast.employee)
    assert not User.objects.get(pk=cast.employee.pk).must_change_password
    with pytest.raises(PermissionDenied):
        services.account_reset_password(actor=cast.sibling_hr, user=cast.colleague)


def test_account_reset(cast, login):
    response = login(cast.hr).post(reverse("roster:account_reset", args=[cast.colleague.employee_id]))
    user = User.objects.get(pk=cast.colleague.pk)
    assert user.check_password(response.context["password"]) and user.must_change_password


def test_level_history_is_kept(cast):
    me = cast.employee.employee
    services.employee_update(
        actor=cast.hr,
        employee=me,
        arp=me.arp,
        name=me.name,
        phone="",
        mobile="",
        is_registered=True,
        level=PositionLevel.SECTION_AND_ABOVE,
        level_since=None,
    )
    assert list(PositionHistory.objects.filter(employee=me).values_list("since", "level")) == [
        (dt.date(2000, 1, 1), PositionLevel.ORDINARY),
        (dt.date(2025, 6, 15), PositionLevel.SECTION_AND_ABOVE),
    ]


def test_a_name_of_invisible_characters_is_refused(cast, login):
    """Issue 8, item 11: zero-width spaces were accepted as a name and showed as blank."""
    me = cast.employee.employee
    before = me.name
    response = login(cast.hr).post(
        reverse("roster:edit", args=[me.pk]),
        {"arp": me.arp, "name": "\u200b\u200b\u2060", "level": PositionLevel.ORDINARY},
    )
    assert response.status_code == 200 and response.context["form"].errors["name"]
    me.refresh_from_db()
    assert me.name == before
