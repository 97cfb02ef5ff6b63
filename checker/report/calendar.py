"""The simulated schedule as RFC 5545 iCalendar text: one event per shift piece.

Written as text, line by line, rather than through icalendar's object model,
which took 90% of the command's time and most of its memory at 1,000
rotations. What a reader relies on is kept here:

- lines end in CRLF and are folded at 75 octets, never inside a UTF-8 sequence;
- every TEXT value goes through `escape.ical_text`, so no value from the
  config can end a line, add a property or break a list;
- DTSTART/DTEND are in the rotation's zone (TZID=<IANA name>, with a VTIMEZONE
  for each zone used, see ical_zones.py), or in UTC for a UTC rotation;
- no METHOD and no ATTENDEE: the file is a plain calendar to import or
  subscribe to, not an iTIP message. `METHOD:PUBLISH` requires an ORGANIZER
  (RFC 5546 §3.2.1) that a simulated schedule does not have, and an event with
  attendees is a group-scheduled one that also needs one (RFC 5545 §3.8.4.1,
  §3.8.4.3) and that clients offer to send invitations for. The person's email
  is in CONTACT instead;
- UIDs name the rotation, the shift, the piece and its start, so the same
  shift has the same UID whatever the run or `--from`; DTSTAMP is the run's
  `--from` (or now), so the same inputs give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from ..escape import ical_text, terminal
from ..model import Model
from ..schedule import DAY, RotationSchedule, Schedule, Slot, simulate
from .ical_zones import ZoneTimes, basic, vtimezone

PRODID = "-//ownership-as-code//on-call schedule//EN"
CRLF = "\r\n"


def calendar_schedule(model: Model, since: datetime, horizon: timedelta,
                      rotations: Iterable[str] | None = None) -> Schedule:
    """The shift pieces that meet [since, since + horizon), each whole: a piece under way at either
    end keeps its real start and end (SPEC §11: `--from` clips nothing), so a shift's event is the
    same whatever the run's range. The engine cuts pieces at the edges of the range it simulates, so
    it simulates a regular shift (`max_shift`) beyond the end, and a rotation whose first or last
    piece still touches an edge (a longer shift) is simulated again over a wider range."""
    until = since + horizon
    margin = model.policy.rotation.max_shift + DAY
    schedule = simulate(model, since, horizon=horizon + margin, rotations=rotations)
    for name in list(schedule.rotations):
        current, extra = schedule, since - schedule.start
        for _ in range(12):  # the margin doubles each time: 15 days become 168 years
            if not _cut_at_an_edge(current, name, since, until):
                break
            extra *= 2
            try:
                current = simulate(model, since - extra, horizon=horizon + 2 * extra, rotations=[name])
            except OverflowError:  # the range reached year 1 or 9999: what is simulated stops there
                break
        whole = current.rotations[name]
        kept = [s for s in whole.slots if s.end > since and s.start < until]
        schedule.rotations[name] = RotationSchedule(whole.rotation, kept)
    return schedule


def _cut_at_an_edge(schedule: Schedule, name: str, since: datetime, until: datetime) -> bool:
    slots = schedule.rotations[name]
    first, last = slots.at(since), slots.at(until - timedelta(microseconds=1))
    return bool(first and first.start <= schedule.start or last and last.end >= schedule.end)


def to_ical(model: Model, schedule: Schedule, stamp: datetime) -> bytes:
    """Every slot of the schedule (see calendar_schedule) as one VCALENDAR, stamped `stamp`."""
    header = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
              fold("X-WR-CALNAME:" + ical_text("On-call: " + ", ".join(schedule.rotations)))]
    dtstamp = f"DTSTAMP:{basic(stamp.astimezone(UTC))}Z"
    zones: dict[str | None, ZoneTimes] = {}
    events: list[str] = []
    for name, rotation_schedule in schedule.rotations.items():
        slots = [s for s in rotation_schedule.slots if s.end > s.start]
        if not slots:
            continue
        times = ZoneTimes(rotation_schedule.rotation.tz)
        times = zones.setdefault(times.key, times)
        times.cover(slots[0].start, max(s.end for s in slots))
        events.append(_events(model, name, slots, times, dtstamp))
    for times in zones.values():
        header += vtimezone(times)
    return (CRLF.join(header) + CRLF + "".join(events) + "END:VCALENDAR" + CRLF).encode("utf-8")


def _events(model: Model, rotation: str, slots: list[Slot], times: ZoneTimes, dtstamp: str) -> str:
    """One rotation's events as text; the lines that depend only on the person are made once.
    (The hot loop of the command: 55,000 events at 1,000 rotations.)"""
    name = ical_text(rotation)
    categories = fold(f"CATEGORIES:on-call,{name}")
    uid_ascii = name.isascii()
    about: dict[tuple[str, str | None], str] = {}  # (person, override note) -> SUMMARY .. CONTACT lines
    out = []
    value = times.value  # DTSTART/DTEND lines are short ASCII (ZoneTimes), never folded
    last_end, last_end_value = None, ""
    for slot in slots:
        note = None if slot.override is None else "Override (volunteer)" if slot.override.volunteer else "Override"
        person_lines = about.get((slot.person, note))
        if person_lines is None:
            person_lines = about[slot.person, note] = _person_lines(model, rotation, slot.person, note, categories)
        piece = f"-p{slot.piece}" if slot.piece >= 0 else ""
        uid = f"UID:{name}-s{slot.shift}{piece}-{basic(slot.start.astimezone(UTC))}Z@ownership-as-code"
        if not (uid_ascii and len(uid) <= 75):
            uid = fold(uid)
        start = last_end_value if slot.start == last_end else value(slot.start)
        last_end, last_end_value = slot.end, value(slot.end)
        out.append(f"BEGIN:VEVENT\r\n{uid}\r\n{dtstamp}\r\nDTSTART{start}\r\nDTEND{last_end_value}\r\n"
                   f"{person_lines}\r\nEND:VEVENT\r\n")
    return "".join(out)


def _person_lines(model: Model, rotation: str, login: str, note: str | None, categories: str) -> str:
    person = model.people.get(login)
    display = person.display_name if person and person.display_name else login
    # The description is one field per line: values are flattened (terminal escapes) so that a name
    # holding a line break cannot forge a line such as "Override".
    detail = [f"Rotation: {terminal(rotation)}", f"Person: {terminal(login)}"]
    if note:
        detail.append(note)
    lines = [fold("SUMMARY:" + ical_text(f"On call: {display} ({rotation})")),
             fold("DESCRIPTION:" + ical_text("\n".join(detail))),
             categories,
             "TRANSP:TRANSPARENT"]
    if person and person.email:
        lines.append(fold("CONTACT:" + ical_text(f"{display} <{person.email}>")))
    return CRLF.join(lines)


def fold(line: str) -> str:
    """A content line folded as RFC 5545 §3.1 asks: at most 75 octets a line, each continuation
    starting with a space, never splitting a UTF-8 sequence (a lone surrogate becomes `?`)."""
    if len(line) <= 75 and line.isascii():
        return line
    data = line.encode("utf-8", "replace")
    parts, begin, limit = [], 0, 75
    while len(data) - begin > limit:
        cut = begin + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: cut before the character it belongs to
            cut -= 1
        parts.append(data[begin:cut])
        begin, limit = cut, 74
    parts.append(data[begin:])
    return b"\r\n ".join(parts).decode("utf-8")
