"""Writing the audit trail; every service that changes something a reviewer or the academy cares about calls it."""

from typing import Any

from .models import AuditEntry


def audit_log(
    *,
    actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    unit=None,
    summary: str = "",
    data: dict | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        unit=unit,
        summary=str(summary)[:255],
        data=data or {},
    )
