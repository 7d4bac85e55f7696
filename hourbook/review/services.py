"""Review decisions (第九条二, FAQ Q5): 通过, 不通过 with a reason, and revoking an approval.

Contracts:
- Only employee-registered records in the reviewer's unit trees are decided; programme and platform records
  are corrected at their source. Nobody decides their own records (DOMAIN.md, Review decisions).
- A decision applies to what the reviewer saw: the request carries the record's `version`, the row is locked
  (`select_for_update`), and if its version or status changed meanwhile (another admin decided, or the
  employee edited it) the decision is refused and nothing changes. So exactly one decision stands.
- Bulk actions lock all their rows first, in primary-key order, then change them in (employee, year) order,
  the order of the year-summary locks `record_set_status` takes (no deadlock between reviewers or with an
  employee's edit). They refuse the whole request if any id is not the reviewer's to decide, and skip (and
  report) the records that changed meanwhile.
- The state change goes through `ledger.services.record_set_status` (transition + audit entry); the employee
  is told of each decision, with the reason (通知消息).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from hourbook.common.hours import format_hours
from hourbook.common.text import clean_text
from hourbook.ledger.choices import Source, Status
from hourbook.ledger.models import Record
from hourbook.ledger.services import record_set_status, records_set_status_bulk
from hourbook.notifications.services import Message, notifications_send_bulk

from .flags import preflight_flags
from .selectors import in_review_scope, is_own_record

MSG_CHANGED = _("该记录已被他人处理/已被修改，请刷新后重新审核")
MSG_REASON_REQUIRED = _("请填写理由")
MSG_REASON_TOO_LONG = _("理由不能超过 %(max)s 个字")
MSG_OWN_RECORD = _("不能审核本人的记录：请由本单位其他人事管理员、上级单位人事管理员或院人事局审核")
MSG_NOT_REVIEWABLE = _("只有个人登记的记录需要审核；院内培训项目和平台学习记录请在其来源处更正")
MSG_NOT_IN_SCOPE = _("该记录不在您管理的单位范围内")
MSG_BULK_FORBIDDEN = _(
    "所选记录中有您无权审核的记录（本人记录、非个人登记或不在管理范围内），本次未处理任何记录"
)
MSG_NOTHING_SELECTED = _("请先选择要审核的记录")

REASON_MAX = 500

APPROVE = "approve"
REJECT = "reject"
REVOKE = "revoke"


class ReviewConflict(Exception):
    """The record changed since the reviewer saw it; nothing was decided."""

    def __init__(self, message=MSG_CHANGED):
        super().__init__(str(message))
        self.message = str(message)


@dataclass
class BulkResult:
    """What a bulk action did: decided ids, ids skipped because they changed, ids left for their flags."""

    decided: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)


def clean_reason(reason: str | None) -> str:
    """A reason is required: empty, or only spaces (full-width ones included) or invisible characters
    (zero-width spaces…, `common.text.clean_text`), is refused."""
    text = clean_text(reason)
    if not text:
        raise ValidationError({"reason": MSG_REASON_REQUIRED})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": MSG_REASON_TOO_LONG % {"max": REASON_MAX}})
    return text


def check_decidable(actor, record: Record) -> None:
    """Refuse what the actor may not decide: outside their units, not employee-registered, their own.

    The per-record twin of `selectors.reviewable_records` (a test keeps them equal), saying which rule
    refused; the views look records up in `reviewable_records`, so this is what an API or task meets.
    """
    if not in_review_scope(actor, record):
        raise PermissionDenied(MSG_NOT_IN_SCOPE)
    if record.source != Source.EMPLOYEE:
        raise PermissionDenied(MSG_NOT_REVIEWABLE)
    if is_own_record(actor, record):
        raise PermissionDenied(MSG_OWN_RECORD)


def _locked(record_ids) -> list[Record]:
    """Lock the records (only their own rows, in primary-key order) and read them fresh."""
    return list(
        Record.objects.select_for_update(of=("self",))
        .select_related("unit", "employee")
        .filter(pk__in=record_ids)
        .order_by("pk")
    )


def _is_current(record: Record, *, version: int, expected: str) -> bool:
    return record.deleted_at is None and record.version == version and record.status == expected


def _lock_one(actor, record_id: int, version: int, expected: str) -> Record:
    records = _locked([record_id])
    if not records:
        raise ReviewConflict()
    record = records[0]
    check_decidable(actor, record)
    if not _is_current(record, version=version, expected=expected):
        raise ReviewConflict()
    return record


@transaction.atomic
def record_approve(*, actor, record_id: int, version: int) -> Record:
    """通过 a pending record at the version the reviewer saw."""
    record = _lock_one(actor, record_id, version, Status.PENDING)
    record_set_status(actor=actor, record=record, to=Status.APPROVED, action=APPROVE)
    _notify([record], APPROVE)
    return record


@transaction.atomic
def record_reject(*, actor, record_id: int, version: int, reason: str) -> Record:
    """不通过 a pending record, with a reason (required), at the version the reviewer saw."""
    reason = clean_reason(reason)
    record = _lock_one(actor, record_id, version, Status.PENDING)
    record_set_status(actor=actor, record=record, to=Status.REJECTED, action=REJECT, reason=reason)
    _notify([record], REJECT, reason)
    return record


@transaction.atomic
def record_revoke(*, actor, record_id: int, version: int, reason: str) -> Record:
    """撤销通过: an approved record becomes 未通过 (DOMAIN.md decision); the employee may then edit it."""
    reason = clean_reason(reason)
    record = _lock_one(actor, record_id, version, Status.APPROVED)
    record_set_status(actor=actor, record=record, to=Status.REJECTED, action=REVOKE, reason=reason)
    _notify([record], REVOKE, reason)
    return record


def _summary_order(record: Record) -> tuple[int, int, int]:
    """Decide in (employee, year) order: `record_set_status` locks the person's year summary rows, and every
    writer takes those in ascending key order after its record locks (ledger.summary), so no deadlock."""
    return (record.employee_id, record.year, record.pk)


def _lock_many(actor, versions: dict[int, int]) -> list[Record]:
    if not versions:
        raise ValidationError(MSG_NOTHING_SELECTED)
    records = _locked(sorted(versions))
    if len(records) != len(versions):
        raise PermissionDenied(MSG_BULK_FORBIDDEN)
    for record in records:
        try:
            check_decidable(actor, record)
        except PermissionDenied:
            raise PermissionDenied(MSG_BULK_FORBIDDEN) from None
    return records


@transaction.atomic
def records_approve_bulk(*, actor, versions: dict[int, int], only_unflagged: bool = False) -> BulkResult:
    """通过 the selected pending records ({pk: version seen}).

    With `only_unflagged` (批量通过无标记记录), records with any pre-flight flag are left for individual
    attention; the flags are computed afresh on the locked rows, never taken from the request.
    """
    records = _lock_many(actor, versions)
    result = BulkResult()
    current = []
    for record in records:
        if _is_current(record, version=versions[record.pk], expected=Status.PENDING):
            current.append(record)
        else:
            result.changed.append(record.pk)
    if only_unflagged and current:
        flags = preflight_flags(current)
        result.flagged = [r.pk for r in current if flags[r.pk]]
        current = [r for r in current if not flags[r.pk]]
    current = sorted(current, key=_summary_order)
    records_set_status_bulk(actor=actor, records=current, to=Status.APPROVED, action=APPROVE)
    result.decided.extend(r.pk for r in current)
    _notify(current, APPROVE)
    return result


@transaction.atomic
def records_reject_bulk(*, actor, versions: dict[int, int], reason: str) -> BulkResult:
    """不通过 the selected pending records ({pk: version seen}), all with the same reason (required)."""
    reason = clean_reason(reason)
    records = _lock_many(actor, versions)
    result = BulkResult()
    current = []
    for record in records:
        if _is_current(record, version=versions[record.pk], expected=Status.PENDING):
            current.append(record)
        else:
            result.changed.append(record.pk)
    current = sorted(current, key=_summary_order)
    records_set_status_bulk(actor=actor, records=current, to=Status.REJECTED, action=REJECT, reason=reason)
    result.decided.extend(r.pk for r in current)
    _notify(current, REJECT, reason)
    return result


def _record_link(record: Record) -> str:
    """Where the employee reads (and, if rejected, edits) the record; the home page as a last resort."""
    for name, args in (("ledger:record_detail", [record.pk]), ("ledger:home", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def _notify(records: list[Record], decision: str, reason: str = "") -> None:
    """Tell each employee of the decision, with the reason (通知消息); one insert for the lot."""
    if not records:
        return
    accounts = {
        user.employee_id: user
        for user in get_user_model().objects.filter(employee_id__in={r.employee_id for r in records})
    }
    messages = []
    for record in records:
        facts = {
            "name": record.name,
            "start": f"{record.start_date:%Y-%m-%d}",
            "end": f"{record.end_date:%Y-%m-%d}",
            "hours": format_hours(record.seconds),
            "reason": reason,
        }
        if decision == APPROVE:
            title = _t("学时记录已通过审核：%(name)s") % facts
            body = (
                _t("您登记的“%(name)s”（%(start)s～%(end)s，%(hours)s 学时）已通过审核，计入学时。") % facts
            )
        elif decision == REJECT:
            title = _t("学时记录未通过审核：%(name)s") % facts
            body = (
                _t(
                    "您登记的“%(name)s”（%(start)s～%(end)s，%(hours)s 学时）未通过审核。\n理由：%(reason)s\n"
                    "您可以修改后重新提交，修改后记录回到待审核。"
                )
                % facts
            )
        else:
            title = _t("学时记录的审核通过已撤销：%(name)s") % facts
            body = (
                _t(
                    "您登记的“%(name)s”（%(start)s～%(end)s，%(hours)s 学时）的审核通过已被撤销，"
                    "记录改为未通过。\n理由：%(reason)s\n您可以修改后重新提交。"
                )
                % facts
            )
        messages.append(
            Message(
                recipient=accounts.get(record.employee_id), title=title, body=body, link=_record_link(record)
            )
        )
    notifications_send_bulk(messages=messages)
