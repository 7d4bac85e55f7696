"""Writes of the platform's courses: study reports (study.py) and authoring (authoring.py)."""

from .authoring import (
    course_save,
    course_set_published,
    lesson_add,
    lesson_delete,
    lesson_move,
    lesson_update,
)
from .study import (
    LessonUnavailable,
    ReportResult,
    course_day_record,
    lesson_report,
    max_gap,
    report_interval,
    source_key,
)

__all__ = [
    "LessonUnavailable",
    "ReportResult",
    "course_day_record",
    "course_save",
    "course_set_published",
    "lesson_add",
    "lesson_delete",
    "lesson_move",
    "lesson_report",
    "lesson_update",
    "max_gap",
    "report_interval",
    "source_key",
]
