"""Registering a programme's hours in the ledger (第九条一, 第十条): eligibility, idempotency, query budget."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hourbook.accounts.scope import scope_of
from hourbook.ledger.choices import Assessment, Category, Form, ProgrammeType, Source, Status, ZeroReason
from hourbook.ledger.engine import employee_year
from hourbook.ledger.models import Record, RecordTransition
from hourbook.testing.factories import EmployeeFactory
from hourbook.training.choices import AttendanceStatus, ProgrammeState, SessionLength
from hourbook.training.models import Programme, Trainee
from hourbook.training.services import (
    MSG_ASSESSMENT_MISSING,
    MSG_ATTENDANCE_INCOMPLETE,
    programme_register_hours,
    trainees_remove,
)
from hourbook.training.tests.factories import enrol, make_programme, mark, past_days

H = 3600
START = dt.date(2025, 3, 3)
HALF, DAY = SessionLength.HALF, SessionLength.DAY


def records(programme: Programme):
    return Record.objects.live().filter(source=Source.PROGRAMME, source_key__startswith=programme.key_prefix)


def record_of(programme: Programme, employee) -> Record:
    return records(programme).get(employee=employee)


def absent_at(trainee: Trainee, sessions, status=AttendanceStatus.ABSENT) -> None:
    for session in sessions:
        mark(trainee, session, status)


@pytest.fixture
def trainee_setup(cast):
    """A helper building a programme of 物理研究所 with 张三 on the list, present everywhere."""

    def build(sessions, **fields):
        programme = make_programme(cast.units["unit"], sessions, **fields)
        (trainee,) = enrol(programme, [cast.employee.employee])
        return programme, trainee, list(programme.sessions.order_by("date", "pk"))

    return build


def test_seven_half_days_one_missed_gives_no_hours(cast, trainee_setup):
    """第十条: 7 half days (28 学时), one missed (4): 4 × 7 = 28 ≥ 28, so no hours; the record counts zero."""
    programme, trainee, sessions = trainee_setup(past_days(7, HALF, START))
    absent_at(trainee, sessions[:1])
    programme_register_hours(actor=cast.manager, programme=programme)
    record = record_of(programme, cast.employee.employee)
    assert record.seconds == 28 * H
    assert record.zero_reason == ZeroReason.ABSENCE
    assert record.credited_seconds == 0


def test_fourteen_half_days_two_missed_gives_no_hours(cast, trainee_setup):
    """第十条: 14 half days (56 学时), two missed (8): 8 × 7 = 56 ≥ 56, so no hours."""
    programme, trainee, sessions = trainee_setup(past_days(14, HALF, START))
    absent_at(trainee, sessions[3:5])
    programme_register_hours(actor=cast.manager, programme=programme)
    assert record_of(programme, cast.employee.employee).zero_reason == ZeroReason.ABSENCE


def test_fourteen_half_days_one_missed_gives_hours(cast, trainee_setup):
    """第十条: 14 half days (56 学时), one missed (4): 4 × 7 = 28 < 56, so the programme's 56 hours."""
    programme, trainee, sessions = trainee_setup(past_days(14, HALF, START))
    absent_at(trainee, sessions[:1])
    programme_register_hours(actor=cast.manager, programme=programme)
    record = record_of(programme, cast.employee.employee)
    assert (record.seconds, record.zero_reason, record.credited_seconds) == (56 * H, "", 56 * H)


