"""Who may change whom in the roster (issue 8, items 6 and 7; `roster.powers`).

Item 6: a unit HR admin changes people of their unit trees only, and never an account holding a role at or
above their own scope (another HR admin of the unit or of a parent unit, the academy admin, a superuser):
`hr_hq` could mark `admin` as having left, which switched off the academy admin's account.
Item 7: nobody changes their own 在册, level or unit; another admin does, and it is audited.
The services decide (form, import and any later API path alike); the views only hide buttons and explain.
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from hourbook.accounts.choices import Role
from hourbook.accounts.models import User
from hourbook.audit.models import AuditEntry
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, Unit
from hourbook.roster import services
from hourbook.roster.imports import COLUMNS
from hourbook.roster.powers import MSG_SELF, MSG_SELF_LEVEL, MSG_SELF_REGISTERED
from hourbook.testing.factories import EmployeeFactory, EmployeeUserFactory, RoleFactory

NOW = dt.datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = dt.date(2025, 6, 15)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _person(username, name, unit, role=None, role_unit=None, **flags):
    user = EmployeeUserFactory(username=username, employee=EmployeeFactory(name=name, unit=unit), **flags)
    if role:
        RoleFactory(user=user, role=role, unit=role_unit)
    return user


@pytest.fixture
def people(cast):
    """Accounts employed inside 物理研究所's tree (so within `hr`'s unit scope) holding various roles."""
    u = cast.units
    return {
        # The demo's `admin`: the academy admin, a superuser, employed in a department.
        "admin": _person(
            "admin", "周院人", u["dept"], Role.ACADEMY_ADMIN, u["root"], is_superuser=True, is_staff=True
        ),
        "academy_role": _person("academy2", "院人事", u["dept"], Role.ACADEMY_ADMIN, u["root"]),
        "co_hr": _person("co_hr", "吴人事", u["unit"], Role.UNIT_HR, u["unit"]),
        "parent_hr_here": _person("bj_hr2", "分院人事", u["unit"], Role.UNIT_HR, u["parent"]),
        "sibling_hr_here": _person("ic_hr2", "化学所人事", u["unit"], Role.UNIT_HR, u["sibling"]),
        "staff": _person("ops", "运维", u["dept"], is_staff=True),
        "dept_hr": _person("dept_hr", "处人事", u["dept"], Role.UNIT_HR, u["dept"]),
        "manager": cast.manager,
        "plain": cast.employee,
    }


OUT_OF_REACH_FOR_HR = ("admin", "academy_role", "co_hr", "parent_hr_here", "sibling_hr_here", "staff")
WITHIN_REACH_FOR_HR = ("dept_hr", "manager", "plain")


def _update(actor, employee, **changes):
    data = {
        "arp": employee.arp,
        "name": employee.name,
        "phone": employee.phone,
        "mobile": employee.mobile,
        "is_registered": employee.is_registered,
        "level": employee.current_level(),
        "level_since": None,
    }
    data.update(changes)
    return services.employee_update(actor=actor, employee=employee, **data)


def _other_unit(employee):
    """Another unit of 物理研究所's tree, so that only the person (not the unit) can make a refusal."""
    return Unit.objects.get(code="IOP-HR" if employee.unit.code != "IOP-HR" else "IOP")


OPERATIONS = {
    "leave": lambda actor, e: services.employee_deactivate(actor=actor, employee=e, left_on=TODAY),
    "transfer": lambda actor, e: services.employee_transfer(actor=actor, employee=e, unit=_other_unit(e)),
    "edit": lambda actor, e: _update(actor, e, phone="010-99999999"),
    "reset": lambda actor, e: services.account_reset_password(actor=actor, user=User.objects.get(employee=e)),
}


# --- item 6: never an account at or above one's own scope --------------------------------------------------


def test_unit_hr_cannot_mark_the_academy_admin_as_left(cast, login, people):
    """The issue's case (hr_hq → admin): refused with a clear message, by the service and by the page."""
    admin = people["admin"]
    with pytest.raises(PermissionDenied) as caught:
        services.employee_deactivate(actor=cast.hr, employee=admin.employee, left_on=TODAY)
    assert "院人事局管理员" in str(caught.value) and "周院人" in str(caught.value)
    client = login(cast.hr)
    url = reverse("roster:leave", args=[admin.employee.pk])
    page = client.get(url)
    assert page.status_code == 403 and "院人事局管理员" in page.content.decode()
    assert client.post(url, {"left_on": TODAY.isoformat()}).status_code == 403
    admin.refresh_from_db()
    admin.employee.refresh_from_db()
    assert admin.is_active and admin.employee.is_active


