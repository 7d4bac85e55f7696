"""Review decisions (第九条二, FAQ Q5, DOMAIN.md Review decisions): who may decide what, reasons, versions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hourbook.audit.models import AuditEntry
from hourbook.ledger.choices import Category, Source, Status
from hourbook.ledger.models import Record, RecordTransition
from hourbook.ledger.services import MSG_NOT_EDITABLE, RecordData, record_update
from hourbook.notifications.models import Notification
from hourbook.review import services
from hourbook.review.services import (
    MSG_BULK_FORBIDDEN,
    MSG_CHANGED,
    MSG_NOT_REVIEWABLE,
    MSG_OWN_RECORD,
    MSG_REASON_REQUIRED,
    ReviewConflict,
    record_approve,
    record_reject,
    record_revoke,
    records_approve_bulk,
    records_reject_bulk,
)

pytestmark = pytest.mark.django_db


def _data(record: Record, **changes) -> RecordData:
    fields = {
        "category": record.category,
        "form": record.form,
        "name": record.name,
        "start_date": record.start_date,
        "end_date": record.end_date,
        "seconds": record.seconds,
    }
    fields.update(changes)
    return RecordData(**fields)


def _decisions(record: Record) -> list[RecordTransition]:
    return list(record.transitions.filter(action__in=["approve", "reject", "revoke"]))


def test_approve_writes_transition_audit_and_notification(cast, make_record):
    record = make_record()
    record_approve(actor=cast.hr, record_id=record.pk, version=record.version)
    record.refresh_from_db()
    assert record.status == Status.APPROVED
    [transition] = _decisions(record)
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "pending",
        "approved",
        cast.hr,
    )
    assert transition.record_version == record.version
    assert AuditEntry.objects.filter(
        action="record.approve", object_id=str(record.pk), actor=cast.hr
    ).exists()
    [note] = Notification.objects.filter(recipient=cast.employee)
    assert record.name in note.title and "已通过" in note.title


@pytest.mark.parametrize(
    "reason",
    [
        "",
        "   ",
        "\u3000\u3000",
        "\n\t ",
        # Issue 8, item 11: only invisible characters showed as a blank reason.
        "\u200b\u200b\u200b",
        "\u200b \u200c\u200d\u2060\ufeff\u3000",
    ],
)
def test_reject_needs_a_reason_not_only_spaces(cast, make_record, reason):
    """第九条二 / DOMAIN.md: 未通过 needs a reason; empty, only spaces (full-width included) or only invisible
    characters (zero-width spaces…) is refused."""
    record = make_record()
    with pytest.raises(ValidationError) as info:
        record_reject(actor=cast.hr, record_id=record.pk, version=record.version, reason=reason)
    assert str(MSG_REASON_REQUIRED) in info.value.messages
    record.refresh_from_db()
    assert record.status == Status.PENDING
    assert not _decisions(record)
    assert not Notification.objects.exists()


def test_reject_tells_the_employee_the_reason(cast, make_record):
    record = make_record()
    record_reject(actor=cast.hr, record_id=record.pk, version=record.version, reason="  缺少结业证书  ")
    record.refresh_from_db()
    assert record.status == Status.REJECTED
    assert _decisions(record)[0].reason == "缺少结业证书"
    [note] = Notification.objects.filter(recipient=cast.employee)
    assert "未通过" in note.title
    assert "理由：缺少结业证书" in note.body
    assert note.read_at is None


def test_approved_record_is_locked_for_the_employee(cast, make_record):
    """FAQ Q5: an approved record is locked for the employee."""
    record = make_record()
    record_approve(actor=cast.hr, record_id=record.pk, version=record.version)
    with pytest.raises(PermissionDenied) as info:
        record_update(actor=cast.employee, record=record, data=_data(record, name="改名"))
    assert str(info.value) == str(MSG_NOT_EDITABLE)


def test_revoke_sets_rejected_then_employee_edit_resubmits(cast, make_record):
    """DOMAIN.md decision: revoking sets 未通过; the employee may then edit, which sends it back to 待审核."""
    record = make_record()
    record_approve(actor=cast.hr, record_id=record.pk, version=record.version)
    with pytest.raises(ValidationError):
        record_revoke(actor=cast.hr, record_id=record.pk, version=record.version, reason=" ")
    record_revoke(actor=cast.hr, record_id=record.pk, version=record.version, reason="证书与名称不符")
    record.refresh_from_db()
    assert record.status == Status.REJECTED
    assert _decisions(record)[-1].action == "revoke"
    assert "撤销" in Notification.objects.filter(recipient=cast.employee).first().title
    edited = record_update(actor=cast.employee, record=record, data=_data(record, name="更正后的名称"))
    assert edited.status == Status.PENDING
    assert edited.version == record.version + 1
    # And it can be reviewed again, at its new version.
    record_approve(actor=cast.parent_hr, record_id=record.pk, version=edited.version)
    record.refresh_from_db()
    assert record.status == Status.APPROVED


def test_revoke_only_approved_records(cast, make_record):
    record = make_record()
    with pytest.raises(ReviewConflict):
        record_revoke(actor=cast.hr, record_id=record.pk, version=record.version, reason="理由")


def test_own_record_is_not_decidable(cast, make_record):
    """DOMAIN.md decision: nobody reviews their own records; another HR, a parent unit's HR or the academy do."""
    own = make_record(employee=cast.hr.employee)
    with pytest.raises(PermissionDenied) as info:
        record_approve(actor=cast.hr, record_id=own.pk, version=own.version)
    assert str(info.value) == str(MSG_OWN_RECORD)
    with pytest.raises(PermissionDenied):
        records_approve_bulk(actor=cast.hr, versions={own.pk: own.version})
    own.refresh_from_db()
    assert own.status == Status.PENDING
    record_approve(actor=cast.parent_hr, record_id=own.pk, version=own.version)
    own.refresh_from_db()
    assert own.status == Status.APPROVED


