"""Records registered by a source (an in-house programme, a platform course): they count at once
(自动计入, 第九条一/四) and are corrected at their source, never in review. The ledger knows nothing of the
sources themselves: they hand over `SourceRecord`s under a key prefix of their own."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from hourbook.org.models import Employee

from .. import summary
from ..choices import Assessment, Source, Status
from ..models import Record, RecordTransition
from .records import RecordData, refuse_invalid_items


@dataclass(frozen=True, kw_only=True)
class SourceRecord(RecordData):
    """A record a source (an in-house programme, a platform course) registers for one person: the content
    of an entered record (第六条), plus whose it is, its key within the source, and the source's own facts.

    Such records count at once (自动计入, 第九条一/四) and are corrected at their source, never in review.
    """

    source_key: str
    employee_id: int
    programme_type: str = ""
    zero_reason: str = ""


SOURCE_FIELDS = (
    "category",
    "form",
    "name",
    "start_date",
    "end_date",
    "seconds",
    "content",
    "place",
    "organiser",
    "assessment",
    "off_job",
    "programme_type",
    "zero_reason",
)


@transaction.atomic
def source_records_sync(*, actor, source: str, key_prefix: str, items: list[SourceRecord]) -> dict[str, int]:
    """Make the live records of `source` whose key starts with `key_prefix` exactly `items`.

    Idempotent: registering again updates the same records (matched by source key), creates the new ones
    and soft-deletes those no longer listed (a trainee removed from a programme loses the record).
    A fixed number of queries whatever the number of items. Returns counts of created/updated/deleted.
    An item that no record may hold (an end date after today, hours above 8 × its days…: the same
    `record_data_errors` as every other path) refuses the whole sync with a ValidationError naming it.
    """
    if source == Source.EMPLOYEE:
        raise ValueError("employee records are not source records")
    refuse_invalid_items(items)
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    existing = {
        r.source_key: r
        for r in Record.objects.select_for_update()
        .filter(source=source, source_key__startswith=key_prefix, deleted_at__isnull=True)
        .order_by("pk")
    }
    wanted = {item.source_key: item for item in items}
    employees = {e.pk: e for e in Employee.objects.filter(pk__in={i.employee_id for i in items})}
    units = _units_for_years(employees.values(), {i.end_date.year for i in items})

    to_create, to_update, transitions = [], [], []
    for key, item in wanted.items():
        if not key.startswith(key_prefix):
            raise ValueError(f"source key {key!r} outside prefix {key_prefix!r}")
        unit_id = units[(item.employee_id, item.end_date.year)]
        record = existing.get(key)
        if record is None:
            record = Record(
                source=source,
                source_key=key,
                employee_id=item.employee_id,
                unit_id=unit_id,
                status=Status.APPROVED,
                status_changed_at=now,
                created_by=user,
                **{f: getattr(item, f) for f in SOURCE_FIELDS},
            )
            record.year = item.end_date.year
            if record.assessment == Assessment.FAILED:
                record.zero_reason = "failed_assessment"
            to_create.append(record)
        else:
            changed = [f for f in SOURCE_FIELDS if getattr(record, f) != getattr(item, f)]
            if changed or record.unit_id != unit_id:
                for f in SOURCE_FIELDS:
                    setattr(record, f, getattr(item, f))
                record.unit_id = unit_id
                record.year = item.end_date.year
                record.version += 1
                record.updated_at = now
                to_update.append(record)
    gone = [r for key, r in existing.items() if key not in wanted]
    touched = {(r.employee_id, r.year) for r in existing.values()}
    created = Record.objects.bulk_create(to_create, batch_size=1000)
    for record in created:
        transitions.append(
            RecordTransition(
                record=record,
                from_status="",
                to_status=Status.APPROVED,
                action="register",
                actor=user,
                record_version=1,
            )
        )
    if to_update:
        Record.objects.bulk_update(
            to_update, [*SOURCE_FIELDS, "unit_id", "year", "version", "updated_at"], batch_size=1000
        )
        transitions += [
            RecordTransition(
                record=r,
                from_status=r.status,
                to_status=r.status,
                action="update",
                actor=user,
                record_version=r.version,
            )
            for r in to_update
        ]
    if gone:
        Record.objects.filter(pk__in=[r.pk for r in gone]).update(deleted_at=now, updated_at=now)
        transitions += [
            RecordTransition(
                record=r,
                from_status=r.status,
                to_status="deleted",
                action="delete",
                actor=user,
                record_version=r.version,
            )
            for r in gone
        ]
    RecordTransition.objects.bulk_create(transitions, batch_size=1000)
    touched |= {(r.employee_id, r.year) for r in (*created, *to_update)}
    summary.refresh(touched)
    return {"created": len(created), "updated": len(to_update), "deleted": len(gone)}


def _units_for_years(employees, years: set[int]) -> dict[tuple[int, int], int]:
    """(employee_id, year) → unit id for the year (`EmployeeQuerySet.with_standing`, the one definition of a
    person's unit on the reference day), one query per year; before the first membership, the current unit."""
    from hourbook.org.models import Employee

    ids = [employee.pk for employee in employees]
    out = {}
    for year in years:
        for pk, unit_at, unit_id in (
            Employee.objects.filter(pk__in=ids).with_standing(year).values_list("pk", "unit_at", "unit_id")
        ):
            out[(pk, year)] = unit_at or unit_id
    return out
