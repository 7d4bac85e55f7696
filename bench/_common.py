"""Shared set-up of the bench scripts: a throwaway test database beside the real one, and page timing."""

import os
import re
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def configure(tmpdir: Path, test_name: str = "test_hourbook_bench") -> None:
    """Settings for a bench run: a temporary SQLite file, or with DATABASE_URL a throwaway test database on that
    PostgreSQL server (DATABASE_TEST_NAME, else `test_name`); media in `tmpdir`; DEBUG off so no query log is
    kept per request, as in production."""
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: static files not collected
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hourbook.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["MEDIA_ROOT"] = str(tmpdir / "media")
    if os.environ.get("DATABASE_URL"):
        os.environ.setdefault("DATABASE_TEST_NAME", test_name)
    else:
        os.environ["SQLITE_PATH"] = str(tmpdir / "unused.sqlite3")
        os.environ["DATABASE_TEST_NAME"] = str(tmpdir / "bench.sqlite3")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


@contextmanager
def throwaway_database(test_name: str, prefix: str = "hourbook-bench-") -> Iterator[Path]:
    """Configure Django (see `configure`), create the throwaway test database, and drop it and the temporary
    directory afterwards, whatever happens. Yields the temporary directory."""
    tmpdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        configure(tmpdir, test_name)
        from django.db import connection

        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            yield tmpdir
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def time_get(client, url: str, n: int, headers: dict | None = None, count_pattern: str = r"共 (\d+) 条"):
    """Median and p95 ms of n GETs after warming up, the queries of one request, and the count the page shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm caches, templates, connection
        client.get(url, headers=headers or {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, response.status_code
    query_count = len(queries)  # read now: each request start clears the connection's query log
    times = []
    for _ in range(n):
        began = time.perf_counter()
        client.get(url, headers=headers or {})
        times.append((time.perf_counter() - began) * 1000)
    p95 = statistics.quantiles(times, n=100)[94] if n >= 2 else times[0]
    shown = re.search(count_pattern, response.content.decode())
    return statistics.median(times), p95, query_count, int(shown.group(1)) if shown else -1
