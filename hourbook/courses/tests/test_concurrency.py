"""Concurrency on PostgreSQL: one person's reports from two tabs at the same instant are decided one after
the other under the study session's row lock, so the same wall-clock seconds are never credited twice."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Sum

from hourbook.courses import crediting
from hourbook.courses.models import LessonProgress, StudySession
from hourbook.courses.services import lesson_report
from hourbook.courses.tests.factories import LessonFactory
from hourbook.ledger.choices import Source
from hourbook.ledger.models import Record
from hourbook.testing.factories import EmployeeUserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 4, 1, 9, 0, tzinfo=SH)


def _together(n: int, call) -> list:
    """Run `call(i)` in n threads released by one barrier; return results (or exceptions) by index."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = call(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_first_reports_from_two_devices_at_once_make_one_session():
    user = EmployeeUserFactory()
    lesson = LessonFactory()
    results = _together(
        4,
        lambda i: lesson_report(
            actor=user, lesson_id=lesson.pk, token=f"t{i}", event="start", position=0, now=lambda: T0
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert StudySession.objects.filter(employee_id=user.employee_id).count() == 1


def test_the_same_seconds_are_never_credited_twice():
    user = EmployeeUserFactory()
    lesson = LessonFactory(seconds=600)
    lesson_report(
        actor=user, lesson_id=lesson.pk, token="a", event=crediting.START, position=0, now=lambda: T0
    )
    later = T0 + dt.timedelta(seconds=20)
    # The same page's report sent twice at once (a retry racing the original): 20 s, once.
    results = _together(
        6,
        lambda i: lesson_report(
            actor=user, lesson_id=lesson.pk, token="a", event="tick", position=20, now=lambda: later
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.credit for r in results) == [0, 0, 0, 0, 0, 20]
    assert LessonProgress.objects.get(lesson=lesson).credited == 20
    ledger = Record.objects.filter(source=Source.PLATFORM, deleted_at__isnull=True).aggregate(
        s=Sum("seconds")
    )["s"]
    assert ledger == 20
