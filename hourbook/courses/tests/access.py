"""Access matrix of the course screens.

A course published to 物理研究所's tree: its people (employee, colleague, hr, manager) study it; 北京分院's HR
(parent_hr) and the academy admin author it; 化学研究所's people and HR (outsider, sibling_hr) get 404.
Authoring is for HR and the academy (403 for plain employees and programme managers).
"""

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from hourbook.courses.models import Course, Lesson, StudySession
from hourbook.courses.tests.factories import CourseFactory, LessonFactory
from hourbook.testing.access import PERSONAS, Access, register

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
LEARNERS = ("employee", "colleague", "hr", "manager")
OPENERS = (*LEARNERS, "parent_hr", "academy")
OUTSIDERS = ("outsider", "sibling_hr")
AUTHORS = ("hr", "parent_hr", "academy")
NOT_AUTHORS = ("employee", "colleague", "outsider", "manager")
EMPLOYEES = tuple(p for p in PERSONAS if p != "academy")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def course(cast):
    c = CourseFactory(unit=cast.units["unit"], title="物理所安全生产培训")
    c.cover.save("cover.png", ContentFile(PNG), save=True)
    return {"course": c, "lesson": LessonFactory(course=c)}


def two_lessons(cast):
    objects = course(cast)
    objects["second"] = LessonFactory(course=objects["course"], order=objects["lesson"].order + 1)
    return objects


def second_pk(cast, objects):
    return {"pk": objects["second"].pk}


def moved_up(cast, objects):
    return (
        Lesson.objects.get(pk=objects["second"].pk).order < Lesson.objects.get(pk=objects["lesson"].pk).order
    )


def course_pk(cast, objects):
    return {"pk": objects["course"].pk}


def lesson_pk(cast, objects):
    return {"pk": objects["lesson"].pk}


def teacher_pk(cast, objects):
    return {"pk": objects["course"].teacher_id}


def opened(kwargs, **extra):
    return Access(ok=OPENERS, not_found=OUTSIDERS, setup=course, kwargs=kwargs, **extra)


def authored(
    kwargs, method="GET", ok_status=(200,), data=None, wrong_method="auto", effect=None, setup=course
):
    return Access(
        method=method,
        ok=AUTHORS,
        not_found=("sibling_hr",),
        forbidden=NOT_AUTHORS,
        ok_status=ok_status,
        setup=setup,
        kwargs=kwargs,
        data=data,
        wrong_method=wrong_method,
        effect=effect,
    )


def upload(cast, objects):
    return {
        "title": "第二讲",
        "kind": "video",
        "file": SimpleUploadedFile("第二讲.webm", (SAMPLES / "lesson.webm").read_bytes()),
    }


register("courses:catalogue", Access(ok=PERSONAS, setup=course))
register("courses:course_detail", opened(course_pk))
register("courses:cover", opened(course_pk))
register("courses:teacher_detail", opened(teacher_pk))
register("courses:lesson_detail", opened(lesson_pk))
register("courses:lesson_file", opened(lesson_pk))
register(
    "courses:lesson_report",
    Access(
        method="POST",
        ok=LEARNERS,
        not_found=(*OUTSIDERS, "parent_hr"),  # 北京分院's HR may preview, not study: the course is 物理所's
        forbidden=("academy",),  # no person behind the account: nothing to credit
        setup=course,
        kwargs=lesson_pk,
        data=lambda cast, objects: {"token": "tab", "event": "start", "position": "0"},
        effect=lambda cast, objects: StudySession.objects.filter(lesson=objects["lesson"]).exists(),
    ),
)
register("courses:mine", Access(ok=EMPLOYEES, not_found=("academy",)))
register("courses:manage_list", Access(ok=(*AUTHORS, "sibling_hr"), forbidden=NOT_AUTHORS))
register(
    "courses:course_create", Access(ok=(*AUTHORS, "sibling_hr"), forbidden=NOT_AUTHORS, wrong_method="PUT")
)
register("courses:manage_course", authored(course_pk))
register("courses:course_edit", authored(course_pk, wrong_method="PUT"))
register(
    "courses:course_publish",
    authored(
        course_pk,
        "POST",
        (302,),
        data=lambda cast, objects: {"published": "0"},
        effect=lambda cast, objects: not Course.objects.get(pk=objects["course"].pk).published,
    ),
)
register(
    "courses:lesson_create",
    authored(
        course_pk,
        "POST",
        (302,),
        data=upload,
        effect=lambda cast, objects: objects["course"].lessons.count() == 2,
    ),
)
register("courses:lesson_edit", authored(lesson_pk, wrong_method="PUT"))
register(
    "courses:lesson_move",
    authored(
        second_pk,
        "POST",
        (302,),
        data=lambda cast, objects: {"direction": "up"},
        effect=moved_up,
        setup=two_lessons,
    ),
)
register(
    "courses:lesson_delete",
    authored(
        lesson_pk,
        "POST",
        (302,),
        effect=lambda cast, objects: not Lesson.objects.filter(pk=objects["lesson"].pk).exists(),
    ),
)
