"""EmployeeYear follows the unit and level history on every path (services, admin, direct saves)."""

import datetime as dt

import pytest
import time_machine

from hourbook.org import years
from hourbook.org.choices import PositionLevel
from hourbook.org.models import EmployeeYear, PositionHistory
from hourbook.org.services import employee_create, employee_leave, employee_move, employee_set_level


def standing(employee, year):
    row = EmployeeYear.objects.get(employee=employee, year=year)
    return row.unit, row.level


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 23, 4, tzinfo=dt.UTC))
def test_rows_follow_history(cast):
    u = cast.units
    e = employee_create(arp="9001", name="甲", unit=u["unit"], joined_on=dt.date(2024, 3, 1))
    assert sorted(EmployeeYear.objects.filter(employee=e).values_list("year", flat=True)) == [
        2024,
        2025,
        2026,
    ]
    employee_set_level(employee=e, level=PositionLevel.SECTION_AND_ABOVE, since=dt.date(2025, 6, 1))
    assert standing(e, 2024) == (u["unit"], PositionLevel.ORDINARY)
    assert standing(e, 2025) == (u["unit"], PositionLevel.SECTION_AND_ABOVE)
    employee_move(employee=e, unit=u["sibling"], start=dt.date(2026, 2, 1))
    assert standing(e, 2025)[0] == u["unit"] and standing(e, 2026)[0] == u["sibling"]
    # A direct write (the admin's inline, an import) is followed too.
    PositionHistory.objects.filter(employee=e, since=dt.date(2025, 6, 1)).delete()
    assert standing(e, 2025)[1] == PositionLevel.ORDINARY
    # Each row equals what the one-at-a-time methods compute.
    for row in EmployeeYear.objects.filter(employee=e):
        assert (row.unit, row.level) == (e.unit_for_year(row.year), e.level_for_year(row.year))


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 23, 4, tzinfo=dt.UTC))
def test_leaver_has_no_rows_after_leaving(cast):
    e = employee_create(arp="9002", name="乙", unit=cast.units["unit"], joined_on=dt.date(2020, 1, 1))
    employee_leave(employee=e, left_on=dt.date(2025, 4, 30))
    assert max(EmployeeYear.objects.filter(employee=e).values_list("year", flat=True)) == 2025


@pytest.mark.django_db
def test_deferred_refreshes_once(cast):
    e = employee_create(arp="9003", name="丙", unit=cast.units["unit"])
    with years.deferred():
        for month in range(1, 7):
            PositionHistory.objects.create(
                employee=e, level=PositionLevel.ORDINARY, since=dt.date(2021, month, 2)
            )
        assert EmployeeYear.objects.filter(employee=e).count() > 0
    assert all(
        (row.unit, row.level) == (e.unit_for_year(row.year), e.level_for_year(row.year))
        for row in EmployeeYear.objects.filter(employee=e)
    )


@pytest.mark.django_db(transaction=True)
def test_deleting_an_employee_leaves_no_rows(cast):
    e = employee_create(arp="9004", name="丁", unit=cast.units["unit"])
    pk = e.pk
    e.delete()
    assert not EmployeeYear.objects.filter(employee_id=pk).exists()
