"""The twin never drifts with the calendar (issue 9): histories and records written on one day, read on another,
across a hire, a promotion dated in the future, a transfer, and New Year. On every reading day the engine
(home page), the unit report, the roster and the academy summary agree for every person."""

import datetime as dt

import pytest
import time_machine

from hourbook.common.dates import today
from hourbook.ledger.choices import Category
from hourbook.ledger.engine import employee_year
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee
from hourbook.org.services import employee_create, employee_move, employee_set_level
from hourbook.reports.selectors import COUNTED, Filters, ReportScope, report_list, report_overview
from hourbook.roster.selectors import current_year_status, roster_list
from hourbook.testing.factories import RecordFactory

H = 3600
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI), tick=False)


def hours(employee, end: dt.date, seconds: int, category=Category.EXTERNAL_TRAINING):
    days = -(-seconds // (8 * H))
    RecordFactory(
        employee=employee,
        category=category,
        start_date=end - dt.timedelta(days=days - 1),
        end_date=end,
        seconds=seconds,
    )


def assert_all_agree(cast, year: int, people: list[Employee]) -> dict[int, object]:
    """Engine, unit report (at the academy's root and at each person's unit), roster and academy summary
    agree for every person of the year; returns the engine's view of each."""
    root = cast.units["root"]
    scope = ReportScope.build(year=year, unit=root)
    listed = {row.pk: row for row in report_list(scope, Filters(kind=""))}
    engine = {}
    for person in people:
        person = Employee.objects.get(pk=person.pk)
        ey = employee_year(person, year)
        engine[person.pk] = ey
        row = listed[person.pk]
        assert (row.unit_at, row.level_at) == (ey.unit.pk, ey.level), person
        assert row.training_required == ey.result.buckets["training"].required
        assert row.training_effective == ey.result.buckets["training"].effective
        assert row.online_effective == ey.result.buckets["online"].effective
        assert row.met == ey.result.met
        own = ReportScope.build(year=year, unit=ey.unit)
        assert person.pk in set(own.population().values_list("pk", flat=True))
    # The roster (this year only): its list and its figures read the same standing.
    if year == today().year:
        status = current_year_status([p.pk for p in people])
        roster = {e.pk: e for e in roster_list(cast.academy)}
        for pk, ey in engine.items():
            assert roster[pk].level_at == ey.level
            assert status[pk].level == ey.level
            assert status[pk].unit_id == ey.unit.pk
            assert status[pk].training_required == ey.result.buckets["training"].required
            assert status[pk].met == ey.result.met
    # The academy summary counts exactly the engine's 达标 among the counted.
    summary = report_overview(scope, own_label="")
    counted = [row for row in listed.values() if row.kind == COUNTED]
    assert summary.total.counted == len(counted)
    assert summary.total.met == sum(1 for row in counted if row.met)
    return engine


@pytest.mark.django_db
def test_hire_in_december_submits_in_february(cast):
    """Created in December, a record in February: in February's report, roster and academy summary."""
    with at(dt.date(2025, 12, 10)):
        new = employee_create(
            arp="770001", name="新人", unit=cast.units["dept"], joined_on=dt.date(2025, 12, 10)
        )
    with at(dt.date(2026, 2, 20)):
        hours(new, dt.date(2026, 2, 19), 16 * H)
        engine = assert_all_agree(cast, 2026, [new, cast.employee.employee])
        assert engine[new.pk].result.buckets["training"].effective == 16 * H
        # and the year before, now closed, still holds them (a member on 31 December)
        assert_all_agree(cast, 2025, [new])


@pytest.mark.django_db
def test_promotion_dated_in_the_future_takes_effect_on_its_day(cast):
    """A promotion dated 1 March entered in January: 90 h before it, 110 h from it, everywhere (第八条)."""
    me = cast.employee.employee
    with at(dt.date(2026, 1, 15)):
        employee_set_level(employee=me, level=PositionLevel.SECTION_AND_ABOVE, since=dt.date(2026, 3, 1))
        hours(me, dt.date(2026, 1, 14), 100 * H)
        engine = assert_all_agree(cast, 2026, [me])
        assert engine[me.pk].result.buckets["training"].required == 90 * H
        assert engine[me.pk].result.buckets["training"].met
    with at(dt.date(2026, 6, 1)):
        engine = assert_all_agree(cast, 2026, [me])
        assert engine[me.pk].result.buckets["training"].required == 110 * H
        assert not engine[me.pk].result.buckets["training"].met


@pytest.mark.django_db
def test_transfer_dated_in_the_future_moves_the_person_on_its_day(cast):
    me = cast.colleague.employee
    with at(dt.date(2026, 1, 15)):
        employee_move(employee=me, unit=cast.units["sibling"], start=dt.date(2026, 4, 1))
        hours(me, dt.date(2026, 1, 14), 8 * H)
        assert assert_all_agree(cast, 2026, [me])[me.pk].unit == cast.units["dept"]
    with at(dt.date(2026, 4, 1)):
        assert assert_all_agree(cast, 2026, [me])[me.pk].unit == cast.units["sibling"]


@pytest.mark.django_db
def test_new_year_counts_everyone_from_its_first_day(cast):
    """On 1 January the new year's report counts everyone active, with nothing run at midnight; the year just
    closed is read on its 31 December, so a promotion dated 1 January belongs to the new year only."""
    people = list(Employee.objects.filter(is_active=True))
    me = cast.employee.employee
    with at(dt.date(2025, 12, 31)):
        employee_set_level(employee=me, level=PositionLevel.SECTION_AND_ABOVE, since=dt.date(2026, 1, 1))
        hours(me, dt.date(2025, 12, 30), 24 * H)
        assert_all_agree(cast, 2025, people)
    with at(dt.date(2026, 1, 1)):
        scope = ReportScope.build(year=2026, unit=cast.units["root"])
        assert report_overview(scope, own_label="").total.counted == len(people)
        assert assert_all_agree(cast, 2026, people)[me.pk].level == PositionLevel.SECTION_AND_ABOVE
        assert assert_all_agree(cast, 2025, people)[me.pk].level == PositionLevel.ORDINARY
