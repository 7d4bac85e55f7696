"""Ledger writes: the invariants no path may break, idempotent submits, soft deletion, transfers, sources."""

import datetime as dt
import json
import threading
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from hourbook.ledger import services
from hourbook.ledger.choices import Category, Form, Source, Status
from hourbook.ledger.engine import employee_year
from hourbook.ledger.models import Record, RecordTransition
from hourbook.ledger.services import RecordData, SourceRecord
from hourbook.org.choices import PositionLevel
from hourbook.org.services import employee_move, employee_set_level
from hourbook.testing.factories import EmployeeFactory, RecordFactory

H = 3600


def data(**overrides):
    base = {
        "category": Category.EXTERNAL_TRAINING,
        "form": Form.CONFERENCE,
        "name": "全国凝聚态物理会议",
        "start_date": dt.date(2026, 3, 1),
        "end_date": dt.date(2026, 3, 2),
        "seconds": 16 * H,
    }
    base.update(overrides)
    return RecordData(**base)


@pytest.mark.django_db
class TestInvariants:
    """DOMAIN.md Hours: no path saves dates out of order, non-positive hours, more than 8 × days (第十条)."""

    def test_database_refuses_more_than_eight_hours_a_day(self, cast):
        record = RecordFactory.build(employee=cast.employee.employee, seconds=8 * H + 1)
        with pytest.raises(IntegrityError), transaction.atomic():
            record.save()

    def test_database_accepts_exactly_eight_hours_a_day_inclusive(self, cast):
        record = RecordFactory(
            employee=cast.employee.employee,
            start_date=dt.date(2025, 12, 31),
            end_date=dt.date(2026, 1, 1),
            seconds=16 * H,
        )
        assert record.year == 2026

    def test_database_refuses_reversed_dates_and_zero_hours(self, cast):
        with pytest.raises(IntegrityError), transaction.atomic():
            RecordFactory(
                employee=cast.employee.employee, start_date=dt.date(2026, 2, 2), end_date=dt.date(2026, 2, 1)
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            RecordFactory(employee=cast.employee.employee, seconds=0)

    def test_update_cannot_bypass_the_day_limit(self, cast):
        record = RecordFactory(employee=cast.employee.employee)
        with pytest.raises(IntegrityError), transaction.atomic():
            Record.objects.filter(pk=record.pk).update(seconds=9 * H)

    def test_submit_refuses_future_end_and_too_many_hours(self, cast):
        employee = cast.employee.employee
        with time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)):
            with pytest.raises(ValidationError) as exc:
                services.record_submit(
                    actor=cast.employee,
                    employee=employee,
                    data=data(start_date=dt.date(2026, 6, 30), end_date=dt.date(2026, 7, 1)),
                )
            assert "结束时间不能晚于今天" in str(exc.value)
            with pytest.raises(ValidationError) as exc:
                services.record_submit(actor=cast.employee, employee=employee, data=data(seconds=16 * H + 36))
            assert "学时不能超过" in str(exc.value)

    def test_employee_cannot_submit_system_categories(self, cast):
        with pytest.raises(ValidationError):
            services.record_submit(
                actor=cast.employee,
                employee=cast.employee.employee,
                data=data(category=Category.PLATFORM_ONLINE),
            )


@pytest.mark.django_db
class TestSubmit:
    def test_submit_creates_pending_with_year_unit_and_history(self, cast):
        record, created = services.record_submit(
            actor=cast.employee, employee=cast.employee.employee, data=data()
        )
        assert created and record.status == Status.PENDING
        assert record.year == 2026 and record.unit == cast.units["unit"]
        assert list(record.transitions.values_list("from_status", "to_status")) == [("", "pending")]

    def test_identical_submits_make_one_record(self, cast):
        results = [
            services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data())
            for _ in range(10)
        ]
        assert [created for _, created in results].count(True) == 1
        assert Record.objects.live().filter(employee=cast.employee.employee).count() == 1

    def test_record_across_new_year_counts_in_the_year_of_its_end(self, cast):
        record, _ = services.record_submit(
            actor=cast.employee,
            employee=cast.employee.employee,
            data=data(start_date=dt.date(2025, 12, 30), end_date=dt.date(2026, 1, 2), seconds=32 * H),
        )
        assert record.year == 2026

    def test_overlap_is_found(self, cast):
        record, _ = services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data())
        found = services.overlapping_records(
            employee_id=cast.employee.employee_id, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 5)
        )
        assert list(found) == [record]
        assert not services.overlapping_records(
            employee_id=cast.employee.employee_id, start=dt.date(2026, 3, 3), end=dt.date(2026, 3, 5)
        ).exists()


