"""Keeping `EmployeeYear` equal to the unit and level history (what `Employee.unit_for_year` and
`Employee.level_for_year` compute one at a time)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from hourbook.common.dates import today, year_reference_day

from .choices import PositionLevel
from .models import Employee, EmployeeYear, PositionHistory, UnitMembership

FIRST_YEAR = 2019  # the regulation's first year (人字〔2019〕89号)


def _years_of(employee: Employee, first_start: dt.date | None, years: Iterable[int] | None) -> list[int]:
    last = today().year
    if employee.left_on is not None:
        last = min(last, employee.left_on.year)
    first = max(FIRST_YEAR, first_start.year if first_start else FIRST_YEAR)
    candidates = range(first, last + 1) if years is None else years
    return [y for y in candidates if first <= y <= last]


def compute(employees: list[Employee], years: Iterable[int] | None = None) -> list[EmployeeYear]:
    """The rows for these employees (all years from 2019 or their start, or just `years`), in two queries."""
    ids = [e.pk for e in employees]
    memberships: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
    for emp_id, start, pk, unit_id in UnitMembership.objects.filter(employee_id__in=ids).values_list(
        "employee_id", "start", "pk", "unit_id"
    ):
        memberships[emp_id].append((start, pk, unit_id))
    levels: dict[int, list[tuple[dt.date, int, str]]] = defaultdict(list)
    for emp_id, since, pk, level in PositionHistory.objects.filter(employee_id__in=ids).values_list(
        "employee_id", "since", "pk", "level"
    ):
        levels[emp_id].append((since, pk, level))
    years = list(years) if years is not None else None
    rows = []
    for employee in employees:
        mine = sorted(memberships.get(employee.pk, []))
        ranks = sorted(levels.get(employee.pk, []))
        first_start = mine[0][0] if mine else None
        for year in _years_of(employee, first_start, years):
            day = year_reference_day(year, left_on=employee.left_on)
            unit_id = employee.unit_id
            for start, _pk, member_unit in mine:
                if start <= day:
                    unit_id = member_unit
            level = PositionLevel.ORDINARY
            for since, _pk, value in ranks:
                if since <= day:
                    level = value
            rows.append(EmployeeYear(employee_id=employee.pk, year=year, unit_id=unit_id, level=level))
    return rows


@transaction.atomic
def refresh(employee_ids: Iterable[int], years: Iterable[int] | None = None) -> int:
    """Recompute the rows of these employees (every year, or only `years`)."""
    ids = sorted(set(employee_ids))
    if not ids:
        return 0
    employees = list(Employee.objects.filter(pk__in=ids).order_by("pk"))
    years = list(years) if years is not None else None
    stale = EmployeeYear.objects.filter(employee_id__in=ids)
    if years is not None:
        stale = stale.filter(year__in=years)
    stale.delete()
    rows = compute(employees, years)
    EmployeeYear.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def refresh_all(*, years: Iterable[int] | None = None, batch: int = 5000) -> int:
    """Rebuild for everyone (after a bulk load, or nightly so that future-dated changes take effect)."""
    ids = list(Employee.objects.order_by("pk").values_list("pk", flat=True))
    n = 0
    for i in range(0, len(ids), batch):
        n += refresh(ids[i : i + batch], years)
    return n


# --- Keeping the rows in step with every write -------------------------------------------------------------
# Signals on Employee, UnitMembership and PositionHistory refresh the person's rows after any save or delete
# (services, admin, imports, tests). Bulk work can wrap itself in `deferred()` to refresh once at the end.

_deferred: ContextVar[set[int] | None] = ContextVar("employee_years_deferred", default=None)
# Employees being deleted: their history rows go first, and must not recreate rows for a person about to go.
_deleting: ContextVar[frozenset[int]] = ContextVar("employee_years_deleting", default=frozenset())


def touch(employee_id: int) -> None:
    if employee_id in _deleting.get():
        return
    pending = _deferred.get()
    if pending is not None:
        pending.add(employee_id)
    else:
        refresh([employee_id])


@contextmanager
def deferred():
    """Collect the employees touched inside the block and refresh them once, at its end."""
    outer = _deferred.get()
    if outer is not None:  # nested: the outermost block refreshes
        yield
        return
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending:
        for chunk in range(0, len(pending), 5000):
            refresh(sorted(pending)[chunk : chunk + 5000])


def _on_history_change(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    touch(instance.employee_id)


def _on_employee_save(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    touch(instance.pk)


def _on_employee_pre_delete(sender, instance, **kwargs) -> None:
    _deleting.set(_deleting.get() | {instance.pk})


def _on_employee_post_delete(sender, instance, **kwargs) -> None:
    _deleting.set(_deleting.get() - {instance.pk})
    pending = _deferred.get()
    if pending is not None:
        pending.discard(instance.pk)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save, pre_delete

    for model in (UnitMembership, PositionHistory):
        post_save.connect(_on_history_change, sender=model, dispatch_uid=f"years-save-{model.__name__}")
        post_delete.connect(_on_history_change, sender=model, dispatch_uid=f"years-delete-{model.__name__}")
    post_save.connect(_on_employee_save, sender=Employee, dispatch_uid="years-save-employee")
    pre_delete.connect(_on_employee_pre_delete, sender=Employee, dispatch_uid="years-pre-delete-employee")
    post_delete.connect(_on_employee_post_delete, sender=Employee, dispatch_uid="years-post-delete-employee")
