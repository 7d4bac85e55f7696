"""The demo's course catalogue (课程资源) and a year of study on it (第九条四).

Thirty courses across the five sections, each with a short real video, a short real audio lesson and PDF
documents, from the small files shipped in `hourbook/courses/samples/` (stored once, shared by every demo
lesson; nothing is downloaded or generated at run time). A document's study length is set by its author,
so the long courses of `data.COURSES` keep their lengths.

People's study becomes what the courses app itself would have made: each lesson's progress, and one approved
`platform_online` record per person, course and study day (the courses app's source keys), written through
`ledger.services.source_records_sync` once per course for both years.
"""

import datetime as dt
import math
import random
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from hourbook.courses.choices import LessonKind, Section
from hourbook.courses.media import sniff
from hourbook.courses.models import Course, Lesson, LessonProgress, Teacher
from hourbook.courses.services import course_day_record
from hourbook.ledger.choices import Source
from hourbook.ledger.services import source_records_sync

from . import data
from .people import Academy, Person

SAMPLES = Path(__file__).resolve().parents[1] / "courses" / "samples"
STORED = "courses/lessons/demo/"
# How long one study day of a course lasts at most in the demo (the rest goes to further days).
STUDY_DAY = 90 * 60

TEACHERS = [
    ("刘志远", "研究员", "中国科学院大学"),
    ("陈静", "教授", "中国科学院大学公共政策与管理学院"),
    ("王建国", "研究员", "中国科学院物理研究所"),
    ("赵敏", "副研究员", "中国科学院计算技术研究所"),
    ("孙立新", "研究员", "中国科学院化学研究所"),
    ("周晓燕", "高级工程师", "中国科学院人事局"),
    ("吴海涛", "研究员", "中国科学院科技战略咨询研究院"),
    ("郑丽华", "教授", "中国科学院心理研究所"),
    ("黄伟", "研究员", "中国科学院金属研究所"),
    ("林芳", "副教授", "中国科学院大学人文学院"),
    ("何志强", "研究员", "中国科学院寒区旱区环境与工程研究所"),
    ("高雪梅", "研究员", "中国科学院武汉病毒研究所"),
]

# Sections of the eight long courses of data.COURSES, in their order.
LONG_SECTIONS = [
    Section.PARTY_THEORY,
    Section.SKILLS,
    Section.SKILLS,
    Section.FRONTIER,
    Section.MANAGEMENT,
    Section.MANAGEMENT,
    Section.SKILLS,
    Section.QUALITY,
]

# Shorter courses: (section, title, minutes of documents, unit code it is published to or "" for all).
SHORT_COURSES = [
    (Section.PARTY_THEORY, "党章党规党纪学习", 40, ""),
    (Section.PARTY_THEORY, "中国共产党历史专题", 55, ""),
    (Section.PARTY_THEORY, "科学家精神专题讲座", 30, ""),
    (Section.FRONTIER, "量子信息科学进展", 45, ""),
    (Section.FRONTIER, "凝聚态物理前沿", 50, "CAS-BJ-IOP"),
    (Section.FRONTIER, "合成生物学导论", 40, ""),
    (Section.FRONTIER, "冰冻圈科学与气候变化", 45, "CAS-NW-CAREERI"),
    (Section.MANAGEMENT, "科研项目全过程管理", 40, ""),
    (Section.MANAGEMENT, "科研经费管理政策解读", 30, ""),
    (Section.MANAGEMENT, "科技成果转化实务", 45, ""),
    (Section.SKILLS, "科研数据管理与共享", 30, ""),
    (Section.SKILLS, "Python 科学计算入门", 60, ""),
    (Section.QUALITY, "高效沟通与团队协作", 30, ""),
    (Section.QUALITY, "公文写作基础", 35, ""),
]

MEDIA = [
    ("lesson.webm", LessonKind.VIDEO, 30),
    ("lesson.mp4", LessonKind.VIDEO, 20),
    ("lesson.mp3", LessonKind.AUDIO, 20),
    ("lesson.ogg", LessonKind.AUDIO, 20),
    ("lesson.pdf", LessonKind.DOCUMENT, 0),
]