@pytest.mark.parametrize("target", OUT_OF_REACH_FOR_HR)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_unit_hr_cannot_change_anyone_at_or_above_their_scope(cast, people, target, operation):
    employee = people[target].employee
    before = Employee.objects.values().get(pk=employee.pk)
    password = User.objects.get(employee=employee).password
    with pytest.raises((PermissionDenied, ValidationError)):
        OPERATIONS[operation](cast.hr, employee)
    assert Employee.objects.values().get(pk=employee.pk) == before
    assert User.objects.get(employee=employee).password == password


@pytest.mark.parametrize("target", OUT_OF_REACH_FOR_HR)
def test_refusals_name_the_role(cast, people, target):
    with pytest.raises(PermissionDenied) as caught:
        services.employee_deactivate(actor=cast.hr, employee=people[target].employee, left_on=TODAY)
    assert "同级或更高的管理角色" in str(caught.value)


@pytest.mark.parametrize("target", WITHIN_REACH_FOR_HR)
def test_unit_hr_still_changes_people_below_their_scope(cast, people, target):
    """A sub-unit's HR, the unit's programme manager, an ordinary employee: all theirs to change."""
    employee = people[target].employee
    _update(cast.hr, employee, phone="010-12345678")
    services.employee_deactivate(actor=cast.hr, employee=employee, left_on=TODAY)
    employee.refresh_from_db()
    assert employee.phone == "010-12345678" and not employee.is_active


def test_a_parent_units_hr_changes_the_units_hr(cast, people):
    hr = cast.hr.employee
    _update(cast.parent_hr, hr, phone="010-1")
    services.employee_deactivate(actor=cast.parent_hr, employee=hr, left_on=TODAY)
    assert not User.objects.get(pk=cast.hr.pk).is_active


def test_the_academy_admin_changes_unit_hr_but_not_another_academy_admin_or_a_superuser(cast, people):
    _update(cast.academy, people["co_hr"].employee, phone="010-2")
    for target in ("admin", "academy_role", "staff"):
        with pytest.raises(PermissionDenied):
            services.employee_deactivate(actor=cast.academy, employee=people[target].employee, left_on=TODAY)


def test_a_superuser_changes_an_academy_admin(cast, people):
    services.employee_deactivate(
        actor=people["admin"], employee=people["academy_role"].employee, left_on=TODAY
    )
    assert not User.objects.get(pk=people["academy_role"].pk).is_active


def test_detail_page_explains_and_offers_no_actions(cast, login, people):
    employee = people["admin"].employee
    page = login(cast.hr).get(reverse("roster:detail", args=[employee.pk])).content.decode()
    assert "data-roster-refusal" in page and "院人事局管理员" in page
    for name in ("roster:edit", "roster:transfer", "roster:leave", "roster:account_reset"):
        assert reverse(name, args=[employee.pk]) not in page
    assert login(cast.hr).get(reverse("roster:edit", args=[employee.pk])).status_code == 403