def test_mixed_day_and_half_day_sessions(cast, trainee_setup):
    """第十条: 3 days + 1 half day = 28 学时. Missing the half day (4): 28 ≥ 28, no hours; missing nothing
    but a half day of a 3-day + 2-half-day programme (32 学时): 28 < 32, hours."""
    sessions = [(START, DAY), (START + dt.timedelta(1), DAY), (START + dt.timedelta(2), DAY)]
    programme, trainee, rows = trainee_setup([*sessions, (START + dt.timedelta(3), HALF)])
    assert programme.seconds == 28 * H
    absent_at(trainee, [s for s in rows if s.length == HALF])
    programme_register_hours(actor=cast.manager, programme=programme)
    assert record_of(programme, cast.employee.employee).zero_reason == ZeroReason.ABSENCE

    other, trainee2, rows2 = trainee_setup(
        [*sessions, (START + dt.timedelta(3), HALF), (START + dt.timedelta(4), HALF)], name="另一个班"
    )
    assert other.seconds == 32 * H
    absent_at(trainee2, [rows2[-1]])
    programme_register_hours(actor=cast.manager, programme=other)
    assert record_of(other, cast.employee.employee).credited_seconds == 32 * H


def test_missing_a_whole_day_of_a_mixed_programme(cast, trainee_setup):
    """第十条: 6 days + 2 half days = 56 学时; one full day missed (8): 8 × 7 = 56 ≥ 56, no hours."""
    sessions = [(START + dt.timedelta(i), DAY) for i in range(6)]
    sessions += [(START + dt.timedelta(6), HALF), (START + dt.timedelta(7), HALF)]
    programme, trainee, rows = trainee_setup(sessions)
    assert programme.seconds == 56 * H
    absent_at(trainee, [rows[0]])
    programme_register_hours(actor=cast.manager, programme=programme)
    assert record_of(programme, cast.employee.employee).zero_reason == ZeroReason.ABSENCE


def test_leave_counts_as_absence(cast, trainee_setup):
    """第十条: absence including leave. 7 half days, one on leave: no hours, just as if absent."""
    programme, trainee, sessions = trainee_setup(past_days(7, HALF, START))
    absent_at(trainee, sessions[:1], AttendanceStatus.LEAVE)
    programme_register_hours(actor=cast.manager, programme=programme)
    assert record_of(programme, cast.employee.employee).zero_reason == ZeroReason.ABSENCE


def test_leave_and_absence_add_up(cast, trainee_setup):
    """第十条: 14 half days; one absent and one on leave make 8 学时 of absence: 56 ≥ 56, no hours."""
    programme, trainee, sessions = trainee_setup(past_days(14, HALF, START))
    absent_at(trainee, sessions[:1], AttendanceStatus.ABSENT)
    absent_at(trainee, sessions[1:2], AttendanceStatus.LEAVE)
    programme_register_hours(actor=cast.manager, programme=programme)
    assert record_of(programme, cast.employee.employee).zero_reason == ZeroReason.ABSENCE


def test_failed_assessment_gives_no_hours(cast, trainee_setup):
    """第十条: a failed assessment gives no hours even with full attendance; the record says why."""
    programme, trainee, _ = trainee_setup(past_days(2, DAY, START), assessed=True)
    Trainee.objects.filter(pk=trainee.pk).update(assessment=Assessment.FAILED)
    programme_register_hours(actor=cast.manager, programme=programme)
    record = record_of(programme, cast.employee.employee)
    assert (record.assessment, record.zero_reason, record.credited_seconds) == (
        Assessment.FAILED,
        ZeroReason.FAILED_ASSESSMENT,
        0,
    )


def test_passed_assessment_gives_hours(cast, trainee_setup):
    """第十条: assessed and passed, full attendance: the programme's hours."""
    programme, trainee, _ = trainee_setup(past_days(2, DAY, START), assessed=True)
    Trainee.objects.filter(pk=trainee.pk).update(assessment=Assessment.PASSED)
    programme_register_hours(actor=cast.manager, programme=programme)
    record = record_of(programme, cast.employee.employee)
    assert (record.assessment, record.credited_seconds) == (Assessment.PASSED, 16 * H)


def test_programme_without_assessment_ignores_results(cast, trainee_setup):
    """A programme that is not assessed ignores any stored result: a 'failed' left over still gets hours."""
    programme, trainee, _ = trainee_setup(past_days(2, DAY, START), assessed=False)
    Trainee.objects.filter(pk=trainee.pk).update(assessment=Assessment.FAILED)
    programme_register_hours(actor=cast.manager, programme=programme)
    record = record_of(programme, cast.employee.employee)
    assert (record.assessment, record.zero_reason, record.credited_seconds) == (Assessment.NONE, "", 16 * H)


