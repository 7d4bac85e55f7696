"""Time the HR review queue (审核队列) of a unit with 20,000 pending records.

    .venv/bin/python bench/bench_review_queue.py [--pending 20000] [--others 30000] [--requests 30]

Builds a throwaway database (a temporary SQLite file; with DATABASE_URL, a throwaway test database on that
PostgreSQL server, named by DATABASE_TEST_NAME or test_hourbook_bench_review), loads an institute with four
departments and --pending pending employee records over 2,000 people (plus approved records, so the cap
flags have work to do, and evidence on two records in three), and --others pending records in three other
institutes. Then it requests the queue with Django's test Client as the institute's HR admin and as the
academy admin, and prints per scenario the median and 95th percentile in milliseconds and the number of SQL
queries of one page. Nothing outside the throwaway database is touched; it is dropped at the end.
"""

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import _common  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pending", type=int, default=20000, help="pending records in the measured unit tree"
    )
    parser.add_argument("--others", type=int, default=30000, help="pending records in other institutes")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per scenario")
    return parser.parse_args()


def _people(unit, n: int, prefix: str) -> list:
    from hourbook.org.models import Employee, PositionHistory, UnitMembership

    people = Employee.objects.bulk_create(
        Employee(arp=f"{prefix}{i:06d}", name=f"职工{prefix}{i}", unit=unit) for i in range(n)
    )
    UnitMembership.objects.bulk_create(
        UnitMembership(employee=p, unit=unit, start=dt.date(2000, 1, 1)) for p in people
    )
    PositionHistory.objects.bulk_create(
        PositionHistory(employee=p, level="ordinary", since=dt.date(2000, 1, 1)) for p in people
    )
    return people


def _records(people, n: int, status: str, label: str, year: int, today: dt.date) -> list:
    from hourbook.ledger.choices import DEFAULT_FORM, EMPLOYEE_CATEGORIES, Source
    from hourbook.ledger.models import Record

    span = (today - dt.date(year, 1, 1)).days
    records = []
    for i in range(n):
        person = people[i % len(people)]
        category = EMPLOYEE_CATEGORIES[i % len(EMPLOYEE_CATEGORIES)]
        start = dt.date(year, 1, 1) + dt.timedelta(days=(i * 7) % max(span - 2, 1))
        days = i % 2 + 1
        seconds = (days * 8 - (2 if i % 11 == 0 else 0)) * 3600  # one in eleven not whole half days
        records.append(
            Record(
                employee=person,
                unit_id=person.unit_id,
                year=year,
                category=category,
                form=DEFAULT_FORM[category],
                source=Source.EMPLOYEE,
                name=f"{label}学术报告会 第{i}期",
                start_date=start,
                end_date=start + dt.timedelta(days=days - 1),
                seconds=seconds,
                status=status,
            )
        )
    return Record.objects.bulk_create(records, batch_size=2000)


def load(n_pending: int, n_others: int):
    """The institute (with departments) and three others; returns (hr user, academy user, a department)."""
    from django.db import transaction

    from hourbook.accounts.choices import Role
    from hourbook.common.dates import today
    from hourbook.ledger import summary
    from hourbook.ledger.choices import Status
    from hourbook.ledger.models import Evidence
    from hourbook.org.choices import UnitKind
    from hourbook.testing.factories import (
        EmployeeFactory,
        EmployeeUserFactory,
        RoleFactory,
        UnitFactory,
        UserFactory,
    )

    now = today()
    year = now.year
    with transaction.atomic():
        root = UnitFactory(code="CAS", name="中国科学院", kind=UnitKind.ACADEMY)
        branch = UnitFactory(code="BJ", name="北京分院", kind=UnitKind.BRANCH, parent=root)
        institute = UnitFactory(code="IOP", name="物理研究所", parent=branch)
        departments = [
            UnitFactory(code=f"IOP-{i}", name=f"研究室{i}", kind=UnitKind.DEPARTMENT, parent=institute)
            for i in range(4)
        ]
        hr = EmployeeUserFactory(username="bench_hr", employee=EmployeeFactory(name="赵人事", unit=institute))
        RoleFactory(user=hr, role=Role.UNIT_HR, unit=institute)
        academy = UserFactory(username="bench_academy")
        RoleFactory(user=academy, role=Role.ACADEMY_ADMIN, unit=root)

        people = []
        for i, unit in enumerate([institute, *departments]):
            people += _people(unit, 400, f"P{i}")
        pending = _records(people, n_pending, Status.PENDING, "", year, now)
        _records(people, len(people) * 2, Status.APPROVED, "已通过", year, now)
        Evidence.objects.bulk_create(
            (
                Evidence(
                    record=r,
                    file=f"evidence/{r.pk}.png",
                    original_name="证书.png",
                    content_type="image/png",
                    size=1,
                )
                for r in pending[::3] + pending[1::3]
            ),
            batch_size=2000,
        )
        for i in range(3):
            other = UnitFactory(code=f"OTHER{i}", name=f"其他研究所{i}", parent=branch)
            _records(_people(other, 500, f"O{i}"), n_others // 3, Status.PENDING, "外所", year, now)
        summary.rebuild()
    return hr, academy, departments[1]


def measure(client, url: str, n: int, headers: dict | None = None) -> tuple[float, float, int, int]:
    """Median and p95 ms over n GETs, the queries of one request, and the count the page shows."""
    return _common.time_get(client, url, n, headers, count_pattern=r"共 (\d+) 条")


def main() -> None:
    args = parse_args()
    with _common.throwaway_database("test_hourbook_bench_review", prefix="hourbook-bench-"):
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        began = time.perf_counter()
        hr, academy, department = load(args.pending, args.others)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"database: {connection.vendor}; loaded {args.pending} pending records in the unit tree and "
            f"{args.others} elsewhere in {time.perf_counter() - began:.1f} s"
        )
        queue = reverse("review:queue")
        scenarios = [
            ("HR: first page (pending, oldest first)", hr, queue, None),
            ("HR: page 300", hr, f"{queue}?page=300", None),
            ("HR: 100 per page", hr, f"{queue}?per_page=100", None),
            ("HR: sorted by hours, htmx fragment", hr, f"{queue}?sort=-hours", {"HX-Request": "true"}),
            ("HR: one department", hr, f"{queue}?unit={department.pk}", None),
            ("HR: category 在职自学", hr, f"{queue}?category=self_study", None),
            ("HR: employee name", hr, f"{queue}?q=%E8%81%8C%E5%B7%A5P1", None),
            ("HR: all statuses", hr, f"{queue}?status=all", None),
            ("academy: first page", academy, queue, None),
        ]
        print(f"{'scenario':<44}{'rows':>7}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
        for label, user, url, headers in scenarios:
            client = Client()
            client.force_login(user)
            p50, p95, queries, rows = measure(client, url, args.requests, headers)
            print(f"{label:<44}{rows:>7}{p50:>9.1f}{p95:>9.1f}{queries:>9}")


if __name__ == "__main__":
    main()