@pytest.mark.django_db
class TestEditDelete:
    def test_rejected_edit_goes_back_to_pending_and_approved_is_locked(self, cast):
        record, _ = services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data())
        services.record_set_status(
            actor=cast.hr, record=record, to=Status.REJECTED, action="reject", reason="缺少证明"
        )
        record = services.record_update(
            actor=cast.employee, record=record, data=data(name="全国凝聚态物理会议（修改）")
        )
        assert record.status == Status.PENDING and record.version == 2
        services.record_set_status(actor=cast.hr, record=record, to=Status.APPROVED, action="approve")
        with pytest.raises(PermissionDenied):
            services.record_update(actor=cast.employee, record=record, data=data(name="再改"))
        with pytest.raises(PermissionDenied):
            services.record_delete(actor=cast.employee, record=record)

    def test_only_the_owner_edits(self, cast):
        record, _ = services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data())
        with pytest.raises(PermissionDenied):
            services.record_update(actor=cast.colleague, record=record, data=data(name="别人的"))

    def test_soft_delete_stops_counting_and_keeps_history(self, cast):
        record, _ = services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data())
        services.record_delete(actor=cast.employee, record=record)
        record.refresh_from_db()
        assert record.deleted_at is not None
        assert not Record.objects.live().filter(pk=record.pk).exists()
        assert RecordTransition.objects.filter(record=record, to_status="deleted").exists()
        # The same content can be registered again: the natural key is unique among live records only.
        _, created = services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data())
        assert created

    def test_batch_delete_with_a_foreign_id_deletes_nothing(self, cast):
        mine, _ = services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data())
        theirs, _ = services.record_submit(
            actor=cast.colleague, employee=cast.colleague.employee, data=data()
        )
        with pytest.raises(PermissionDenied):
            services.records_batch_delete(actor=cast.employee, record_ids=[mine.pk, theirs.pk])
        assert Record.objects.live().filter(pk__in=[mine.pk, theirs.pk]).count() == 2
        assert services.records_batch_delete(actor=cast.employee, record_ids=[mine.pk]) == 1


@pytest.mark.django_db
class TestYearFacts:
    @time_machine.travel(dt.datetime(2026, 11, 23, 4, tzinfo=dt.UTC))
    def test_promotion_mid_year_sets_the_leader_requirement(self, cast):
        """The level held on 31 December (today, for the current year) sets the requirement (第八条)."""
        employee = cast.employee.employee
        RecordFactory(
            employee=employee, start_date=dt.date(2025, 5, 1), end_date=dt.date(2025, 5, 12), seconds=96 * H
        )
        RecordFactory(
            employee=employee,
            category=Category.EXTERNAL_ONLINE,
            start_date=dt.date(2025, 5, 1),
            end_date=dt.date(2025, 5, 10),
            seconds=50 * H,
        )
        assert employee_year(employee, 2025).result.met is True
        employee_set_level(
            employee=employee, level=PositionLevel.SECTION_AND_ABOVE, since=dt.date(2025, 7, 1)
        )
        ey = employee_year(employee, 2025)
        assert ey.leader and ey.result.buckets["training"].required == 110 * H and ey.result.met is False
        # A promotion after the year's end does not change that year.
        other = cast.colleague.employee
        employee_set_level(employee=other, level=PositionLevel.SECTION_AND_ABOVE, since=dt.date(2026, 1, 5))
        assert employee_year(other, 2025).leader is False
        assert employee_year(other, 2026).leader is True

    @time_machine.travel(dt.datetime(2026, 11, 23, 4, tzinfo=dt.UTC))
    def test_transfer_moves_only_the_current_year(self, cast):
        employee = cast.employee.employee
        old = RecordFactory(employee=employee, start_date=dt.date(2025, 5, 1), end_date=dt.date(2025, 5, 1))
        new = RecordFactory(
            employee=employee,
            start_date=dt.date(2026, 5, 1),
            end_date=dt.date(2026, 5, 1),
            status=Status.PENDING,
        )
        employee_move(employee=employee, unit=cast.units["sibling"], start=dt.date(2026, 11, 1))
        services.records_move_year_to_unit(employee=employee, year=2026, unit=cast.units["sibling"])
        old.refresh_from_db()
        new.refresh_from_db()
        assert old.unit == cast.units["unit"] and new.unit == cast.units["sibling"]
        assert employee.unit_for_year(2025) == cast.units["unit"]
        assert employee.unit_for_year(2026) == cast.units["sibling"]

    def test_not_registered_has_hours_but_no_status(self, cast):
        employee = EmployeeFactory(unit=cast.units["unit"], is_registered=False)
        RecordFactory(employee=employee)
        ey = employee_year(employee, dt.date.today().year)
        assert ey.result.total == 8 * H and ey.result.met is None


