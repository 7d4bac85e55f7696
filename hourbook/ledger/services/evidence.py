"""证明材料 writes: attaching and removing evidence files of the owner's editable record."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Evidence, Record
from ..validation import EVIDENCE_MAX_PER_RECORD, MSG_EVIDENCE_COUNT
from .records import owned_editable


def evidence_add(*, actor, record: Record, uploads: list[tuple]) -> list[Evidence]:
    """Attach checked files ((upload, (content type, extension)) pairs) to the owner's editable record.

    The record row is locked so two uploads at once cannot pass the limit of 5 together. A stored file
    whose row is rolled back is removed again.
    """
    if not uploads:
        return []
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            locked = Record.objects.select_for_update().get(pk=record.pk)
            owned_editable(actor, locked)
            room = EVIDENCE_MAX_PER_RECORD - locked.evidence.count()
            if len(uploads) > room:
                raise ValidationError(
                    MSG_EVIDENCE_COUNT % {"max": EVIDENCE_MAX_PER_RECORD, "room": max(room, 0)}
                )
            for upload, (content_type, extension) in uploads:
                evidence = Evidence(
                    record=locked,
                    original_name=(upload.name or "file")[-255:],
                    content_type=content_type,
                    size=upload.size,
                    uploaded_by=actor,
                )
                upload.seek(0)
                evidence.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
                stored.append(evidence)
                evidence.save()
    except Exception:
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return stored


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    """The owner removes a file while the record is editable; the stored bytes go once the row is gone."""
    record = Record.objects.select_for_update().get(pk=evidence.record_id)
    owned_editable(actor, record)
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
