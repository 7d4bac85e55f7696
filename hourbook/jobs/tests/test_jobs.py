"""Background jobs: a status row per job, progress, an effect that happens once, stale jobs swept."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hourbook.jobs import services
from hourbook.jobs.models import Job, JobStatus
from hourbook.jobs.tests import handlers
from hourbook.notifications.models import Notification


@pytest.fixture(autouse=True)
def test_handlers(monkeypatch):
    monkeypatch.setitem(services.HANDLERS, "test.count", handlers.count_to_three)
    monkeypatch.setitem(services.HANDLERS, "test.explode", handlers.explode)
    handlers.CALLS.clear()


@pytest.mark.django_db
def test_job_runs_on_commit_and_attaches_its_result(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(owner=cast.hr, kind="test.count", title="导出")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    assert (job.progress, job.total, job.percent) == (3, 3, 100)
    assert job.result_file.read() == b"done"
    assert Notification.objects.filter(recipient=cast.hr, title__contains="已完成").count() == 1


@pytest.mark.django_db
def test_running_twice_has_one_effect(cast, django_capture_on_commit_callbacks):
    job = Job.objects.create(owner=cast.hr, kind="test.count", title="导出")
    with django_capture_on_commit_callbacks(execute=True):
        services.job_run(job.pk)
        services.job_run(job.pk)
    assert [job.pk] == handlers.CALLS
    assert Notification.objects.filter(recipient=cast.hr).count() == 1


@pytest.mark.django_db
def test_failure_is_shown(cast):
    job = Job.objects.create(owner=cast.hr, kind="test.explode", title="导出")
    services.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "RuntimeError" in job.error


@pytest.mark.django_db
def test_stale_running_job_is_requeued_then_failed(cast, django_capture_on_commit_callbacks):
    old = timezone.now() - dt.timedelta(minutes=10)
    job = Job.objects.create(
        owner=cast.hr,
        kind="test.count",
        title="导出",
        status=JobStatus.RUNNING,
        attempts=1,
        heartbeat_at=old,
        started_at=old,
    )
    fresh = Job.objects.create(
        owner=cast.hr,
        kind="test.count",
        title="进行中",
        status=JobStatus.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_sweep() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2  # re-run by the worker
    assert fresh.status == JobStatus.RUNNING
    dead = Job.objects.create(
        owner=cast.hr, kind="test.count", title="死了", status=JobStatus.RUNNING, attempts=3, heartbeat_at=old
    )
    assert services.jobs_sweep() == {"requeued": 0, "failed": 1}
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and dead.error


@pytest.mark.django_db
def test_job_pages_are_private(cast, login):
    job = Job.objects.create(owner=cast.hr, kind="test.count", title="导出")
    assert login(cast.hr).get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    client = login(cast.parent_hr)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        services.job_start(owner=None, kind="nope", title="x")


def test_each_app_registers_its_own_handlers():
    """The reports app plugs its export in from AppConfig.ready(); the jobs app names no handler itself."""
    from hourbook.reports.jobs import RECORDS_EXPORT, records_export

    assert services.HANDLERS[RECORDS_EXPORT] is records_export
    source = __import__("inspect").getsource(services)
    assert "hourbook.reports" not in source and "/jobs/" not in source


def test_a_kind_is_registered_once(monkeypatch):
    monkeypatch.setitem(services.HANDLERS, "test.once", handlers.count_to_three)
    services.job_handler_register("test.once", handlers.count_to_three)  # the same handler again: harmless
    with pytest.raises(ValueError):
        services.job_handler_register("test.once", handlers.explode)


@pytest.mark.django_db
def test_notifications_link_to_the_reversed_job_page(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(owner=cast.hr, kind="test.count", title="导出")
    note = Notification.objects.get(recipient=cast.hr)
    assert note.link == reverse("jobs:detail", args=[job.pk])
