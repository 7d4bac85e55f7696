"""Reads of the training screens that need care: a trainee's programmes (我的培训班) and a programme's exports.

Each function answers in a fixed number of queries whatever the number of programmes, sessions or trainees.
Access is the caller's starting point: 我的培训班 reads only the person's own places and records; the exports
take a programme already fetched through `Programme.objects.visible_to(user)`.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from hourbook.ledger.choices import Source
from hourbook.ledger.models import Record
from hourbook.org.models import Employee

from .models import Attendance, Programme, Session, Trainee


def trainee_programmes(employee: Employee, *, year: int | None = None) -> QuerySet:
    """The programmes a person is a trainee of, newest first; of one year (their end date's) if given."""
    qs = Programme.objects.for_employee(employee).select_related("unit").order_by("-start_date", "-pk")
    if year:
        qs = qs.filter(end_date__year=year)
    return qs


@dataclass
class ProgrammeCard:
    """One programme of 我的培训班: the trainee's place, the sessions with the own mark, the own record."""

    programme: Programme
    place: Trainee | None
    sessions: list[tuple[Session, Attendance | None]]
    record: Record | None


def trainee_cards(user, employee: Employee, programmes: list[Programme]) -> list[ProgrammeCard]:
    """The cards of a page of programmes, in four queries: places, sessions, own marks, own records."""
    places = {t.programme_id: t for t in Trainee.objects.filter(employee=employee, programme__in=programmes)}
    sessions: dict[int, list[Session]] = {}
    for session in Session.objects.filter(programme__in=programmes).order_by("date", "pk"):
        sessions.setdefault(session.programme_id, []).append(session)
    marks = {
        a.session_id: a
        for a in Attendance.objects.filter(trainee__in=list(places.values())).only("session_id", "status")
    }
    records = {
        r.source_key: r
        for r in Record.objects.owned_by(user)
        .live()
        .filter(source=Source.PROGRAMME, source_key__in=[p.source_key(employee.pk) for p in programmes])
    }
    return [
        ProgrammeCard(
            programme=p,
            place=places.get(p.pk),
            sessions=[(s, marks.get(s.pk)) for s in sessions.get(p.pk, [])],
            record=records.get(p.source_key(employee.pk)),
        )
        for p in programmes
    ]


def programme_trainees(programme: Programme) -> QuerySet:
    """A programme's trainees with their employee and unit, by ARP number."""
    return programme.trainees.select_related("employee__unit").order_by("employee__arp", "pk")


def programme_sessions(programme: Programme) -> list[Session]:
    return list(programme.sessions.order_by("date", "pk"))


def attendance_marks(programme: Programme) -> dict[tuple[int, int], str]:
    """{(trainee id, session id): status} of a programme, in one query."""
    return {
        (a.trainee_id, a.session_id): a.status
        for a in Attendance.objects.filter(session__programme=programme).only(
            "trainee_id", "session_id", "status"
        )
    }


def programme_records(programme: Programme) -> QuerySet:
    """The live ledger records a programme registered (with zero reasons), by ARP number."""
    return (
        Record.objects.live()
        .filter(source=Source.PROGRAMME, source_key__startswith=programme.key_prefix)
        .select_related("employee", "unit")
        .order_by("employee__arp", "pk")
    )
