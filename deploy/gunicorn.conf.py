"""gunicorn settings for Hourbook (run: gunicorn -c deploy/gunicorn.conf.py hourbook.wsgi:application).

Every value can be changed from the environment (/etc/hourbook/hourbook.env) without editing this file.
Under systemd the listening socket comes from deploy/systemd/hourbook.socket (socket activation, so a restart
drops no connection) and `bind` is ignored; run by hand, gunicorn listens on 127.0.0.1:8001.
"""

import os


def _cpu_count() -> int:
    # The CPUs this process may run on (honours systemd's CPUAffinity= and taskset), not the host's total.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# The checkout holding this file (templates, static sources and manage.py live there); gunicorn puts it first on
# sys.path, so the code served is always this checkout's, never a copy `pip install .` left in site-packages.
chdir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Reachable by the local nginx only: Django trusts X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER), so nothing but the
# proxy, which always overwrites that header, may talk to gunicorn. With several app servers, bind to the private
# address the front nginx uses (e.g. 10.0.0.11:8001), set FORWARDED_ALLOW_IPS to that proxy and firewall the port.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")]
# Which peers may set X-Forwarded-Proto for gunicorn's own wsgi.url_scheme. Unix-socket peers are always trusted.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Sync workers: requests are short and database-bound, and nginx buffers slow clients on both sides (see
# deploy/nginx/hourbook.conf), so a worker is never held by the network. The classic (2 × CPUs) + 1.
# Each worker keeps at most one PostgreSQL connection (CONN_MAX_AGE), which deploy/postgresql/hourbook.conf counts.
worker_class = "sync"
workers = _int("GUNICORN_WORKERS", 2 * _cpu_count() + 1)

# A request running longer than this is killed and logged (the 5,000-row upload takes a few seconds; the year's
# export is a background job). nginx waits 65 s (proxy_read_timeout), so gunicorn gives up first.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On stop or reload, workers get this long to finish the requests they are serving (systemd waits 40 s).
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Recycle each worker after about this many requests, at staggered moments (the jitter), so slow memory growth
# never accumulates and the workers never restart all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# preload_app stays off: `systemctl reload hourbook` (SIGHUP) then starts workers that import the new code, so an
# upgrade needs no restart of the master and keeps the socket open; with preload the master would keep serving the
# old code. The memory preload would share is small next to what each worker allocates per request.
preload_app = False

# The heartbeat file lives in memory, not on disk, so a slow disk can never make the arbiter kill a healthy worker.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Logs go to stdout/stderr, i.e. the journal under systemd. The access log carries the client address nginx saw,
# nginx's request id (to join the two logs) and the request time in milliseconds (%(M)s).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-real-ip}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms rid=%({x-request-id}i)s'
)
proc_name = "hourbook"

# gunicornc's control socket: in systemd's RuntimeDirectory (/run/hourbook) when there is one, otherwise off
# (its default, $HOME/.gunicorn/, is read-only under the unit's ProtectSystem=strict).
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")
else:
    control_socket_disable = True
