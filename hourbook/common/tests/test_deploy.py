"""The shipped deployment (deploy/, docs/deploy.md) as the real tools see it.

nginx accepts the site and, run for real in front of a stub app, serves it as intended (redirect, forwarded
headers, static caching, private files only through X-Accel-Redirect, the body limit); systemd-analyze accepts the
units; PostgreSQL accepts its settings; the scripts parse and pass shellcheck; a backup restores into a new database
that is then swapped in; production settings pass `manage.py check --deploy` with no warning. Each tool runs on a
temporary copy whose paths point into this checkout. A test skips only when its tool is not installed
(`make system-deps` installs them all).
"""

import contextlib
import http.client
import http.server
import json
import os
import re
import runpy
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
SITE = DEPLOY / "nginx" / "hourbook.conf"
UNITS = sorted((DEPLOY / "systemd").iterdir())
SCRIPTS = sorted(DEPLOY.glob("*.sh"))
ENV_EXAMPLE = DEPLOY / "hourbook.env.example"
HOST = "hourbook.example.org"
CERT_DIR = f"/etc/letsencrypt/live/{HOST}/"
# The production layout of docs/deploy.md, as the shipped files spell it.
PROD_APP, PROD_VENV, PROD_MEDIA, PROD_STATIC = (
    "/srv/hourbook/app",
    "/srv/hourbook/venv",
    "/var/lib/hourbook/media/",
    "/srv/hourbook/app/staticfiles/",
)


def _tool(name: str) -> str:
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if path is None:
        pytest.skip(f"{name} is not installed (`make system-deps` installs it)")
    return path


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False, **kwargs)


def _env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if match := re.fullmatch(r"([A-Z_][A-Z0-9_]*)=(.*)", line):
            values[match[1]] = match[2]
    return values


