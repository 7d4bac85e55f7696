"""Time the unit report's query against a hand-written SQL aggregate of the same figures, on the same tables.

    .venv/bin/python bench/bench_unit_report.py [--employees 5000] [--records 200000] [--runs 5]

Builds a throwaway database (a temporary SQLite file; with DATABASE_URL, a throwaway test database on that
PostgreSQL server, named by DATABASE_TEST_NAME or test_hourbook_bench_report) holding one institute of
--employees people in eight departments with --records records (three quarters in the report year, the rest
the year before), beside a sibling institute of 500 people as noise. The population is varied: 处级及以上
staff, promotions during the year and after it, people not 在册 (第二条), leavers of the year and of the year
before, transfers in and out during the year; records of every category and state, failed assessments, soft
deletions; unit rules on the branch and on two departments (第十六条).

Then, in one run:
1. the unit report's query: `reports.selectors.report_list` over the whole institute (every page's rows), the
   engine's SQL twin (`ledger.selectors.annotate_year_summary`), policies resolved by `policies_for_units`;
2. one hand-written SQL statement computing the same figures from the same tables (the unit and level
   histories, the summary ledger_yearsummary, the policy and unit-rule tables): caps per category, the
   requirement by the rank held at year end, the academy's policy tightened by every ancestor's rule in SQL;
3. it asserts that both give identical figures for every person, and checks 200 people against the Python
   engine (`ledger.engine.employee_year`, from the raw records);
4. it times each, interleaved (median of --runs, wall clock and this process's CPU), and prints the ratio
   report / SQL.
Nothing outside the throwaway database is touched; it is dropped at the end.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import _common  # noqa: E402

H = 3600
FIELDS = (
    "training_effective",
    "online_effective",
    "training_pending",
    "online_pending",
    "total",
    "training_required",
    "online_required",
    "met",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=5000, help="people of the measured institute")
    parser.add_argument("--records", type=int, default=200_000, help="records of the measured institute")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each query (the median is shown)")
    parser.add_argument("--seed", type=int, default=2019)
    return parser.parse_args()


def load(n_employees: int, n_records: int, year: int, seed: int):
    """The institute, its sibling and their people and records, bulk-loaded; then the derived tables."""
    from django.db import transaction
    from django.utils import timezone

    from hourbook.ledger import summary
    from hourbook.ledger.choices import DEFAULT_FORM, Category, Source, Status, ZeroReason
    from hourbook.ledger.models import Record
    from hourbook.org import standing
    from hourbook.org.choices import PositionLevel, UnitKind
    from hourbook.org.models import Employee, PositionHistory, Unit, UnitMembership
    from hourbook.policy.models import UnitRule

    rng = random.Random(seed)
    root = Unit.objects.create(code="CAS", name="中国科学院", kind=UnitKind.ACADEMY)
    branch = Unit.objects.create(code="BJ", name="北京分院", kind=UnitKind.BRANCH, parent=root)
    institute = Unit.objects.create(code="IOP", name="物理研究所", parent=branch)
    sibling = Unit.objects.create(code="ICCAS", name="化学研究所", parent=branch)
    depts = [
        Unit.objects.create(code=f"IOP-{i}", name=f"课题组{i}", kind=UnitKind.DEPARTMENT, parent=institute)
        for i in range(8)
    ]
    UnitRule.objects.create(unit=branch, year=year, training_required=95 * H)
    UnitRule.objects.create(unit=depts[0], year=year, cap_self_study=6 * H, online_required=60 * H)
    UnitRule.objects.create(
        unit=depts[1], year=year, cap_external_online=20 * H, training_required_leader=120 * H
    )

    end = dt.date(year, 12, 31)

    def day_in(y: int) -> dt.date:
        return dt.date(y, 1, 1) + dt.timedelta(days=rng.randrange(365))

    people = []  # (employee, [(start, unit)], [(since, level)])
    for n in range(n_employees + 500):
        inside = n < n_employees
        unit = rng.choice([institute, *depts]) if inside else sibling
        roll = rng.random()
        left_on = None
        if roll < 0.02:
            left_on = day_in(year)
        elif roll < 0.03:
            left_on = day_in(year - 1)
        employee = Employee(
            arp=f"9{n:06d}",
            name=f"职工{n}",
            unit=unit,
            is_registered=rng.random() > 0.05,
            is_active=left_on is None,
            left_on=left_on,
        )
        memberships = [(dt.date(2000, 1, 1), unit)]
        move = rng.random()
        if inside and move < 0.02:  # transferred in during the year (from the sibling)
            memberships = [(dt.date(2000, 1, 1), sibling), (day_in(year), unit)]
        elif inside and move < 0.03:  # transferred out during the year (counts for the sibling)
            memberships = [(dt.date(2000, 1, 1), unit), (day_in(year), sibling)]
            employee.unit = sibling
        if left_on and memberships[-1][0] > left_on:
            memberships = memberships[:1]
            employee.unit = memberships[0][1]
        levels = [(dt.date(2000, 1, 1), PositionLevel.ORDINARY)]
        rank = rng.random()
        if rank < 0.10:
            levels = [(dt.date(2000, 1, 1), PositionLevel.SECTION_AND_ABOVE)]
        elif rank < 0.13:  # promoted during the year: leader at year end (第八条)
            levels.append((day_in(year), PositionLevel.SECTION_AND_ABOVE))
        elif rank < 0.15:  # promoted after the year: ordinary for it
            levels.append((dt.date(year + 1, 1, 5), PositionLevel.SECTION_AND_ABOVE))
        people.append((employee, memberships, levels))

    weights = [
        (Category.IN_HOUSE, 30),
        (Category.EXTERNAL_TRAINING, 22),
        (Category.SELF_STUDY, 14),
        (Category.STUDY_ABROAD, 1),
        (Category.PLATFORM_ONLINE, 22),
        (Category.EXTERNAL_ONLINE, 11),
    ]
    categories = [c for c, _w in weights]
    cum = [w for _c, w in weights]
    now = timezone.now()
    with transaction.atomic():
        Employee.objects.bulk_create([p[0] for p in people], batch_size=2000)
        UnitMembership.objects.bulk_create(
            [UnitMembership(employee=e, unit=u, start=s) for e, ms, _l in people for s, u in ms],
            batch_size=5000,
        )
        PositionHistory.objects.bulk_create(
            [PositionHistory(employee=e, level=lv, since=s) for e, _m, ls in people for s, lv in ls],
            batch_size=5000,
        )

        def unit_on(memberships, day):
            unit = memberships[0][1]
            for start, u in memberships:
                if start <= day:
                    unit = u
            return unit

        per_person = {0: n_records / n_employees, 1: 40.0}
        batch = []
        made = 0
        for index, (employee, memberships, _levels) in enumerate(people):
            inside = index < n_employees
            count = int(per_person[0 if inside else 1])
            if inside and index < n_records - int(per_person[0]) * n_employees:
                count += 1  # spread the remainder so the institute has exactly n_records
            last_day = min(employee.left_on or end, end)
            for i in range(count):
                y = year if i % 4 else year - 1
                day = day_in(y)
                if y == year and day > last_day:
                    day = last_day - dt.timedelta(days=rng.randrange(20))
                category = rng.choices(categories, cum)[0]
                days = rng.choice((1, 1, 1, 2, 3))
                seconds = rng.choice((2, 4, 4, 8, 8, 8)) * H * days
                status = rng.choices([Status.APPROVED, Status.PENDING, Status.REJECTED], [80, 12, 8])[0]
                failed = rng.random() < 0.02
                ref = min(employee.left_on or dt.date(y, 12, 31), dt.date(y, 12, 31))
                batch.append(
                    Record(
                        employee=employee,
                        unit=unit_on(memberships, ref),
                        year=day.year,
                        category=category,
                        form=DEFAULT_FORM[category],
                        source=Source.PLATFORM if category == Category.PLATFORM_ONLINE else Source.EMPLOYEE,
                        source_key=f"b{employee.arp}-{i}" if category == Category.PLATFORM_ONLINE else "",
                        name=f"培训{i}",
                        start_date=day - dt.timedelta(days=days - 1),
                        end_date=day,
                        seconds=seconds,
                        assessment="failed" if failed else "none",
                        zero_reason=ZeroReason.FAILED_ASSESSMENT if failed else "",
                        status=status,
                        status_changed_at=now,
                        deleted_at=now if rng.random() < 0.01 else None,
                    )
                )
                if len(batch) >= 5000:
                    Record.objects.bulk_create(batch)
                    made += len(batch)
                    batch = []
        Record.objects.bulk_create(batch)
        made += len(batch)
    standing.seal_all()
    summary.rebuild()
    return institute, made


def hand_sql(year: int, root_path: str) -> tuple[str, list]:
    """The same figures, by hand: one statement over the unit and level histories (the entry in force on the
    reference day), ledger_yearsummary and the policies."""
    from django.db import connection

    from hourbook.common.dates import year_reference_day
    from hourbook.ledger.choices import CATEGORY_BUCKET, Category

    pg = connection.vendor == "postgresql"
    least, greatest = ("LEAST", "GREATEST") if pg else ("MIN", "MAX")
    cats = list(Category.values)
    cap_cols = ", ".join(f"cap_{c}" for c in cats)
    rule_caps = ",\n      ".join(f"MIN(r.cap_{c}) AS cap_{c}" for c in cats)
    resolved_caps = ",\n      ".join(
        f"CASE WHEN rl.cap_{c} IS NULL THEN pol.cap_{c} WHEN pol.cap_{c} IS NULL THEN rl.cap_{c} "
        f"ELSE {least}(rl.cap_{c}, pol.cap_{c}) END AS cap_{c}"
        for c in cats
    )
    sums = ",\n      ".join(
        f"SUM(CASE WHEN s.category = '{c}' THEN s.credited_seconds ELSE 0 END) AS t_{c}" for c in cats
    )

    def effective(bucket: str) -> str:
        parts = [
            f"CASE WHEN up.cap_{c} IS NULL THEN COALESCE(sm.t_{c}, 0) "
            f"ELSE {least}(COALESCE(sm.t_{c}, 0), up.cap_{c}) END"
            for c in cats
            if CATEGORY_BUCKET[c] == bucket
        ]
        return " + ".join(parts)

    def requirement(col: str) -> str:
        return (
            f"CASE WHEN rl.{col} IS NOT NULL THEN {greatest}(rl.{col}, pol.{col}) ELSE pol.{col} END AS {col}"
        )

    training_categories = ", ".join(f"'{c}'" for c in cats if CATEGORY_BUCKET[c] == "training")
    sql = f"""
