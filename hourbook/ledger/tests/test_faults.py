"""Faults (issue 5): the importer's database connection is terminated (pg_terminate_backend) at random
moments of a 5,000-row upload; each time all rows or none are saved, the person gets an error they can act
on, and confirming again gives exactly 5,000."""

import queue
import random
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from hourbook.common.resilience import MSG_INTERRUPTED
from hourbook.ledger import summary
from hourbook.ledger.choices import Category
from hourbook.ledger.models import Record, RecordTransition, UploadBatch, UploadStatus
from hourbook.ledger.tests.upload_workbooks import fast_workbook_bytes, good_row
from hourbook.ledger.uploads.services import upload_batch_stage

ROWS = 5000
TRIES = 20


def _confirm_in_thread(user, batch_id, pids: queue.Queue, results: queue.Queue) -> None:
    try:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        connection.ensure_connection()
        pids.put(connection.connection.info.backend_pid)
        response = client.post(reverse("ledger:upload_confirm", args=[batch_id]))
        results.put((response.status_code, response.content.decode()))
    except Exception as exc:
        results.put((None, repr(exc)))
    finally:
        connection.close()


def _attempt(user, batch_id: int, delay: float | None) -> tuple[int | None, str]:
    """Confirm in a thread; terminate its backend after `delay` seconds (never, with None)."""
    pids: queue.Queue = queue.Queue()
    results: queue.Queue = queue.Queue()
    worker = threading.Thread(target=_confirm_in_thread, args=(user, batch_id, pids, results))
    worker.start()
    pid = pids.get(timeout=30)
    if delay is not None:
        time.sleep(delay)
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    worker.join(timeout=120)
    assert not worker.is_alive()
    return results.get(timeout=5)


def _reset(employee, batch_id: int) -> None:
    Record.objects.filter(employee=employee).delete()
    UploadBatch.objects.filter(pk=batch_id).update(
        status=UploadStatus.READY, committed_at=None, created_count=0
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_terminated_connection_saves_all_or_nothing(cast):
    user, employee = cast.employee, cast.employee.employee
    data = fast_workbook_bytes(Category.EXTERNAL_TRAINING, [good_row(n) for n in range(ROWS)])
    batch = upload_batch_stage(
        actor=user, employee=employee, category=Category.EXTERNAL_TRAINING, filename="5000.xlsx", data=data
    )
    assert batch.status == UploadStatus.READY and len(batch.rows) == ROWS

    # How long an undisturbed confirm takes, so the kills land before, during and after the work.
    started = time.perf_counter()
    status, _ = _attempt(user, batch.pk, delay=None)
    duration = time.perf_counter() - started
    assert status == 302 and Record.objects.filter(employee=employee).count() == ROWS
    _reset(employee, batch.pk)

    rng = random.Random(2026)
    outcomes = {"saved": 0, "nothing": 0}
    for attempt in range(TRIES):
        # The first kill lands at once, inside the work whatever the machine's load; the others at random
        # moments over an undisturbed run's length (its duration only spreads them, nothing asserts it).
        delay = 0.0 if attempt == 0 else rng.uniform(0, duration * 1.1)
        status, body = _attempt(user, batch.pk, delay=delay)
        saved = Record.objects.filter(employee=employee).count()
        assert saved in (0, ROWS), saved
        if saved == ROWS:
            outcomes["saved"] += 1
            assert status in (302, 500)  # 500: committed, then the session save lost its connection
            # Whole, not just counted: the batch is marked imported, each record has its one creating
            # transition, and the yearly summary equals the records (manage.py summary_check).
            assert UploadBatch.objects.get(pk=batch.pk).status == UploadStatus.COMMITTED
            records = Record.objects.filter(employee=employee)
            assert RecordTransition.objects.filter(record__in=records).count() == ROWS
            assert not records.filter(transitions__isnull=True).exists()
            assert summary.check()["wrong"] == 0
        else:
            outcomes["nothing"] += 1
            # Killed inside the view: 503 with what to do. Killed after it (saving the session): the
            # generic error page, which also says to retry; either way nothing was half-written.
            assert (status == 503 and str(MSG_INTERRUPTED) in body) or (
                status == 500 and "请稍后重试" in body
            ), (
                status,
                body[:300],
            )
            assert UploadBatch.objects.get(pk=batch.pk).status == UploadStatus.READY
        _reset(employee, batch.pk)
    assert outcomes["nothing"] > 0  # the kills really landed inside the work

    client = Client()
    client.force_login(user)
    assert client.post(reverse("ledger:upload_confirm", args=[batch.pk])).status_code == 302
    assert Record.objects.filter(employee=employee).count() == ROWS
