"""Home page and record list under load, in the production topology: nginx in front of gunicorn's sync workers
against PostgreSQL, driven by wrk (Debian's package) at paced offered rates; prints p50/p95/errors per rate and
the load generator's own CPU.

Each wrk connection is one logged-in employee of the generated academy pacing its requests (bench/load.lua),
so the run offers about the given rate; the achieved rate is printed beside it.
Needs a generated academy (`manage.py generate_academy`) in the database of DATABASE_URL, `wrk` and `nginx`
(`apt-get install wrk nginx`). Run:  DATABASE_URL=postgres://…/hourbook_bench .venv/bin/python bench/bench_load.py
(`--workers 1,2` compares the throughput of one app process with two.)
"""

import argparse
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


def run_rate(rate: int, users: int, duration: int, host: str, cookies: Path) -> dict:
    """One paced wrk run; latency percentiles are wrk's (per request, not counting the pacing delay)."""
    connections = min(users, max(8, rate // 4))
    # Each connection: ~connections/rate seconds per cycle, less the time a request takes (~15 ms).
    interval_ms = max(0, int(connections * 1000 / rate) - 15)
    env = {**os.environ, "BENCH_COOKIES": str(cookies), "BENCH_INTERVAL_MS": str(interval_ms)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "load.lua"),
            host,
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, errors, micros, p50, p95, p99 = line.split()[1:]
    seconds = int(micros) / 1e6
    return {
        "rate": rate,
        "achieved": int(requests) / seconds,
        "requests": int(requests),
        "failures": int(errors),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "loadgen_cpu_pct": 100 * cpu / seconds,
    }


NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fcgi;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  upstream app {{ server 127.0.0.1:{app_port}; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://app; proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto http; }}
  }}
}}
"""


def serve(workers: int, port: int, env: dict, tmp: Path) -> tuple[subprocess.Popen, Path]:
    """gunicorn's sync workers on port+1 behind an nginx on port, as deploy/ sets them up (without TLS):
    nginx keeps the clients' connections alive and hands each request to whichever worker is free."""
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=tmp, port=port, app_port=port + 1), encoding="utf-8")
    subprocess.run(["nginx", "-c", str(conf)], check=True)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "hourbook.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port + 1}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    return server, conf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", default="4", help="gunicorn worker counts to try, e.g. 1,2")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rates", default="50,100,150,200,250,300")
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
    host = f"http://127.0.0.1:{args.port}"
    print(f"{args.users} users (sessions), {args.duration}s per rate; PostgreSQL; load generator: wrk")
    print(
        f"{'workers':>7} {'offered':>8} {'achieved':>9} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'loadgen CPU':>12}"
    )
    for workers in [int(w) for w in args.workers.split(",")]:
        server, conf = serve(workers, args.port, env, out)
        try:
            wait_up(host + "/accounts/login/")
            for rate in [int(r) for r in args.rates.split(",")]:
                r = run_rate(rate, args.users, args.duration, host, cookies)
                print(
                    f"{workers:>7} {r['rate']:>8} {r['achieved']:>9.1f} {r['requests']:>9} {r['failures']:>7} "
                    f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} {r['loadgen_cpu_pct']:>11.0f}%"
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
            subprocess.run(["nginx", "-c", str(conf), "-s", "stop"], check=False, capture_output=True)


if __name__ == "__main__":
    main()
