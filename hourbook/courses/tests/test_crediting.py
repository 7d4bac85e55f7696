"""The crediting rule itself (crediting.decide), with an injected clock: no database."""

import datetime as dt
from zoneinfo import ZoneInfo

from hourbook.courses import crediting
from hourbook.courses.crediting import Session, decide, split_by_day

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)
GAP = 35


def report(at, *, token="a", event=crediting.TICK, position=0, session=None, credited=0, length=600):
    return decide(
        now=at,
        token=token,
        event=event,
        position=position,
        lesson_id=1,
        lesson_seconds=length,
        credited_before=credited,
        position_before=0,
        session=session,
        max_gap=GAP,
    )


def test_start_credits_nothing_and_measures_from_now():
    d = report(T0, event=crediting.START)
    assert d.credit == 0
    assert d.session == Session("a", 1, T0)


def test_credit_is_wall_clock_not_position():
    """2× playback: 40 s of video in 20 s of clock earns 20 s."""
    d = report(T0 + dt.timedelta(seconds=20), position=40, session=Session("a", 1, T0))
    assert (d.credit, d.position) == (20, 40)


def test_gap_longer_than_interval_plus_grace_earns_nothing():
    d = report(T0 + dt.timedelta(seconds=GAP + 1), session=Session("a", 1, T0))
    assert d.credit == 0
    assert d.note == crediting.GAP
    assert d.session.last_report_at == T0 + dt.timedelta(seconds=GAP + 1)


def test_never_beyond_the_lesson_length():
    d = report(T0 + dt.timedelta(seconds=20), session=Session("a", 1, T0), credited=590)
    assert d.credit == 10
    assert d.note == crediting.COMPLETE


def test_a_second_page_that_starts_takes_over_and_the_first_is_stopped():
    held = Session("a", 1, T0)
    b = report(T0 + dt.timedelta(seconds=5), token="b", event=crediting.START, session=held)
    assert b.session.token == "b"
    a = report(T0 + dt.timedelta(seconds=10), token="a", session=b.session)
    assert a.stop and a.credit == 0 and a.note == crediting.TAKEN_OVER


def test_forged_position_ahead_is_clamped_and_earns_nothing_extra():
    d = report(T0 + dt.timedelta(seconds=5), position=10_000, session=Session("a", 1, T0))
    assert (d.credit, d.position) == (5, 600)


def test_pause_credits_then_stops_measuring():
    d = report(T0 + dt.timedelta(seconds=7), event=crediting.PAUSE, session=Session("a", 1, T0))
    assert d.credit == 7
    assert d.session.last_report_at is None
    after = report(T0 + dt.timedelta(seconds=30), session=d.session)
    assert after.credit == 0


def test_fractions_of_a_second_carry_to_the_next_report():
    first = report(T0 + dt.timedelta(seconds=10.6), session=Session("a", 1, T0))
    second = report(T0 + dt.timedelta(seconds=20.2), session=first.session)
    assert first.credit + second.credit == 20


def test_a_clock_going_backwards_earns_nothing():
    d = report(T0 - dt.timedelta(seconds=5), session=Session("a", 1, T0))
    assert d.credit == 0


def test_split_by_day_across_midnight():
    start = dt.datetime(2026, 3, 2, 23, 59, 50, tzinfo=SH)
    assert split_by_day(start, 20, SH) == [(dt.date(2026, 3, 2), 10), (dt.date(2026, 3, 3), 10)]
    assert split_by_day(start.astimezone(dt.UTC), 5, SH) == [(dt.date(2026, 3, 2), 5)]
