"""Records that count at once (自动计入) because a source registers them, not the employee:

- in-house programmes (第九条一): most through `ledger.services.source_records_sync`, as a unit's training
  office would; this year's programmes of 物理研究所 through the training app itself (plan, trainees,
  attendance, registering hours), so its programme manager and trainees see real 培训班;
- platform learning (第九条四) on the demo catalogue (catalogue.py), as the courses app credits it.
"""

import datetime as dt
import math
import random

from hourbook.common.dates import today
from hourbook.common.hours import SECONDS_PER_DAY, SECONDS_PER_HOUR
from hourbook.ledger.choices import Assessment, Category, Form, ProgrammeType, Source, ZeroReason
from hourbook.ledger.services import SourceRecord, source_records_sync
from hourbook.training.choices import AttendanceStatus, SessionLength
from hourbook.training.services import (
    AttendanceChange,
    SessionSpec,
    attendance_save,
    programme_register_hours,
    programme_save,
    trainees_add,
)

from . import data
from .catalogue import Study, extra_study
from .people import Academy, Person, is_case
from .records import Window

H = SECONDS_PER_HOUR
# This year's programmes of this institute go through the training app (its manager persona works there).
TRAINING_APP_UNIT = "CAS-BJ-IOP"
PROGRAMME_FORM = {
    ProgrammeType.CLASS: Form.SPECIAL_COURSE,
    ProgrammeType.SERIES: Form.LECTURE,
    ProgrammeType.LECTURE: Form.LECTURE,
    ProgrammeType.PARTY_LESSON: Form.PARTY_BRANCH,
}


def write_programmes(rng: random.Random, academy: Academy, year: int, *, current: bool) -> int:
    """In-house programmes of a year (第九条一), registered per trainee through `source_records_sync`.

    One trainee of the first multi-day programme is marked absent for 1/7 or more: registered, counting zero
    (第十条); one trainee of an assessed class fails its assessment, likewise.
    """
    window = Window.of(year)
    root = academy.units[data.ROOT_CODE]
    manager = academy.personas["manager_iop"].user
    forced = {}
    for username, names in data.PERSONA_PROGRAMMES.items():
        for name in names:
            forced.setdefault(name, []).append(academy.personas[username])
    total = 0
    absence_done = failure_done = False
    for index, (name, kind, days, unit_code) in enumerate(data.PROGRAMMES):
        unit = academy.units[unit_code] if unit_code else root
        spread = rng.randint(20, 40) if kind == ProgrammeType.SERIES else 0
        start, end, days = window.place(rng, days, spread=spread)
        seconds = days * 8 * H
        pool = [
            p
            for p in academy.people
            if p.unit.path.startswith(unit.path) and not is_case(p) and _present(p, end)
        ]
        if name == "新入职职工岗前培训班":
            pool = [p for p in pool if p.employee.arp.startswith(str(year))]
            trainees = pool
        elif name == "处级干部综合能力提升培训班":
            trainees = [p for p in pool if p.leader]
        else:
            share = 0.35 if unit == root else rng.uniform(0.5, 0.8)
            trainees = rng.sample(pool, k=round(len(pool) * share))
        trainees = trainees + forced.get(name, [])
        if current and unit_code == TRAINING_APP_UNIT:
            total += register_through_training(
                academy, name=name, kind=kind, start=start, end=end, days=days, trainees=trainees
            )
            continue
        assessed = kind == ProgrammeType.CLASS
        items = []
        for number, person in enumerate(trainees):
            zero, assessment = "", Assessment.PASSED if assessed else Assessment.NONE
            if not is_case(person) and number == 1:
                if not absence_done and days >= 2:
                    zero, absence_done = ZeroReason.ABSENCE, True
                elif assessed and not failure_done:
                    zero, assessment, failure_done = ZeroReason.FAILED_ASSESSMENT, Assessment.FAILED, True
            items.append(
                SourceRecord(
                    source_key=f"demo:prog:{year}:{index}:{person.employee.arp}",
                    employee_id=person.employee.pk,
                    category=Category.IN_HOUSE,
                    form=PROGRAMME_FORM[kind],
                    name=f"{year}年{name}",
                    start_date=start,
                    end_date=end,
                    seconds=seconds,
                    content=name,
                    place=unit.name,
                    organiser=unit.name if unit != root else "中国科学院人事局",
                    assessment=assessment,
                    off_job=kind == ProgrammeType.CLASS,
                    programme_type=kind,
                    zero_reason=zero,
                )
            )
        actor = manager if unit.path.startswith(academy.units[TRAINING_APP_UNIT].path) else academy.admin
        counts = source_records_sync(
            actor=actor, source=Source.PROGRAMME, key_prefix=f"demo:prog:{year}:{index}:", items=items
        )
        total += counts["created"]
    return total


