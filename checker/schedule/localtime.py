"""Local time: daily windows and holiday windows in a rotation's zone, and formatting."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo

from ..model.entities import Policy
from ..timeutil import localize, wall

DAY = timedelta(days=1)


def format_local(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return local.strftime("%a %Y-%m-%d %H:%M")


def _minutes(naive_day: datetime, minutes: int) -> datetime:
    return naive_day + timedelta(minutes=minutes)


def daily_windows(window: tuple[int, int] | None, tz: tzinfo, start: datetime, end: datetime,
                  weekdays: Iterable[int] | None = None) -> list[tuple[datetime, datetime]]:
    """The UTC intervals of a daily local window (minutes from midnight) that meet [start, end).

    None means the whole day. A window whose end is before its start wraps midnight.
    """
    if window is None:
        return [(start, end)] if start < end else []
    days = set(weekdays) if weekdays is not None else None
    first = wall(start, tz).replace(hour=0, minute=0, second=0, microsecond=0) - DAY
    last = wall(end, tz)
    out: list[tuple[datetime, datetime]] = []
    day = first
    open_minute, close_minute = window
    while day <= last:
        if days is None or day.weekday() in days:
            close_day = day + DAY if close_minute <= open_minute else day
            begin = localize(_minutes(day, open_minute), tz)
            finish = localize(_minutes(close_day, close_minute), tz)
            begin, finish = max(begin, start), min(finish, end)
            if begin < finish:
                if out and out[-1][1] >= begin:  # 00:00-24:00 windows touch: keep one interval
                    out[-1] = (out[-1][0], max(out[-1][1], finish))
                else:
                    out.append((begin, finish))
        day += DAY
    return out


def holiday_windows(policy: Policy, tz: tzinfo, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The holiday window (00:00 of its first day to 24:00 of its last, local) for each year that meets [start, end)."""
    (m1, d1), (m2, d2) = policy.rotation.holiday_window
    wraps = (m2, d2) < (m1, d1)
    out = []
    for year in range(wall(start, tz).year - 1, wall(end, tz).year + 1):
        try:
            first = datetime(year, m1, d1)
            last = datetime(year + 1 if wraps else year, m2, d2)
        except ValueError:  # 02-29 in a common year
            continue
        begin, finish = localize(first, tz), localize(last + DAY, tz)
        if begin < end and finish > start:
            out.append((begin, finish))
    return out


