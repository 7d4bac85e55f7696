"""Bulk inserts at the database's own speed: COPY on PostgreSQL, executemany on SQLite.

Used where thousands of rows arrive at once (a 5,000-row upload, a generated academy). The database still
checks every constraint (dates in order, hours within 8 × days, the natural key): only Django's per-object
work is skipped.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import connection


def _adapt(value):
    """Values as Django itself writes them on SQLite (UTC datetimes without offset, ISO dates)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def bulk_insert(table: str, columns: list[str], rows: Iterable[tuple], chunk: int = 20000) -> int:
    """Insert `rows` (tuples in `columns` order) into `table`; returns how many."""
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch = []
        for row in rows:
            batch.append(tuple(_adapt(v) for v in row))
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


RECORD_COLUMNS = [
    "employee_id",
    "unit_id",
    "year",
    "category",
    "form",
    "source",
    "source_key",
    "programme_type",
    "name",
    "content",
    "place",
    "organiser",
    "start_date",
    "end_date",
    "seconds",
    "assessment",
    "off_job",
    "zero_reason",
    "status",
    "status_changed_at",
    "version",
    "created_by_id",
    "created_at",
    "updated_at",
]
RECORD_DEFAULTS = {
    "source_key": "",
    "programme_type": "",
    "content": "",
    "place": "",
    "organiser": "",
    "assessment": "none",
    "off_job": False,
    "zero_reason": "",
    "version": 1,
    "created_by_id": None,
}


def records_insert(rows: Iterable[dict], *, now: dt.datetime) -> int:
    """Insert records given as dicts of column values (defaults above; timestamps `now`); returns how many.

    The caller supplies what the model's `derive()` would set (year, zero_reason) and refreshes the summary.
    """
    from .models import Record

    stamps = {"status_changed_at": now, "created_at": now, "updated_at": now}

    def tuples():
        for row in rows:
            values = {**RECORD_DEFAULTS, **stamps, **row}
            yield tuple(values[column] for column in RECORD_COLUMNS)

    return bulk_insert(Record._meta.db_table, RECORD_COLUMNS, tuples())
