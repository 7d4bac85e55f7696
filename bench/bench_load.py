"""Home page and record list under load: gunicorn with several workers against PostgreSQL, driven by
locust's FastHttpUser at fixed offered rates; prints p50/p95/errors per rate and the load generator's CPU.

Needs a generated academy (`manage.py generate_academy`) in the database of DATABASE_URL and the bench
extra (`pip install -e '.[bench]'`). Run:  DATABASE_URL=postgres://…/hourbook_bench .venv/bin/python bench/bench_load.py
"""

import argparse
import csv
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hourbook.settings")
# The sessions made here must be signed with the server's key.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))


def make_sessions(n: int) -> list[str]:
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from hourbook.accounts.models import User
    from hourbook.org.models import Employee

    employees = list(Employee.objects.filter(arp__startswith="G", is_active=True).order_by("pk")[:n])
    if not employees:
        sys.exit("no generated employees: run `manage.py generate_academy` on this database first")
    keys = []
    for employee in employees:
        user = User.objects.filter(employee=employee).first()
        if user is None:
            user = User(username=f"bench-{employee.arp.lower()}", employee=employee)
            user.set_unusable_password()
            user.save()
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "hourbook.accounts.backends.AccountBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


def wait_up(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    sys.exit(f"server at {url} did not answer")


def run_rate(rate: int, users: int, duration: int, host: str, cookies: Path, out: Path) -> dict:
    users = min(users, rate)
    env = {**os.environ, "BENCH_COOKIES": str(cookies), "BENCH_PACE": str(rate / users)}
    prefix = out / f"rate_{rate}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "--run-time",
            f"{duration}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
        capture_output=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = {row["Name"]: row for row in csv.DictReader(fh)}
    agg = rows["Aggregated"]
    return {
        "rate": rate,
        "achieved": float(agg["Requests/s"]),
        "requests": int(agg["Request Count"]),
        "failures": int(agg["Failure Count"]),
        "p50": float(agg["50%"]),
        "p95": float(agg["95%"]),
        "home_p95": float(rows["home"]["95%"]) if "home" in rows else None,
        "list_p95": float(rows["record list"]["95%"]) if "record list" in rows else None,
        "loadgen_cpu_pct": 100 * cpu / duration,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rates", default="50,100,150,200,250")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--port", type=int, default=8011)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to the PostgreSQL database with the generated academy")

    out = Path(tempfile.mkdtemp(prefix="hourbook-load-"))
    cookies = out / "cookies.txt"
    cookies.write_text("\n".join(make_sessions(args.users)), encoding="utf-8")
    env = {
        **os.environ,
        "DEBUG": "0",
        "HOURBOOK_PRODUCTION": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "hourbook.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    host = f"http://127.0.0.1:{args.port}"
    try:
        wait_up(host + "/accounts/login/")
        print(f"gunicorn {args.workers} workers, {args.users} users, {args.duration}s per rate; PostgreSQL")
        print(
            f"{'offered':>8} {'achieved':>9} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'home p95':>9} {'list p95':>9} {'loadgen CPU':>12}"
        )
        for rate in [int(r) for r in args.rates.split(",")]:
            r = run_rate(rate, args.users, args.duration, host, cookies, out)
            print(
                f"{r['rate']:>8} {r['achieved']:>9.1f} {r['requests']:>9} {r['failures']:>7} {r['p50']:>7.0f} "
                f"{r['p95']:>7.0f} {r['home_p95']:>9.0f} {r['list_p95']:>9.0f} {r['loadgen_cpu_pct']:>11.0f}%"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
