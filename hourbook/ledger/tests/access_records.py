"""Access matrix of 我的外部学习: the tabs, a record's pages and its evidence files.

A record belongs to cast.employee (物理研究所). Its owner, the unit's HR, the parent unit's HR and the academy
admin may see it; the colleague, the outsider, the sibling unit's HR and the programme manager get 404.
Only the owner may change it: HR and the academy admin get 403.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from hourbook.common.dates import today
from hourbook.ledger.choices import Status
from hourbook.ledger.models import Evidence, Record
from hourbook.testing.access import Access, register
from hourbook.testing.factories import RecordFactory

EMPLOYEES = ("employee", "colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager")
SEERS = ("employee", "hr", "parent_hr", "academy")
STRANGERS = ("colleague", "outsider", "sibling_hr", "manager")
ADMINS = ("hr", "parent_hr", "academy")

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pending_record(cast):
    return RecordFactory(employee=cast.employee.employee, status=Status.PENDING)


def record_with_evidence(cast):
    record = pending_record(cast)
    evidence = Evidence(
        record=record, original_name="证书.pdf", content_type="application/pdf", size=len(PDF)
    )
    evidence.file.save("access-matrix.pdf", ContentFile(PDF), save=True)
    return evidence


def _deleted(cast, record) -> bool:
    return Record.objects.filter(pk=record.pk, deleted_at__isnull=False).exists()


def record_pk(cast, record):
    return {"pk": record.pk}


def tab(cast, objects):
    return {"category": "external_training"}


register("ledger:records", Access(ok=EMPLOYEES, not_found=("academy",), kwargs=tab))


def _record_data(name: str):
    def data(cast, objects):
        day = (today() - dt.timedelta(days=3)).isoformat()
        return {
            "name": name,
            "form": "conference",
            "start_date": day,
            "end_date": day,
            "hours": "8",
            "assessment": "none",
        }

    return data


register(
    "ledger:record_create",
    Access(
        ok=EMPLOYEES,
        not_found=("academy",),
        kwargs=tab,
        wrong_method="PUT",
        post=Access(
            method="POST",
            ok=EMPLOYEES,
            ok_status=(302,),
            not_found=("academy",),
            kwargs=tab,
            data=_record_data("矩阵登记的会议"),
            effect=lambda cast, objects: Record.objects.filter(name="矩阵登记的会议").exists(),
        ),
    ),
)
register(
    "ledger:record_detail",
    Access(ok=SEERS, not_found=STRANGERS, setup=pending_record, kwargs=record_pk),
)
register(
    "ledger:record_edit",
    Access(
        ok=("employee",),
        forbidden=ADMINS,
        not_found=STRANGERS,
        setup=pending_record,
        kwargs=record_pk,
        wrong_method="PUT",
        post=Access(
            method="POST",
            ok=("employee",),
            ok_status=(302,),
            forbidden=ADMINS,
            not_found=STRANGERS,
            setup=pending_record,
            kwargs=record_pk,
            data=_record_data("矩阵改过的名称"),
            effect=lambda cast, record: Record.objects.filter(pk=record.pk, name="矩阵改过的名称").exists(),
        ),
    ),
)
register(
    "ledger:record_delete",
    Access(
        method="POST",
        ok=("employee",),
        ok_status=(302,),
        forbidden=ADMINS,
        not_found=STRANGERS,
        setup=pending_record,
        kwargs=record_pk,
        effect=_deleted,
    ),
)
register(
    "ledger:records_batch_delete",
    Access(
        method="POST",
        ok=("employee",),
        ok_status=(302,),
        # A request naming any record not one's own is refused whole (DOMAIN.md, Batch upload).
        forbidden=("colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager", "academy"),
        setup=pending_record,
        data=lambda cast, record: {"ids": [record.pk], "category": "external_training"},
        effect=_deleted,
    ),
)
register(
    "ledger:evidence_upload",
    Access(
        method="POST",
        ok=("employee",),
        ok_status=(302,),
        forbidden=ADMINS,
        not_found=STRANGERS,
        setup=pending_record,
        kwargs=record_pk,
        data=lambda cast, record: {
            "evidence": SimpleUploadedFile("证书.pdf", PDF, content_type="application/pdf")
        },
        effect=lambda cast, record: record.evidence.exists(),
    ),
)
register(
    "ledger:evidence_download",
    Access(
        ok=SEERS,
        not_found=STRANGERS,
        setup=record_with_evidence,
        kwargs=lambda cast, evidence: {"pk": evidence.pk},
    ),
)
register(
    "ledger:evidence_delete",
    Access(
        method="POST",
        ok=("employee",),
        ok_status=(302,),
        forbidden=ADMINS,
        not_found=STRANGERS,
        setup=record_with_evidence,
        kwargs=lambda cast, evidence: {"pk": evidence.pk},
        effect=lambda cast, evidence: not Evidence.objects.filter(pk=evidence.pk).exists(),
    ),
)