def test_assessed_programme_needs_every_result(cast, trainee_setup):
    programme, _, _ = trainee_setup(past_days(1, DAY, START), assessed=True)
    with pytest.raises(ValidationError) as exc:
        programme_register_hours(actor=cast.manager, programme=programme)
    assert exc.value.messages == [str(MSG_ASSESSMENT_MISSING % {"n": 1})]
    assert not records(programme).exists()


def test_unrecorded_attendance_is_refused(cast):
    """Eligibility rests on attendance (第十条): a cell never recorded refuses registering."""
    programme = make_programme(cast.units["unit"], past_days(2, DAY, START))
    Trainee.objects.create(programme=programme, employee=cast.employee.employee)
    with pytest.raises(ValidationError) as exc:
        programme_register_hours(actor=cast.manager, programme=programme)
    assert exc.value.messages == [str(MSG_ATTENDANCE_INCOMPLETE % {"n": 2})]


def test_future_sessions_are_refused(cast, trainee_setup):
    """A record may not end after today (DOMAIN.md): a programme with a session to come is not registered."""
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    programme, _, _ = trainee_setup([(START, DAY), (tomorrow, HALF)])
    with pytest.raises(ValidationError) as exc:
        programme_register_hours(actor=cast.manager, programme=programme)
    assert "晚于今天" in exc.value.messages[0]
    assert not records(programme).exists()


def test_record_fields_flow_from_the_programme(cast, trainee_setup):
    """The record carries the programme's content, type, form, off-job flag (第十二条) and its dates."""
    programme, _, _ = trainee_setup(
        [(START, DAY), (START + dt.timedelta(9), HALF)],
        name="党的二十届三中全会精神专题学习",
        programme_type=ProgrammeType.SERIES,
        form=Form.PARTY_THEORY,
        off_job=True,
        place="学术报告厅",
        organiser="物理研究所党委",
    )
    programme_register_hours(actor=cast.manager, programme=programme)
    record = record_of(programme, cast.employee.employee)
    assert record.source_key == f"programme:{programme.pk}:trainee:{cast.employee.employee.pk}"
    assert (record.category, record.status, record.source) == (
        Category.IN_HOUSE,
        Status.APPROVED,
        "programme",
    )
    assert (record.programme_type, record.form, record.off_job) == ("series", "party_theory", True)
    assert (record.start_date, record.end_date, record.year) == (START, START + dt.timedelta(9), 2025)
    assert (record.place, record.organiser, record.seconds) == ("学术报告厅", "物理研究所党委", 12 * H)
    assert record.unit == cast.units["unit"]
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.REGISTERED and not programme.stale


def test_registering_again_is_idempotent_and_follows_corrections(cast, trainee_setup):
    """Registering twice makes no duplicate; after a correction the same records change, and a removed
    trainee's record is soft-deleted (it stops counting, its history stays)."""
    programme, trainee, sessions = trainee_setup(past_days(7, HALF, START))
    colleague_place = enrol(programme, [cast.colleague.employee])[0]
    first = programme_register_hours(actor=cast.manager, programme=programme)
    assert (first["created"], first["updated"], first["deleted"]) == (2, 0, 0)
    ids = set(records(programme).values_list("pk", flat=True))

    again = programme_register_hours(actor=cast.manager, programme=programme)
    assert (again["created"], again["updated"], again["deleted"]) == (0, 0, 0)
    assert set(records(programme).values_list("pk", flat=True)) == ids

    # Correction: 张三 was in fact absent one half day (1/7: no hours); 李四 is removed from the list.
    absent_at(trainee, sessions[:1])
    trainees_remove(actor=cast.manager, programme=programme, trainee_ids=[colleague_place.pk])
    programme.refresh_from_db()
    assert programme.stale
    third = programme_register_hours(actor=cast.manager, programme=programme)
    assert (third["created"], third["updated"], third["deleted"]) == (0, 1, 1)
    record = record_of(programme, cast.employee.employee)
    assert record.pk in ids and record.zero_reason == ZeroReason.ABSENCE and record.version == 2
    gone = Record.objects.get(employee=cast.colleague.employee, source_key__startswith=programme.key_prefix)
    assert gone.deleted_at is not None
    assert RecordTransition.objects.filter(record=gone, action="delete").count() == 1
    assert records(programme).count() == 1


