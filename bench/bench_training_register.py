"""Time registering the hours of a 500-trainee in-house programme (第九条一, 第十条), and count its queries.

    .venv/bin/python bench/bench_training_register.py [--trainees 500] [--sessions 14]

Builds a throwaway database (a temporary SQLite file; with DATABASE_URL, a throwaway test database on that
PostgreSQL server, named by DATABASE_TEST_NAME or test_hourbook_bench_training), a unit with --trainees
employees and a programme manager, and a programme of --sessions half days in the past with every trainee
on the list and attendance recorded (one trainee in five on leave for one half day). Then it times and
prints, with the number of SQL queries of each phase and the part of the time spent in the ledger's own
YearSummary upkeep (`ledger.summary.refresh`, run inside `source_records_sync`):

  register        the first registration: one ledger record per trainee, created
  register again  nothing changed: every record found as it is
  correction      50 trainees marked absent once more (now ≥ 1/7: zero hours), registered again: updated
  removal         50 trainees removed from the list, registered again: their records soft-deleted
  grid POST       本场全部出勤 for one session through the attendance view (every trainee, one request)
  grid GET        the attendance grid page (200 trainees × the sessions)

Nothing outside the throwaway database is touched; it is dropped at the end.
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
    parser.add_argument("--trainees", type=int, default=500, help="trainees on the programme's list")
    parser.add_argument("--sessions", type=int, default=14, help="half-day sessions of the programme")
    return parser.parse_args()


def build(n_trainees: int, n_sessions: int):
    """A unit, its programme manager, n employees (bulk), and the programme with attendance recorded."""
    from hourbook.accounts.choices import Role
    from hourbook.org.choices import UnitKind
    from hourbook.org.models import Employee, PositionHistory, UnitMembership
    from hourbook.testing.factories import EmployeeFactory, EmployeeUserFactory, RoleFactory, UnitFactory
    from hourbook.training.choices import AttendanceStatus, SessionLength
    from hourbook.training.models import Attendance, Programme, Session, Trainee

    root = UnitFactory(code="CAS", name="中国科学院", kind=UnitKind.ACADEMY)
    unit = UnitFactory(code="IOP", name="物理研究所", parent=root)
    manager = EmployeeUserFactory(username="manager", employee=EmployeeFactory(name="孙培训", unit=unit))
    RoleFactory(user=manager, role=Role.PROGRAMME_MANAGER, unit=unit)
    employees = Employee.objects.bulk_create(
        Employee(arp=f"ARP{500000 + i}", name=f"学员{i:04d}", unit=unit) for i in range(n_trainees)
    )
    since = dt.date(2000, 1, 1)
    UnitMembership.objects.bulk_create(UnitMembership(employee=e, unit=unit, start=since) for e in employees)
    PositionHistory.objects.bulk_create(PositionHistory(employee=e, since=since) for e in employees)

    start = dt.date.today() - dt.timedelta(days=n_sessions + 3)
    programme = Programme.objects.create(
        unit=unit,
        name="科研骨干能力提升系列讲座",
        programme_type="series",
        form="lecture",
        start_date=start,
        end_date=start + dt.timedelta(days=n_sessions - 1),
        seconds=n_sessions * 4 * 3600,
    )
    sessions = Session.objects.bulk_create(
        Session(programme=programme, date=start + dt.timedelta(days=i), length=SessionLength.HALF)
        for i in range(n_sessions)
    )
    trainees = Trainee.objects.bulk_create(Trainee(programme=programme, employee=e) for e in employees)
    Attendance.objects.bulk_create(
        (
            Attendance(
                trainee=t,
                session=s,
                status=AttendanceStatus.LEAVE if (i % 5 == 0 and j == 0) else AttendanceStatus.PRESENT,
            )
            for i, t in enumerate(trainees)
            for j, s in enumerate(sessions)
        ),
        batch_size=2000,
    )
    return manager, programme, trainees, sessions


SUMMARY_SECONDS = [0.0]


def watch_summary() -> None:
    """Time the ledger's YearSummary upkeep apart (it runs inside source_records_sync), if it exists."""
    try:
        from hourbook.ledger import summary
    except ImportError:
        return
    refresh = summary.refresh

    def timed_refresh(*args, **kwargs):
        began = time.perf_counter()
        try:
            return refresh(*args, **kwargs)
        finally:
            SUMMARY_SECONDS[0] += time.perf_counter() - began

    summary.refresh = timed_refresh  # ledger.services calls it as summary.refresh(...)


def measure(label: str, func):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    SUMMARY_SECONDS[0] = 0.0
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - began
    print(f"{label:<16}{seconds * 1000:>10.0f} ms{len(queries):>10}{SUMMARY_SECONDS[0] * 1000:>12.0f} ms")
    return result


def main() -> None:
    args = parse_args()
    with _common.throwaway_database("test_hourbook_bench_training", prefix="hourbook-bench-training-"):
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from hourbook.accounts.scope import scope_of
        from hourbook.ledger.models import Record
        from hourbook.training.choices import AttendanceStatus
        from hourbook.training.models import Attendance
        from hourbook.training.services import programme_register_hours, trainees_remove

        began = time.perf_counter()
        manager, programme, trainees, sessions = build(args.trainees, args.sessions)
        print(
            f"database: {connection.vendor}; {args.trainees} trainees × {args.sessions} half days "
            f"(built in {time.perf_counter() - began:.1f} s)"
        )
        scope_of(manager)  # read once per request in the app; leave it out of the counts
        live = Record.objects.live().filter(source="programme")
        watch_summary()
        print(f"{'phase':<16}{'time':>13}{'queries':>10}{'of it, ledger summary':>24}")

        counts = measure("register", lambda: programme_register_hours(actor=manager, programme=programme))
        assert counts["created"] == args.trainees, counts
        counts = measure(
            "register again", lambda: programme_register_hours(actor=manager, programme=programme)
        )
        assert counts["created"] == counts["updated"] == counts["deleted"] == 0, counts

        Attendance.objects.filter(trainee__in=trainees[1:51], session=sessions[1]).update(
            status=AttendanceStatus.ABSENT
        )
        Attendance.objects.filter(trainee__in=trainees[1:51], session=sessions[2]).update(
            status=AttendanceStatus.ABSENT
        )
        counts = measure("correction", lambda: programme_register_hours(actor=manager, programme=programme))
        assert counts["updated"] == 50, counts

        trainees_remove(actor=manager, programme=programme, trainee_ids=[t.pk for t in trainees[-50:]])
        counts = measure("removal", lambda: programme_register_hours(actor=manager, programme=programme))
        assert counts["deleted"] == 50, counts
        assert live.count() == args.trainees - 50

        client = Client()
        client.force_login(manager)
        url = reverse("training:attendance", args=[programme.pk])
        response = measure("grid POST", lambda: client.post(url, {"all_session": sessions[0].pk}))
        assert response.status_code == 302
        response = measure("grid GET", lambda: client.get(url))
        assert response.status_code == 200
        print(
            f"records live: {live.count()}, counting zero: {live.exclude(zero_reason='').count()}; "
            f"grid page {len(response.content) / 1024:.0f} KB"
        )


if __name__ == "__main__":
    main()
