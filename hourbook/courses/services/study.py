"""Writes of the platform's courses: study reports credited to the ledger, and authoring.

Study time (第九条四, FAQ Q5) is credited by `lesson_report` as approved `platform_online` records, one per
person, course and day (Asia/Shanghai; the day's year is the record's year), updated in place through
`ledger.services.source_records_sync`. The credited seconds of a person's lessons of a course and the
ledger's records of that course agree to the second: both grow by the same decision in one transaction.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hourbook.common.hours import SECONDS_PER_DAY
from hourbook.ledger.choices import Category, Form, Source
from hourbook.ledger.models import Record
from hourbook.ledger.services import SourceRecord, source_records_sync

from .. import crediting
from ..models import Course, Lesson, LessonProgress, StudySession

MSG_NOT_LEARNER = _("只有职工本人可以学习课程并获得学时")
MSG_LESSON_UNAVAILABLE = _("该课时已下线或不在您的学习范围内，不再计入学时")
MSG_TAKEN_OVER = _("您已在其他页面或设备上学习，本页已暂停，不再计入学时")

ORGANISER = _("中国科学院继续教育网")


class LessonUnavailable(PermissionDenied):
    """The person may not study this lesson (unpublished, another unit's tree, or gone)."""


def report_interval() -> int:
    """Seconds between a playing page's reports (15–30 s; settings.COURSES_REPORT_INTERVAL)."""
    return settings.COURSES_REPORT_INTERVAL


def max_gap() -> int:
    """The longest gap between two reports that still counts: the interval plus a grace."""
    return settings.COURSES_REPORT_INTERVAL + settings.COURSES_REPORT_GRACE


def source_key(course_id: int, employee_id: int, day: dt.date) -> str:
    """The ledger's key of one person's study of one course on one day."""
    return f"course:{course_id}:{employee_id}:{day.isoformat()}"


@dataclass(frozen=True)
class ReportResult:
    credit: int
    credited: int  # the lesson's credited seconds after the report
    position: int
    stop: bool
    note: str
    lesson_seconds: int


def lesson_report(
    *,
    actor,
    lesson_id: int,
    token: str,
    event: str,
    position: int,
    now: Callable[[], dt.datetime] = timezone.now,
) -> ReportResult:
    """Apply one study report of `actor`'s page `token` on a lesson (see `crediting.decide`).

    The person's study session row is locked first, so one person's reports (two tabs, two devices) are
    decided one after the other; the lesson must be one the person may study now (published, in a tree
    holding their unit), else `LessonUnavailable` and nothing is credited.
    """
    employee_id = getattr(actor, "employee_id", None)
    if not employee_id:
        raise PermissionDenied(MSG_NOT_LEARNER)
    if event not in crediting.EVENTS:
        raise ValueError(f"unknown event {event!r}")
    with transaction.atomic():
        lesson = (
            Lesson.objects.learnable_by(actor)
            .select_related("course")
            .only("pk", "seconds", "course__id", "course__title", "course__section")
            .filter(pk=lesson_id)
            .first()
        )
        if lesson is None:
            raise LessonUnavailable(MSG_LESSON_UNAVAILABLE)
        session_row = StudySession.objects.select_for_update().filter(employee_id=employee_id).first()
        if session_row is None:
            StudySession.objects.bulk_create(
                [StudySession(employee_id=employee_id, lesson=lesson, token=token)], ignore_conflicts=True
            )
            session_row = StudySession.objects.select_for_update().get(employee_id=employee_id)
            session = None
        else:
            session = crediting.Session(session_row.token, session_row.lesson_id, session_row.last_report_at)
        progress = LessonProgress.objects.filter(employee_id=employee_id, lesson=lesson).first()
        at = now()
        decision = crediting.decide(
            now=at,
            token=token,
            event=event,
            position=position,
            lesson_id=lesson.pk,
            lesson_seconds=lesson.seconds,
            credited_before=progress.credited if progress else 0,
            position_before=progress.position if progress else 0,
            session=session,
            max_gap=max_gap(),
        )
        if decision.session is not None:
            StudySession.objects.filter(employee_id=employee_id).update(
                lesson=lesson, token=decision.session.token, last_report_at=decision.session.last_report_at
            )
        if decision.stop:
            credited = progress.credited if progress else 0
            return ReportResult(0, credited, decision.position, True, decision.note, lesson.seconds)
        credit = 0
        if decision.credit:
            credit = _credit_ledger(actor, lesson.course, employee_id, decision.credit_from, decision.credit)
        if progress is None:
            progress = LessonProgress.objects.create(
                employee_id=employee_id,
                lesson=lesson,
                course_id=lesson.course.pk,
                position=decision.position,
                credited=credit,
                last_studied_at=at,
            )
        else:
            progress.position = decision.position
            progress.credited += credit
            progress.last_studied_at = at
            progress.save(update_fields=["position", "credited", "last_studied_at"])
        return ReportResult(
            credit, progress.credited, decision.position, False, decision.note, lesson.seconds
        )


def _credit_ledger(actor, course: Course, employee_id: int, start: dt.datetime, seconds: int) -> int:
    """Add credited seconds to the person's record of the course for each day they fall on; returns the
    seconds credited. A record holds at most a day's 8 学时 (第十条, as every ledger record): study of one
    course beyond that on one day earns nothing more that day."""
    credited = 0
    for day, secs in crediting.split_by_day(start, seconds, ZoneInfo(settings.TIME_ZONE)):
        key = source_key(course.pk, employee_id, day)
        before = (
            Record.objects.filter(source=Source.PLATFORM, source_key=key, deleted_at__isnull=True)
            .values_list("seconds", flat=True)
            .first()
        ) or 0
        secs = min(secs, SECONDS_PER_DAY - before)
        if secs <= 0:
            continue
        credited += secs
        source_records_sync(
            actor=actor,
            source=Source.PLATFORM,
            key_prefix=key,
            items=[course_day_record(course, employee_id, day, before + secs)],
        )
    return credited


def course_day_record(course: Course, employee_id: int, day: dt.date, seconds: int) -> SourceRecord:
    """The ledger's record of one person's study of a course on a day (第九条四: 网络学时, auto-credited)."""
    return SourceRecord(
        source_key=source_key(course.pk, employee_id, day),
        employee_id=employee_id,
        category=Category.PLATFORM_ONLINE,
        form=Form.ONLINE,
        name=course.title,
        start_date=day,
        end_date=day,
        seconds=seconds,
        content=str(course.get_section_display()),
        organiser=str(ORGANISER),
    )
