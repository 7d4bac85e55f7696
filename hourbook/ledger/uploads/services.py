"""Staging an upload and committing it: nothing is saved unless every row is valid (DOMAIN.md decision).

The staged batch lives in the database (UploadBatch), never on an app server's disk, so any server can show
the preview or commit it. Committing is one transaction through `ledger.services.records_bulk_create`;
rows that exist by then are skipped, and a committed batch commits nothing again.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hourbook.audit.services import audit_log
from hourbook.org.models import Employee

from ..choices import EMPLOYEE_CATEGORIES
from ..models import UploadBatch, UploadStatus
from ..services import MSG_CATEGORY_NOT_EMPLOYEE, records_bulk_create
from ..validation import check_record
from .parse import parse_upload, row_to_data
from .workbook import build_error_workbook

MSG_HAS_ERRORS = _("本批次有错误，不能导入；请改正后重新上传")
MSG_STALE = _("本批次的数据已不再有效（%(error)s），请重新上传")


def upload_batch_stage(
    *, actor, employee: Employee, category: str, filename: str, data: bytes
) -> UploadBatch:
    """Parse and check an upload and keep the result for the preview. Raises SpreadsheetRefused for a bad file."""
    if category not in EMPLOYEE_CATEGORIES:
        raise ValidationError({"category": MSG_CATEGORY_NOT_EMPLOYEE})
    result = parse_upload(data, category=category, employee=employee)
    invalid = bool(result.errors)
    return UploadBatch.objects.create(
        owner=actor,
        employee=employee,
        category=category,
        filename=filename[:255],
        status=UploadStatus.INVALID if invalid else UploadStatus.READY,
        rows=result.rows,
        errors=result.errors,
        duplicates=result.duplicates,
        error_workbook=(build_error_workbook(category, result.raw_rows, result.errors) if invalid else None),
    )


def upload_batch_commit(*, actor, batch: UploadBatch) -> tuple[UploadBatch, int]:
    """Save every row of a valid batch in one transaction. Returns (batch, records created now).

    A committed batch creates nothing again; rows that exist by now (another batch, the form) are skipped.
    A concurrent commit of the same rows loses the natural-key race once and is retried, skipping them.
    """
    for attempt in range(2):
        try:
            return _commit(actor=actor, batch_id=batch.pk)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _commit(*, actor, batch_id: int) -> tuple[UploadBatch, int]:
    batch = UploadBatch.objects.select_for_update().select_related("employee").get(pk=batch_id)
    if batch.owner_id != actor.pk:
        raise PermissionDenied
    if batch.status == UploadStatus.COMMITTED:
        return batch, 0
    if batch.status != UploadStatus.READY:
        raise ValidationError(MSG_HAS_ERRORS)
    # One commit at a time per employee, so two batches holding the same rows cannot both insert them.
    Employee.objects.select_for_update().filter(pk=batch.employee_id).values_list("pk").first()
    items = [row_to_data(batch.category, row) for row in batch.rows]
    for item in items:  # the same rules again: nothing saved can break them, whatever was staged
        errors = check_record(
            name=item.name,
            start=item.start_date,
            end=item.end_date,
            seconds=item.seconds,
            content=item.content,
            place=item.place,
            organiser=item.organiser,
        )
        if errors:
            raise ValidationError(MSG_STALE % {"error": next(iter(errors.values()))})
    created = records_bulk_create(actor=actor, employee=batch.employee, items=items)
    if any(record.employee_id != batch.employee_id for record in created):  # the importer's scope
        raise PermissionDenied
    batch.status = UploadStatus.COMMITTED
    batch.created_count = len(created)
    batch.committed_at = timezone.now()
    batch.save(update_fields=["status", "created_count", "committed_at"])
    audit_log(
        actor=actor,
        action="record.upload",
        obj=batch,
        unit=batch.employee.unit,
        summary=batch.filename,
        data={"category": batch.category, "created": len(created), "rows": len(items)},
    )
    return batch, len(created)
