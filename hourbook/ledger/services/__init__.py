"""Writes to the ledger: one function per intention. Views, uploads, the API and sources all call these.

Every write validates with `ledger.validation` (the same messages everywhere), runs in a transaction,
keeps the transition history and the year summary, and respects the natural key (ten identical submits
make one record). Split by subdomain: employee records, source records, evidence.
"""

from .evidence import evidence_add, evidence_remove
from .records import (
    MSG_BATCH_FOREIGN,
    MSG_CATEGORY_NOT_EMPLOYEE,
    MSG_NO_EMPLOYEE,
    MSG_NOT_EDITABLE,
    RecordData,
    overlapping_records,
    owned_editable,
    record_delete,
    record_set_status,
    record_submit,
    record_update,
    records_batch_delete,
    records_bulk_create,
    records_move_year_to_unit,
    records_set_status_bulk,
)
from .sources import SOURCE_FIELDS, SourceRecord, source_records_sync

__all__ = [
    "MSG_BATCH_FOREIGN",
    "MSG_CATEGORY_NOT_EMPLOYEE",
    "MSG_NOT_EDITABLE",
    "MSG_NO_EMPLOYEE",
    "SOURCE_FIELDS",
    "RecordData",
    "SourceRecord",
    "evidence_add",
    "evidence_remove",
    "overlapping_records",
    "owned_editable",
    "record_delete",
    "record_set_status",
    "record_submit",
    "record_update",
    "records_batch_delete",
    "records_bulk_create",
    "records_move_year_to_unit",
    "records_set_status_bulk",
    "source_records_sync",
]