WITH pol AS (
    SELECT training_required, training_required_leader, online_required, {cap_cols}
    FROM policy_yearpolicy WHERE year <= %s ORDER BY year DESC LIMIT 1
), units AS (
    SELECT id, path FROM org_unit WHERE path LIKE %s
), rl AS (
    SELECT u.id AS unit_id,
      MAX(r.training_required) AS training_required,
      MAX(r.training_required_leader) AS training_required_leader,
      MAX(r.online_required) AS online_required,
      {rule_caps}
    FROM units u
    JOIN org_unit a ON u.path LIKE a.path || '%%'
    JOIN policy_unitrule r ON r.unit_id = a.id AND r.year = %s
    GROUP BY u.id
), up AS (
    SELECT u.id AS unit_id,
      {requirement("training_required")},
      {requirement("training_required_leader")},
      {requirement("online_required")},
      {resolved_caps}
    FROM units u CROSS JOIN pol LEFT JOIN rl ON rl.unit_id = u.id
), emp AS (
    SELECT e.id, e.arp, e.is_registered,
      CASE WHEN e.left_on < %s THEN e.left_on ELSE %s END AS ref_day
    FROM org_employee e WHERE e.left_on IS NULL OR e.left_on >= %s
), pop AS (
    SELECT emp.id, emp.arp, emp.is_registered, m.unit_id, COALESCE(p.level, 'ordinary') AS level
    FROM emp
    JOIN org_unitmembership m ON m.employee_id = emp.id AND m.start <= emp.ref_day
      AND (m.until IS NULL OR m.until > emp.ref_day)
    LEFT JOIN org_positionhistory p ON p.employee_id = emp.id AND p.since <= emp.ref_day
      AND (p.until IS NULL OR p.until > emp.ref_day)
    WHERE m.unit_id IN (SELECT id FROM units)
), sm AS (
    SELECT s.employee_id,
      {sums},
      SUM(CASE WHEN s.category IN ({training_categories}) THEN s.pending_seconds ELSE 0 END) AS training_pending,
      SUM(CASE WHEN s.category IN ({training_categories}) THEN 0 ELSE s.pending_seconds END) AS online_pending,
      SUM(s.credited_seconds) AS total
    FROM ledger_yearsummary s JOIN pop ON pop.id = s.employee_id
    WHERE s.year = %s
    GROUP BY s.employee_id
), fig AS (
    SELECT pop.id, pop.arp, pop.unit_id,
      {effective("training")} AS training_effective,
      {effective("online")} AS online_effective,
      COALESCE(sm.training_pending, 0) AS training_pending,
      COALESCE(sm.online_pending, 0) AS online_pending,
      COALESCE(sm.total, 0) AS total,
      CASE WHEN NOT pop.is_registered THEN NULL
           WHEN pop.level = 'section' THEN up.training_required_leader
           ELSE up.training_required END AS training_required,
      CASE WHEN pop.is_registered THEN up.online_required END AS online_required
    FROM pop JOIN up ON up.unit_id = pop.unit_id LEFT JOIN sm ON sm.employee_id = pop.id
)
SELECT id, training_effective, online_effective, training_pending, online_pending, total,
  training_required, online_required,
  CASE WHEN training_required IS NULL THEN NULL
       WHEN training_effective >= training_required AND online_effective >= online_required THEN 1
       ELSE 0 END AS met, unit_id
