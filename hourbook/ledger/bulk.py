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
