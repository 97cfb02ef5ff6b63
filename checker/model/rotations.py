"""Reading `rotations:`: members, shifts, start, hours, holiday cutting and overrides."""

from __future__ import annotations

from ..diagnostics import Location
from ..load import YMap, value_loc
from ..timeutil import parse_window
from .entities import Override, Rotation
from .values import ValueReader, items_of, names_at, node_of, str_at


class RotationReader(ValueReader):
    def read_rotation(self, name: str, body: YMap, loc: Location) -> Rotation:
        subject = f"rotation/{name}"
        rotation = Rotation(name, node_of(body, loc), team=str_at(body, "team"))
        if "timezone" in body:
            rotation.timezone, rotation.tz = self.zone_at(body, "timezone", subject)
        rotation.members, rotation.member_locs = names_at(body, "members", loc)
        rotation.shift = self.duration(body, "shift", subject)
        rotation.holiday_shift = self.duration(body, "holiday_shift", subject)
        start = self.instant(body, "start", rotation.tz, subject)
        rotation.start = start[0] if start else None
        rotation.hours = self.parsed(body, "hours", parse_window, subject)
        for index, entry in items_of(body.get("overrides")):
            if not isinstance(entry, YMap) or not isinstance(entry.get("person"), str):
                continue
            entry_loc = value_loc(body["overrides"], index, loc)
            begin = self.instant(entry, "from", rotation.tz, subject)
            end = self.instant(entry, "to", rotation.tz, subject)
            if begin is None or end is None:
                continue
            if end[0] <= begin[0]:
                self.problem("CFG005", subject, value_loc(entry, "to", entry_loc),
                             f"override ends ({entry['to']}) before it starts ({entry['from']}); swap from and to")
                continue
            volunteer = entry.get("volunteer") is True
            rotation.overrides.append(Override(entry["person"], begin[0], end[0], volunteer, entry_loc))
        return rotation

