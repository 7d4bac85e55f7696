"""A realistic generated academy for scale work (issue 5): ~120 units, 70,000 employees, ~3 million records.

Bulk-loaded past the services for speed (COPY on PostgreSQL, executemany on SQLite), then the summary is
rebuilt from the records in one INSERT … SELECT. Every generated unit code starts with GEN-, so the data
can be removed again (`--reset`) without touching anything else.
"""

import datetime as dt
import random
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from hourbook.common.dates import today
from hourbook.org import standing
from hourbook.org.choices import PositionLevel, UnitKind
from hourbook.org.models import Employee, PositionHistory, Unit, UnitMembership

from .bulk import records_insert
from .choices import DEFAULT_FORM, Category, Source, Status
from .models import Record, RecordTransition, YearSummary

PREFIX = "GEN-"
H = 3600
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国宇晨浩然子涵欣怡思远博文雨轩佳琪梓萱志强海燕晓东立新振华"
# Category mix per employee-year, roughly what the academy sees: most training from programmes.
CATEGORY_WEIGHTS = [
    (Category.IN_HOUSE, 30),
    (Category.EXTERNAL_TRAINING, 22),
    (Category.SELF_STUDY, 14),
    (Category.STUDY_ABROAD, 1),
    (Category.PLATFORM_ONLINE, 22),
    (Category.EXTERNAL_ONLINE, 11),
]


def reset() -> None:
    """Remove everything generated (units with codes starting GEN-, their people and records)."""
    with transaction.atomic():
        units = Unit.objects.filter(code__startswith=PREFIX)
        employees = Employee.objects.filter(unit__in=units)
        RecordTransition.objects.filter(record__employee__in=employees).delete()
        Record.objects.filter(employee__in=employees)._raw_delete(Record.objects.db)
        YearSummary.objects.filter(employee__in=employees).delete()
        UnitMembership.objects.filter(employee__in=employees).delete()
        PositionHistory.objects.filter(employee__in=employees).delete()
        from hourbook.accounts.models import User

        User.objects.filter(employee__in=employees).delete()
        employees.delete()
        for unit in units.order_by("-depth"):
            unit.delete()