FROM fig ORDER BY arp
"""
    day = year_reference_day(year)
    return sql, [year, root_path + "%", year, day, day, dt.date(year, 1, 1), year]


def run_report(year: int, unit) -> list[tuple]:
    from hourbook.reports.selectors import Filters, ReportScope, report_list

    scope = ReportScope.build(year=year, unit=unit)
    qs = report_list(scope, Filters(kind="", sort="arp"))
    return [
        (row[0], *row[1:8], None if row[8] is None else bool(row[8])) for row in qs.values_list("pk", *FIELDS)
    ]


def run_sql(sql: str, params: list) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(*row[:8], None if row[8] is None else bool(row[8])) for row in cursor.fetchall()]


def timed_pair(report, sql, runs: int) -> dict[str, tuple[float, float]]:
    """Median wall-clock and CPU seconds of each, runs interleaved (report, SQL, report, …) so that a busy
    machine slows both alike. CPU time is this process's: the whole query on SQLite, only the client's part
    on PostgreSQL."""
    report()
    sql()  # warm caches and the connection
    samples: dict[str, list[tuple[float, float]]] = {"report": [], "sql": []}
    for _ in range(runs):
        for name, fn in (("report", report), ("sql", sql)):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            samples[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return {
        name: (statistics.median(w for w, _c in values), statistics.median(c for _w, c in values))
        for name, values in samples.items()
    }


def check_against_engine(year: int, rows: list[tuple], sample: int, seed: int) -> int:
    """The report's figures of `sample` people equal the Python engine's, computed from the raw records."""
    from hourbook.ledger.engine import employee_year
    from hourbook.org.models import Employee

    by_id = {row[0]: row for row in rows}
    ids = random.Random(seed).sample(sorted(by_id), min(sample, len(by_id)))
    for employee in Employee.objects.filter(pk__in=ids):
        result = employee_year(employee, year).result
        want = (
            employee.pk,
            result.buckets["training"].effective,
            result.buckets["online"].effective,
            result.buckets["training"].pending,
            result.buckets["online"].pending,
            result.total,
            result.buckets["training"].required,
            result.buckets["online"].required,
            result.met,
        )
        assert by_id[employee.pk] == want, (by_id[employee.pk], want)
    return len(ids)


def main() -> None:
    args = parse_args()
    with _common.throwaway_database("test_hourbook_bench_report", prefix="hourbook-bench-report-"):
        from django.db import connection

        from hourbook.common.dates import today

        year = today().year - 1  # a whole year: the reference day is 31 December
        began = time.perf_counter()
        institute, made = load(args.employees, args.records, year, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"database: {connection.vendor}; {args.employees} people and {made} records in total "
            f"(institute: {args.records}); loaded in {time.perf_counter() - began:.1f} s; year {year}"
        )
        sql, params = hand_sql(year, institute.path)
        report_rows = run_report(year, institute)
        sql_rows = run_sql(sql, params)
        assert len(report_rows) == len(sql_rows), (len(report_rows), len(sql_rows))
        for mine, theirs in zip(report_rows, sql_rows, strict=True):
            assert mine == theirs, (mine, theirs)
        met = sum(1 for r in report_rows if r[8])
        print(f"identical figures for all {len(report_rows)} people of the year ({met} 达标)")
        checked = check_against_engine(year, report_rows, 200, args.seed)
        print(f"and equal to the Python engine (raw records) for {checked} sampled people")
        times = timed_pair(lambda: run_report(year, institute), lambda: run_sql(sql, params), args.runs)
        print(f"{'median of ' + str(args.runs):<34}{'wall ms':>10}{'CPU ms':>10}")
        for label, key in (("unit report (ORM, SQL twin)", "report"), ("hand-written SQL", "sql")):
            wall, cpu = times[key]
            print(f"{label:<34}{wall * 1000:>10.1f}{cpu * 1000:>10.1f}")
        ratio_wall = times["report"][0] / times["sql"][0]
        ratio_cpu = times["report"][1] / times["sql"][1]
        print(f"ratio report / SQL: {ratio_wall:.2f} (wall), {ratio_cpu:.2f} (CPU)")


if __name__ == "__main__":
    main()
