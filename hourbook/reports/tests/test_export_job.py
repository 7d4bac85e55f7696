"""The year's records export as a background job (issue 5): progress, the file once, the scope kept; and a
task worker killed (SIGKILL) in the middle: the job is run again, never left running, its effect once."""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hourbook.jobs.models import Job, JobStatus
from hourbook.jobs.services import jobs_sweep, stale_after
from hourbook.ledger import summary
from hourbook.ledger.bulk import records_insert
from hourbook.notifications.models import Notification
from hourbook.testing.factories import RecordFactory

ROOT = Path(__file__).resolve().parents[3]
YEAR = dt.date.today().year


def _many(employee, n: int) -> None:
    day = dt.date(YEAR, 1, 5)
    rows = (
        {
            "employee_id": employee.pk,
            "unit_id": employee.unit_id,
            "year": YEAR,
            "category": "external_training",
            "form": "conference",
            "source": "employee",
            "name": f"报告{i}",
            "start_date": day,
            "end_date": day,
            "seconds": 3600,
            "status": "approved",
        }
        for i in range(n)
    )
    records_insert(rows, now=dt.datetime.now(dt.UTC))
    summary.rebuild()


@pytest.mark.django_db
def test_export_job_holds_the_scope_and_keeps_the_file(cast, login, django_capture_on_commit_callbacks):
    RecordFactory(employee=cast.employee.employee, name="本所记录")
    RecordFactory(employee=cast.outsider.employee, name="兄弟所记录")
    client = login(cast.hr)
    url = reverse("reports:records_export_job") + f"?unit={cast.units['unit'].pk}&year={YEAR}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get(owner=cast.hr)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.total == 1
    download = client.get(reverse("jobs:download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    names = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["本所记录"]
    assert Notification.objects.filter(recipient=cast.hr, title__contains="已完成").count() == 1
    assert login(cast.parent_hr).get(reverse("jobs:download", args=[job.pk])).status_code == 404


def _worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2", "--no-reload"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_killed_worker_job_is_run_again_once(cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOB_STALE_SECONDS = 2
    _many(cast.employee.employee, 40_000)
    db = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}",
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "JOB_STALE_SECONDS": "2",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DATABASE_TEST_NAME", None)

    client = Client()
    client.force_login(cast.hr)
    client.post(reverse("reports:records_export_job") + f"?unit={cast.units['unit'].pk}&year={YEAR}")
    job = Job.objects.get(owner=cast.hr)

    worker = _worker(env)
    try:
        # Kill the worker in the middle of the export: running, some rows written, not finished.
        _wait_for(
            lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, progress__gt=0).exists(),
            60,
            "the export to be under way",
        )
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1 and job.progress < job.total

    # Nobody beats its heartbeat any more: the sweep re-queues it once the heartbeat is stale (the sweep's
    # clock is injected: no waiting); a new worker runs it to the end.
    assert jobs_sweep(now=job.heartbeat_at) == {"requeued": 0, "failed": 0}
    stale = job.heartbeat_at + stale_after() + dt.timedelta(seconds=1)
    assert jobs_sweep(now=stale) == {"requeued": 1, "failed": 0}
    worker = _worker(env)
    try:
        _wait_for(
            lambda: Job.objects.filter(pk=job.pk, status=JobStatus.SUCCEEDED).exists(), 90, "the re-run"
        )
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    job.refresh_from_db()
    assert job.attempts == 2 and job.progress == job.total == 40_000
    assert Notification.objects.filter(recipient=cast.hr, title__contains="已完成").count() == 1
    with job.result_file.open("rb") as fh:
        sheet = load_workbook(fh, read_only=True).worksheets[0]
        assert sum(1 for _ in sheet.iter_rows(min_row=2)) == 40_000