def test_home_bar_follows_registering(cast, trainee_setup):
    """The trainee's 培训学时 (ledger.engine.employee_year) rises by the programme's hours, at once (自动计入),
    and falls back to zero when a correction makes the trainee ineligible (第十条)."""
    programme, trainee, sessions = trainee_setup(past_days(3, DAY, START))
    employee = cast.employee.employee
    assert employee_year(employee, 2025).result.buckets["training"].effective == 0
    programme_register_hours(actor=cast.manager, programme=programme)
    year = employee_year(employee, 2025).result
    assert year.buckets["training"].effective == 24 * H
    assert year.total == 24 * H and year.buckets["training"].pending == 0

    absent_at(trainee, sessions[:1])
    programme_register_hours(actor=cast.manager, programme=programme)
    assert employee_year(employee, 2025).result.buckets["training"].effective == 0


def test_manager_of_another_unit_cannot_register(cast, trainee_setup):
    programme, _, _ = trainee_setup(past_days(1, DAY, START))
    with pytest.raises(PermissionDenied):
        programme_register_hours(actor=cast.sibling_hr, programme=programme)
    with pytest.raises(PermissionDenied):
        programme_register_hours(actor=cast.employee, programme=programme)
    assert not records(programme).exists()


def _programme_with(cast, n: int) -> Programme:
    unit = cast.units["unit"]
    programme = make_programme(unit, past_days(7, HALF, START), name=f"{n} 人培训班")
    employees = [EmployeeFactory(unit=unit) for _ in range(n)]
    trainees = enrol(programme, employees)
    first = programme.sessions.order_by("date").first()
    for trainee in trainees[::5]:
        mark(trainee, first, AttendanceStatus.LEAVE)
    return programme


SUMMARY_TABLE = "ledger_yearsummary"


def _count_register(cast, programme) -> tuple[int, int, int]:
    """Queries of registering, first time and again; and those of the ledger's YearSummary upkeep.

    The ledger keeps its per-employee summary in the same transaction and writes it in bulk batches of
    2,000 rows (six rows per employee and year), so 500 trainees need one more INSERT batch there than 50;
    everything else must not depend on the number of trainees.
    """
    scope_of(cast.manager)  # the scope is read once per request; leave it out of both counts
    with CaptureQueriesContext(connection) as first:
        programme_register_hours(actor=cast.manager, programme=programme)
    with CaptureQueriesContext(connection) as again:
        programme_register_hours(actor=cast.manager, programme=programme)

    def own(ctx):
        return sum(1 for q in ctx.captured_queries if SUMMARY_TABLE not in q["sql"])

    summary = sum(1 for q in first.captured_queries if SUMMARY_TABLE in q["sql"])
    return own(first), own(again), summary


def test_register_runs_a_fixed_number_of_queries(cast):
    """One transaction, the same number of queries for 50 and for 500 trainees, first time and again."""
    small = _count_register(cast, _programme_with(cast, 50))
    large_programme = _programme_with(cast, 500)
    large = _count_register(cast, large_programme)
    assert small[:2] == large[:2], (small, large)
    assert large[2] - small[2] <= 1, "the ledger summary may add one bulk batch, no more"
    assert records(large_programme).count() == 500
    assert records(large_programme).filter(zero_reason=ZeroReason.ABSENCE).count() == 100
