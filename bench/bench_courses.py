"""The study report endpoint under load (issue 10): simulated learners each sending their lesson's "tick",
through nginx and gunicorn's sync workers against PostgreSQL, as bench_load.py runs the home page.

Builds a throwaway database (bench/_common.py) with LEARNERS employees, each logged in and holding a study
session on one of a course's lessons, then drives POST /courses/lessons/<id>/report/ with wrk at paced
offered rates (2,000 learners reporting every 15 s offer about 133 reports a second), and finally both the
endpoint and the home page unpaced, to compare where each saturates on the same stack in the same run.
Also prints the SQL statements one steady-state report makes, and the writes among them, and checks that
the credited seconds and the ledger agree afterwards.

Needs PostgreSQL, `wrk` and `nginx`. Run:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_courses.py
"""

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_load  # noqa: E402 -- sets SECRET_KEY for the sessions made here and the server
from _common import throwaway_database  # noqa: E402


def build(learners: int, tmpdir: Path) -> list[str]:
    """Units, employees with accounts and sessions, one course of ten lessons, a live study session each."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from hourbook.accounts.models import User
    from hourbook.courses.models import Course, Lesson, StudySession, Teacher
    from hourbook.org.models import Employee, Unit

    root = Unit.objects.create(code="BENCH", name="中国科学院")
    unit = Unit.objects.create(code="BENCH-1", name="物理研究所", parent=root)
    employees = Employee.objects.bulk_create(
        Employee(arp=f"B{i:07d}", name=f"学员{i}", unit=unit, is_registered=True) for i in range(learners)
    )
    users = User.objects.bulk_create(User(username=f"bench{i}", employee=e) for i, e in enumerate(employees))
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_update(users, ["password"])
    teacher = Teacher.objects.create(name="王老师")
    course = Course.objects.create(section="frontier", title="压力测试课程", teacher=teacher, published=True)
    sample = (ROOT / "hourbook" / "courses" / "samples" / "lesson.webm").read_bytes()
    lessons = []
    for order in range(10):
        lesson = Lesson(course=course, order=order, title=f"第{order + 1}讲", kind="video", seconds=3600)
        lesson.content_type, lesson.size = "video/webm", len(sample)
        lesson.file.save("lesson.webm", ContentFile(sample), save=False)
        lesson.save()
        lessons.append(lesson)
    now = timezone.now()
    expire = now + dt.timedelta(hours=8)
    store = SessionStore()
    sessions, lines, study = [], [], []
    for i, user in enumerate(users):
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "hourbook.accounts.backends.AccountBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        lesson = lessons[i % len(lessons)]
        study.append(
            StudySession(employee_id=user.employee_id, lesson=lesson, token=f"tab{i}", last_report_at=now)
        )
        lines.append(f"{key} {lesson.pk} tab{i}")
    Session.objects.bulk_create(sessions, batch_size=1000)
    StudySession.objects.bulk_create(study, batch_size=1000)
    return lines


def statements_per_report() -> tuple[int, int]:
    """SQL statements and writes (INSERT/UPDATE/DELETE) of one steady-state report (progress and record exist)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hourbook.accounts.models import User
    from hourbook.courses.models import StudySession
    from hourbook.courses.services import lesson_report

    user = User.objects.get(username="bench0")
    session = StudySession.objects.get(employee_id=user.employee_id)
    start = timezone.now()
    for step in (1, 2):
        at = start + dt.timedelta(seconds=15 * step)
        with CaptureQueriesContext(connection) as ctx:
            result = lesson_report(
                actor=user,
                lesson_id=session.lesson_id,
                token=session.token,
                event="tick",
                position=15,
                now=lambda at=at: at,
            )
    assert result.credit == 15, result
    sql = [q["sql"].lstrip().upper() for q in ctx.captured_queries]
    writes = [s for s in sql if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    return len(sql), len(writes)


def run(host: str, learners_file: Path, rate: int | None, duration: int, path: str = "") -> dict:
    """One wrk run: paced at `rate` requests a second, or unpaced (rate None) on 16 connections."""
    connections = 16 if rate is None else max(8, rate // 4)
    interval_ms = 0 if rate is None else max(0, int(connections * 1000 / rate) - 15)
    env = {
        **os.environ,
        "BENCH_LEARNERS": str(learners_file),
        "BENCH_INTERVAL_MS": str(interval_ms),
        "BENCH_PATH": path,
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [
            *("wrk", "-t", "1", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s"),
            *("-s", str(ROOT / "bench" / "report.lua"), host),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, errors, micros, p50, p95, p99 = line.split()[1:]
    seconds = int(micros) / 1e6
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "achieved": int(requests) / seconds,
        "requests": int(requests),
        "errors": int(errors),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "cpu": 100 * cpu / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--rates", default="50,100,133,150,200")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8021)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL server (a throwaway database is made beside it)")
    with throwaway_database("test_hourbook_bench_courses", prefix="hourbook-courses-") as tmpdir:
        from django.db import connection
        from django.db.models import Sum

        lines = build(args.learners, tmpdir)
        learners_file = tmpdir / "learners.txt"
        learners_file.write_text("\n".join(lines), encoding="utf-8")
        statements, writes = statements_per_report()
        name = connection.settings_dict["NAME"]
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        env = {
            **os.environ,
            "DATABASE_URL": f"{base}/{name}",
            "DEBUG": "0",
            "HOURBOOK_PRODUCTION": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            "MEDIA_ROOT": str(tmpdir / "media"),
            "COURSES_REPORT_INTERVAL": "15",
        }
        env.pop("DATABASE_TEST_NAME", None)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        host = f"http://127.0.0.1:{args.port}"
        print(
            f"{args.learners} learners, {args.workers} gunicorn workers behind nginx, PostgreSQL, "
            f"{args.duration}s per run; one report = {statements} SQL statements, {writes} writes"
        )
        print(
            f"{'what':>14} {'offered':>8} {'achieved':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        )
        server, conf = bench_load.serve(args.workers, args.port, env, tmpdir)
        try:
            bench_load.wait_up(host + "/accounts/login/")
            for rate in [int(r) for r in args.rates.split(",")]:
                r = run(host, learners_file, rate, args.duration)
                print(
                    f"{'report':>14} {rate:>8} {r['achieved']:>9.1f} {r['errors']:>7} {r['p50']:>7.1f} "
                    f"{r['p95']:>7.1f} {r['p99']:>7.1f}"
                )
            for what, path in (("report (sat.)", ""), ("home (sat.)", "/")):
                r = run(host, learners_file, None, args.duration, path)
                print(
                    f"{what:>14} {'max':>8} {r['achieved']:>9.1f} {r['errors']:>7} {r['p50']:>7.1f} "
                    f"{r['p95']:>7.1f} {r['p99']:>7.1f}"
                )
        finally:
            os.killpg(server.pid, bench_load.signal.SIGTERM)
            server.wait(timeout=20)
            subprocess.run(["nginx", "-c", str(conf), "-s", "stop"], check=False, capture_output=True)
        from hourbook.courses.models import LessonProgress
        from hourbook.ledger.models import Record, RecordTransition

        credited = LessonProgress.objects.aggregate(s=Sum("credited"))["s"] or 0
        ledger = Record.objects.filter(source="platform", deleted_at__isnull=True)
        print(
            f"credited {credited} s, ledger {ledger.aggregate(s=Sum('seconds'))['s'] or 0} s in {ledger.count()} "
            f"records; {RecordTransition.objects.count()} record transitions"
        )


if __name__ == "__main__":
    main()
