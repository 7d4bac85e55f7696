"""Writes to the ledger's records: one function per intention. Views, uploads, the API and sources all call these.

Every write validates with `ledger.validation` (the same messages everywhere), runs in a transaction,
keeps the transition history, and respects the natural key (ten identical submits make one record).
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hourbook.audit.services import audit_log
from hourbook.org.models import Employee

from .. import summary
from ..bulk import bulk_insert, records_insert
from ..choices import EMPLOYEE_CATEGORIES, Assessment, Source, Status, ZeroReason
from ..models import Record, RecordTransition
from ..validation import MSG_DUPLICATE, check_record

MSG_NOT_EDITABLE = _("只能修改或删除待审核、未通过的个人登记记录；已通过的记录已锁定")
MSG_BATCH_FOREIGN = _("所选记录中有不属于您或不可删除的记录，本次未删除任何记录")
MSG_CATEGORY_NOT_EMPLOYEE = _("该类别的学时由系统或培训班负责人登记，个人不能登记")
MSG_NO_EMPLOYEE = _("您的账号未关联职工，不能登记学时")
MSG_ITEM_INVALID = _("第 %(n)s 条记录“%(name)s”：%(error)s")


@dataclass(frozen=True)
class RecordData:
    """The content of an employee-entered record (第六条)."""

    category: str
    form: str
    name: str
    start_date: dt.date
    end_date: dt.date
    seconds: int
    content: str = ""
    place: str = ""
    organiser: str = ""
    assessment: str = Assessment.NONE
    off_job: bool = False

    def natural_key(self, employee_id: int) -> dict:
        return {
            "employee_id": employee_id,
            "category": self.category,
            "name": self.name,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "seconds": self.seconds,
        }


def record_data_errors(data: RecordData) -> dict[str, str]:
    """What DOMAIN.md says no record may hold, whatever path writes it (form, upload, source, API): an end
    date after today, dates out of order, hours not positive or above 8 × the inclusive days (第十条), a blank
    name, text over its maximum (issue 8, items 10 and 11).

    Every write of this module and of `sources` passes here before anything is saved; the database's check
    constraints repeat the date order and hours rules, and `Record.clean` this whole check for model forms.
    Keys are the record's field names.
    """
    errors = check_record(
        name=data.name,
        start=data.start_date,
        end=data.end_date,
        seconds=data.seconds,
        content=data.content,
        place=data.place,
        organiser=data.organiser,
    )
    return {("seconds" if k == "hours" else k): v for k, v in errors.items()}


def refuse_invalid_items(items) -> None:
    """Refuse a batch (an upload's rows, a source's items) if any item breaks `record_data_errors`: one
    ValidationError listing every problem by the item's position (1-based) and name; nothing is saved."""
    refused = [
        str(MSG_ITEM_INVALID % {"n": n, "name": item.name, "error": error})
        for n, item in enumerate(items, start=1)
        for error in record_data_errors(item).values()
    ]
    if refused:
        raise ValidationError(refused)


def _validate(data: RecordData) -> None:
    errors = record_data_errors(data)
    if errors:
        raise ValidationError(errors)


def _transition(
    record: Record, *, actor, to: str, action: str, reason: str = "", from_status: str | None = None
) -> None:
    RecordTransition.objects.create(
        record=record,
        from_status=record.status if from_status is None else from_status,
        to_status=to,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        record_version=record.version,
    )


def overlapping_records(*, employee_id: int, start: dt.date, end: dt.date, exclude_pk: int | None = None):
    """The person's live records whose dates meet [start, end]: a warning, never a refusal (DOMAIN.md)."""
    qs = Record.objects.live().filter(employee_id=employee_id, start_date__lte=end, end_date__gte=start)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("start_date", "pk")


def record_submit(*, actor, employee: Employee, data: RecordData) -> tuple[Record, bool]:
    """Register an employee's own record as 待审核 (第九条二). Returns (record, created).

    Idempotent on the natural key: a repeated submit returns the existing record.
    """
    if data.category not in EMPLOYEE_CATEGORIES:
        raise ValidationError({"category": MSG_CATEGORY_NOT_EMPLOYEE})
    _validate(data)
    existing = Record.objects.live().filter(**data.natural_key(employee.pk)).first()
    if existing:
        return existing, False
    unit = employee.unit_for_year(data.end_date.year)
    record = Record(
        employee=employee,
        unit=unit,
        source=Source.EMPLOYEE,
        status=Status.PENDING,
        status_changed_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **data.__dict__,
    )
    record.derive()
    try:
        with transaction.atomic():
            record.save()
            _transition(record, actor=actor, to=Status.PENDING, action="submit", from_status="")
            summary.refresh_records([record])
    except IntegrityError:
        # A concurrent identical submit won the race: the natural key keeps one record.
        existing = Record.objects.live().filter(**data.natural_key(employee.pk)).first()
        if existing is None:
            raise
        return existing, False
    return record, True


