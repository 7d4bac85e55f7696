"""Access matrix entries of the batch upload screens (ledger/urls_uploads.py).

A tab's template and upload form: anyone with an employee record (their own uploads); accounts without one
get 404. A staged batch: its owner only; everyone else, the unit's HR included, gets 404.
"""

from hourbook.ledger.choices import Category
from hourbook.ledger.models import UploadBatch, UploadStatus
from hourbook.testing.access import Access, register

EMPLOYEES = ("employee", "colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager")
NOT_OWNER = ("colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager", "academy")


def _batch(status: str):
    def setup(cast):
        row = {
            "row": 2,
            "name": "学术报告会",
            "start_date": "2025-03-01",
            "end_date": "2025-03-01",
            "seconds": 8 * 3600,
            "content": "",
            "place": "",
            "organiser": "",
            "form": "conference",
            "assessment": "none",
            "off_job": False,
        }
        error = {"row": 3, "key": "hours", "column": "学时", "letter": "G", "message": "学时必须大于零"}
        return UploadBatch.objects.create(
            owner=cast.employee,
            employee=cast.employee.employee,
            category=Category.EXTERNAL_TRAINING,
            filename="records.xlsx",
            status=status,
            rows=[row],
            errors=[error] if status == UploadStatus.INVALID else [],
            error_workbook=b"PK\x03\x04 marked workbook" if status == UploadStatus.INVALID else None,
        )

    return setup


def _tab(cast, objects):
    return {"category": Category.EXTERNAL_TRAINING}


def _batch_id(cast, batch):
    return {"batch_id": batch.pk}


register("ledger:upload_template", Access(ok=EMPLOYEES, not_found=("academy",), kwargs=_tab))
register("ledger:upload", Access(ok=EMPLOYEES, not_found=("academy",), kwargs=_tab, wrong_method="PUT"))
register(
    "ledger:upload_detail",
    Access(ok=("employee",), not_found=NOT_OWNER, setup=_batch(UploadStatus.READY), kwargs=_batch_id),
)
register(
    "ledger:upload_errors",
    Access(ok=("employee",), not_found=NOT_OWNER, setup=_batch(UploadStatus.INVALID), kwargs=_batch_id),
)
register(
    "ledger:upload_confirm",
    Access(
        method="POST",
        ok=("employee",),
        ok_status=(302,),
        not_found=NOT_OWNER,
        setup=_batch(UploadStatus.READY),
        kwargs=_batch_id,
        effect=lambda cast, batch: UploadBatch.objects.filter(
            pk=batch.pk, status=UploadStatus.COMMITTED
        ).exists(),
    ),
)
