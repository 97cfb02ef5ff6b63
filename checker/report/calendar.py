"""The simulated schedule as RFC 5545 iCalendar: one event per shift piece, via `icalendar`."""

from __future__ import annotations

from datetime import datetime

from ..model import Model
from ..schedule import Schedule


def to_ical(model: Model, schedule: Schedule, start: datetime, stamp: datetime) -> bytes:
    from icalendar import Calendar, Event, vCalAddress, vText

    calendar = Calendar()
    calendar.add("prodid", "-//ownership-as-code//on-call schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")  # a published schedule, not an invitation (Outlook reads it so)
    calendar.add("x-wr-calname", "On-call: " + ", ".join(schedule.rotations))
    for name, rotation_schedule in schedule.rotations.items():
        for slot in rotation_schedule.slots:
            if slot.end <= start:
                continue
            person = model.people.get(slot.person)
            display = person.display_name if person and person.display_name else slot.person
            event = Event()
            piece = f"-p{slot.piece}" if slot.piece >= 0 else ""
            event.add("uid", f"{name}-s{slot.shift}{piece}-{slot.start:%Y%m%dT%H%M%SZ}@ownership-as-code")
            event.add("dtstamp", stamp)
            event.add("dtstart", max(slot.start, start))
            event.add("dtend", slot.end)
            event.add("summary", f"On call: {display} ({name})")
            detail = [f"Rotation: {name}", f"Person: {slot.person}"]
            if slot.override is not None:
                detail.append("Override" + (" (volunteer)" if slot.override.volunteer else ""))
            event.add("description", "\n".join(detail))
            event.add("categories", ["on-call", name])
            event.add("transp", "TRANSPARENT")
            if person and person.email:
                attendee = vCalAddress(f"mailto:{person.email}")
                attendee.params["cn"] = vText(display)
                event.add("attendee", attendee)
            calendar.add_component(event)
    return bytes(calendar.to_ical())