@pytest.mark.django_db
class TestSourceSync:
    def test_register_again_updates_and_removes(self, cast):
        def item(emp, seconds=16 * H, zero=""):
            return SourceRecord(
                source_key=f"programme:1:trainee:{emp.pk}",
                employee_id=emp.pk,
                category=Category.IN_HOUSE,
                form=Form.SPECIAL_COURSE,
                name="所内培训班",
                start_date=dt.date(2026, 4, 1),
                end_date=dt.date(2026, 4, 2),
                seconds=seconds,
                zero_reason=zero,
                programme_type="series",
            )

        a, b = cast.employee.employee, cast.colleague.employee
        assert services.source_records_sync(
            actor=cast.manager, source=Source.PROGRAMME, key_prefix="programme:1:", items=[item(a), item(b)]
        ) == {"created": 2, "updated": 0, "deleted": 0}
        again = services.source_records_sync(
            actor=cast.manager,
            source=Source.PROGRAMME,
            key_prefix="programme:1:",
            items=[item(a, zero="absence")],
        )
        assert again == {"created": 0, "updated": 1, "deleted": 1}
        assert Record.objects.live().filter(source=Source.PROGRAMME).count() == 1
        record = Record.objects.live().get(source=Source.PROGRAMME)
        assert record.status == Status.APPROVED and record.credited_seconds == 0


@pytest.mark.django_db
def test_explain_hours_command_prints_the_contract(cast):
    employee = cast.employee.employee
    year = dt.date.today().year
    for i in range(3):
        RecordFactory(employee=employee, category=Category.SELF_STUDY, name=f"读书{i}", seconds=5 * H)
    out = StringIO()
    call_command("explain_hours", employee.arp, str(year), stdout=out)
    payload = json.loads(out.getvalue())
    assert set(payload["categories"]) == set(Category.values)
    assert payload["categories"]["self_study"] == {
        "count": 3,
        "total_hours": 15.0,
        "effective_hours": 10.0,
        "capped_hours": 5.0,
        "pending_hours": 0.0,
        "pending_count": 0,
        "cap_hours": 10.0,
    }
    assert payload["training"]["effective_hours"] == 10.0 and payload["training"]["required_hours"] == 90.0
    assert payload["training"]["met"] is False and payload["met"] is False
    assert payload["online"]["pending_hours"] == 0.0 and payload["total_hours"] == 15.0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_identical_submits_at_once_make_one_record(cast):
    """Ten threads, each its own connection, submit the same record at the same moment: one record."""
    barrier = threading.Barrier(10)
    errors = []

    def submit():
        try:
            barrier.wait()
            services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Record.objects.live().filter(employee=cast.employee.employee).count() == 1


@pytest.mark.django_db
def test_edit_and_delete_are_audited(cast):
    from hourbook.audit.models import AuditEntry

    record, _ = services.record_submit(actor=cast.employee, employee=cast.employee.employee, data=data())
    services.record_update(actor=cast.employee, record=record, data=data(name="改名"))
    services.record_delete(actor=cast.employee, record=record)
    actions = list(
        AuditEntry.objects.filter(object_id=str(record.pk)).values_list("action", "actor__username")
    )
    assert ("record.edit", "employee") in actions and ("record.delete", "employee") in actions
