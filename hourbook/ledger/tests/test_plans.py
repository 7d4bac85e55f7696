"""The hot queries have the indexes their plans need (issue 5): on PostgreSQL, with enough rows to make the
planner choose, EXPLAIN shows an index scan and no sequential scan of the big tables."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from hourbook.ledger import summary
from hourbook.ledger.bulk import records_insert
from hourbook.ledger.models import Record
from hourbook.org.models import Employee, PositionHistory, UnitMembership
from hourbook.testing.factories import EmployeeFactory

BIG_TABLES = ("ledger_record", "org_unitmembership", "org_positionhistory")


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.django_db
def test_hot_queries_use_indexes(cast):
    units = [cast.units["unit"], cast.units["dept"], cast.units["sibling"]]
    people = [EmployeeFactory(unit=units[n % 3]) for n in range(60)]
    year = timezone.localdate().year
    rows = (
        {
            "employee_id": p.pk,
            "unit_id": p.unit_id,
            "year": y,
            "category": "external_training",
            "form": "conference",
            "source": "employee",
            "name": f"记录{i}",
            "start_date": dt.date(y, 1, 1 + i % 28),
            "end_date": dt.date(y, 1, 1 + i % 28),
            "seconds": 3600,
            "status": "pending" if i % 9 == 0 else "approved",
        }
        for p in people
        for y in (year - 2, year - 1, year)
        for i in range(120)
    )
    records_insert(rows, now=timezone.now())
    summary.rebuild()
    # Thousands of people elsewhere, so that a unit's population is a small part of the histories.
    others = Employee.objects.bulk_create(
        Employee(arp=f"55{i:05d}", name="他所职工", unit=units[2]) for i in range(3000)
    )
    UnitMembership.objects.bulk_create(
        UnitMembership(employee=e, unit=units[2], start=dt.date(2000, 1, 1)) for e in others
    )
    PositionHistory.objects.bulk_create(
        PositionHistory(employee=e, level="ordinary", since=dt.date(2000, 1, 1)) for e in others
    )
    with connection.cursor() as cursor:
        for table in (*BIG_TABLES, "ledger_yearsummary", "org_employee"):
            cursor.execute(f"ANALYZE {table}")
    employee, unit = people[0], units[0]
    cases = {
        "an employee's year (home bar, record list)": Record.objects.live().filter(
            employee=employee, year=year
        ),
        "a unit's year (exports)": Record.objects.live().filter(unit=unit, year=year),
        "the review queue": Record.objects.filter(
            unit=unit, status="pending", deleted_at__isnull=True
        ).order_by("created_at")[:50],
        "a year's population of a unit (report)": Employee.objects.in_year(year).filter(unit_at=unit.pk),
    }
    for what, qs in cases.items():
        text = plan(qs)
        assert "Index" in text, (what, text)
        assert not any(f"Seq Scan on {table}" in text for table in BIG_TABLES), (what, text)
