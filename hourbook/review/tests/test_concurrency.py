"""Concurrency on PostgreSQL (issue 3, item 2): real transactions at once, each thread its own connection.

Ten reviewers deciding the same thousand records leave exactly one decision per record; an employee's edit
racing a reviewer's decision makes the decision refused (the review applies to what the reviewer saw).
"""

import datetime as dt
import logging
import random
import threading
import time
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count

from hourbook.accounts.choices import Role
from hourbook.audit.models import AuditEntry
from hourbook.ledger import summary
from hourbook.ledger.choices import DEFAULT_FORM, Category, Source, Status
from hourbook.ledger.models import Record, RecordTransition
from hourbook.ledger.services import RecordData, record_update
from hourbook.notifications.models import Notification
from hourbook.review.services import (
    ReviewConflict,
    record_approve,
    record_reject,
    records_approve_bulk,
    records_reject_bulk,
)
from hourbook.testing.factories import EmployeeFactory, EmployeeUserFactory, RoleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RECORDS = 1000
REVIEWERS = 10


def _pending_records(unit, n: int) -> list[Record]:
    """n pending employee records spread over 100 people, made in bulk (as an upload would)."""
    people = [EmployeeUserFactory(employee=EmployeeFactory(unit=unit)).employee for _ in range(100)]
    year = dt.date.today().year
    now = dt.datetime.now(dt.UTC)
    records = []
    for i in range(n):
        day = dt.date(year, 1, 1) + dt.timedelta(days=i % 300)
        records.append(
            Record(
                employee=people[i % len(people)],
                unit=unit,
                year=year,
                category=Category.EXTERNAL_TRAINING,
                form=DEFAULT_FORM[Category.EXTERNAL_TRAINING],
                source=Source.EMPLOYEE,
                name=f"学术会议{i}",
                start_date=day,
                end_date=day,
                seconds=8 * 3600,
                status=Status.PENDING,
                status_changed_at=now,
            )
        )
    created = Record.objects.bulk_create(records)
    summary.rebuild()
    return created


def _reviewers(cast) -> list:
    extra = []
    for _ in range(REVIEWERS - 3):
        user = EmployeeUserFactory(employee=EmployeeFactory(unit=cast.units["unit"]))
        RoleFactory(user=user, role=Role.UNIT_HR, unit=cast.units["unit"])
        extra.append(user)
    return [cast.hr, cast.parent_hr, cast.academy, *extra]


def _review(reviewer, seed: int, versions: dict[int, int], decided: Counter, errors: list, barrier) -> None:
    """One reviewer going through the whole queue in their own order, mixing single and bulk decisions."""
    rnd = random.Random(seed)
    ids = list(versions)
    rnd.shuffle(ids)
    try:
        barrier.wait()
        i = 0
        while i < len(ids):
            chunk = ids[i : i + rnd.randint(1, 60)]
            i += len(chunk)
            mode = rnd.choice(["single", "bulk_approve", "bulk_reject"])
            if mode == "single":
                for pk in chunk:
                    try:
                        if rnd.random() < 0.5:
                            record_approve(actor=reviewer, record_id=pk, version=versions[pk])
                        else:
                            record_reject(
                                actor=reviewer, record_id=pk, version=versions[pk], reason="材料不全"
                            )
                        decided[seed] += 1
                    except ReviewConflict:
                        pass
            else:
                selection = {pk: versions[pk] for pk in chunk}
                if mode == "bulk_approve":
                    result = records_approve_bulk(actor=reviewer, versions=selection)
                else:
                    result = records_reject_bulk(actor=reviewer, versions=selection, reason="不符合要求")
                decided[seed] += len(result.decided)
    except Exception as exc:  # a deadlock or any other error fails the test below
        errors.append(repr(exc))
    finally:
        connection.close()


