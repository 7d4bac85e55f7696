"""Hours are stored as integer seconds; shown as 学时 truncated to two decimals, or as 时分秒.

Truncation (never rounding) means a page never shows 50.00 beside 未达标. Hours still missing are the mirror:
rounded up (`format_missing_hours`), so a page never shows "还差 0 学时" beside 未达标.

Pure Python: `ledger.rules` reads the day's length from here.
"""

from decimal import ROUND_DOWN, ROUND_UP, Decimal

SECONDS_PER_HOUR = 3600
HOURS_PER_DAY = 8  # 第十条: 1 day = 8 学时, half a day = 4
SECONDS_PER_DAY = HOURS_PER_DAY * SECONDS_PER_HOUR
SECONDS_PER_HALF_DAY = SECONDS_PER_DAY // 2
# Far above any record (8 h for every day since 2000 is under 80,000 h), small enough that no arithmetic on
# a figure within it can overflow: larger figures are refused before any is done (1E+999999 overflowed).
MAX_HOURS = Decimal(1_000_000)


class HoursOutOfRange(ValueError):
    """A number, but infinite or larger than MAX_HOURS."""


def to_hours_decimal(hours: Decimal | float | int | str) -> Decimal:
    """An hours figure as a finite Decimal of at most MAX_HOURS in size; ValueError for anything else.

    NaN, infinities (a float cell of 1E+400 is infinity), text that is not a number and figures beyond
    MAX_HOURS are refused here, before any arithmetic; negative zero is returned as zero.
    """
    if isinstance(hours, bool):
        raise ValueError(f"not a number: {hours!r}")
    try:
        value = Decimal(str(hours))
    except ArithmeticError as exc:  # InvalidOperation and the other signals
        raise ValueError(f"not a number: {hours!r}") from exc
    if value.is_nan():
        raise ValueError(f"not a number: {hours!r}")
    if value.is_infinite() or abs(value) > MAX_HOURS:
        raise HoursOutOfRange(f"out of range: {hours!r}")
    return value.copy_abs() if value.is_zero() else value


def hours_to_seconds(hours: Decimal | float | int | str) -> int:
    """Exact conversion of an hours figure with at most two decimals to seconds (0.01 h = 36 s).

    ValueError for what `to_hours_decimal` refuses.
    """
    value = to_hours_decimal(hours)
    return int((value * SECONDS_PER_HOUR).to_integral_value(rounding=ROUND_DOWN))


def seconds_to_hours(seconds: int) -> Decimal:
    """Seconds as hours, truncated to two decimals."""
    return (Decimal(seconds) / SECONDS_PER_HOUR).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def missing_seconds_to_hours(seconds: int) -> Decimal:
    """Hours still missing, rounded up to two decimals: one second short is 0.01, never 0."""
    return (Decimal(seconds) / SECONDS_PER_HOUR).quantize(Decimal("0.01"), rounding=ROUND_UP)


def _trim(value: Decimal) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def format_hours(seconds: int) -> str:
    """'12.5' style: up to two decimals, truncated, without trailing zeros."""
    return _trim(seconds_to_hours(seconds))


def format_missing_hours(seconds: int) -> str:
    """Hours still missing, '12.5' style, rounded up (the one formatting rule for every "还差")."""
    return _trim(missing_seconds_to_hours(seconds))


def format_hms(seconds: int) -> str:
    """时分秒, as the platform shows online learning: '3小时10分53秒'."""
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, SECONDS_PER_HOUR)
    minutes, secs = divmod(rest, 60)
    if minutes == 0 and secs == 0:
        return f"{hours}小时"
    return f"{hours}小时{minutes}分{secs}秒"