def test_parent_unit_hr_and_academy_decide_sub_unit_records(cast, make_record):
    in_dept = make_record(employee=cast.colleague.employee)  # 人力资源处, under 物理研究所
    record_approve(actor=cast.parent_hr, record_id=in_dept.pk, version=in_dept.version)
    other = make_record(employee=cast.outsider.employee)
    record_reject(actor=cast.academy, record_id=other.pk, version=other.version, reason="重复")
    assert Record.objects.get(pk=in_dept.pk).status == Status.APPROVED
    assert Record.objects.get(pk=other.pk).status == Status.REJECTED


def test_other_unit_hr_cannot_decide(cast, make_record):
    record = make_record()
    with pytest.raises(PermissionDenied):
        record_approve(actor=cast.sibling_hr, record_id=record.pk, version=record.version)
    assert Record.objects.get(pk=record.pk).status == Status.PENDING


@pytest.mark.parametrize("source", [Source.PROGRAMME, Source.PLATFORM])
def test_programme_and_platform_records_are_not_reviewed(cast, make_record, source):
    """DOMAIN.md decision: programme and platform records are corrected at their source."""
    record = make_record(
        source=source, source_key=f"{source}:1", status=Status.APPROVED, category=Category.IN_HOUSE
    )
    with pytest.raises(PermissionDenied) as info:
        record_revoke(actor=cast.hr, record_id=record.pk, version=record.version, reason="理由")
    assert str(info.value) == str(MSG_NOT_REVIEWABLE)


def test_employee_edit_between_view_and_decision_refuses_the_decision(cast, make_record):
    """The review applies to what the reviewer saw, or is refused (issue 3, item 2)."""
    record = make_record()
    seen = record.version
    record_update(actor=cast.employee, record=record, data=_data(record, seconds=4 * 3600))
    with pytest.raises(ReviewConflict) as info:
        record_approve(actor=cast.hr, record_id=record.pk, version=seen)
    assert info.value.message == str(MSG_CHANGED)
    record.refresh_from_db()
    assert record.status == Status.PENDING and not _decisions(record)


def test_second_decision_is_refused(cast, make_record):
    record = make_record()
    record_approve(actor=cast.hr, record_id=record.pk, version=record.version)
    with pytest.raises(ReviewConflict):
        record_reject(actor=cast.parent_hr, record_id=record.pk, version=record.version, reason="迟到的决定")
    assert [t.action for t in _decisions(record)] == ["approve"]
    assert Notification.objects.count() == 1


