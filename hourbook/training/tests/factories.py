"""Factories of programmes, sessions, trainees and attendance (kept consistent with the services)."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from hourbook.ledger.choices import Form, ProgrammeType
from hourbook.testing.factories import EmployeeFactory, UnitFactory
from hourbook.training.choices import SESSION_SECONDS, AttendanceStatus, SessionLength
from hourbook.training.models import Attendance, Programme, Session, Trainee


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"科研管理能力提升培训班{n}")
    programme_type = ProgrammeType.CLASS
    form = Form.SPECIAL_COURSE


def make_programme(unit, sessions, **fields) -> Programme:
    """A programme with sessions given as (date, length) pairs; dates and hours kept as the services keep them."""
    programme = ProgrammeFactory(unit=unit, **fields)
    Session.objects.bulk_create(Session(programme=programme, date=d, length=length) for d, length in sessions)
    if sessions:
        programme.start_date = min(d for d, _ in sessions)
        programme.end_date = max(d for d, _ in sessions)
        programme.seconds = sum(SESSION_SECONDS[length] for _, length in sessions)
        programme.save()
    return programme


def past_days(n: int, length: str = SessionLength.HALF, start: dt.date | None = None):
    """n consecutive dates ending well before today, of one length."""
    start = start or dt.date.today().replace(month=1, day=2)
    if start + dt.timedelta(days=n) > dt.date.today():
        start = dt.date.today() - dt.timedelta(days=n + 1)
    return [(start + dt.timedelta(days=i), length) for i in range(n)]


def enrol(programme, employees, status=AttendanceStatus.PRESENT) -> list[Trainee]:
    """Put employees on the list, marked `status` at every session."""
    trainees = Trainee.objects.bulk_create(Trainee(programme=programme, employee=e) for e in employees)
    sessions = list(programme.sessions.all())
    Attendance.objects.bulk_create(
        Attendance(trainee=t, session=s, status=status) for t in trainees for s in sessions
    )
    return trainees


def mark(trainee, session, status) -> None:
    Attendance.objects.update_or_create(trainee=trainee, session=session, defaults={"status": status})


class TraineeFactory(DjangoModelFactory):
    class Meta:
        model = Trainee

    programme = factory.SubFactory(ProgrammeFactory)
    employee = factory.SubFactory(EmployeeFactory)