def test_ten_reviewers_leave_exactly_one_decision_per_record(cast):
    records = _pending_records(cast.units["unit"], RECORDS)
    versions = {r.pk: r.version for r in records}
    reviewers = _reviewers(cast)
    decided: Counter = Counter()
    errors: list = []
    barrier = threading.Barrier(REVIEWERS)
    threads = [
        threading.Thread(target=_review, args=(reviewer, seed, versions, decided, errors, barrier))
        for seed, reviewer in enumerate(reviewers)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.monotonic() - started
    assert not errors, errors
    assert sum(decided.values()) == RECORDS
    assert len([n for n in decided.values() if n]) > 1, "the reviewers did not really compete"

    per_record = dict(
        RecordTransition.objects.filter(action__in=["approve", "reject"])
        .values_list("record_id")
        .annotate(n=Count("pk"))
        .values_list("record_id", "n")
    )
    assert set(per_record) == set(versions)
    assert set(per_record.values()) == {1}, "a record was decided more than once"
    final = dict(Record.objects.values_list("pk", "status"))
    last = dict(
        RecordTransition.objects.filter(action__in=["approve", "reject"]).values_list(
            "record_id", "to_status"
        )
    )
    assert final == last
    assert Status.PENDING not in final.values()
    assert AuditEntry.objects.filter(action__in=["record.approve", "record.reject"]).count() == RECORDS
    assert Notification.objects.count() == RECORDS
    assert summary.check()["wrong"] == 0, "nothing counted twice"
    logging.getLogger(__name__).warning(
        "%s reviewers decided %s records in %.1fs; per reviewer: %s",
        REVIEWERS,
        RECORDS,
        elapsed,
        dict(decided),
    )


def _data(record: Record, **changes) -> RecordData:
    fields = {
        f: getattr(record, f) for f in ("category", "form", "name", "start_date", "end_date", "seconds")
    }
    fields.update(changes)
    return RecordData(**fields)


def _hold_until_another_waits(timeout: float = 20) -> None:
    """Inside the transaction holding the row: return once another backend of this database waits for a lock,
    so the competing thread is known to be blocked on it (ordered by the lock, never by sleeping)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # activity is otherwise frozen per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
    raise AssertionError("the competing transaction never waited for the row lock")


def _run(*targets) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def test_employee_edit_racing_a_decision_refuses_the_decision(cast):
    """The employee's edit holds the row; the reviewer's approval waits, then sees a new version: refused."""
    [record] = _pending_records(cast.units["unit"], 1)
    owner = record.employee.account
    seen = record.version
    editing, outcome = threading.Event(), {}

    def employee():
        try:
            with transaction.atomic():
                record_update(actor=owner, record=record, data=_data(record, name="员工修改后的名称"))
                editing.set()
                _hold_until_another_waits()  # the reviewer's decision waits for the uncommitted edit
            outcome["edit_committed_at"] = time.monotonic()
        finally:
            connection.close()

    def reviewer():
        try:
            editing.wait(10)
            try:
                record_approve(actor=cast.hr, record_id=record.pk, version=seen)
                outcome["reviewer"] = "approved"
            except ReviewConflict:
                outcome["reviewer"] = "refused"
            outcome["reviewer_done_at"] = time.monotonic()
        finally:
            connection.close()

    _run(employee, reviewer)
    assert outcome["reviewer"] == "refused"
    assert outcome["reviewer_done_at"] >= outcome["edit_committed_at"], (
        "the decision did not wait for the lock"
    )
    record.refresh_from_db()
    assert (record.status, record.version, record.name) == (Status.PENDING, seen + 1, "员工修改后的名称")
    assert not record.transitions.filter(action="approve").exists()


def test_decision_racing_an_employee_edit_locks_the_edit_out(cast):
    """The reviewer's decision holds the row; the employee's edit waits, then finds an approved, locked record."""
    [record] = _pending_records(cast.units["unit"], 1)
    owner = record.employee.account
    deciding, outcome = threading.Event(), {}

    def reviewer():
        try:
            with transaction.atomic():
                record_approve(actor=cast.hr, record_id=record.pk, version=record.version)
                deciding.set()
                _hold_until_another_waits()  # the employee's edit waits for the uncommitted decision
        finally:
            connection.close()

    def employee():
        try:
            deciding.wait(10)
            try:
                record_update(actor=owner, record=record, data=_data(record, seconds=4 * 3600))
                outcome["employee"] = "edited"
            except PermissionDenied:
                outcome["employee"] = "refused"
        finally:
            connection.close()

    _run(reviewer, employee)
    assert outcome["employee"] == "refused"
    record.refresh_from_db()
    assert (record.status, record.seconds, record.version) == (Status.APPROVED, 8 * 3600, 1)
