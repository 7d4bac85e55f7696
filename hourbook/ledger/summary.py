"""Keeping `YearSummary` equal to the records: refreshed inside every ledger write's transaction.

Locking: summary rows are first made to exist (INSERT … ON CONFLICT DO NOTHING, in key order), then locked
with SELECT … FOR UPDATE in (employee, year, category) order, and only then recomputed from the records.
Every writer locks records before summaries and both in ascending key order, so a bulk approval and an
employee's edit cannot deadlock; the recomputation runs after the lock is held, so under READ COMMITTED it
sees every transaction that committed before it.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum

from .choices import Category, Status
from .models import Record, YearSummary, credited_seconds_sum

Pair = tuple[int, int]  # (employee_id, year)

FIELDS = ("approved_count", "credited_seconds", "pending_count", "pending_seconds")


def aggregate(pairs: Iterable[Pair] | None = None, *, employee_ids=None, year: int | None = None) -> dict:
    """{(employee_id, year, category): (approved_count, credited, pending_count, pending)} from the records."""
    qs = Record.objects.live()
    if pairs is not None:
        pairs = set(pairs)
        if not pairs:
            return {}
        qs = qs.filter(employee_id__in={e for e, _ in pairs}, year__in={y for _, y in pairs})
    if employee_ids is not None:
        qs = qs.filter(employee_id__in=employee_ids)
    if year is not None:
        qs = qs.filter(year=year)
    rows = qs.values("employee_id", "year", "category").annotate(
        approved_count=Count("pk", filter=Q(status=Status.APPROVED)),
        credited_seconds=credited_seconds_sum(),
        pending_count=Count("pk", filter=Q(status=Status.PENDING)),
        pending_seconds=Sum("seconds", filter=Q(status=Status.PENDING), default=0),
    )
    out = {}
    for row in rows.order_by():
        key = (row["employee_id"], row["year"], row["category"])
        if pairs is not None and key[:2] not in pairs:
            continue
        out[key] = tuple(row[f] for f in FIELDS)
    return out


def refresh(pairs: Iterable[Pair]) -> None:
    """Recompute the summary rows of these (employee, year) pairs; call inside the writer's transaction."""
    pairs = sorted(set(pairs))
    if not pairs:
        return
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return refresh(pairs)
    keys = [(e, y, c) for e, y in pairs for c in Category.values]
    YearSummary.objects.bulk_create(
        [YearSummary(employee_id=e, year=y, category=c) for e, y, c in keys],
        ignore_conflicts=True,
        batch_size=2000,
    )
    locked = list(
        YearSummary.objects.select_for_update()
        .filter(employee_id__in={e for e, _ in pairs}, year__in={y for _, y in pairs})
        .order_by("employee_id", "year", "category")
    )
    wanted = set(pairs)
    fresh = aggregate(pairs)
    changed = []
    for row in locked:
        if (row.employee_id, row.year) not in wanted:
            continue
        values = fresh.get((row.employee_id, row.year, row.category), (0, 0, 0, 0))
        if tuple(getattr(row, f) for f in FIELDS) != values:
            for f, v in zip(FIELDS, values, strict=True):
                setattr(row, f, v)
            changed.append(row)
    if changed:
        YearSummary.objects.bulk_update(changed, FIELDS, batch_size=2000)


def refresh_records(records: Iterable[Record]) -> None:
    refresh({(r.employee_id, r.year) for r in records})


def check(*, year: int | None = None, repair: bool = False, batch: int = 2000) -> dict:
    """Compare the summary with the records (all years, or one); with repair, fix every difference.

    Returns counts: rows compared, rows wrong, rows repaired.
    """
    from hourbook.org.models import Employee

    employee_ids = list(Employee.objects.order_by("pk").values_list("pk", flat=True))
    stats = {"compared": 0, "wrong": 0, "repaired": 0}
    for i in range(0, len(employee_ids), batch):
        chunk = employee_ids[i : i + batch]
        truth = aggregate(employee_ids=chunk, year=year)
        stored = YearSummary.objects.filter(employee_id__in=chunk)
        if year is not None:
            stored = stored.filter(year=year)
        have = {(s.employee_id, s.year, s.category): tuple(getattr(s, f) for f in FIELDS) for s in stored}
        keys = set(truth) | set(have)
        wrong_pairs = set()
        for key in keys:
            stats["compared"] += 1
            if truth.get(key, (0, 0, 0, 0)) != have.get(key, (0, 0, 0, 0)):
                stats["wrong"] += 1
                wrong_pairs.add(key[:2])
        if repair and wrong_pairs:
            with transaction.atomic():
                refresh(wrong_pairs)
            stats["repaired"] += len(wrong_pairs)
    return stats


def rebuild(*, year: int | None = None) -> int:
    """Recreate the summary from the records (after a bulk load that bypassed the services)."""
    with transaction.atomic():
        qs = YearSummary.objects.all()
        if year is not None:
            qs = qs.filter(year=year)
        qs.delete()
        truth = aggregate(year=year)
        YearSummary.objects.bulk_create(
            [
                YearSummary(employee_id=e, year=y, category=c, **dict(zip(FIELDS, v, strict=True)))
                for (e, y, c), v in truth.items()
            ],
            batch_size=5000,
        )
    return len(truth)
