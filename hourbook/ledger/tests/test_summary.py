"""YearSummary equals the records after every ledger write (issue 5: the summary the reports read)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from hourbook.ledger import services, summary
from hourbook.ledger.choices import Category, Form, Source, Status
from hourbook.ledger.models import Record, YearSummary
from hourbook.ledger.services import RecordData, SourceRecord

H = 3600


def clean():
    stats = summary.check()
    return stats["wrong"] == 0


def data(name="会议", seconds=8 * H, end=dt.date(2026, 3, 1), category=Category.EXTERNAL_TRAINING):
    return RecordData(
        category=category, form=Form.CONFERENCE, name=name, start_date=end, end_date=end, seconds=seconds
    )


@pytest.mark.django_db
def test_every_service_keeps_the_summary_equal(cast):
    emp = cast.employee.employee
    r1, _ = services.record_submit(actor=cast.employee, employee=emp, data=data())
    assert clean()
    row = YearSummary.objects.get(employee=emp, year=2026, category=Category.EXTERNAL_TRAINING)
    assert (row.pending_count, row.pending_seconds, row.approved_count) == (1, 8 * H, 0)
    services.record_set_status(actor=cast.hr, record=r1, to=Status.APPROVED, action="approve")
    row.refresh_from_db()
    assert (row.pending_count, row.approved_count, row.credited_seconds) == (0, 1, 8 * H)
    r2, _ = services.record_submit(
        actor=cast.employee, employee=emp, data=data("读书", 4 * H, category=Category.SELF_STUDY)
    )
    services.record_set_status(actor=cast.hr, record=r2, to=Status.REJECTED, action="reject", reason="x")
    services.record_update(
        actor=cast.employee,
        record=r2,
        data=data("读书", 4 * H, end=dt.date(2025, 12, 1), category=Category.SELF_STUDY),
    )
    assert clean()
    assert (
        YearSummary.objects.get(employee=emp, year=2025, category=Category.SELF_STUDY).pending_seconds
        == 4 * H
    )
    assert YearSummary.objects.get(employee=emp, year=2026, category=Category.SELF_STUDY).pending_seconds == 0
    services.record_delete(actor=cast.employee, record=r2)
    r3, _ = services.record_submit(
        actor=cast.employee, employee=emp, data=data("再来", 8 * H, end=dt.date(2026, 3, 5))
    )
    services.records_batch_delete(actor=cast.employee, record_ids=[r3.pk])
    services.records_bulk_create(
        actor=cast.employee, employee=emp, items=[data(f"批量{i}") for i in range(5)]
    )
    item = SourceRecord(
        source_key="programme:9:trainee:1",
        employee_id=emp.pk,
        category=Category.IN_HOUSE,
        form=Form.SPECIAL_COURSE,
        name="班",
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 4, 1),
        seconds=8 * H,
    )
    services.source_records_sync(
        actor=cast.manager, source=Source.PROGRAMME, key_prefix="programme:9:", items=[item]
    )
    services.source_records_sync(
        actor=cast.manager, source=Source.PROGRAMME, key_prefix="programme:9:", items=[]
    )
    assert clean()


@pytest.mark.django_db
def test_check_finds_and_repairs_a_drift(cast):
    emp = cast.employee.employee
    record, _ = services.record_submit(actor=cast.employee, employee=emp, data=data())
    Record.objects.filter(pk=record.pk).update(seconds=4 * H)  # a write that bypassed the services
    stats = summary.check()
    assert stats["wrong"] == 1
    out = StringIO()
    call_command("summary_check", "--repair", stdout=out)
    assert "repaired" in out.getvalue()
    assert summary.check()["wrong"] == 0
    assert (
        YearSummary.objects.get(employee=emp, year=2026, category=Category.EXTERNAL_TRAINING).pending_seconds
        == 4 * H
    )


@pytest.mark.django_db
def test_rebuild_after_bulk_load(cast):
    emp = cast.employee.employee
    Record.objects.bulk_create(
        [
            Record(
                employee=emp,
                unit=emp.unit,
                year=2026,
                category=Category.SELF_STUDY,
                form=Form.SELF_STUDY,
                name=f"书{i}",
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2026, 1, 1),
                seconds=H,
                status=Status.APPROVED,
            )
            for i in range(3)
        ]
    )
    assert summary.check()["wrong"] > 0
    summary.rebuild()
    assert summary.check()["wrong"] == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_and_edits_keep_the_summary_and_never_deadlock(cast):
    """Reviewers approving in bulk while the owners edit: no deadlock, and the summary equals the records."""
    import random
    import threading

    from django.db import connection, transaction

    people = [cast.employee, cast.colleague]
    records = []
    for user in people:
        for i in range(20):
            r, _ = services.record_submit(
                actor=user, employee=user.employee, data=data(f"记录{i}", end=dt.date(2026, 2, 1 + i))
            )
            records.append(r)
    errors = []
    barrier = threading.Barrier(4)

    def reviewer(seed):
        rng = random.Random(seed)
        try:
            barrier.wait()
            for _ in range(5):
                chosen = sorted(rng.sample(records, 10), key=lambda r: r.pk)
                with transaction.atomic():
                    for r in (
                        Record.objects.select_for_update()
                        .filter(pk__in=[c.pk for c in chosen])
                        .order_by("pk")
                    ):
                        if r.status == Status.PENDING:
                            services.record_set_status(
                                actor=cast.hr, record=r, to=Status.APPROVED, action="approve"
                            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def owner(user, seed):
        rng = random.Random(seed)
        try:
            barrier.wait()
            mine = [r for r in records if r.employee_id == user.employee_id]
            for r in rng.sample(mine, 10):
                try:
                    services.record_update(actor=user, record=r, data=data(r.name, 4 * H, end=r.end_date))
                except Exception as exc:  # approved meanwhile: refused, which is right
                    if "PermissionDenied" not in type(exc).__name__:
                        raise
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reviewer, args=(1,)), threading.Thread(target=reviewer, args=(2,))]
    threads += [threading.Thread(target=owner, args=(u, 3 + n)) for n, u in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert summary.check()["wrong"] == 0


@pytest.mark.django_db
def test_uploads_purge_deletes_only_old_batches(cast):
    from django.utils import timezone

    from hourbook.ledger.models import UploadBatch

    def batch(status, days):
        b = UploadBatch.objects.create(
            owner=cast.employee,
            employee=cast.employee.employee,
            category="self_study",
            filename="x.xlsx",
            status=status,
        )
        UploadBatch.objects.filter(pk=b.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
        return b.pk

    keep = [batch("ready", 1), batch("committed", 20)]
    batch("ready", 8)
    batch("invalid", 9)
    batch("committed", 31)
    call_command("uploads_purge", verbosity=0)
    assert sorted(UploadBatch.objects.values_list("pk", flat=True)) == sorted(keep)
