"""Reading `rotations:`: members, shifts and patterns, covered days and hours, holiday cutting, overrides,
roster changes and the rotation's own policy (SPEC §3, §7.1-7.2, §11)."""

from __future__ import annotations

import bisect
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from ..diagnostics import Location
from ..load import YMap, value_loc
from ..schedule.limits import MAX_SLOTS, MIN_SHIFT, estimated_slots, lookback
from ..schedule.localtime import wall
from ..schedule.roster import Roster, base_roster, next_roster
from ..timeutil import WEEKDAYS, format_duration, parse_duration, parse_window
from .entities import Model, Override, RosterChange, Rotation
from .policy import read_rotation_policy
from .values import ValueReader, items_of, names_at, node_of, str_at


class RotationReader(ValueReader):
    def read_rotation(self, name: str, body: YMap, loc: Location) -> Rotation:
        subject = f"rotation/{name}"
        rotation = Rotation(name, node_of(body, loc), team=str_at(body, "team"))
        if "timezone" in body:
            rotation.timezone, rotation.tz = self.zone_at(body, "timezone", subject)
        rotation.members, rotation.member_locs = names_at(body, "members", loc)
        rotation.set_pattern(self._pattern(body, subject))
        rotation.holiday_shift = self._bounded(self.duration(body, "holiday_shift", subject), "holiday_shift",
                                               value_loc(body, "holiday_shift", loc), subject)
        start = self.instant(body, "start", rotation.tz, subject)
        rotation.start = start[0].astimezone(UTC) if start else None
        rotation.hours = self.parsed(body, "hours", parse_window, subject)
        days = body.get("days")
        if isinstance(days, list) and days:
            rotation.days = tuple(sorted({WEEKDAYS.index(d) for d in days if d in WEEKDAYS}))
        self._overrides(rotation, body, subject)
        self._changes(rotation, body, subject)
        policy = body.get("policy")
        if isinstance(policy, YMap):
            rotation.policy_locs = read_rotation_policy(self, policy, rotation.policy_overrides, subject)
        return rotation

    def _bounded(self, value: timedelta | None, key: str, where: Location, subject: str) -> timedelta | None:
        """A shift length, or None (CFG005) when it is shorter than what one run may simulate."""
        if value is not None and value < MIN_SHIFT:
            self.problem("CFG005", subject, where,
                         f"{key} {format_duration(value)} is shorter than the limit of "
                         f"{format_duration(MIN_SHIFT)}: shifts that short would make one run simulate too many; "
                         f"write {format_duration(MIN_SHIFT)} or more")
            return None
        return value

    def _pattern(self, body: YMap, subject: str) -> tuple[timedelta, ...]:
        """`shift`: one duration, or a list used in turn. Empty when any part is missing or invalid."""
        value = body.get("shift")
        if isinstance(value, str):
            one = self._bounded(self.duration(body, "shift", subject), "shift", value_loc(body, "shift", body.loc),
                                subject)
            return (one,) if one is not None else ()
        if not isinstance(value, list) or not value:
            return ()
        lengths = [self._length(item, value_loc(value, i, body.loc), subject) for i, item in enumerate(value)]
        return tuple(d for d in lengths if d is not None) if all(d is not None for d in lengths) else ()

    def _length(self, item: Any, where: Location, subject: str) -> timedelta | None:
        length: timedelta | None = self.parsed_value(item, parse_duration, where, subject)
        if length is not None and length <= timedelta(0):
            self.problem("CFG005", subject, where, "a shift is zero; give it a length such as 1d")
            return None
        return self._bounded(length, "shift", where, subject)

    def _overrides(self, rotation: Rotation, body: YMap, subject: str) -> None:
        """Overrides as UTC instants (an offset in the config is a way to write an instant, not a zone
        to show it in); two that overlap are CFG005 naming both, and the later one is set aside."""
        kept: list[Override] = []
        starts: list[datetime] = []
        for index, entry in items_of(body.get("overrides")):
            if not isinstance(entry, YMap) or not isinstance(entry.get("person"), str):
                continue
            entry_loc = value_loc(body["overrides"], index, body.loc)
            begin = self.instant(entry, "from", rotation.tz, subject)
            end = self.instant(entry, "to", rotation.tz, subject)
            if begin is None or end is None:
                continue
            if end[0] <= begin[0]:
                self.problem("CFG005", subject, value_loc(entry, "to", entry_loc),
                             f"override ends ({entry['to']}) before it starts ({entry['from']}); swap from and to")
                continue
            override = Override(entry["person"], begin[0].astimezone(UTC), end[0].astimezone(UTC),
                                entry.get("volunteer") is True, entry_loc)
            position = bisect.bisect_right(starts, override.start)
            clash = next((o for o in kept[max(position - 1, 0):position + 1]
                          if o.start < override.end and override.start < o.end), None)
            if clash is not None:
                self.problem("CFG005", subject, entry_loc,
                             f"override of {override.person} from {entry['from']} to {entry['to']} overlaps the "
                             f"override of {clash.person} at line {clash.loc.line} ({_span(clash, rotation)}); "
                             "give each moment to one person: end one where the other starts")
                continue
            kept.insert(position, override)
            starts.insert(position, override.start)
        rotation.overrides = kept

    def _changes(self, rotation: Rotation, body: YMap, subject: str) -> None:
        """Roster changes, each checked against the roster in force before it (SPEC §7.1)."""
        roster: Roster | str | None = base_roster(rotation)
        for index, entry in items_of(body.get("changes")):
            if not isinstance(entry, YMap):
                continue
            entry_loc = value_loc(body["changes"], index, body.loc)
            begin = self.instant(entry, "from", rotation.tz, subject)
            members, member_locs = names_at(entry, "members", entry_loc)
            pattern = self._pattern(entry, subject) if "shift" in entry else None
            if begin is None or not members or pattern == () or not isinstance(roster, Roster):
                continue  # reported already (CFG002/CFG005), or no valid roster before it to start from
            change = RosterChange(begin[0].astimezone(UTC), members, member_locs, node_of(entry, entry_loc),
                                  pattern, str_at(entry, "first"))
            following = next_roster(roster, change.start, members, pattern, change.first)
            if isinstance(following, str):
                self.problem("CFG005", subject, change.node.at("first" if following.startswith("first") else "from"),
                             following)
                continue
            rotation.changes.append(change)
            roster = following

    def finish_rotations(self, model: Model) -> None:
        """Once every file is read: each rotation's effective policy, and the run kept within MAX_SLOTS
        by a shorter horizon (CFG005 naming the limit), or, when even a week is too much, by leaving
        the rotations past the limit out (CFG005 at each)."""
        for rotation in model.rotations.values():
            rotation.policy = replace(model.policy.rotation, **rotation.policy_overrides)  # type: ignore[arg-type]
        back = lookback(model)
        week = timedelta(weeks=1)
        expected = sum(estimated_slots(r, model.policy.horizon + back) for r in model.rotations.values())
        if expected <= MAX_SLOTS:
            return
        per_week = sum(estimated_slots(r, week) for r in model.rotations.values())
        weeks = max(int(MAX_SLOTS / per_week - back / week), 1)
        where = model.policy.node.at("horizon") if model.policy.node else \
            Location(model.config_file)
        self.problem("CFG005", f"file/{where.file}", where,
                     f"the rotations' shifts over the horizon ({format_duration(model.policy.horizon)}) come to "
                     f"about {expected:,}, more than the limit of {MAX_SLOTS:,} one run simulates; this run "
                     f"simulates {weeks}w; lengthen the shortest shifts or shorten `policy.horizon`")
        model.policy.horizon = min(model.policy.horizon, weeks * week)
        budget = MAX_SLOTS
        for rotation in model.rotations.values():
            budget -= estimated_slots(rotation, model.policy.horizon + back)
            if budget < 0 and rotation.pattern:
                self.problem("CFG005", f"rotation/{rotation.name}", rotation.node.at("shift"),
                             f"rotation '{rotation.name}' is not simulated: the config's shifts pass the limit "
                             f"of {MAX_SLOTS:,} one run simulates; lengthen the shortest shifts")
                rotation.changes = []
                rotation.set_pattern(())


def _span(override: Override, rotation: Rotation) -> str:
    return f"{wall(override.start, rotation.tz):%Y-%m-%dT%H:%M} to {wall(override.end, rotation.tz):%Y-%m-%dT%H:%M}"