def _location_block(config: str, prefix: str) -> str:
    match = re.search(r"location " + re.escape(prefix) + r" \{(.*?)\n    \}", config, re.S)
    assert match, f"no location {prefix} in the site"
    return match[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- nginx ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """A throw-away self-signed certificate where the site expects Let's Encrypt's."""
    openssl = _tool("openssl")
    cert_dir = tmp_path_factory.mktemp("tls")
    result = _run(
        openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", "1", "-subj", f"/CN={HOST}",
        "-keyout", str(cert_dir / "privkey.pem"), "-out", str(cert_dir / "fullchain.pem"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return cert_dir


def _nginx_conf(tmp_path: Path, site: str, *, extra_main: str = "") -> Path:
    (tmp_path / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the pytest tmp dirs (mode 0700)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"{user}pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n{extra_main}events {{}}\n"
        f"http {{\n  access_log off;\n  include /etc/nginx/mime.types;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    return conf


def _nginx_test(nginx: str, tmp_path: Path, site: str) -> subprocess.CompletedProcess:
    conf = _nginx_conf(tmp_path, site)
    return _run(nginx, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf))


def test_nginx_accepts_the_site(tmp_path, certificate):
    nginx = _tool("nginx")
    site = SITE.read_text().replace(CERT_DIR, f"{certificate}/")
    result = _nginx_test(nginx, tmp_path, site)
    assert result.returncode == 0, result.stderr
    # The same harness refuses a broken site, so the pass above means something.
    broken = _nginx_test(nginx, tmp_path, site.replace("client_max_body_size 12m;", "client_max_body_size;"))
    assert broken.returncode != 0


def test_site_agrees_with_the_app_and_the_units():
    """Paths and limits that live in two places say the same thing in both."""
    site = SITE.read_text()
    env = _env_example()
    protected = _location_block(site, env["PRIVATE_FILES_ACCEL_PREFIX"])
    assert re.search(r"^\s+internal;", protected, re.M)
    assert f"alias {env['MEDIA_ROOT'].rstrip('/')}/;" in protected
    static = _location_block(site, settings.STATIC_URL)
    assert f"alias {PROD_STATIC};" in static
    if "STATIC_ROOT" not in os.environ:  # the default: the checkout's staticfiles/, as the site says
        assert Path(settings.STATIC_ROOT) == REPO / Path(PROD_STATIC).relative_to(PROD_APP)
    # No location serves MEDIA_URL or /media/ from disk: only the internal one aliases MEDIA_ROOT.
    assert site.count(f"alias {env['MEDIA_ROOT']}") == 1
    assert "location /media" not in site
    # The body limit lets the largest upload through (evidence, 10 MB; the .xlsx is 5 MB) and no more than 12 MB.
    from hourbook.common.xlsx import MAX_FILE_BYTES
    from hourbook.ledger.forms import EVIDENCE_MAX_BYTES

    limit = int(re.search(r"client_max_body_size (\d+)m;", site)[1]) * 1024 * 1024
    assert max(EVIDENCE_MAX_BYTES, MAX_FILE_BYTES) < limit <= 12 * 1024 * 1024
    # nginx talks to the socket the socket unit creates; the units may write where the app keeps its files.
    socket_unit = (DEPLOY / "systemd" / "hourbook.socket").read_text()
    listen = re.search(r"^ListenStream=(.+)$", socket_unit, re.M)[1]
    assert f"server unix:{listen} " in site
    for unit in ("hourbook.service", "hourbook-worker.service", "hourbook-sweep.service"):
        assert "EnvironmentFile=/etc/hourbook/hourbook.env" in (DEPLOY / "systemd" / unit).read_text()
    for unit in ("hourbook.service", "hourbook-worker.service"):
        assert f"ReadWritePaths={env['MEDIA_ROOT']}\n" in (DEPLOY / "systemd" / unit).read_text()
    backup = (DEPLOY / "systemd" / "hourbook-backup.service").read_text()
    assert f"ReadWritePaths={env['BACKUP_DIR']}\n" in backup
    assert (
        "--config /srv/hourbook/app/deploy/gunicorn.conf.py hourbook.wsgi:application"
        in (DEPLOY / "systemd" / "hourbook.service").read_text()
    )


class _StubApp(http.server.BaseHTTPRequestHandler):
    """Stands in for gunicorn: /evidence answers like the evidence view in production, anything else echoes."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path == "/lesson":
            self.send_response(200)
            self.send_header("Content-Type", "video/webm")
            self.send_header("X-Accel-Redirect", "/protected-media/courses/lessons/3/c4d5.webm")
            self.send_header("Content-Disposition", "inline")
            self.send_header("Cache-Control", "private, no-store")
            self.end_headers()
            return
        if self.path == "/evidence":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("X-Accel-Redirect", "/protected-media/evidence/7/a1b2.pdf")
            self.send_header("Content-Disposition", "attachment; filename*=UTF-8''%E8%AF%81%E4%B9%A6.pdf")
            self.send_header("Cache-Control", "private, no-store")
            self.send_header("X-Frame-Options", "DENY")
            self.end_headers()
            return
        body = json.dumps({"path": self.path, "received": length, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def _stub_app():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StubApp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _nginx_running(nginx: str, tmp_path: Path, site: str, ports: tuple[int, int]):
    conf = _nginx_conf(tmp_path, site, extra_main="daemon off;\n")
    process = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120  # a hang guard for a busy machine; returns once nginx listens
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", ports[1]), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.02)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_nginx_serves_the_site(tmp_path, certificate):
    """The site run for real: only the app's answer opens a private file; static files are cached by name."""
    nginx = _tool("nginx")
    media, static = tmp_path / "media", tmp_path / "static"
    (media / "evidence" / "7").mkdir(parents=True)
    (media / "evidence" / "7" / "a1b2.pdf").write_bytes(b"%PDF-1.4 private evidence")
    lesson_bytes = bytes(i % 251 for i in range(5000))
    (media / "courses" / "lessons" / "3").mkdir(parents=True)
    (media / "courses" / "lessons" / "3" / "c4d5.webm").write_bytes(lesson_bytes)
    static.mkdir()
    (static / "app.3f2a9c01b7d4.css").write_text("body{}")
    (static / "app.3f2a9c01b7d4.css.gz").write_bytes(b"\x1f\x8b gzipped")
    (static / "app.css").write_text("body{}")
    http_port, https_port = _free_port(), _free_port()
    with _stub_app() as app_port:
        site = (
            SITE.read_text()
            .replace(CERT_DIR, f"{certificate}/")
            .replace(PROD_MEDIA, f"{media}/")
            .replace(PROD_STATIC, f"{static}/")
            .replace("server unix:/run/hourbook.sock ", f"server 127.0.0.1:{app_port} ")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        )
        site = re.sub(r"^\s*listen \[::\].*\n", "", site, flags=re.M)
        with _nginx_running(nginx, tmp_path, site, (http_port, https_port)):
            tls = ssl.create_default_context()
            tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE

            def fetch(path, *, https=True, method="GET", headers=None, body=None):
                connection = (
                    http.client.HTTPSConnection("127.0.0.1", https_port, context=tls, timeout=10)
                    if https
                    else http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
                )
                connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
                response = connection.getresponse()
                content = response.read()
                connection.close()
                return response, content

            response, _ = fetch("/records/?year=2025", https=False, headers={"Host": "evil.example.com"})
            assert response.status == 301
            assert response.getheader("Location") == f"https://{HOST}/records/?year=2025"

            # The app sees what nginx saw, never what the client claimed.
            response, content = fetch(
                "/records/", headers={"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "http"}
            )
            seen = {k.lower(): v for k, v in json.loads(content)["headers"].items()}
            assert seen["x-forwarded-proto"] == "https"
            assert seen["x-forwarded-for"] == seen["x-real-ip"] == "127.0.0.1"
            assert seen["host"] == HOST
            assert re.fullmatch(r"[0-9a-f]{32}", seen["x-request-id"])
            # Django's HSTS passes through once; nginx adds no second one.
            assert len(response.msg.get_all("Strict-Transport-Security")) == 1

            # A private file: only after the app said so, with nginx's own safety headers.
            response, content = fetch("/evidence")
            assert response.status == 200
            assert content == b"%PDF-1.4 private evidence"
            assert response.getheader("Content-Type") == "application/pdf"
            assert response.getheader("Content-Disposition").startswith("attachment;")
            assert response.getheader("Cache-Control") == "private, no-store"
            assert response.getheader("X-Content-Type-Options") == "nosniff"
            assert response.msg.get_all("X-Frame-Options") == ["SAMEORIGIN"]
            assert "default-src 'none'" in response.getheader("Content-Security-Policy")
            # Asked for directly, the internal location does not exist; /media/ and MEDIA_URL reach the app.
            response, content = fetch("/protected-media/evidence/7/a1b2.pdf")
            assert response.status == 404 and b"private evidence" not in content
            for path in ("/media/evidence/7/a1b2.pdf", "/media-private/evidence/7/a1b2.pdf"):
                response, content = fetch(path)
                assert json.loads(content)["path"] == path

            response, _ = fetch("/static/app.3f2a9c01b7d4.css", headers={"Accept-Encoding": "gzip"})
            assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
            assert response.getheader("Content-Encoding") == "gzip"
            assert response.getheader("Strict-Transport-Security") is None
            response, _ = fetch("/static/app.css")
            assert response.status == 200
            assert response.getheader("Cache-Control") == "public, max-age=3600"

            # 11 MB (an evidence file and its envelope) passes; 13 MB stops at nginx.
            response, content = fetch("/upload", method="POST", body=b"x" * (11 * 1024 * 1024))
            assert json.loads(content)["received"] == 11 * 1024 * 1024
            response, _ = fetch("/upload", method="POST", body=b"x" * (13 * 1024 * 1024))
            assert response.status == 413
            # A course lesson's file may be large: its upload location lets it through to the app.
            response, content = fetch(
                "/courses/manage/3/lessons/new/", method="POST", body=b"x" * (13 * 1024 * 1024)
            )
            assert json.loads(content)["received"] == 13 * 1024 * 1024

            # A lesson: after the app's X-Accel-Redirect, nginx answers the player's Range request itself.
            response, content = fetch("/lesson", headers={"Range": "bytes=1000-1999"})
            assert response.status == 206
            assert response.getheader("Content-Range") == "bytes 1000-1999/5000"
            assert content == lesson_bytes[1000:2000]
            assert response.getheader("Content-Type") == "video/webm"
            response, content = fetch("/lesson")
            assert response.status == 200 and content == lesson_bytes
            assert response.getheader("Accept-Ranges") == "bytes"


# --- systemd, gunicorn, the task worker -------------------------------------------------------------------------


def _units_for_this_checkout(target: Path, units: list[Path]) -> list[Path]:
    """The units with their paths pointed at this checkout and its virtualenv, so every ExecStart exists."""
    copies = []
    for unit in units:
        text = unit.read_text().replace(f"{PROD_VENV}/bin/", f"{Path(sys.executable).parent}/")
        copy = target / unit.name
        copy.write_text(text.replace(PROD_APP, str(REPO)))
        copies.append(copy)
    return copies


def test_units_pass_systemd_analyze_verify(tmp_path):
    analyze = _tool("systemd-analyze")
    assert {unit.name for unit in UNITS} >= {
        "hourbook.service",
        "hourbook.socket",
        "hourbook-worker.service",
        "hourbook-backup.service",
        "hourbook-backup.timer",
        "hourbook-sweep.service",
        "hourbook-sweep.timer",
    }
    copies = _units_for_this_checkout(tmp_path, UNITS)
    result = _run(analyze, "verify", "--man=no", *map(str, copies))
    # verify only warns about an unknown key or a bad value: any output at all fails.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    (bad := tmp_path / "bad" / "hourbook.service").parent.mkdir()
    bad.write_text(copies[0].read_text().replace("NoNewPrivileges=", "NoNewPrivilegs="))
    control = _run(analyze, "verify", "--man=no", str(bad))
    assert "NoNewPrivilegs" in control.stdout + control.stderr


def test_worker_and_sweep_units_run_commands_that_exist(monkeypatch):
    from django.core.management import get_commands, load_command_class
    from django_tasks_db.management.commands import db_worker

    # Tests run tasks with the immediate backend; production settings use the database one (settings.TASKS).
    monkeypatch.setattr(db_worker, "valid_backend_name", str)
    unit = (DEPLOY / "systemd" / "hourbook-worker.service").read_text()
    args = re.search(r"^ExecStart=\S+ \S+/manage\.py (.+)$", unit, re.M)[1].split()
    command = args.pop(0)
    assert get_commands()[command] == "django_tasks_db"
    parser = load_command_class("django_tasks_db", command).create_parser("manage.py", command)
    options = parser.parse_args(args)
    assert options.queue_name == "*"
    assert options.reload is False
    sweep = (DEPLOY / "systemd" / "hourbook-sweep.service").read_text()
    command = re.search(r"^ExecStart=\S+ \S+/manage\.py (\S+)", sweep, re.M)[1]
    assert get_commands()[command] == "hourbook.jobs"


def test_gunicorn_settings_are_known_and_valid(monkeypatch):
    from gunicorn.config import Config

    for name in list(os.environ):
        if name.startswith("GUNICORN_") or name in ("RUNTIME_DIRECTORY", "FORWARDED_ALLOW_IPS"):
            monkeypatch.delenv(name)
    config = Config()
    names = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    chosen = {k: v for k, v in names.items() if not k.startswith("_") and not callable(v) and k != "os"}
    assert set(chosen) <= set(config.settings), "a misspelt gunicorn setting is silently ignored"
    for name, value in chosen.items():
        config.set(name, value)  # runs gunicorn's validator
    assert config.workers == 2 * len(os.sched_getaffinity(0)) + 1
    assert config.bind == ["127.0.0.1:8001"]
    assert config.max_requests_jitter > 0 and config.preload_app is False
    assert "%(M)s" in config.access_log_format
    assert config.control_socket_disable is True
    assert config.chdir == str(REPO)

    monkeypatch.setenv("RUNTIME_DIRECTORY", "/run/hourbook")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    names = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert names["workers"] == 3
    assert names["control_socket"] == "/run/hourbook/gunicorn.ctl"


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("localhost", timeout=10)
        self.unix_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


def test_the_service_command_serves_the_app_on_the_activated_socket(tmp_path):
    """hourbook.service's ExecStart, handed a socket the way hourbook.socket hands it, serves production Django."""
    activate = _tool("systemd-socket-activate")
    unit = _units_for_this_checkout(tmp_path, [DEPLOY / "systemd" / "hourbook.service"])[0].read_text()
    command = re.search(r"^ExecStart=(.+)$", unit, re.M)[1].split()
    env = {k: v for k, v in _env_example().items() if k != "DATABASE_URL"}
    env.update(
        PATH=os.environ["PATH"],
        SECRET_KEY=secrets.token_urlsafe(50),
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        GUNICORN_WORKERS="1",
        RUNTIME_DIRECTORY=str(tmp_path),  # systemd's RuntimeDirectory=
    )
    listen = tmp_path / "hourbook.sock"
    flags = [f"--setenv={name}={value}" for name, value in env.items()]
    process = subprocess.Popen(
        [activate, f"--listen={listen}", *flags, *command],
        cwd=tmp_path,  # WorkingDirectory= is the checkout; gunicorn.conf.py's chdir finds it from anywhere
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # the access log goes to stdout, the error log to stderr: both to the journal
    )
    try:

        def get(headers):
            deadline = time.monotonic() + 120  # a hang guard; returns once gunicorn answers
            while True:
                try:
                    connection = _UnixHTTPConnection(str(listen))
                    connection.request("GET", "/", headers={"Host": HOST, **headers})
                    response = connection.getresponse()
                    response.read()
                    connection.close()
                    return response
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"gunicorn did not answer: {process.stdout.read().decode()[-2000:]}")
                    time.sleep(0.05)

        response = get({"X-Forwarded-Proto": "https", "X-Real-IP": "203.0.113.9", "X-Request-ID": "r1"})
        assert response.status == 302
        assert response.getheader("Location").startswith("/accounts/login/")
        assert response.getheader("Strict-Transport-Security").startswith("max-age=31536000")
        # Without nginx's X-Forwarded-Proto the app insists on HTTPS itself.
        response = get({})
        assert response.status == 301
        assert response.getheader("Location") == f"https://{HOST}/"
        assert (tmp_path / "gunicorn.ctl").is_socket()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    log = output.decode()
    assert "Listening at: unix:" in log
    assert re.search(r'203\.0\.113\.9 .*"GET / HTTP/1\.1" 302 .* \d+ms rid=r1', log), log[-2000:]


# --- PostgreSQL settings, scripts, environment ------------------------------------------------------------------


def _postgres_binary() -> str:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    if not candidates:
        pytest.skip("the PostgreSQL server is not installed")
    return str(candidates[-1])


def _postgres_reads(tmp_path: Path, include: Path, parameter: str) -> subprocess.CompletedProcess:
    main = tmp_path / "postgresql.conf"
    main.write_text(f"include '{include}'\n")
    # -C parses the whole configuration, refuses unknown names and bad values, and prints one value.
    return _run(_postgres_binary(), "-C", parameter, "-c", f"config_file={main}", "-D", str(tmp_path))


def test_postgresql_accepts_the_settings(tmp_path):
    conf = DEPLOY / "postgresql" / "hourbook.conf"
    result = _postgres_reads(tmp_path, conf, "max_connections")
    assert result.returncode == 0, result.stderr
    max_connections = int(result.stdout)
    reserved = int(_postgres_reads(tmp_path, conf, "superuser_reserved_connections").stdout)
    # Ten app servers of this size: (2 × 2 CPUs + 1) gunicorn workers and one task worker each, plus room for
    # backups, migrations and psql.
    assert max_connections - reserved >= 10 * (2 * 2 + 1 + 1) + 10
    bad = tmp_path / "bad.conf"
    bad.write_text(conf.read_text() + "\nhuge_pages = maybe\n")
    assert _postgres_reads(tmp_path, bad, "max_connections").returncode != 0


def test_scripts_parse_and_pass_shellcheck(tmp_path):
    assert {script.name for script in SCRIPTS} >= {"backup.sh", "restore.sh", "manage.sh"}
    for script in SCRIPTS:
        result = _run("bash", "-n", str(script))
        assert result.returncode == 0, result.stderr
        assert script.name.startswith("_") or os.access(script, os.X_OK), f"{script.name} is not executable"
    (broken := tmp_path / "broken.sh").write_text("if true; then\n")
    assert _run("bash", "-n", str(broken)).returncode != 0
    shellcheck = _tool("shellcheck")
    result = _run(shellcheck, "--external-sources", *map(str, SCRIPTS), cwd=REPO)
    assert result.returncode == 0, result.stdout


def test_env_example_lists_every_variable_the_settings_read():
    example = ENV_EXAMPLE.read_text()
    sources = (REPO / "hourbook" / "settings.py").read_text() + (DEPLOY / "gunicorn.conf.py").read_text()
    read = set(
        re.findall(
            r"""(?:env_(?:str|bool|int|list)|os\.environ\.get|_int)\(\s*["']([A-Z_][A-Z0-9_]*)["']""", sources
        )
    )
    assert {
        "SECRET_KEY",
        "DATABASE_URL",
        "MEDIA_ROOT",
        "PRIVATE_FILES_ACCEL_PREFIX",
        "GUNICORN_WORKERS",
    } <= read
    set_by_systemd = {"RUNTIME_DIRECTORY"}
    missing = sorted(name for name in read - set_by_systemd if not re.search(rf"\b{name}\b", example))
    assert missing == []


def _check_deploy(overrides: dict[str, str]) -> subprocess.Popen:
    """`manage.py check --deploy` in production mode, with the shipped example environment (not under pytest)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOURBOOK_", "PYTEST"))}
    env.update({k: v for k, v in _env_example().items() if k != "DATABASE_URL"})
    env.update(
        DEBUG="0",
        HOURBOOK_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        **overrides,
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_production_settings_pass_check_deploy():
    production = _check_deploy({})
    # The control: a production setting weakened on purpose makes the same command fail.
    weakened = _check_deploy({"SECURE_HSTS_SECONDS": "0"})
    output, _ = production.communicate(timeout=60)
    assert production.returncode == 0, output
    assert "System check identified no issues" in output
    output, _ = weakened.communicate(timeout=60)
    assert weakened.returncode != 0 and "security.W004" in output


# --- backup and restore, for real against the PostgreSQL server of the test run ---------------------------------


def _with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def scratch_server():
    """The PostgreSQL server of this test run, and a unique database name prefix dropped afterwards."""
    url = os.environ["DATABASE_URL"]
    psql = _tool("psql")
    prefix = f"hb_deploy_{secrets.token_hex(4)}"
    admin = _with_dbname(url, "postgres")
    yield admin, prefix, psql
    names = _run(psql, admin, "-Atc", f"select datname from pg_database where datname like '{prefix}%'")
    for name in names.stdout.split():
        _run(
            psql,
            admin,
            "-qc",
            f'alter database "{name}" with allow_connections true',
            "-c",
            f'drop database "{name}"',
        )


@pytest.mark.postgres
def test_backup_then_restore_into_a_new_database_and_swap(tmp_path, scratch_server):
    admin, prefix, psql = scratch_server
    _tool("pg_dump")
    _tool("rsync")
    live = f"{prefix}_live"
    live_url = _with_dbname(admin, live)

    def sql(url, statement):
        result = _run(psql, url, "-v", "ON_ERROR_STOP=1", "-Atc", statement)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    sql(admin, f"create database {live}")
    sql(
        live_url,
        "create table django_migrations (id serial primary key, app text, name text);"
        "insert into django_migrations (app, name) values ('ledger', '0001_initial');"
        "create table ledger_record (id serial primary key, name text);"
        "insert into ledger_record (name) select '培训' || g from generate_series(1, 50) g;",
    )
    media = tmp_path / "media"
    (media / "evidence" / "7").mkdir(parents=True)
    (media / "evidence" / "7" / "a1b2.pdf").write_bytes(b"%PDF evidence")
    backups = tmp_path / "backups"
    for old in ("20000101T000000Z", "20000102T000000Z"):
        (backups / old).mkdir(parents=True)
    # Settings come from an environment file, read the way systemd reads it.
    env_file = tmp_path / "hourbook.env"
    env_file.write_text(
        f"# production settings\nDATABASE_URL={live_url}\nMEDIA_ROOT='{media}'\n\n"
        f'BACKUP_DIR="{backups}"\nBACKUP_KEEP_DAYS=14\nBACKUP_KEEP_MIN=1\n'
    )
    env = {"PATH": os.environ["PATH"], "HOURBOOK_ENV_FILE": str(env_file), "HOURBOOK_APP_DIR": str(tmp_path)}

    backup = _run("bash", str(DEPLOY / "backup.sh"), env=env)
    assert backup.returncode == 0, backup.stderr
    # The two expired snapshots are gone (BACKUP_KEEP_MIN=1) and no .partial is left.
    (snapshot,) = (path for path in backups.iterdir() if path.is_dir())
    assert re.fullmatch(r"\d{8}T\d{6}Z", snapshot.name)
    assert {p.name for p in snapshot.iterdir()} == {"db.dump", "SHA256SUMS", "INFO", "media"}
    assert (snapshot / "media" / "evidence" / "7" / "a1b2.pdf").read_bytes() == b"%PDF evidence"

    # Damage: rows deleted, a file lost. A damaged snapshot is refused before anything is created.
    sql(live_url, "delete from ledger_record where id > 10")
    (media / "evidence" / "7" / "a1b2.pdf").unlink()
    corrupt = tmp_path / "corrupt"
    shutil.copytree(snapshot, corrupt)
    with (corrupt / "db.dump").open("r+b") as dump:
        dump.seek(200)
        dump.write(b"\0\0\0\0")
    refused = _run("bash", str(DEPLOY / "restore.sh"), "--yes", "--no-services", str(corrupt), env=env)
    assert refused.returncode != 0 and "checksum mismatch" in refused.stderr
    assert sql(admin, f"select count(*) from pg_database where datname like '{prefix}%'") == "1"

    restore = _run("bash", str(DEPLOY / "restore.sh"), "--yes", "--no-services", str(snapshot), env=env)
    assert restore.returncode == 0, restore.stderr
    assert sql(live_url, "select count(*) from ledger_record") == "50"
    (kept,) = sql(
        admin, f"select datname from pg_database where datname like '{live}_before_restore_%'"
    ).split()
    assert sql(admin, f"select datallowconn from pg_database where datname = '{kept}'") == "f"
    assert (media / "evidence" / "7" / "a1b2.pdf").read_bytes() == b"%PDF evidence"
