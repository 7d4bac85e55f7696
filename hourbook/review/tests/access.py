"""Access matrix of the review screens: HR of the record's unit trees and the academy get through; the HR of
another unit gets 404 for a record (403 for a forged id in a bulk request); every other role gets 403."""

from django.core.files.base import ContentFile

from hourbook.ledger.choices import Status
from hourbook.ledger.models import Evidence, Record
from hourbook.testing.access import Access, register
from hourbook.testing.factories import RecordFactory

REVIEWERS = ("hr", "parent_hr", "academy")
ALL_HR = ("hr", "parent_hr", "sibling_hr", "academy")
NOT_HR = ("employee", "colleague", "outsider", "manager")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _pending(cast):
    return RecordFactory(employee=cast.employee.employee, status=Status.PENDING)


def _approved(cast):
    return RecordFactory(employee=cast.employee.employee, status=Status.APPROVED)


def _evidence(cast):
    record = _pending(cast)
    return Evidence.objects.create(
        record=record,
        file=ContentFile(PNG, name="cert.png"),
        original_name="证书.png",
        content_type="image/png",
        size=len(PNG),
    )


def _pk(cast, obj):
    return {"pk": obj.pk}


register("review:queue", Access(ok=ALL_HR, forbidden=NOT_HR))
register("review:pending_count", Access(ok=ALL_HR, forbidden=NOT_HR))
register(
    "review:record",
    Access(ok=REVIEWERS, not_found=("sibling_hr",), forbidden=NOT_HR, setup=_pending, kwargs=_pk),
)
register(
    "review:evidence",
    Access(ok=REVIEWERS, not_found=("sibling_hr",), forbidden=NOT_HR, setup=_evidence, kwargs=_pk),
)


def _now(status: str):
    def effect(cast, record) -> bool:
        return Record.objects.filter(pk=record.pk, status=status).exists()

    return effect


for name, setup, data, effect in (
    ("review:approve", _pending, lambda cast, r: {"version": r.version}, _now(Status.APPROVED)),
    (
        "review:reject",
        _pending,
        lambda cast, r: {"version": r.version, "reason": "证明材料不清晰"},
        _now(Status.REJECTED),
    ),
    (
        "review:revoke",
        _approved,
        lambda cast, r: {"version": r.version, "reason": "重复登记"},
        _now(Status.REJECTED),
    ),
):
    register(
        name,
        Access(
            method="POST",
            ok=REVIEWERS,
            ok_status=(302,),
            not_found=("sibling_hr",),
            forbidden=NOT_HR,
            setup=setup,
            kwargs=_pk,
            data=data,
            effect=effect,
        ),
    )
register(
    "review:bulk",
    Access(
        method="POST",
        ok=REVIEWERS,
        ok_status=(302,),
        # A record of another unit named in the selection refuses the whole request.
        forbidden=(*NOT_HR, "sibling_hr"),
        setup=_pending,
        data=lambda cast, r: {"action": "approve", "ids": [f"{r.pk}:{r.version}"]},
        effect=_now(Status.APPROVED),
    ),
)