def owned_editable(actor, record: Record) -> None:
    """Refuse unless the actor owns the record and it is still editable (pending or rejected, FAQ Q5)."""
    if record.employee_id != getattr(actor, "employee_id", None) or not record.editable_by_owner:
        raise PermissionDenied(MSG_NOT_EDITABLE)


@transaction.atomic
def record_update(*, actor, record: Record, data: RecordData) -> Record:
    """The owner edits a pending or rejected record; a rejected one goes back to 待审核 (FAQ Q5)."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    owned_editable(actor, record)
    if data.category != record.category:
        raise ValidationError({"category": MSG_CATEGORY_NOT_EMPLOYEE})
    _validate(data)
    clash = (
        Record.objects.live().filter(**data.natural_key(record.employee_id)).exclude(pk=record.pk).exists()
    )
    if clash:
        raise ValidationError({"name": MSG_DUPLICATE})
    previous = record.status
    old_pair = (record.employee_id, record.year)
    for key, value in data.__dict__.items():
        setattr(record, key, value)
    record.unit = record.employee.unit_for_year(data.end_date.year)
    record.version += 1
    record.status = Status.PENDING
    record.status_changed_at = timezone.now()
    record.save()
    _transition(record, actor=actor, to=Status.PENDING, action="edit", from_status=previous)
    summary.refresh({old_pair, (record.employee_id, record.year)})
    audit_log(
        actor=actor,
        action="record.edit",
        obj=record,
        unit=record.unit,
        summary=record.name,
        data={"from": previous, "to": Status.PENDING, "version": record.version},
    )
    return record


@transaction.atomic
def record_delete(*, actor, record: Record) -> None:
    """Soft delete by the owner: the record stops counting and leaves the lists; its history stays."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    owned_editable(actor, record)
    _soft_delete(record, actor=actor)


def _soft_delete(record: Record, *, actor) -> None:
    record.deleted_at = timezone.now()
    record.save(update_fields=["deleted_at", "updated_at"])
    _transition(record, actor=actor, to="deleted", action="delete")
    summary.refresh_records([record])
    audit_log(actor=actor, action="record.delete", obj=record, unit=record.unit, summary=record.name)


@transaction.atomic
def records_batch_delete(*, actor, record_ids: list[int]) -> int:
    """批量删除: only one's own pending or rejected records; any other id refuses the whole request."""
    ids = sorted({int(i) for i in record_ids})
    if not ids:
        return 0
    employee_id = getattr(actor, "employee_id", None)
    records = list(
        Record.objects.select_for_update()
        .filter(
            pk__in=ids,
            employee_id=employee_id,
            deleted_at__isnull=True,
            source=Source.EMPLOYEE,
            status__in=[Status.PENDING, Status.REJECTED],
        )
        .order_by("pk")
    )
    if employee_id is None or len(records) != len(ids):
        raise PermissionDenied(MSG_BATCH_FOREIGN)
    now = timezone.now()
    Record.objects.filter(pk__in=ids).update(deleted_at=now, updated_at=now)
    RecordTransition.objects.bulk_create(
        RecordTransition(
            record=r,
            from_status=r.status,
            to_status="deleted",
            action="delete",
            actor=actor,
            record_version=r.version,
        )
        for r in records
    )
    summary.refresh_records(records)
    return len(records)


