"""More than one app server (issue 5): two gunicorn processes against one PostgreSQL, submissions and reviews
driven through both at once. Afterwards no record is lost or duplicated, each record has one decision, and
every total agrees with the engine."""

import datetime as dt
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from hourbook.accounts.choices import Role
from hourbook.common.dates import today
from hourbook.ledger import summary
from hourbook.ledger.engine import employee_year
from hourbook.ledger.models import Record, RecordTransition
from hourbook.ledger.selectors import year_summaries
from hourbook.org.models import Employee
from hourbook.testing.factories import EmployeeFactory, EmployeeUserFactory, RoleFactory

ROOT = Path(__file__).resolve().parents[2]
PORTS = (8061, 8062)
SECRET = secrets.token_urlsafe(50)
EMPLOYEES = 6
RECORDS_EACH = 8


def _start_servers(db_name: str) -> list[subprocess.Popen]:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db_name}",
        "SECRET_KEY": SECRET,
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_TEST_NAME", None)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return [
        subprocess.Popen(
            [gunicorn, "hourbook.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for port in PORTS
    ]


def _wait(port: int) -> None:
    deadline = time.monotonic() + 120  # a hang guard for a busy machine; returns once the server answers
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise AssertionError(f"app server on {port} did not start")


def _session(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "hourbook.accounts.backends.AccountBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _post(port: int, path: str, session: str, data: dict) -> int:
    token = "a" * 32
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=urllib.parse.urlencode(data).encode(),
        headers={
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "X-CSRFToken": token,
            "Referer": f"http://127.0.0.1:{port}/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_app_servers_lose_and_duplicate_nothing(cast, settings):
    settings.SECRET_KEY = SECRET  # the sessions made here are read by the servers
    servers = _start_servers(connection.settings_dict["NAME"])
    try:
        for port in PORTS:
            _wait(port)
        unit = cast.units["unit"]
        people = [EmployeeUserFactory(employee=EmployeeFactory(unit=unit)) for _ in range(EMPLOYEES)]
        reviewer = EmployeeUserFactory(employee=EmployeeFactory(unit=cast.units["parent"]))
        RoleFactory(user=reviewer, role=Role.UNIT_HR, unit=cast.units["parent"])
        sessions = {u.pk: _session(u) for u in [*people, reviewer]}
        day = today() - dt.timedelta(days=2)
        errors: list[str] = []
        statuses: list[int] = []

        def submit(user, offset: int) -> None:
            for i in range(RECORDS_EACH):
                data = {
                    "name": f"会议{i}",
                    "form": "conference",
                    "start_date": day.isoformat(),
                    "end_date": day.isoformat(),
                    "hours": "4",
                    "assessment": "none",
                    "confirm_overlap": "on",
                }
                # Every record is sent twice, once to each server, at once: one must stand.
                for port in (PORTS[(i + offset) % 2], PORTS[(i + offset + 1) % 2]):
                    status = _post(port, "/records/external_training/new/", sessions[user.pk], data)
                    statuses.append(status)
                    if status not in (200, 302):
                        errors.append(f"submit {status}")

        submitted = threading.Event()

        def review() -> None:
            deadline = time.monotonic() + 600  # a hang guard; the loop ends when the queue is empty
            while time.monotonic() < deadline:
                pending = list(
                    Record.objects.live().filter(status="pending").values_list("pk", "version")[:10]
                )
                connection.close()
                if not pending:
                    if submitted.is_set():
                        return
                    time.sleep(0.2)
                    continue
                for n, (pk, version) in enumerate(pending):
                    action = "approve" if pk % 3 else "reject"
                    status = _post(
                        PORTS[n % 2],
                        f"/review/records/{pk}/{action}/",
                        sessions[reviewer.pk],
                        {"version": version, "reason": "证明材料不全"},
                    )
                    if status not in (200, 302):
                        errors.append(f"review {status}")

        submitters = [threading.Thread(target=submit, args=(u, n)) for n, u in enumerate(people)]
        reviewers = [threading.Thread(target=review), threading.Thread(target=review)]
        for t in [*submitters, *reviewers]:
            t.start()
        # The reviewers stop only once every submitter has finished: the joins wait for the work, however
        # slow the machine (their timeouts are hang guards, checked, never a race against the clock).
        for t in submitters:
            t.join(timeout=600)
        assert not any(t.is_alive() for t in submitters), "a submitter hung"
        submitted.set()
        for t in reviewers:
            t.join(timeout=600)
        assert not any(t.is_alive() for t in reviewers), "a reviewer hung"
        assert errors == [], errors[:5]

        records = Record.objects.live().filter(employee__in=[u.employee for u in people])
        assert records.count() == EMPLOYEES * RECORDS_EACH  # nothing lost, nothing duplicated
        decisions = RecordTransition.objects.filter(record__in=records, action__in=["approve", "reject"])
        per_record = {}
        for record_id in decisions.values_list("record_id", flat=True):
            per_record[record_id] = per_record.get(record_id, 0) + 1
        assert len(per_record) == EMPLOYEES * RECORDS_EACH  # every record was decided …
        assert all(n == 1 for n in per_record.values()), "a record was decided twice"  # … once
        assert summary.check()["wrong"] == 0
        twin = year_summaries(day.year, Employee.objects.filter(pk__in=[u.employee_id for u in people]))
        for user in people:
            result = employee_year(user.employee, day.year).result
            assert twin[user.employee_id].training_effective == result.buckets["training"].effective
            assert twin[user.employee_id].training_pending == result.buckets["training"].pending
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