def _stored_samples() -> dict[str, tuple[str, str, int, int]]:
    """Store each sample once (kept across demo reloads): name → (stored name, content type, size, length)."""
    out = {}
    for name, _kind, length in MEDIA:
        path = SAMPLES / name
        stored = STORED + name
        if not default_storage.exists(stored):
            with path.open("rb") as handle:
                stored = default_storage.save(stored, File(handle, name=name))
        head = path.read_bytes()[:64]
        out[name] = (stored, sniff(head).content_type, path.stat().st_size, length)
    return out


def _lesson(course: Course, order: int, title: str, kind: str, sample, seconds: int) -> Lesson:
    stored, content_type, size, _length = sample
    lesson = Lesson(
        course=course,
        order=order,
        title=title,
        kind=kind,
        content_type=content_type,
        size=size,
        seconds=seconds,
        original_name=stored.rsplit("/", 1)[-1],
    )
    lesson.file.name = stored
    return lesson


def build_catalogue(academy: Academy, years: tuple[int, ...]) -> list[Course]:
    """The published courses: the eight long ones of data.COURSES in a yearly edition each (a person who took
    last year's edition earns this year's from this year's), then the short ones."""
    samples = _stored_samples()
    teachers = Teacher.objects.bulk_create(
        Teacher(name=name, title=title, organisation=org, bio=f"{org}{title}，长期从事相关领域的研究与教学。")
        for name, title, org in TEACHERS
    )
    now = timezone.now()
    specs = [
        (LONG_SECTIONS[i], f"{title}（{year}年度）", length, "")
        for year in years
        for i, (title, length) in enumerate(data.COURSES)
    ] + [(section, title, minutes * 60 + 50, unit) for section, title, minutes, unit in SHORT_COURSES]
    courses, lessons = [], []
    for index, (section, title, _length, unit_code) in enumerate(specs):
        course = Course(
            section=section,
            title=title,
            description=f"本课程为“{Section(section).label}”栏目课程，包括视频讲解、音频导读和课程讲义。",
            teacher=teachers[index % len(teachers)],
            unit=academy.units[unit_code] if unit_code else None,
            published=True,
            published_at=now - dt.timedelta(days=400 - index * 12),
            created_by=academy.admin,
        )
        courses.append(course)
    Course.objects.bulk_create(courses)
    for index, course in enumerate(courses):
        # Newest first in the catalogue: keep the build order meaningful.
        Course.objects.filter(pk=course.pk).update(created_at=course.published_at)
        video = samples["lesson.webm" if index % 2 == 0 else "lesson.mp4"]
        audio = samples["lesson.mp3" if index % 2 == 0 else "lesson.ogg"]
        total = specs[index][2]
        items = [
            _lesson(course, 1, "第一讲 课程导学（视频）", LessonKind.VIDEO, video, video[3]),
            _lesson(course, 2, "第二讲 专题导读（音频）", LessonKind.AUDIO, audio, audio[3]),
        ]
        rest = total - video[3] - audio[3]
        parts = max(1, min(4, math.ceil(rest / (90 * 60))))
        for part in range(parts):
            share = rest // parts + (rest % parts if part == 0 else 0)
            items.append(
                _lesson(
                    course,
                    3 + part,
                    f"第{'三四五六'[part]}讲 课程讲义",
                    LessonKind.DOCUMENT,
                    samples["lesson.pdf"],
                    share,
                )
            )
        lessons += items
    Lesson.objects.bulk_create(lessons)
    return courses