def records_bulk_create(*, actor, employee: Employee, items: list[RecordData]) -> list[Record]:
    """Create many validated records in one go (batch upload); the caller holds the transaction.

    Rows already present (natural key) are skipped. Every row is checked again here (`record_data_errors`),
    whatever the caller validated: one invalid row refuses them all, naming its position (1-based) in
    `items`; the database checks the invariants again. Inserted with COPY on PostgreSQL (executemany on SQLite), with one
    transition each, then the summary refreshed: a fixed number of queries whatever the number of rows.
    """
    if not items:
        return []
    refuse_invalid_items(items)
    units: dict[int, int] = {}
    now = timezone.now()
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    existing = set(
        Record.objects.live()
        .filter(employee=employee, category__in={i.category for i in items})
        .values_list("category", "name", "start_date", "end_date", "seconds")
    )
    rows, seen = [], set()
    for item in items:
        key = (item.category, item.name, item.start_date, item.end_date, item.seconds)
        if key in existing or key in seen:
            continue
        seen.add(key)
        year = item.end_date.year
        if year not in units:
            units[year] = employee.unit_for_year(year).pk
        zero_reason = ZeroReason.FAILED_ASSESSMENT if item.assessment == Assessment.FAILED else ""
        rows.append(
            {
                **item.__dict__,
                "employee_id": employee.pk,
                "unit_id": units[year],
                "year": year,
                "source": Source.EMPLOYEE,
                "zero_reason": zero_reason,
                "status": Status.PENDING,
                "created_by_id": user_id,
            }
        )
    if not rows:
        return []
    before = (
        Record.objects.filter(employee=employee).order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    records_insert(rows, now=now)
    created = [
        r
        for r in Record.objects.filter(employee=employee, pk__gt=before, deleted_at__isnull=True)
        .only(
            "pk",
            "employee_id",
            "unit_id",
            "year",
            "status",
            "version",
            "category",
            "name",
            "start_date",
            "end_date",
            "seconds",
        )
        .order_by("pk")
        if (r.category, r.name, r.start_date, r.end_date, r.seconds) in seen
    ]
    if len(created) != len(rows):
        raise RuntimeError("bulk insert: created rows do not match")
    bulk_insert(
        RecordTransition._meta.db_table,
        [
            "record_id",
            "from_status",
            "to_status",
            "action",
            "actor_id",
            "reason",
            "record_version",
            "created_at",
        ],
        ((r.pk, "", Status.PENDING, "upload", user_id, "", 1, now) for r in created),
    )
    summary.refresh_records(created)
    return created


@transaction.atomic
def record_set_status(*, actor, record: Record, to: str, action: str, reason: str = "") -> Record:
    """Move a record to a new state with its transition; the review app calls this inside its checks."""
    previous = record.status
    record.status = to
    record.status_changed_at = timezone.now()
    record.save(update_fields=["status", "status_changed_at", "updated_at"])
    _transition(record, actor=actor, to=to, action=action, reason=reason, from_status=previous)
    summary.refresh_records([record])
    audit_log(
        actor=actor,
        action=f"record.{action}",
        obj=record,
        unit=record.unit,
        summary=record.name,
        data={"from": previous, "to": to, "reason": reason, "version": record.version},
    )
    return record


@transaction.atomic
def records_set_status_bulk(*, actor, records: list[Record], to: str, action: str, reason: str = "") -> None:
    """Move many (already locked) records to a new state: one UPDATE, their transitions and audit entries in
    bulk, one summary refresh. The review app's bulk decisions call this; one record at a time is
    `record_set_status`."""
    if not records:
        return
    from hourbook.audit.models import AuditEntry

    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    previous = {r.pk: r.status for r in records}
    Record.objects.filter(pk__in=list(previous)).update(status=to, status_changed_at=now, updated_at=now)
    RecordTransition.objects.bulk_create(
        [
            RecordTransition(
                record=r,
                from_status=previous[r.pk],
                to_status=to,
                action=action,
                actor=user,
                reason=reason,
                record_version=r.version,
            )
            for r in records
        ],
        batch_size=1000,
    )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=user,
                action=f"record.{action}",
                object_type="ledger.record",
                object_id=str(r.pk),
                unit_id=r.unit_id,
                summary=r.name[:255],
                data={"from": previous[r.pk], "to": to, "reason": reason, "version": r.version},
            )
            for r in records
        ],
        batch_size=1000,
    )
    for record in records:
        record.status = to
        record.status_changed_at = now
    summary.refresh_records(records)


@transaction.atomic
def records_move_year_to_unit(*, employee: Employee, year: int, unit) -> int:
    """A transfer moves the current year's records (and so their pending reviews) to the new unit; past years stay."""
    return Record.objects.filter(employee=employee, year=year).exclude(unit=unit).update(unit=unit)
