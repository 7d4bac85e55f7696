"""Reads of 我的外部学习 that need care: a tab's record list and a record's history.

Beside `ledger.selectors` (the SQL twin of the hours rules), these serve the record screens; each answers in
one query whatever the number of rows on the page.
"""

from django.db.models import OuterRef, QuerySet, Subquery

from .choices import Status
from .models import Record, RecordTransition

LIST_FIELDS = ("pk", "year", "name", "start_date", "end_date", "seconds", "status", "source", "deleted_at")


def _last_rejection_reason() -> Subquery:
    """The reason of a record's last 未通过 transition, as a correlated subquery (one query per page)."""
    return Subquery(
        RecordTransition.objects.filter(record=OuterRef("pk"), to_status=Status.REJECTED)
        .order_by("-created_at", "-pk")
        .values("reason")[:1]
    )


def own_records(*, employee_id: int, category: str) -> QuerySet:
    """One tab of a person's live records, each with the reason of its last rejection (`reject_reason`)."""
    return (
        Record.objects.live()
        .filter(employee_id=employee_id, category=category)
        .annotate(reject_reason=_last_rejection_reason())
        .only(*LIST_FIELDS)
    )


def record_history(record: Record) -> list[RecordTransition]:
    """A record's transitions in order, with who made each (one query)."""
    return list(record.transitions.select_related("actor__employee"))
