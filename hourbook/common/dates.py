"""Dates in the academy's time zone (Asia/Shanghai): 'today' and the reference day of a year."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today in the academy's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def year_reference_day(year: int, *, left_on: dt.date | None = None) -> dt.date:
    """The day whose state (unit, position level) decides year `year` (DOMAIN.md decisions).

    31 December of the year; today for the current year; the leaving day for someone who left during it.
    """
    day = dt.date(year, 12, 31)
    now = today()
    if year == now.year:
        day = now
    if left_on is not None and left_on < day:
        day = left_on
    return day
