"""Hours figures as people type them (issue 8, item 12): extreme numbers are refused, never overflow."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hourbook.common.hours import MAX_HOURS, HoursOutOfRange, hours_to_seconds, to_hours_decimal


@pytest.mark.parametrize(
    "value", ["1E+999999", "-1E+999999", "9" * 40, "Infinity", "-Infinity", "inf", float("inf"), 1e308 * 10]
)
def test_out_of_range_figures_are_refused_before_any_arithmetic(value):
    with pytest.raises(HoursOutOfRange):
        to_hours_decimal(value)
    with pytest.raises(ValueError):
        hours_to_seconds(value)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "-nan", float("nan"), "八", "", "1,5", True])
def test_what_is_not_a_number_is_refused(value):
    with pytest.raises(ValueError):
        hours_to_seconds(value)


@pytest.mark.parametrize("value", ["-0", "-0.00", -0.0, Decimal("-0E+5")])
def test_negative_zero_is_zero(value):
    assert to_hours_decimal(value) == 0 and not to_hours_decimal(value).is_signed()
    assert hours_to_seconds(value) == 0


def test_exact_conversion():
    assert hours_to_seconds("1E+2") == 360_000
    assert hours_to_seconds(Decimal("0.01")) == 36
    assert hours_to_seconds(6.5) == 6.5 * 3600
    assert hours_to_seconds(MAX_HOURS) == int(MAX_HOURS) * 3600


@given(st.one_of(st.text(max_size=40), st.floats(allow_nan=True, allow_infinity=True), st.decimals()))
def test_any_input_gives_seconds_or_value_error(value):
    """Whatever is typed or read from a cell: integer seconds within the bound, or ValueError; nothing else."""
    try:
        seconds = hours_to_seconds(value)
    except ValueError:
        return
    assert isinstance(seconds, int)
    assert abs(seconds) <= MAX_HOURS * 3600