def test_deleted_record_cannot_be_decided(cast, make_record):
    record = make_record()
    Record.objects.filter(pk=record.pk).update(deleted_at=dt.datetime.now(dt.UTC))
    with pytest.raises(ReviewConflict):
        record_approve(actor=cast.hr, record_id=record.pk, version=record.version)


def test_bulk_forged_id_refuses_everything(cast, make_record):
    mine = [make_record() for _ in range(3)]
    foreign = make_record(employee=cast.outsider.employee)  # 化学研究所
    versions = {r.pk: r.version for r in [*mine, foreign]}
    with pytest.raises(PermissionDenied) as info:
        records_approve_bulk(actor=cast.hr, versions=versions)
    assert str(info.value) == str(MSG_BULK_FORBIDDEN)
    with pytest.raises(PermissionDenied):
        records_reject_bulk(actor=cast.hr, versions=versions, reason="不符合")
    with pytest.raises(PermissionDenied):
        records_approve_bulk(actor=cast.hr, versions={999999: 1})
    assert set(Record.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert not RecordTransition.objects.filter(action__in=["approve", "reject"]).exists()
    assert not Notification.objects.exists()


def test_bulk_skips_records_changed_meanwhile(cast, make_record):
    records = [make_record() for _ in range(4)]
    versions = {r.pk: r.version for r in records}
    record_reject(actor=cast.parent_hr, record_id=records[0].pk, version=records[0].version, reason="先处理")
    record_update(actor=cast.employee, record=records[1], data=_data(records[1], name="员工改了"))
    result = records_approve_bulk(actor=cast.hr, versions=versions)
    assert sorted(result.decided) == sorted(r.pk for r in records[2:])
    assert sorted(result.changed) == sorted(r.pk for r in records[:2])
    assert Record.objects.get(pk=records[0].pk).status == Status.REJECTED
    assert Record.objects.get(pk=records[1].pk).status == Status.PENDING


def test_bulk_reject_needs_a_reason(cast, make_record):
    record = make_record()
    with pytest.raises(ValidationError):
        records_reject_bulk(actor=cast.hr, versions={record.pk: record.version}, reason=" \u3000")
    result = records_reject_bulk(actor=cast.hr, versions={record.pk: record.version}, reason="材料缺失")
    assert result.decided == [record.pk]
    assert "理由：材料缺失" in Notification.objects.get(recipient=cast.employee).body


def test_bulk_approve_unflagged_leaves_flagged_records(cast, make_record):
    """批量通过无标记记录: flagged records (here: not whole half days, 第十条; no evidence) stay pending."""
    year = dt.date.today().year
    clean = make_record(start_date=dt.date(year, 3, 2))
    clean.evidence.create(file="x.png", original_name="x.png", content_type="image/png", size=1)
    odd = make_record(start_date=dt.date(year, 3, 4), seconds=3 * 3600)  # training bucket, not 4 × n 学时
    odd.evidence.create(file="y.png", original_name="y.png", content_type="image/png", size=1)
    no_evidence = make_record(start_date=dt.date(year, 3, 6))
    result = records_approve_bulk(
        actor=cast.hr,
        versions={r.pk: r.version for r in (clean, odd, no_evidence)},
        only_unflagged=True,
    )
    assert result.decided == [clean.pk]
    assert sorted(result.flagged) == sorted([odd.pk, no_evidence.pk])
    assert Record.objects.get(pk=odd.pk).status == Status.PENDING


def test_empty_selection_is_refused(cast):
    with pytest.raises(ValidationError):
        records_approve_bulk(actor=cast.hr, versions={})


def test_reason_is_kept_without_its_invisible_ends(cast, make_record):
    record = make_record()
    record_reject(actor=cast.hr, record_id=record.pk, version=record.version, reason="\u200b材料不全\ufeff ")
    assert record.transitions.get(action="reject").reason == "材料不全"


def test_reason_maximum_is_the_models(cast):
    """Issue 8, item 10: reasons are at most 500 characters, in the service and in the database's column."""
    from hourbook.ledger.models import RecordTransition

    assert services.REASON_MAX == RecordTransition._meta.get_field("reason").max_length == 500


def test_reason_length_is_bounded(cast, make_record):
    record = make_record()
    with pytest.raises(ValidationError):
        record_reject(
            actor=cast.hr,
            record_id=record.pk,
            version=record.version,
            reason="长" * (services.REASON_MAX + 1),
        )
