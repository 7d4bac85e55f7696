"""A person studies a platform course in the browser (第九条四): the video plays, study time is credited by the
server as it plays, 我的课程 and the home bar's 网络学时 grow, reopening resumes where they stopped, and a
second tab that starts playing takes over while the first pauses and says why.

The page reports every second here (COURSES_REPORT_INTERVAL, passed to the page as a data attribute); the
test waits on what the page and the database show, never on sleeps. The lesson is WebM (VP9/Opus), which
every Chromium build plays (Debian's also plays H.264, but not every build does).
"""

from pathlib import Path

from django.core.files.base import ContentFile
from playwright.sync_api import expect

from e2e.conftest import log_in, shot, wait_until
from hourbook.courses.models import LessonProgress
from hourbook.courses.tests.factories import CourseFactory, LessonFactory
from hourbook.testing.factories import PASSWORD

SAMPLE = Path(__file__).resolve().parents[1] / "hourbook" / "courses" / "samples" / "lesson.webm"
CREDITED = "Number(document.getElementById('lesson-study').dataset.credited) >= %d"
# Paused with no report in flight: only then does the test read the database (SQLite's shared in-memory
# database refuses a read while the live server's thread writes).
IDLE = (
    "document.getElementById('lesson-media').paused"
    " && (document.getElementById('lesson-study').dataset.pending || '0') === '0'"
)


def play(page) -> None:
    """Start the player as a person would press play (muted, so the browser's autoplay policy allows it)."""
    page.locator("#lesson-media").evaluate("v => { v.muted = true; return v.play(); }")


def test_study_a_video_lesson_resume_and_take_over(page, browser, cast, settings):
    settings.COURSES_REPORT_INTERVAL = 1
    course = CourseFactory(title="凝聚态物理前沿", unit=cast.units["unit"])
    data = SAMPLE.read_bytes()
    # The lesson counts as 10 minutes (the sample file plays 30 s): on a slow machine the first tab may study
    # long enough that a 30-second cap would leave the second tab nothing to earn.
    lesson = LessonFactory(
        course=course,
        title="第一讲 超导简介",
        seconds=600,
        file=ContentFile(data, name="l.webm"),
        size=len(data),
    )
    LessonFactory(course=course, title="第二讲 拓扑材料", seconds=30, file=ContentFile(data, name="m.webm"))

    log_in(page, "employee", PASSWORD)
    page.get_by_role("link", name="课程资源").first.click()
    page.get_by_role("link", name="凝聚态物理前沿").click()
    page.get_by_test_id("course-start").click()
    expect(page.locator("#lesson-media")).to_be_visible()
    play(page)
    wait_until(page, CREDITED % 3)
    page.locator("#lesson-media").evaluate("v => v.pause()")
    wait_until(page, IDLE)
    shot(page, "courses-lesson-playing")

    progress = LessonProgress.objects.get(employee=cast.employee.employee, lesson=lesson)
    assert progress.credited >= 3

    # 我的课程 shows the course with its progress; the home bar's 网络学时 is no longer zero.
    page.goto(page.base_url + "/courses/mine/")
    card = page.get_by_test_id("my-course")
    expect(card).to_contain_text("凝聚态物理前沿")
    expect(card.get_by_role("link", name="继续学习")).to_be_visible()
    expect(page.get_by_test_id("my-course-progress")).not_to_have_text("0% · 0小时")
    shot(page, "courses-mine")
    page.goto(page.base_url + "/")
    expect(page.locator(".hours-figure").first).not_to_have_text("0小时")

    # Reopening resumes at the kept position.
    position = LessonProgress.objects.get(pk=progress.pk).position
    assert position >= 2
    page.goto(page.base_url + f"/courses/lessons/{lesson.pk}/")
    wait_until(page, f"document.getElementById('lesson-media').currentTime >= {position - 1}")

    # A second tab starts playing: it takes over, and the first tab is told to stop and pauses.
    play(page)
    wait_until(page, "Number(document.getElementById('lesson-study').dataset.reports || 0) >= 2")
    second = page.context.new_page()
    second.goto(page.base_url + f"/courses/lessons/{lesson.pk}/")
    play(second)
    wait_until(second, "Number(document.getElementById('lesson-study').dataset.reports || 0) >= 1")
    wait_until(
        page,
        "document.getElementById('lesson-study').dataset.stopped === '1' && document.getElementById('lesson-media').paused",
    )
    expect(page.locator("#lesson-status")).to_contain_text("其他页面")
    shot(page, "courses-taken-over")
    before = int(page.evaluate("document.getElementById('lesson-study').dataset.credited"))
    wait_until(second, CREDITED % (before + 2))
    # Pause and let every report land before the pages close, so none races the database teardown.
    second.locator("#lesson-media").evaluate("v => v.pause()")
    for tab in (second, page):
        wait_until(tab, IDLE)
    assert LessonProgress.objects.get(pk=progress.pk).credited >= before + 2
    second.close()
