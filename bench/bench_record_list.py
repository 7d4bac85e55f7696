"""Time 我的外部学习's list page for an employee with 2,000 records.

    .venv/bin/python bench/bench_record_list.py [--records 2000] [--requests 50] [--colleagues 50]

Builds a throwaway database (a temporary SQLite file; with DATABASE_URL, a throwaway test database on that
PostgreSQL server, named by DATABASE_TEST_NAME or test_hourbook_bench), loads one employee with --records
records in the 线下培训 tab (a third pending, a third approved, a third rejected with a reason) beside
colleagues' records, then requests the page with Django's test Client and prints, per scenario, the median
and 95th percentile in milliseconds and the number of SQL queries. Nothing outside the throwaway database
is touched; it is dropped at the end.
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
    parser.add_argument("--records", type=int, default=2000, help="records of the measured employee")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per scenario")
    parser.add_argument("--colleagues", type=int, default=50, help="other employees, 100 records each")
    return parser.parse_args()


def load(n_records: int, n_colleagues: int):
    """One employee with n_records 线下培训 records; colleagues with 100 records each. Returns the user."""
    from django.db import transaction

    from hourbook.ledger import services
    from hourbook.ledger.choices import DEFAULT_FORM, Category, Status
    from hourbook.ledger.models import Record, RecordTransition
    from hourbook.org.choices import UnitKind
    from hourbook.testing.factories import EmployeeFactory, EmployeeUserFactory, UnitFactory

    root = UnitFactory(code="CAS", name="中国科学院", kind=UnitKind.ACADEMY)
    unit = UnitFactory(code="IOP", name="物理研究所", parent=root)
    user = EmployeeUserFactory(username="bench", employee=EmployeeFactory(name="张三", unit=unit))
    category = Category.EXTERNAL_TRAINING
    first = dt.date(2019, 1, 1)

    def items(count: int, label: str):
        for i in range(count):
            start = first + dt.timedelta(days=(i * 37) % 2300)
            yield services.RecordData(
                category=category,
                form=DEFAULT_FORM[category],
                name=f"{label}学术报告会 第{i}期",
                start_date=start,
                end_date=start + dt.timedelta(days=i % 3),
                seconds=((i % 3 + 1) * 8 - 4 * (i % 2)) * 3600,  # within 8 × days (第十条)
                place="北京",
                organiser="中国物理学会",
            )

    with transaction.atomic():
        created = services.records_bulk_create(
            actor=user, employee=user.employee, items=list(items(n_records, ""))
        )
        for _ in range(n_colleagues):
            colleague = EmployeeFactory(unit=unit)
            services.records_bulk_create(actor=None, employee=colleague, items=list(items(100, "同事")))
        approved = [r.pk for r in created[1::3]]
        rejected = [r.pk for r in created[2::3]]
        Record.objects.filter(pk__in=approved).update(status=Status.APPROVED)
        Record.objects.filter(pk__in=rejected).update(status=Status.REJECTED)
        RecordTransition.objects.bulk_create(
            RecordTransition(
                record_id=pk,
                from_status="pending",
                to_status="rejected",
                action="reject",
                reason="请补充证书",
            )
            for pk in rejected
        )
    return user


def measure(client, url: str, n: int, headers: dict | None = None) -> tuple[float, float, int, int]:
    """Median and p95 ms over n GETs, the queries of one request, and the count the page shows."""
    return _common.time_get(client, url, n, headers, count_pattern=r"共 (\d+) 条记录")


def main() -> None:
    args = parse_args()
    with _common.throwaway_database("test_hourbook_bench", prefix="hourbook-bench-"):
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        began = time.perf_counter()
        user = load(args.records, args.colleagues)
        print(
            f"database: {connection.vendor}; loaded {args.records} records for one employee and "
            f"{args.colleagues * 100} of colleagues in {time.perf_counter() - began:.1f} s"
        )
        client = Client()
        client.force_login(user)
        base = reverse("ledger:records", args=["external_training"])
        filtered = f"{base}?q=%E6%8A%A5%E5%91%8A%E4%BC%9A&date_from=2021-01-01&date_to=2023-12-31"
        scenarios = [
            ("first page", base, None),
            ("filtered page (name + date range)", filtered, None),
            ("filtered page, htmx fragment", filtered, {"HX-Request": "true"}),
            ("page 50", f"{base}?page=50", None),
        ]
        print(f"{'scenario':<36}{'rows':>7}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
        for label, url, headers in scenarios:
            p50, p95, queries, rows = measure(client, url, args.requests, headers)
            print(f"{label:<36}{rows:>7}{p50:>9.1f}{p95:>9.1f}{queries:>9}")


if __name__ == "__main__":
    main()
