"""Reads of the review queue (第九条二, FAQ Q5): what a reviewer may see, filtered and sorted.

A reviewer is a unit HR admin (their unit trees) or the academy admin (everything). Only employee-registered
records are reviewed; in-house programme and platform records count at once and are corrected at their
source (DOMAIN.md, Review).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from hourbook.accounts.scope import hr_units_q, scope_of
from hourbook.ledger.choices import Source, Status
from hourbook.ledger.models import Record
from hourbook.org.models import Unit

# Sort keys of the queue: each ends with the primary key so that pages never overlap.
SORTS: dict[str, tuple[str, ...]] = {
    "submitted": ("created_at", "pk"),
    "-submitted": ("-created_at", "-pk"),
    "end": ("end_date", "pk"),
    "-end": ("-end_date", "-pk"),
    "hours": ("seconds", "pk"),
    "-hours": ("-seconds", "-pk"),
    "name": ("employee__name", "employee_id", "pk"),
    "-name": ("-employee__name", "-employee_id", "-pk"),
}
DEFAULT_SORT = "submitted"
ALL_STATUSES = "all"


def reviewable_records(user) -> QuerySet[Record]:
    """Live employee-registered records in the user's HR unit trees (all of them for the academy admin).

    The user's own records are included (they may read them); deciding them is refused by the services.
    """
    if not scope_of(user).is_hr:
        return Record.objects.none()
    return Record.objects.live().filter(source=Source.EMPLOYEE).filter(hr_units_q(user))


def review_units(user) -> list[Unit]:
    """The units a reviewer administers, with their sub-units, in tree order (one query)."""
    if not scope_of(user).is_hr:
        return []
    return list(Unit.objects.filter(hr_units_q(user, "path")).order_by("path"))


def in_review_scope(user, record: Record) -> bool:
    """Whether `record` lies in the user's HR unit trees (its unit must be loaded)."""
    scope = scope_of(user)
    if scope.academy_admin:
        return True
    return any(record.unit.path.startswith(path) for path in scope.hr_paths)


def is_own_record(user, record: Record) -> bool:
    """Nobody reviews their own records (DOMAIN.md decision)."""
    employee_id = scope_of(user).employee_id
    return employee_id is not None and record.employee_id == employee_id


@dataclass(frozen=True)
class QueueFilters:
    """What the reviewer asked for; every field optional except status and sort, which have defaults."""

    unit: Unit | None = None
    category: str = ""
    status: str = Status.PENDING
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    query: str = ""
    sort: str = DEFAULT_SORT


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the academy's time zone, so the range stays a plain indexed comparison."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def queue_records(*, user, units: list[Unit], filters: QueueFilters) -> QuerySet[Record]:
    """The filtered, sorted queue.

    The unit condition is a list of unit ids (the units are read anyway for the filter), so the pending
    queue is served by the partial index `record_pending_queue_idx` (unit, created_at) without a join.
    """
    scope = scope_of(user)
    if not scope.is_hr:
        return Record.objects.none()
    qs = Record.objects.live().filter(source=Source.EMPLOYEE)
    if filters.unit is not None:
        qs = qs.filter(unit_id__in=[u.pk for u in units if u.path.startswith(filters.unit.path)])
    elif not scope.academy_admin:
        qs = qs.filter(unit_id__in=[u.pk for u in units])
    if filters.status != ALL_STATUSES:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.submitted_from:
        qs = qs.filter(created_at__gte=_day_start(filters.submitted_from))
    if filters.submitted_to:
        qs = qs.filter(created_at__lt=_day_start(filters.submitted_to + dt.timedelta(days=1)))
    text = filters.query.strip()
    if text:
        qs = qs.filter(Q(employee__name__contains=text) | Q(employee__arp__iexact=text))
    return qs.select_related("employee", "unit").order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def pending_count(user, *, limit: int = 1000) -> int:
    """Pending records awaiting the user, counted up to `limit` (cheap enough for the menu badge)."""
    if not scope_of(user).is_hr:
        return 0
    qs = reviewable_records(user).filter(status=Status.PENDING)
    employee_id = scope_of(user).employee_id
    if employee_id:
        qs = qs.exclude(employee_id=employee_id)
    return qs[:limit].count()
