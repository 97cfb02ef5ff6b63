"""iCalendar date-times in a rotation's zone, and the VTIMEZONE that defines each zone (RFC 5545 §3.6.5).

A DTSTART written `;TZID=Europe/London:20260106T120000` means what the file's
own VTIMEZONE says it means: readers such as vobject and ics-py build the zone
from it rather than from their own tz database. So each VTIMEZONE is derived
from the same zoneinfo data the engine used: the offset in force at the start
of the calendar's range, then every change of offset until its end.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from ..escape import ical_param, ical_text

DAY = timedelta(days=1)
# An IANA key written as is: it then reads the same as a parameter (TZID=) and as a property (TZID:).
_SAFE_KEY = re.compile(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*")


def basic(moment: datetime) -> str:
    """A date-time in RFC 5545's basic format, YYYYMMDDTHHMMSS (no zone)."""
    # %-formatting: twice as fast as an f-string or strftime here, and called twice per event
    return "%04d%02d%02dT%02d%02d%02d" % (moment.year, moment.month, moment.day,  # noqa: UP031
                                          moment.hour, moment.minute, moment.second)


def zone_key(tz: tzinfo) -> str | None:
    """The IANA name to write as TZID, or None to write UTC (`Z`) times."""
    key = getattr(tz, "key", None)
    if tz is UTC or not isinstance(key, str) or len(key) > 40 or not _SAFE_KEY.fullmatch(key):
        return None
    return key


class ZoneTimes:
    """DTSTART/DTEND values of one rotation: local time with TZID, or UTC for a UTC rotation.

    The one instant a local time cannot name is the second pass through an hour the clocks repeat
    (RFC 5545 §3.3.5 reads an ambiguous local time as its first occurrence); that one is written in
    UTC, which every reader takes as the same instant. A key is at most 40 characters (the longest
    IANA name has 32), so a DTSTART or DTEND line never needs folding.
    """

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.key = zone_key(tz)
        self.param = f";TZID={ical_param(self.key)}:" if self.key else ":"
        self.first: datetime | None = None  # the range of instants written, for the VTIMEZONE
        self.last: datetime | None = None

    def value(self, moment: datetime) -> str:
        """Parameters and value, to follow the property name: `;TZID=Europe/London:20260106T120000`."""
        if self.key is None:
            return f":{basic(moment.astimezone(UTC))}Z"
        local = moment.astimezone(self.tz)
        if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
            return f":{basic(moment.astimezone(UTC))}Z"
        return self.param + basic(local)

    def cover(self, first: datetime, last: datetime) -> None:
        self.first = first if self.first is None else min(self.first, first)
        self.last = last if self.last is None else max(self.last, last)


def transitions(tz: tzinfo, first: datetime, last: datetime) -> list[tuple[datetime, timedelta, timedelta]]:
    """Every change of tz's UTC offset in [first, last]: (instant, offset before, offset after).

    Found by looking once a day and narrowing each change down to the second (zoneinfo does not
    list its transitions); two changes within one day that cancel out would be missed, and tzdata
    has none.
    """
    out: list[tuple[datetime, timedelta, timedelta]] = []
    step = int(DAY.total_seconds())
    low, high = int(first.timestamp()), int(last.timestamp())
    offset = _offset(tz, low)
    while low < high:
        following = min(low + step, high)
        if _offset(tz, following) == offset:
            low = following
            continue
        changed = following  # offset(low) == offset != offset(changed): narrow to the first second that differs
        while changed - low > 1:
            middle = (low + changed) // 2
            if _offset(tz, middle) == offset:
                low = middle
            else:
                changed = middle
        after = _offset(tz, changed)
        out.append((datetime.fromtimestamp(changed, UTC), offset, after))
        low, offset = changed, after
    return out


def _offset(tz: tzinfo, timestamp: int) -> timedelta:
    return datetime.fromtimestamp(timestamp, tz).utcoffset() or timedelta(0)


def vtimezone(times: ZoneTimes) -> list[str]:
    """The VTIMEZONE for the instants `times` wrote: one observance for the offset in force a day
    before the first, then one per change of offset until a day after the last."""
    if times.key is None or times.first is None or times.last is None:
        return []
    tz = times.tz
    first, last = times.first - DAY, times.last + DAY
    lines = ["BEGIN:VTIMEZONE", f"TZID:{ical_text(times.key)}"]
    initial = first.astimezone(tz).utcoffset() or timedelta(0)
    lines += _observance(tz, first, initial, initial)
    for instant, before, after in transitions(tz, first, last):
        lines += _observance(tz, instant, before, after)
    lines.append("END:VTIMEZONE")
    return lines


def _observance(tz: tzinfo, instant: datetime, before: timedelta, after: timedelta) -> list[str]:
    """A STANDARD or DAYLIGHT sub-component starting at instant; its DTSTART is local time in the
    offset before the change, as RFC 5545 §3.6.5 reads it."""
    local = instant.astimezone(tz)
    kind = "DAYLIGHT" if (local.dst() or timedelta(0)) > timedelta(0) else "STANDARD"
    onset = (instant.astimezone(UTC) + before).replace(tzinfo=None)
    name = local.tzname() or format_offset(after)
    return [f"BEGIN:{kind}", f"DTSTART:{basic(onset)}", f"TZOFFSETFROM:{format_offset(before)}",
            f"TZOFFSETTO:{format_offset(after)}", f"TZNAME:{ical_text(name)}", f"END:{kind}"]


def format_offset(offset: timedelta) -> str:
    """A UTC-OFFSET value (RFC 5545 §3.3.14): +HHMM, or +HHMMSS when there are seconds."""
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")
