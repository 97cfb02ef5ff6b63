"""iCalendar date-times in a rotation's zone, and the VTIMEZONE that defines each zone (RFC 5545 §3.6.5).

A DTSTART written `;TZID=Europe/London:20260106T120000` means what the file's
own VTIMEZONE says it means: Outlook and Apple Calendar, and readers such as
vobject and ics-py for names they do not know, build the zone from it rather
than from their own tz database. So each VTIMEZONE is derived from the same
zoneinfo data the engine used: the changes of offset around the calendar's
range, written as yearly rules where a rule gives exactly those changes
(Outlook reads nothing else correctly), else one observance per change.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta, tzinfo

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
    """The VTIMEZONE for the instants `times` wrote.

    Where the zone's changes of offset from a year before the first instant to a year after the last
    follow a yearly rule (the n-th or last weekday of a month, at one local time), it is written the
    way Outlook requires and every reader understands: one STANDARD and one DAYLIGHT observance, each
    with an RRULE. A zone without changes is one STANDARD observance. Otherwise (a zone changing its
    rules) each change is its own observance, after one for the offset in force at the start.
    """
    if times.key is None or times.first is None or times.last is None:
        return []
    tz = times.tz
    first, last = times.first - DAY, times.last + DAY
    window = (_moved(first, -YEAR), _moved(last, YEAR))
    observances = _yearly(tz, transitions(tz, *window), window)
    if observances is None:
        initial = first.astimezone(tz).utcoffset() or timedelta(0)
        observances = _observance("STANDARD", first.astimezone(tz), initial, initial)
        for instant, before, after in transitions(tz, first, last):
            observances += _observance(_kind(before, after), instant.astimezone(tz), before, after)
    return ["BEGIN:VTIMEZONE", f"TZID:{ical_text(times.key)}", *observances, "END:VTIMEZONE"]


YEAR = timedelta(days=366)
_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _moved(moment: datetime, delta: timedelta) -> datetime:
    try:
        return moment + delta
    except OverflowError:  # near year 1 or 9999: the window stops at the calendar's edge
        return moment


def _kind(before: timedelta, after: timedelta) -> str:
    """Clocks going forward start daylight time, going back standard time (whatever zoneinfo's dst()
    says: Europe/Dublin's winter is a negative "daylight" offset)."""
    return "DAYLIGHT" if after > before else "STANDARD"


def _yearly(tz: tzinfo, changes: list[tuple[datetime, timedelta, timedelta]],
            window: tuple[datetime, datetime]) -> list[str] | None:
    """One recurring observance per direction of change, or None when no yearly rule gives exactly
    the changes found in the window."""
    if not changes:
        offset = window[0].astimezone(tz).utcoffset() or timedelta(0)
        return _observance("STANDARD", window[0].astimezone(tz), offset, offset)
    out: list[str] = []
    for kind in ("STANDARD", "DAYLIGHT"):
        group = [c for c in changes if _kind(c[1], c[2]) == kind]
        rule = _rule(group)
        if rule is None or _onsets(rule, group[0][1], window) != [instant for instant, _, _ in group]:
            return None
        out += _observance(kind, group[0][0].astimezone(tz), group[0][1], group[0][2], rule)
    return out


def _rule(group: list[tuple[datetime, timedelta, timedelta]]) -> tuple[int, str, int, tuple[int, int, int]] | None:
    """(month, weekday, n or -1 for the last, local time) shared by every change of the group."""
    if not group:
        return None
    shapes, positions = set(), None
    for instant, before, after in group:
        onset = (instant + before).replace(tzinfo=None)
        shapes.add((onset.month, onset.weekday(), onset.time(), before, after))
        last_day = monthrange(onset.year, onset.month)[1]
        here = {(onset.day - 1) // 7 + 1} | ({-1} if onset.day + 7 > last_day else set())
        positions = here if positions is None else positions & here
    if len(shapes) != 1 or not positions:
        return None
    month, weekday, time, _, _ = shapes.pop()
    return month, _WEEKDAYS[weekday], -1 if -1 in positions else min(positions), \
        (time.hour, time.minute, time.second)


def _onsets(rule: tuple[int, str, int, tuple[int, int, int]], before: timedelta,
            window: tuple[datetime, datetime]) -> list[datetime]:
    """The instants the rule gives within the window."""
    month, weekday, position, (hour, minute, second) = rule
    out = []
    for year in range(window[0].year, window[1].year + 1):
        days = [day for day in range(1, monthrange(year, month)[1] + 1)
                if _WEEKDAYS[date(year, month, day).weekday()] == weekday]
        day = days[-1] if position == -1 else days[position - 1] if position <= len(days) else None
        if day is None:
            continue
        instant = (datetime(year, month, day, hour, minute, second) - before).replace(tzinfo=UTC)
        if window[0] <= instant <= window[1]:
            out.append(instant)
    return out


def _observance(kind: str, local: datetime, before: timedelta, after: timedelta,
                rule: tuple[int, str, int, tuple[int, int, int]] | None = None) -> list[str]:
    """A STANDARD or DAYLIGHT sub-component from `local`; its DTSTART is the onset's local time in the
    offset before the change, as RFC 5545 §3.6.5 reads it."""
    onset = (local.astimezone(UTC) + before).replace(tzinfo=None)
    lines = [f"BEGIN:{kind}", f"DTSTART:{basic(onset)}"]
    if rule is not None:
        lines.append(f"RRULE:FREQ=YEARLY;BYMONTH={rule[0]};BYDAY={rule[2]}{rule[1]}")
    return lines + [f"TZOFFSETFROM:{format_offset(before)}", f"TZOFFSETTO:{format_offset(after)}",
                    f"TZNAME:{ical_text(local.tzname() or format_offset(after))}", f"END:{kind}"]


def format_offset(offset: timedelta) -> str:
    """A UTC-OFFSET value (RFC 5545 §3.3.14): +HHMM, or +HHMMSS when there are seconds."""
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")
