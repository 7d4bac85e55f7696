"""Keeping each history entry's `until` (the next entry's start) equal to the histories.

`EmployeeQuerySet.with_standing` finds the unit and level held on a day as the entry whose range
[start, until) contains it. `until` depends on the histories alone, never on the date, so nothing has to run
when the calendar moves (a new year, a promotion dated in the future): it changes only when a history entry is
written, and it is resealed in that write's transaction. Signals on UnitMembership and PositionHistory do it
after any save or delete (services, the admin's inlines, imports, tests); bulk loads that bypass signals call
`seal` (or `seal_all`) themselves before anything reads the standing.

Concurrent writers of one person's history are serialised by locking the employee's row first, so two
transactions never seal from different views of the same history.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from .models import Employee, PositionHistory, UnitMembership

_HISTORIES = ((UnitMembership, "start"), (PositionHistory, "since"))


@transaction.atomic
def seal(employee_ids: Iterable[int]) -> int:
    """Recompute `until` of these employees' history entries; returns how many entries changed."""
    ids = sorted(set(employee_ids))
    if not ids:
        return 0
    changed = 0
    for chunk in (ids[i : i + 5000] for i in range(0, len(ids), 5000)):
        list(Employee.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
        for model, start in _HISTORIES:
            entries: dict[int, list] = defaultdict(list)
            for entry in model.objects.filter(employee_id__in=chunk).only(
                "pk", "employee_id", start, "until"
            ):
                entries[entry.employee_id].append(entry)
            stale = []
            for mine in entries.values():
                mine.sort(key=lambda e: (getattr(e, start), e.pk))
                for entry, following in zip(mine, [*mine[1:], None], strict=True):
                    until = getattr(following, start) if following is not None else None
                    if entry.until != until:
                        entry.until = until
                        stale.append(entry)
            model.objects.bulk_update(stale, ["until"], batch_size=2000)
            changed += len(stale)
    return changed


def seal_all(*, batch: int = 5000) -> int:
    """Reseal everyone's history (after a bulk load that bypassed the signals)."""
    ids = list(Employee.objects.order_by("pk").values_list("pk", flat=True))
    return sum(seal(ids[i : i + batch]) for i in range(0, len(ids), batch))


def _on_history_change(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    seal([instance.employee_id])


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for model, _start in _HISTORIES:
        post_save.connect(_on_history_change, sender=model, dispatch_uid=f"standing-save-{model.__name__}")
        post_delete.connect(
            _on_history_change, sender=model, dispatch_uid=f"standing-delete-{model.__name__}"
        )
