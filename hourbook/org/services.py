"""Writes to the academy's people: creating employees, their unit and level history."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hourbook.common.dates import today
from hourbook.common.text import clean_text

from .choices import PositionLevel
from .models import Employee, PositionHistory, Unit, UnitMembership

MSG_JOINED_FUTURE = _("入职日期不能晚于今天")
MSG_JOINED_OLD = _("入职日期不能早于 1950 年")
EARLIEST_JOIN = dt.date(1950, 1, 1)


def check_joined_on(joined_on: dt.date) -> None:
    """A join date is a past day (or today): a person counts for a unit from it, never before."""
    if joined_on > today():
        raise ValidationError({"joined_on": MSG_JOINED_FUTURE})
    if joined_on < EARLIEST_JOIN:
        raise ValidationError({"joined_on": MSG_JOINED_OLD})


@transaction.atomic
def employee_create(
    *,
    arp: str,
    name: str,
    unit: Unit,
    level: str = PositionLevel.ORDINARY,
    level_since: dt.date | None = None,
    joined_on: dt.date | None = None,
    is_registered: bool = True,
    phone: str = "",
    mobile: str = "",
) -> Employee:
    """A new employee with their first unit membership and level, from the day they joined (today if not
    given).

    DOMAIN.md decision: a person counts for a unit from the date they joined it, never before, so the first
    membership starts then and they belong to no year's population before it (`Employee.objects.in_year`).
    """
    joined_on = joined_on or today()
    name = clean_text(name)  # a name of only invisible characters is empty (issue 8, item 11)
    check_joined_on(joined_on)
    employee = Employee(
        arp=arp, name=name, unit=unit, is_registered=is_registered, phone=phone, mobile=mobile
    )
    employee.full_clean()
    employee.save()
    UnitMembership.objects.create(employee=employee, unit=unit, start=joined_on)
    PositionHistory.objects.create(employee=employee, level=level, since=level_since or joined_on)
    return employee


@transaction.atomic
def employee_set_level(*, employee: Employee, level: str, since: dt.date) -> PositionHistory:
    """Record a level held from `since` (a promotion to 处级及以上, say); replaces one on the same day."""
    entry, _ = PositionHistory.objects.update_or_create(
        employee=employee, since=since, defaults={"level": level}
    )
    return entry


@transaction.atomic
def employee_move(*, employee: Employee, unit: Unit, start: dt.date | None = None) -> UnitMembership:
    """Change the employee's unit from `start` (today by default). Records are moved by the ledger's transfer."""
    start = start or today()
    membership, _ = UnitMembership.objects.update_or_create(
        employee=employee, start=start, defaults={"unit": unit}
    )
    if start <= today():
        employee.unit = unit
        employee.save(update_fields=["unit"])
    return membership


@transaction.atomic
def employee_leave(*, employee: Employee, left_on: dt.date) -> Employee:
    """A leaver: inactive from `left_on`; their records stay."""
    employee.is_active = False
    employee.left_on = left_on
    employee.save(update_fields=["is_active", "left_on"])
    return employee