def _workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([str(c) for c in COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(client, rows):
    return client.post(reverse("roster:import"), {"file": SimpleUploadedFile("名册.xlsx", _workbook(rows))})


def _row(employee, **changes):
    values = {
        "arp": employee.arp,
        "name": employee.name,
        "code": employee.unit.code,
        "level": None,
        "since": None,
        "phone": employee.phone or None,
        "mobile": employee.mobile or None,
        "reg": None,
        "joined": None,
    }
    values.update(changes)
    return list(values.values())


def test_import_refuses_rows_changing_someone_out_of_reach_and_saves_nothing(cast, login, people):
    admin, co_hr, plain = people["admin"].employee, people["co_hr"].employee, people["plain"].employee
    response = _import(
        login(cast.hr),
        [
            _row(plain, phone="010-7"),
            _row(admin, reg="否"),
            _row(co_hr, code="IOP-HR"),
        ],
    )
    assert response.status_code == 422
    errors = response.context["errors"]
    assert len(errors) == 2
    assert errors[0].startswith("第 3 行：") and "院人事局管理员" in errors[0]
    assert errors[1].startswith("第 4 行：") and "单位人事管理员" in errors[1]
    plain.refresh_from_db()
    admin.refresh_from_db()
    assert plain.phone != "010-7" and admin.is_registered


def test_import_rows_that_change_nothing_of_a_protected_person_pass(cast, login, people):
    admin, plain = people["admin"].employee, people["plain"].employee
    response = _import(login(cast.hr), [_row(admin), _row(plain, phone="010-7")])
    assert response.status_code == 302
    plain.refresh_from_db()
    assert plain.phone == "010-7"


# --- item 7: nobody changes their own 在册, level or unit ------------------------------------------------


def test_hr_cannot_take_themself_off_the_register(cast):
    hr = cast.hr.employee
    with pytest.raises(ValidationError) as caught:
        _update(cast.hr, hr, is_registered=False)
    assert caught.value.message_dict == {"is_registered": [str(MSG_SELF_REGISTERED)]}
    hr.refresh_from_db()
    assert hr.is_registered


def test_hr_cannot_change_their_own_level(cast):
    with pytest.raises(ValidationError) as caught:
        _update(cast.hr, cast.hr.employee, level=PositionLevel.SECTION_AND_ABOVE, level_since=TODAY)
    assert caught.value.message_dict == {"level": [str(MSG_SELF_LEVEL)]}
    assert cast.hr.employee.current_level() == PositionLevel.ORDINARY


@pytest.mark.parametrize("operation", ["leave", "transfer"])
def test_hr_cannot_transfer_or_mark_themself_left(cast, operation):
    with pytest.raises(PermissionDenied) as caught:
        OPERATIONS[operation](cast.hr, cast.hr.employee)
    assert str(caught.value) == str(MSG_SELF)
    hr = Employee.objects.get(pk=cast.hr.employee.pk)
    assert hr.is_active and hr.unit == cast.units["unit"]


def test_own_edit_form_locks_register_and_level_but_saves_the_phone(cast, login):
    hr = cast.hr.employee
    client = login(cast.hr)
    url = reverse("roster:edit", args=[hr.pk])
    form = client.get(url).context["form"]
    assert form.fields["is_registered"].disabled and form.fields["level"].disabled
    # A forged POST unticking 在册 and raising the level: the locked fields keep their values.
    response = client.post(
        url,
        {
            "arp": hr.arp,
            "name": hr.name,
            "phone": "010-3",
            "mobile": "",
            "level": PositionLevel.SECTION_AND_ABOVE,
            "level_since": "2025-01-01",
        },
    )
    assert response.status_code == 302
    hr.refresh_from_db()
    assert hr.phone == "010-3" and hr.is_registered
    assert hr.current_level() == PositionLevel.ORDINARY
    page = client.get(reverse("roster:detail", args=[hr.pk])).content.decode()
    assert "data-roster-self" in page
    assert reverse("roster:leave", args=[hr.pk]) not in page
    assert client.get(reverse("roster:leave", args=[hr.pk])).status_code == 403
    assert client.get(reverse("roster:transfer", args=[hr.pk])).status_code == 403


def test_import_refuses_ones_own_register_level_or_unit(cast, login):
    hr = cast.hr.employee
    client = login(cast.hr)
    for changes in ({"reg": "否"}, {"level": "处级及以上"}, {"code": "IOP-HR"}):
        response = _import(client, [_row(hr, **changes)])
        assert response.status_code == 422, changes
        assert response.context["errors"][0].startswith("第 2 行：")
    hr.refresh_from_db()
    assert hr.is_registered and hr.unit == cast.units["unit"]
    assert _import(client, [_row(hr, phone="010-4")]).status_code == 302


def test_another_admin_changes_it_and_it_is_audited(cast):
    hr = cast.hr.employee
    _update(cast.parent_hr, hr, is_registered=False)
    hr.refresh_from_db()
    assert not hr.is_registered
    entry = AuditEntry.objects.get(action="employee.update", object_id=str(hr.pk))
    assert entry.actor == cast.parent_hr
    assert entry.data["before"]["is_registered"] is True and entry.data["after"]["is_registered"] is False
