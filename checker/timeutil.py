"""Parsing the config's time values: durations, dates, datetimes, daily windows, zones.

Each parser returns the value or raises ``ValueError`` with a message that says
what to write instead; the model turns that into CFG005 at the node.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

_DURATION = re.compile(r"([0-9]+)([wdhm])\Z")
_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
# Bounds that keep every computation inside datetime's range (years 1-9999): a config's dates lie in
# FIRST_YEAR..LAST_YEAR and a duration is at most MAX_DURATION, so a date plus any duration plus the
# longest horizon is still a valid datetime, and nothing downstream can overflow. Dates outside are
# typos (0026-01-06, 20260-01-06); before 1970 there are no on-call schedules to speak of.
FIRST_YEAR, LAST_YEAR = 1970, 2199
MAX_DURATION = timedelta(days=36525)  # 100 years
_MAX_DURATION_TEXT = "100 years (e.g. 5217w, 36525d)"
# [0-9], not \d: \d matches any script's digits (`２０２６`), which int() then reads as a year.
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(Z|[+-][0-9]{2}:?[0-9]{2})?)?\Z"
)
_WINDOW = re.compile(r"([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})\Z")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """A wall-clock time in tz as UTC. A time skipped by DST lands just after the jump."""
    return naive.replace(tzinfo=tz).astimezone(UTC)


def wall(moment: datetime, tz: tzinfo) -> datetime:
    """An instant as the naive wall-clock time it shows in tz."""
    return moment.astimezone(tz).replace(tzinfo=None)


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a duration; write e.g. 1w, 2d, 12h or 30m")
    digits = match.group(1).lstrip("0") or "0"
    # More than 9 digits is beyond the limit in any unit; checking first keeps int() cheap.
    minutes = int(digits) * _UNIT_MINUTES[match.group(2)] if len(digits) <= 9 else None
    if minutes is None or minutes > MAX_DURATION.total_seconds() // 60:
        raise ValueError(f"'{text}' is too long; a duration is at most {_MAX_DURATION_TEXT}")
    return timedelta(minutes=minutes)


def format_duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    for unit, size in (("w", 7 * 24 * 60), ("d", 24 * 60), ("h", 60)):
        if minutes and minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


@lru_cache(maxsize=256)
def zone(name: str) -> tzinfo:
    """An IANA zone; ValueError names the problem."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name == "UTC":
        return UTC
    try:
        if not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", name):
            raise ValueError
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"'{name}' is not an IANA time zone; write e.g. Europe/London or America/New_York") from None


def parse_date(text: str) -> date:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            value = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            _check_year(text, value.year)
            return value
    raise ValueError(f"'{text}' is not a real date (YYYY-MM-DD)")


def _check_year(text: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"'{text}' is out of range; dates are between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31")


def parse_datetime(text: str, tz: tzinfo) -> tuple[datetime, bool]:
    """An aware datetime, and whether the text was a date alone.

    Local times are in tz; a local time that does not exist (skipped by a DST
    change) is refused rather than silently moved.
    """
    match = _DATETIME.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a datetime; write YYYY-MM-DDTHH:MM")
    year, month, day, hour, minute, second, offset = match.groups()
    _check_year(text, int(year))
    try:
        naive = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        raise ValueError(f"'{text}' is not a real date and time") from None
    if offset:
        if offset == "Z":
            return naive.replace(tzinfo=UTC), False
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:  # timezone() refuses a day or more, with a message about timedelta
            raise ValueError(f"'{text}' has the impossible UTC offset {offset}; offsets run from -23:59 to +23:59")
        return naive.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes))), False
    aware = naive.replace(tzinfo=tz)
    round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise ValueError(f"'{text}' does not exist in {tz} (the clocks skip it); pick another time")
    return aware, hour is None


def parse_window(text: str) -> tuple[int, int]:
    """A daily window as minutes from midnight; end may be smaller (wraps midnight)."""
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a daily window; write HH:MM-HH:MM, e.g. 09:00-17:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or (h1 == 24 and m1) or (h2 == 24 and m2):
        raise ValueError(f"'{text}' has an impossible time of day")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise ValueError(f"'{text}' is an empty window; write 00:00-24:00 for the whole day")
    return start, end


def parse_month_day(text: str) -> tuple[int, int]:
    try:
        month, day = (int(p) for p in text.split("-"))
        date(2024, month, day)  # a leap year, so 02-29 is allowed
    except ValueError:
        raise ValueError(f"'{text}' is not a day of the year (MM-DD)") from None
    return month, day


def seconds_from_env(env: Mapping[str, str], name: str, default: float) -> float:
    """A time budget in seconds from an environment variable (default when unset); ValueError with a
    one-line message unless it is a positive, finite number."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise ValueError(f"{name} must be a positive number of seconds, not {text[:40]!r}")
    return seconds


def parse_now(text: str | None) -> datetime:
    """--now / --at: an ISO datetime (UTC unless an offset is given), or the current time."""
    if text is None:
        return datetime.now(UTC)
    value, _ = parse_datetime(text.strip(), UTC)
    return value
