"""Reads of the review queue (第九条二, FAQ Q5): what a reviewer may see, filtered and sorted.

A reviewer is a unit HR admin (their unit trees) or the academy admin (everything). Only employee-registered
records are reviewed; in-house programme and platform records count at once and are corrected at their
source (DOMAIN.md, Review).
"""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
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


def reviewable_records(user, *, unit_ids: list[int] | None = None) -> QuerySet[Record]:
    """What `user` may review: the one definition, used by the queue, its counts, the menu badge, the record
    and evidence pages and every decision (single and bulk).

    Live employee-registered records of the user's HR unit trees (all of them for the academy admin),
    never the user's own: DOMAIN.md decision, an HR admin's own records go to another HR admin of the unit,
    an ancestor unit's HR or the academy admin, so they are not in their queue nor in its counts.
    `unit_ids` narrows the units to ids the caller read from `review_units` (a plain list, so the pending
    queue is served by the partial index `record_pending_queue_idx` without a join). For one locked row,
    `review.services.check_decidable` applies the same rule and says which part refused it.
    """
    scope = scope_of(user)
    if not scope.is_hr:
        return Record.objects.none()
    qs = Record.objects.live().filter(source=Source.EMPLOYEE)
    if unit_ids is not None:  # contract: ids of `review_units(user)`, so already within the scope
        qs = qs.filter(unit_id__in=unit_ids)
    elif not scope.academy_admin:
        qs = qs.filter(hr_units_q(user))
    if scope.employee_id:
        qs = qs.exclude(employee_id=scope.employee_id)
    return qs


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
    """The filtered, sorted queue (no joins: `queue_page` fetches a page's rows).

    Starts from `reviewable_records` (the reviewer's own records are never in it). The unit condition is a
    list of unit ids (the units are read anyway for the filter), so the pending queue is served by the
    partial index `record_pending_queue_idx` (unit, created_at) without a join.
    """
    scope = scope_of(user)
    if filters.unit is not None or not scope.academy_admin:
        qs = reviewable_records(user, unit_ids=queue_unit_ids(units, filters))
    else:
        qs = reviewable_records(user)
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
    return qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def queue_unit_ids(units: list[Unit], filters: QueueFilters) -> list[int]:
    """The ids of the units the queue covers: the chosen sub-unit's subtree, or every unit administered."""
    if filters.unit is None:
        return [u.pk for u in units]
    return [u.pk for u in units if u.path.startswith(filters.unit.path)]


# Above this many units a page is read by one sorted query instead of one ordered branch per unit.
UNION_MAX_UNITS = 200


def queue_page(records: QuerySet[Record], *, unit_ids: list[int], sort: str, number, per_page: int) -> Page:
    """One page of the queue: a count, the page's ids, then its rows with their employee and unit.

    In submission order, on a database that can order and limit the branches of a UNION (PostgreSQL), the
    ids are read as one ordered, limited branch per unit merged by the database (a Merge Append over
    `record_pending_queue_idx`), so the first pages cost a few index entries per unit instead of a sort of
    the whole queue. Other orders sort the filtered ids (a top-N sort, no join).
    """
    paginator = Paginator(records, per_page)
    page = paginator.get_page(number)
    bottom = (page.number - 1) * per_page
    top = min(bottom + per_page, paginator.count)
    ordering = SORTS.get(sort, SORTS[DEFAULT_SORT])
    if top <= bottom:
        page.object_list = []
        return page
    by_submission = sort in ("submitted", "-submitted")
    if (
        by_submission
        and 1 < len(unit_ids) <= UNION_MAX_UNITS
        and connection.features.supports_slicing_ordering_in_compound
    ):
        columns = ("id", "created_at")
        order = ("created_at", "id") if sort == "submitted" else ("-created_at", "-id")
        branches = [
            records.filter(unit_id=unit_id).order_by(*order).values_list(*columns)[:top]
            for unit_id in unit_ids
        ]
        merged = branches[0].union(*branches[1:], all=True).order_by(*order)[bottom:top]
        ids = [row[0] for row in merged]
    else:
        ids = list(records.order_by(*ordering).values_list("pk", flat=True)[bottom:top])
    rows = Record.objects.select_related("employee", "unit").in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def pending_count(user, *, limit: int = 1000) -> int:
    """Pending records awaiting the user, counted up to `limit`: the menu badge.

    The queue's own definition (`reviewable_records`, so never the user's own records) over
    `record_pending_queue_idx`, stopping at `limit` so it stays cheap at the year-end rush.
    """
    scope = scope_of(user)
    if not scope.is_hr:
        return 0
    unit_ids = None if scope.academy_admin else [u.pk for u in review_units(user)]
    qs = reviewable_records(user, unit_ids=unit_ids).filter(status=Status.PENDING)
    return qs.order_by()[:limit].count()