def build_units(rng: random.Random, n_units: int) -> list[Unit]:
    """Academy root, ~12 branches, institutes, and departments: about `n_units` in all."""
    root = Unit.objects.create(code=f"{PREFIX}CAS", name="生成学院", kind=UnitKind.ACADEMY)
    leaves = []
    n_branches = max(2, n_units // 10)
    per_branch = max(1, (n_units - 1 - n_branches) // n_branches)
    count = 1
    for b in range(n_branches):
        branch = Unit.objects.create(
            code=f"{PREFIX}B{b:02d}", name=f"第{b + 1}分院", kind=UnitKind.BRANCH, parent=root
        )
        count += 1
        institutes = max(1, -(-per_branch // 3))
        for i in range(institutes):
            if count >= n_units:
                break
            inst = Unit.objects.create(
                code=f"{PREFIX}B{b:02d}I{i:02d}", name=f"第{b + 1}分院第{i + 1}研究所", parent=branch
            )
            count += 1
            leaves.append(inst)
            for d, dept in enumerate(["人力资源处", "科研处"]):
                if count >= n_units:
                    break
                leaves.append(
                    Unit.objects.create(
                        code=f"{PREFIX}B{b:02d}I{i:02d}D{d}",
                        name=f"{inst.name}{dept}",
                        kind=UnitKind.DEPARTMENT,
                        parent=inst,
                    )
                )
                count += 1
    return leaves


def generate(
    *,
    employees: int = 70_000,
    records_per_employee: float = 43,
    units: int = 120,
    seed: int = 1,
    year: int | None = None,
    progress: Callable[[str], None] = lambda msg: None,
) -> dict:
    """Build the academy; returns counts and timings."""
    rng = random.Random(seed)
    year = year or today().year
    last_day = min(today(), dt.date(year, 12, 31))
    span = (last_day - dt.date(year, 1, 1)).days
    timings = {}
    t0 = time.perf_counter()
    with transaction.atomic():
        leaves = build_units(rng, units)
        timings["units"] = time.perf_counter() - t0
        progress(f"{Unit.objects.filter(code__startswith=PREFIX).count()} units")

        t = time.perf_counter()
        start_arp = 9_000_000_000  # ten digits: apart from the demo's nine (hiring year and serial)
        people = [
            Employee(
                arp=str(start_arp + n),
                name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                unit=rng.choice(leaves),
                mobile=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                is_registered=rng.random() < 0.95,
            )
            for n in range(employees)
        ]
        Employee.objects.bulk_create(people, batch_size=5000)
        people = list(
            Employee.objects.filter(arp__startswith="9").filter(unit__code__startswith=PREFIX).order_by("pk")
        )
        UnitMembership.objects.bulk_create(
            [UnitMembership(employee=p, unit_id=p.unit_id, start=dt.date(2000, 1, 1)) for p in people],
            batch_size=5000,
        )
        levels = []
        for p in people:
            levels.append(
                PositionHistory(employee=p, level=PositionLevel.ORDINARY, since=dt.date(2000, 1, 1))
            )
            if rng.random() < 0.12:
                levels.append(
                    PositionHistory(
                        employee=p,
                        level=PositionLevel.SECTION_AND_ABOVE,
                        since=dt.date(year - rng.randrange(0, 6), rng.randrange(1, 13), 1),
                    )
                )
        PositionHistory.objects.bulk_create(levels, batch_size=5000)
        standing.seal(p.pk for p in people)  # bulk_create sends no signals
        timings["employees"] = time.perf_counter() - t
        progress(f"{len(people)} employees")

        t = time.perf_counter()
        categories = [c for c, _ in CATEGORY_WEIGHTS]
        weights = [w for _, w in CATEGORY_WEIGHTS]
        now = timezone.now()

        def rows():
            for p in people:
                n = max(0, int(rng.gauss(records_per_employee, records_per_employee / 3)))
                for i, category in enumerate(rng.choices(categories, weights, k=n)):
                    end = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(span + 1))
                    if category in (Category.PLATFORM_ONLINE, Category.EXTERNAL_ONLINE):
                        days, seconds = 1, rng.randrange(1800, 4 * H, 60)
                    else:
                        days = rng.choice((1, 1, 1, 2, 3))
                        seconds = days * rng.choice((4, 8, 8)) * H
                    start = end - dt.timedelta(days=days - 1)
                    if category == Category.IN_HOUSE:
                        source, key, status = Source.PROGRAMME, f"gen:{p.pk}:{i}", Status.APPROVED
                    elif category == Category.PLATFORM_ONLINE:
                        source, key, status = Source.PLATFORM, f"gen:{p.pk}:{i}", Status.APPROVED
                    else:
                        source, key = Source.EMPLOYEE, ""
                        roll = rng.random()
                        status = (
                            Status.APPROVED
                            if roll < 0.8
                            else Status.PENDING
                            if roll < 0.95
                            else Status.REJECTED
                        )
                    zero = (
                        "failed_assessment" if category == Category.IN_HOUSE and rng.random() < 0.01 else ""
                    )
                    yield {
                        "employee_id": p.pk,
                        "unit_id": p.unit_id,
                        "year": year,
                        "category": category,
                        "form": DEFAULT_FORM[category],
                        "source": source,
                        "source_key": key,
                        "name": f"学习记录{i}",
                        "start_date": start,
                        "end_date": end,
                        "seconds": seconds,
                        "assessment": "failed" if zero else "none",
                        "zero_reason": zero,
                        "status": status,
                    }

        n_records = records_insert(rows(), now=now)
        timings["records"] = time.perf_counter() - t
        progress(f"{n_records} records")

    t = time.perf_counter()
    n_summary = rebuild_summary_sql(year=year)
    timings["summary"] = time.perf_counter() - t
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings["total"] = time.perf_counter() - t0
    return {
        "units": len(leaves),
        "employees": len(people),
        "records": n_records,
        "summary_rows": n_summary,
        "timings": timings,
    }


def rebuild_summary_sql(*, year: int) -> int:
    """The summary of a year from the records in one INSERT … SELECT (for bulk loads)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {YearSummary._meta.db_table} WHERE year = %s", [year])
        cursor.execute(
            f"""
            INSERT INTO {YearSummary._meta.db_table}
                (employee_id, year, category, approved_count, credited_seconds, pending_count, pending_seconds)
            SELECT employee_id, year, category,
                   SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN status = 'approved' AND zero_reason = '' THEN seconds ELSE 0 END),
                   SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN status = 'pending' THEN seconds ELSE 0 END)
            FROM {Record._meta.db_table}
            WHERE deleted_at IS NULL AND year = %s
            GROUP BY employee_id, year, category
            """,
            [year],
        )
        return cursor.rowcount


__all__ = ["generate", "rebuild_summary_sql", "reset"]
