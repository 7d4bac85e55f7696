"""A person's standing (unit and level on a year's reference day) read by `EmployeeQuerySet.with_standing`
equals the plain reading of the histories, whatever the date, on every write path (services, the admin's
inlines, direct saves and deletions, bulk loads sealed by hand)."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hourbook.org import standing
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, PositionHistory, Unit, UnitMembership
from hourbook.org.services import employee_create, employee_leave, employee_move, employee_set_level

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI), tick=False)


def oracle(employee: Employee, year: int):
    """The histories read by hand: the latest entry (by date, then id) on or before the reference day."""
    day = employee.reference_day(year)
    memberships = sorted(employee.memberships.values_list("start", "pk", "unit_id"))
    levels = sorted(employee.levels.values_list("since", "pk", "level"))
    unit = next((u for start, _pk, u in reversed(memberships) if start <= day), None)
    level = next((v for since, _pk, v in reversed(levels) if since <= day), PositionLevel.ORDINARY)
    return unit, level


def in_year_by_hand(employee: Employee, year: int, now: dt.date) -> bool:
    if year > now.year or (employee.left_on is not None and employee.left_on < dt.date(year, 1, 1)):
        return False
    return oracle(employee, year)[0] is not None


day_st = st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    memberships=st.lists(st.tuples(day_st, st.integers(0, 2)), min_size=0, max_size=4),
    levels=st.lists(st.tuples(day_st, st.booleans()), max_size=4, unique_by=lambda t: t[0]),
    left_on=st.one_of(st.none(), day_st),
    drop=st.integers(0, 5),
    now=day_st,
)
def test_standing_equals_the_histories_read_by_hand(units, memberships, levels, left_on, drop, now):
    """Same-day entries, deletions in the middle of a history, leavers, and any 'today'."""
    with transaction.atomic():
        pool = [units["unit"], units["dept"], units["sibling"]]
        employee = Employee.objects.create(
            arp="660001", name="甲", unit=pool[0], is_active=left_on is None, left_on=left_on
        )
        for start, i in memberships:
            UnitMembership.objects.create(employee=employee, unit=pool[i], start=start)
        for since, leader in levels:
            PositionHistory.objects.create(
                employee=employee,
                level=PositionLevel.SECTION_AND_ABOVE if leader else PositionLevel.ORDINARY,
                since=since,
            )
        entries = list(employee.memberships.all()) + list(employee.levels.all())
        if entries and drop < len(entries):
            entries[drop].delete()  # the next entry's `until` must be resealed
        with at(now):
            for year in range(2023, 2027):
                row = Employee.objects.filter(pk=employee.pk).with_standing(year).get()
                assert (row.unit_at, row.level_at) == oracle(employee, year), year
                population = set(
                    Employee.objects.filter(pk=employee.pk).in_year(year).values_list("pk", flat=True)
                )
                assert (employee.pk in population) == in_year_by_hand(employee, year, now), year
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_services_and_direct_writes_keep_until(units):
    with at(dt.date(2026, 1, 20)):
        e = employee_create(arp="660002", name="乙", unit=units["unit"], joined_on=dt.date(2024, 3, 1))
        employee_set_level(employee=e, level=PositionLevel.SECTION_AND_ABOVE, since=dt.date(2026, 3, 1))
        employee_move(employee=e, unit=units["sibling"], start=dt.date(2026, 1, 10))
        assert e.unit_and_level_for_year(2026) == (units["sibling"], PositionLevel.ORDINARY)
        assert e.unit_and_level_for_year(2025) == (units["unit"], PositionLevel.ORDINARY)
        assert not Employee.objects.filter(pk=e.pk).in_year(2023).exists()  # before the first membership
    with at(dt.date(2026, 3, 1)):  # the promotion's day: nothing was run in between
        assert e.level_for_year(2026) == PositionLevel.SECTION_AND_ABOVE
        # The admin's inline deletes an entry: the one before it is in force again.
        PositionHistory.objects.filter(employee=e, since=dt.date(2026, 3, 1)).delete()
        assert e.level_for_year(2026) == PositionLevel.ORDINARY
        employee_leave(employee=e, left_on=dt.date(2026, 1, 5))
        e.refresh_from_db()
        assert e.unit_for_year(2026) == units["unit"]  # the leaving day's unit


@pytest.mark.django_db
def test_every_write_seals_at_once(units):
    """Entries written out of order: after each write, the ranges chain without gaps or overlaps."""
    e = employee_create(arp="660003", name="丙", unit=units["unit"])
    for month in (3, 1, 2):
        PositionHistory.objects.create(
            employee=e, level=PositionLevel.ORDINARY, since=dt.date(2021, month, 2)
        )
        untils = list(e.levels.order_by("since", "pk").values_list("since", "until"))
        assert [u for _s, u in untils] == [s for s, _u in untils[1:]] + [None]


@pytest.mark.django_db
def test_bulk_loads_are_sealed_by_hand(units):
    e = Employee.objects.create(arp="660004", name="丁", unit=units["unit"])
    UnitMembership.objects.bulk_create(
        [
            UnitMembership(employee=e, unit=units["unit"], start=dt.date(2020, 1, 1)),
            UnitMembership(employee=e, unit=units["dept"], start=dt.date(2022, 1, 1)),
        ]
    )
    assert standing.seal_all() == 1
    assert Employee.objects.filter(pk=e.pk).with_standing(2021).get().unit_at == units["unit"].pk
    assert Employee.objects.filter(pk=e.pk).with_standing(2022).get().unit_at == units["dept"].pk


@pytest.mark.django_db(transaction=True)
def test_deleting_an_employee_removes_their_history(units):
    e = employee_create(arp="660005", name="戊", unit=Unit.objects.get(pk=units["unit"].pk))
    pk = e.pk
    e.delete()
    assert not UnitMembership.objects.filter(employee_id=pk).exists()