class Study:
    """Study gathered for both years, written once per course (one source key prefix per course)."""

    def __init__(self) -> None:
        self.records: dict[int, list] = defaultdict(list)
        self.progress: dict[tuple[int, int], int] = defaultdict(int)  # (employee, lesson) → credited
        self.last: dict[tuple[int, int], dt.datetime] = {}
        self.lessons: dict[int, list[Lesson]] = {}
        self.courses: list[Course] = []
        self.editions: dict[
            int, list[Course]
        ] = {}  # year → the long courses' editions, in data.COURSES order

    def add(self, course: Course, person: Person, start: dt.date, end: dt.date, seconds: int) -> None:
        """`seconds` of study of a course between two days, spread over study days of at most 90 minutes."""
        lessons = self.lessons[course.pk]
        length = sum(lesson.seconds for lesson in lessons)
        employee_id = person.employee.pk
        already = sum(self.progress[(employee_id, lesson.pk)] for lesson in lessons)
        seconds = max(0, min(seconds, length - already))  # never beyond the course's length
        if not seconds:
            return
        left = seconds
        for lesson in lessons:
            take = min(left, lesson.seconds - self.progress[(employee_id, lesson.pk)])
            if take > 0:
                self.progress[(employee_id, lesson.pk)] += take
                left -= take
        span = (end - start).days + 1
        n = max(1, min(span, math.ceil(seconds / STUDY_DAY)))
        tz = ZoneInfo(settings.TIME_ZONE)
        for i in range(n):
            day = start + dt.timedelta(days=(i * (span - 1)) // max(1, n - 1)) if n > 1 else end
            share = seconds // n + (seconds % n if i == 0 else 0)
            self.records[course.pk].append(course_day_record(course, employee_id, day, share))
        last = dt.datetime.combine(end, dt.time(20, 0), tzinfo=tz)
        for lesson in lessons:
            if self.progress[(employee_id, lesson.pk)]:
                self.last[(employee_id, lesson.pk)] = last

    def write(self) -> int:
        """Progress rows and ledger records; returns the records created."""
        lesson_course = {lesson.pk: lesson for lessons in self.lessons.values() for lesson in lessons}
        LessonProgress.objects.bulk_create(
            [
                LessonProgress(
                    employee_id=employee_id,
                    lesson_id=lesson_id,
                    course_id=lesson_course[lesson_id].course_id,
                    credited=credited,
                    position=credited if lesson_course[lesson_id].kind != LessonKind.DOCUMENT else 0,
                    last_studied_at=self.last.get((employee_id, lesson_id)),
                )
                for (employee_id, lesson_id), credited in self.progress.items()
                if credited
            ],
            batch_size=2000,
        )
        created = 0
        for course in self.courses:
            items = _merge_days(self.records.get(course.pk, []))
            counts = source_records_sync(
                actor=None, source=Source.PLATFORM, key_prefix=f"course:{course.pk}:", items=items
            )
            created += counts["created"]
        return created


def _merge_days(items: list) -> list:
    """One record per person, course and day: two placements on the same day add up."""
    by_key: dict[str, object] = {}
    for item in items:
        if item.source_key in by_key:
            before = by_key[item.source_key]
            by_key[item.source_key] = type(item)(
                **{**before.__dict__, "seconds": before.seconds + item.seconds}
            )
        else:
            by_key[item.source_key] = item
    return list(by_key.values())


def start_study(academy: Academy, years: tuple[int, ...]) -> Study:
    study = Study()
    study.courses = build_catalogue(academy, years)
    n = len(data.COURSES)
    study.editions = {year: study.courses[i * n : (i + 1) * n] for i, year in enumerate(years)}
    for lesson in Lesson.objects.filter(course__in=study.courses).order_by("course_id", "order", "pk"):
        study.lessons.setdefault(lesson.course_id, []).append(lesson)
    return study


def extra_study(rng: random.Random, academy: Academy, study: Study, year: int, window_of) -> None:
    """Generated people also take some of the short courses (a few each), so the catalogue's "most studied"
    means something. Personas' figures stay as data.PERSONA_COURSES makes them."""
    short = study.courses[len(data.COURSES) * len(study.editions) :]
    for person in academy.people:
        if person.persona is not None:
            continue
        window = window_of(year, person.employee.left_on)
        open_to = [c for c in short if c.unit_id is None or person.unit.path.startswith(c.unit.path)]
        for course in rng.sample(open_to, k=min(len(open_to), rng.randint(0, 3))):
            start, end, _days = window.place(rng, 1, spread=rng.randint(0, 6))
            length = sum(lesson.seconds for lesson in study.lessons[course.pk])
            study.add(course, person, start, end, length if rng.random() < 0.6 else rng.randint(60, length))