def write_courses(rng: random.Random, academy: Academy, year: int, *, current: bool, study: Study) -> None:
    """Platform learning (第九条四) of a year on the demo catalogue, gathered in `study` (written by
    `Study.write` once both years are in): personas take their courses of data.PERSONA_COURSES in full."""
    editions = study.editions[year]
    for person in academy.people:
        window = Window.of(year, person.employee.left_on)
        if is_case(person):
            chosen = [(i, 1.0) for i in data.PERSONA_COURSES.get(person.persona.username, [])]
        else:
            progress = window.days / 365 if current else 1.0
            k = min(len(data.COURSES), round(rng.uniform(1.0, 5.0) * person.diligence * progress))
            chosen = [
                (i, 1.0 if rng.random() < 0.7 else rng.uniform(0.2, 0.9))
                for i in rng.sample(range(len(data.COURSES)), k)
            ]
        for index, share in chosen:
            _title, length = data.COURSES[index]
            seconds = max(60, int(length * share))
            need = math.ceil(seconds / SECONDS_PER_DAY)
            start, end, days = window.place(rng, need, spread=rng.randint(2, 20))
            if days < need:
                seconds = days * SECONDS_PER_DAY
            study.add(editions[index], person, start, end, seconds)
    extra_study(random.Random(year), academy, study, year, Window.of)


def _present(person: Person, day: dt.date) -> bool:
    left_on = person.employee.left_on
    return left_on is None or day <= left_on


def register_through_training(
    academy: Academy, *, name: str, kind: str, start: dt.date, end: dt.date, days: int, trainees: list[Person]
) -> int:
    """A real 培训班 of the training app, as the programme manager runs it: the plan and its sessions, the
    trainees, attendance (one trainee absent for 1/7 or more of a series: no hours, 第十条), assessment
    results, then 登记学时, which writes the trainees' records through the ledger.

    A class is held on consecutive full days; a series (系列讲座) in half days spread over its range.
    """
    manager = academy.personas["manager_iop"].user
    unit = academy.units[TRAINING_APP_UNIT]
    trainees = [p for p in trainees if p.employee.is_active]  # the app lists only serving employees
    if kind == ProgrammeType.SERIES:
        count = days * 2
        span = (end - start).days
        dates = [start + dt.timedelta(days=round(i * span / max(count - 1, 1))) for i in range(count)]
        sessions = [SessionSpec(date=d, length=SessionLength.HALF) for d in dates]
    else:
        sessions = [
            SessionSpec(date=start + dt.timedelta(days=i), length=SessionLength.DAY) for i in range(days)
        ]
    assessed = kind == ProgrammeType.CLASS
    programme = programme_save(
        actor=manager,
        programme=None,
        data={
            "unit": unit,
            "name": f"{start.year}年{name}",
            "content": name,
            "organiser": unit.name,
            "place": f"{unit.name}M楼报告厅",
            "programme_type": kind,
            "form": PROGRAMME_FORM[kind],
            "off_job": kind == ProgrammeType.CLASS,
            "assessed": assessed,
        },
        sessions=sessions,
    )
    trainees_add(actor=manager, programme=programme, employee_ids=[p.employee.pk for p in trainees])
    trainee_ids = dict(programme.trainees.values_list("employee_id", "pk"))
    session_ids = list(programme.sessions.order_by("date", "pk").values_list("pk", flat=True))
    for session_id in session_ids:
        attendance_save(
            actor=manager, programme=programme, change=AttendanceChange(all_present_session=session_id)
        )
    absent = next((p for p in trainees if not is_case(p)), None)
    if kind == ProgrammeType.SERIES and absent is not None:
        # One half day of six or fewer is 1/7 or more of the series: registered, counting zero (第十条).
        cell = (trainee_ids[absent.employee.pk], session_ids[-1], AttendanceStatus.LEAVE)
        attendance_save(actor=manager, programme=programme, change=AttendanceChange(cells=[cell]))
    if assessed:
        results = dict.fromkeys(trainee_ids.values(), Assessment.PASSED)
        attendance_save(actor=manager, programme=programme, change=AttendanceChange(results=results))
    return programme_register_hours(actor=manager, programme=programme)["created"]


def plan_upcoming_programme(academy: Academy, rng: random.Random) -> None:
    """A plan whose sessions are still to come: trainees listed, hours not yet registrable (未登记学时)."""
    manager = academy.personas["manager_iop"].user
    unit = academy.units[TRAINING_APP_UNIT]
    first = today() + dt.timedelta(days=10)
    programme = programme_save(
        actor=manager,
        programme=None,
        data={
            "unit": unit,
            "name": "量子材料前沿系列讲座（下期）",
            "content": "量子材料前沿系列讲座",
            "organiser": unit.name,
            "place": f"{unit.name}M楼报告厅",
            "programme_type": ProgrammeType.SERIES,
            "form": Form.LECTURE,
            "off_job": False,
            "assessed": False,
        },
        sessions=[
            SessionSpec(date=first + dt.timedelta(days=7 * i), length=SessionLength.HALF) for i in range(4)
        ],
    )
    pool = [p for p in academy.people if p.unit.path.startswith(unit.path) and p.employee.is_active]
    chosen = rng.sample(pool, k=min(12, len(pool)))
    trainees_add(actor=manager, programme=programme, employee_ids=[p.employee.pk for p in chosen])
