"""What a study report earns (第九条四, DOMAIN.md "Platform courses and exams"): pure Python, no Django.

The page of an open lesson reports every interval (15–30 s) while it is visible and playing, and at once on
pause, seek, hide and close. The server, not the browser, decides what counts:

- never more than the wall-clock time since the last accepted report (playback speed, a forged report or a
  reload earn real time at most), and nothing across a gap longer than the interval plus a grace;
- one lesson at a time per person: a page that starts playing takes the person's study session over, and
  any other page's next report is told to stop;
- per lesson, never more than its length in all (studying it again earns nothing more);
- the position is kept (clamped to the lesson) for resuming anywhere; it never earns time itself.

`decide` is the whole rule; `services.lesson_report` loads the state under row locks and applies it.
"""

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

START = "start"
TICK = "tick"
PAUSE = "pause"
SEEK = "seek"
HIDE = "hide"
CLOSE = "close"
EVENTS = (START, TICK, PAUSE, SEEK, HIDE, CLOSE)
# After these the page is no longer playing: the next report starts measuring afresh.
STOPPING = (PAUSE, HIDE, CLOSE)

TAKEN_OVER = "taken_over"
GAP = "gap"
COMPLETE = "complete"


@dataclass(frozen=True)
class Session:
    """The person's current study session: which page holds it, on which lesson, since when measured."""

    token: str
    lesson_id: int
    last_report_at: dt.datetime | None


@dataclass(frozen=True)
class Decision:
    credit: int  # seconds credited by this report
    credit_from: dt.datetime | None  # the credited seconds run from here (for splitting at midnight)
    position: int  # the position to keep
    session: Session | None  # the session after the report (None: leave it as it is)
    stop: bool = False  # the page must stop (another page holds the session)
    note: str = ""  # TAKEN_OVER, GAP or COMPLETE


def decide(
    *,
    now: dt.datetime,
    token: str,
    event: str,
    position: int,
    lesson_id: int,
    lesson_seconds: int,
    credited_before: int,
    position_before: int,
    session: Session | None,
    max_gap: int,
) -> Decision:
    """The outcome of one report of `event` at `position` from the page `token`, received at `now`."""
    position = max(0, min(int(position), lesson_seconds))
    owned = session is not None and session.token == token and session.lesson_id == lesson_id
    live = (
        session is not None
        and session.last_report_at is not None
        and dt.timedelta(0) <= now - session.last_report_at <= dt.timedelta(seconds=max_gap)
    )
    if not owned:
        if session is not None and live and session.token != token and event != START:
            # Another page is studying: this one was taken over and earns nothing.
            return Decision(0, None, position_before, None, stop=True, note=TAKEN_OVER)
        # A page starting to play (or reporting while no other page is live) takes the session.
        measuring = None if event in STOPPING else now
        return Decision(0, None, position, Session(token, lesson_id, measuring))
    last = session.last_report_at
    if last is None:
        measuring = None if event in STOPPING else now
        return Decision(0, None, position, Session(token, lesson_id, measuring))
    if not live:
        # Too long since the last report (or a clock going backwards): nothing for the gap.
        measuring = None if event in STOPPING else now
        return Decision(0, None, position, Session(token, lesson_id, measuring), note=GAP)
    whole = int((now - last).total_seconds())
    credit = max(0, min(whole, lesson_seconds - credited_before))
    # Keep the fraction of a second for the next report, unless the page stopped measuring.
    measuring = None if event in STOPPING else (last + dt.timedelta(seconds=whole))
    note = COMPLETE if credited_before + credit >= lesson_seconds else ""
    return Decision(
        credit, last if credit else None, position, Session(token, lesson_id, measuring), note=note
    )


def split_by_day(start: dt.datetime, seconds: int, tz: ZoneInfo) -> list[tuple[dt.date, int]]:
    """Credited seconds from `start` on, per local day (a report across midnight feeds two days)."""
    out: list[tuple[dt.date, int]] = []
    cursor = start.astimezone(tz)
    left = seconds
    while left > 0:
        next_midnight = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        take = min(left, math.ceil((next_midnight - cursor).total_seconds()))
        out.append((cursor.date(), take))
        left -= take
        cursor = next_midnight
    return out
