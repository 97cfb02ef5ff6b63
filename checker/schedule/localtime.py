"""Local time, the engine's only time arithmetic: wall clocks, covered windows, holiday windows.

Shifts and thresholds are counted in the rotation's *local calendar* (SPEC
§3, §11): wall-clock arithmetic, then localised. A wall time that a DST jump
skips is read with the offset before the jump and an ambiguous one as its
first occurrence (Python's fold=0). Instants are clamped to a range every
zone can represent, so no input near year 1 or 9999 overflows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache

from .intervals import Interval, union

DAY = timedelta(days=1)
# Every zone's offset lies within UTC-12..UTC+14, so these convert to any zone without overflow.
MIN_INSTANT = datetime(1, 1, 3, tzinfo=UTC)
MAX_INSTANT = datetime(9999, 12, 29, tzinfo=UTC)
_MIN_WALL = datetime(1, 1, 4)
_MAX_WALL = datetime(9999, 12, 28)
# The widest difference between two UTC offsets (UTC-12 to UTC+14), with room to spare.
OFFSET_SPREAD = timedelta(hours=30)


def clamp(moment: datetime) -> datetime:
    return min(max(moment, MIN_INSTANT), MAX_INSTANT)


def later(moment: datetime, delta: timedelta) -> datetime:
    """moment + delta in elapsed time, clamped to the representable range."""
    try:
        return clamp(moment + delta)
    except OverflowError:
        return MAX_INSTANT if delta > timedelta(0) else MIN_INSTANT


@lru_cache(maxsize=1 << 16)  # bounded; the same handoffs are localised over and over (fold is ignored: fold=0)
def to_utc(naive: datetime, tz: tzinfo) -> datetime:
    """A wall-clock time in tz as a UTC instant (fold=0)."""
    if naive <= _MIN_WALL:
        return MIN_INSTANT
    if naive >= _MAX_WALL:
        return MAX_INSTANT
    if tz is UTC:
        return naive.replace(tzinfo=UTC)
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def wall(moment: datetime, tz: tzinfo) -> datetime:
    """An instant as the naive wall-clock time it shows in tz."""
    if moment.tzinfo is UTC:
        return _wall_of_utc(moment, tz)
    return clamp(moment).astimezone(tz).replace(tzinfo=None)


# Bounded; the rules ask for the same few thousand handoffs' wall times some 10^5 times. Only UTC instants are
# remembered: two aware datetimes in one zone that differ only by `fold` compare equal, yet are two instants.
@lru_cache(maxsize=1 << 16)
def _wall_of_utc(moment: datetime, tz: tzinfo) -> datetime:
    return clamp(moment).astimezone(tz).replace(tzinfo=None)


def add_wall(naive: datetime, delta: timedelta) -> datetime:
    try:
        moved = naive + delta
    except OverflowError:
        return _MAX_WALL if delta > timedelta(0) else _MIN_WALL
    return _MIN_WALL if moved < _MIN_WALL else min(moved, _MAX_WALL)


def calendar_add(moment: datetime, delta: timedelta, tz: tzinfo) -> datetime:
    """moment + delta counted on tz's wall clock: `now + 2w` is the same local time 14 days on."""
    return to_utc(add_wall(wall(moment, tz), delta), tz)


def calendar_length(start: datetime, end: datetime, tz: tzinfo) -> timedelta:
    """How long [start, end) is on tz's wall clock: a fortnight across a DST change is exactly 2w."""
    return wall(end, tz) - wall(start, tz)


def surely_within(limit: timedelta) -> timedelta:
    """The longest elapsed time that is within `limit` on every calendar: a stretch's calendar length
    differs from its elapsed time by the change of UTC offset over it, less than OFFSET_SPREAD. Rules
    skip the calendar arithmetic for stretches this short (most turns)."""
    return limit - OFFSET_SPREAD


def format_local(moment: datetime, tz: tzinfo) -> str:
    return wall(moment, tz).strftime("%a %Y-%m-%d %H:%M")


def iso_local(moment: datetime, tz: tzinfo) -> str:
    """ISO 8601 with the offset tz has at that instant."""
    return clamp(moment).astimezone(tz).isoformat()


@lru_cache(maxsize=1 << 16)  # bounded; a run asks for the same few zones' days over and over (rules, report load)
def _local_day(day: date, minutes: int, tz: tzinfo) -> datetime:
    return to_utc(add_wall(datetime(day.year, day.month, day.day), timedelta(minutes=minutes)), tz)


def daily_windows(window: tuple[int, int] | None, tz: tzinfo, start: datetime, end: datetime,
                  weekdays: Iterable[int] | None = None) -> list[Interval]:
    """The UTC intervals of a daily local window (minutes from midnight) on the given local weekdays
    (0 = Monday; None: every day) that meet [start, end), sorted and disjoint.

    window None means the whole day. A window whose end is before its start wraps midnight and
    belongs to the day it starts. Each day's window is one interval from its local start to its
    local end, DST nights included.
    """
    days = set(weekdays) if weekdays is not None else None
    if start >= end:
        return []
    if window is None and days is None:
        return [(start, end)]
    open_minute, close_minute = window if window is not None else (0, 24 * 60)
    if close_minute <= open_minute:
        close_minute += 24 * 60
    day = wall(start, tz).date() - DAY
    last = wall(end, tz).date()
    out: list[Interval] = []
    in_order = True
    while day <= last:
        if days is None or day.weekday() in days:
            begin = _local_day(day, open_minute, tz)
            finish = _local_day(day, close_minute, tz)
            if start > begin:  # noqa: PLR1730 - max() without the call
                begin = start
            if end < finish:  # noqa: PLR1730
                finish = end
            if begin < finish:
                if out and out[-1][0] <= begin <= out[-1][1]:  # touching (00:00-24:00): one interval
                    if finish > out[-1][1]:
                        out[-1] = (out[-1][0], finish)
                else:
                    in_order = in_order and (not out or begin > out[-1][1])
                    out.append((begin, finish))
        if day == date.max:
            break
        day += DAY
    # Each day's window starts no earlier than the day before's (offsets change by at most a day), so
    # merging as they come is the union; should a zone ever break that, sort and merge them.
    return out if in_order else union(out)


def holiday_windows(holiday: tuple[tuple[int, int], tuple[int, int]], tz: tzinfo, first_year: int,
                    last_year: int) -> list[tuple[int, Interval]]:
    """The holiday window of each year from first_year to last_year (the year it starts in): 00:00
    local on its first day to 24:00 local on its last, which may be in the next year."""
    (m1, d1), (m2, d2) = holiday
    wraps = (m2, d2) < (m1, d1)
    out = []
    for year in range(max(first_year, 1), min(last_year, 9998) + 1):
        try:
            first = datetime(year, m1, d1)
            last = datetime(year + 1 if wraps else year, m2, d2)
        except ValueError:  # 02-29 in a common year
            continue
        out.append((year, (to_utc(first, tz), to_utc(add_wall(last, DAY), tz))))
    return out


def holiday_windows_between(holiday: tuple[tuple[int, int], tuple[int, int]], tz: tzinfo, start: datetime,
                            end: datetime) -> list[Interval]:
    """The holiday windows that meet [start, end)."""
    return [w for _, w in holiday_windows(holiday, tz, wall(start, tz).year - 1, wall(end, tz).year)
            if w[0] < end and w[1] > start]
