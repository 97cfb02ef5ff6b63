"""A rotation as a PagerDuty schedule (SPEC §10): pure, no HTTP.

One schedule per rotation, in the rotation's time zone; one layer per roster (the rotation's own from
`start`, and one from each `changes` entry's `from`), each with its members in turn order from the one
who holds the roster's first shift, the roster's turn length, and restrictions from `hours`/`days`.

What a layer cannot say is left to overrides, computed by comparing PagerDuty's own rendering of these
layers with the simulated schedule (see plan.py), so PagerDuty's layer semantics are never re-implemented
here: holiday pieces, the config's overrides, shift patterns (a layer has one turn length: a pattern's
layer turns at the pattern's mean length, which keeps every shift's owner in step, and overrides move
the handoffs to where the pattern puts them), and DST if PagerDuty's turns drift against local handoffs.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from ..model import Rotation
from ..timeutil import wall
from .timeline import Stretch

MINUTE = timedelta(minutes=1)
DAY_SECONDS = 24 * 3600
MANAGED_NOTE = ("Managed by ownership-as-code from ownership.yaml (rotation {name}): edit the rotation there; "
                "`ownership pagerduty apply` overwrites changes made here.")


@dataclass(frozen=True)
class Roster:
    """One roster of a rotation: from `start` (a UTC instant) until `end` (the next roster's start, or
    never), shift k lasting pattern[k mod P] on the wall clock and held by members[(first + k) mod N]."""

    start: datetime
    members: tuple[str, ...]
    pattern: tuple[timedelta, ...]
    first: int = 0
    end: datetime | None = None

    def owner(self, k: int) -> str:
        return self.members[(self.first + k) % len(self.members)]

    @property
    def turn_seconds(self) -> int:
        """One layer turn: the pattern's mean length, so turn k and shift k have the same owner."""
        return round(sum(length.total_seconds() for length in self.pattern) / len(self.pattern))

    @property
    def turn_order(self) -> list[str]:
        """Members in turn order from the one who holds the first shift."""
        return [self.owner(k) for k in range(len(self.members))]


def _pattern(source: Any) -> tuple[timedelta, ...]:
    """`shift` as a pattern: the model's `pattern` (shift lists, SPEC §7.2) when it has one, else `shift`."""
    pattern = getattr(source, "pattern", None)
    if pattern:
        return tuple(pattern)
    shift = getattr(source, "shift", None)
    return (shift,) if isinstance(shift, timedelta) and shift > timedelta(0) else ()


def _shift_index(roster: Roster, moment: datetime, tz: tzinfo) -> int:
    """The shift of `roster` that starts at `moment` (a regular handoff, as the model has checked), counted
    on the wall clock like the engine counts shifts."""
    offsets = [timedelta(0)]
    for length in roster.pattern:
        offsets.append(offsets[-1] + length)
    cycle = offsets.pop()
    elapsed = wall(moment, tz) - wall(roster.start, tz)
    cycles, remainder = divmod(elapsed, cycle)
    return int(cycles) * len(roster.pattern) + bisect.bisect_right(offsets, remainder) - 1


def rosters_of(rotation: Rotation) -> list[Roster]:
    """The rotation's rosters, oldest first: its own from `start`, then one per `changes` entry (SPEC §7.1:
    without `first`, the new roster starts with whoever the previous one gave the shift at `from`, if
    they are still a member). Empty when the rotation cannot run (reported by `check`)."""
    pattern = _pattern(rotation)
    if rotation.start is None or not pattern or not rotation.members:
        return []
    rosters = [Roster(rotation.start.astimezone(UTC), tuple(rotation.members), pattern)]
    for change in getattr(rotation, "changes", None) or ():
        previous = rosters[-1]
        members = tuple(change.members)
        start = change.start.astimezone(UTC)
        if not members or start <= previous.start:
            continue
        if change.first in members:
            first = members.index(change.first)
        else:
            holder = previous.owner(_shift_index(previous, start, rotation.tz))
            first = members.index(holder) if holder in members else 0
        rosters[-1] = replace(previous, end=start)
        rosters.append(Roster(start, members, _pattern(change) or previous.pattern, first))
    return rosters


def _clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}:00"


def restrictions(hours: tuple[int, int] | None, days: tuple[int, ...] | None) -> list[dict[str, Any]]:
    """`hours` (minutes from midnight; the end may wrap) and `days` (0 = Monday) as PagerDuty restrictions,
    in the schedule's zone. A window belongs to the day it starts on (SPEC §7.2)."""
    whole_day = hours is None or (hours[1] - hours[0]) % (24 * 60) == 0
    covered = sorted(set(days)) if days is not None else None
    if whole_day and (covered is None or len(covered) == 7):
        return []
    if covered is None:
        assert hours is not None
        return [{"type": "daily_restriction", "start_time_of_day": _clock(hours[0]),
                 "duration_seconds": ((hours[1] - hours[0]) % (24 * 60)) * 60}]
    if not whole_day:
        assert hours is not None
        length = ((hours[1] - hours[0]) % (24 * 60)) * 60
        return [{"type": "weekly_restriction", "start_day_of_week": day + 1, "start_time_of_day": _clock(hours[0]),
                 "duration_seconds": length} for day in covered]
    # Whole days: one restriction per run of consecutive days (Friday to Monday included).
    runs: list[list[int]] = []
    for day in covered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:
        runs[0] = runs.pop() + runs[0]
    return [{"type": "weekly_restriction", "start_day_of_week": run[0] + 1, "start_time_of_day": "00:00:00",
             "duration_seconds": len(run) * DAY_SECONDS} for run in runs]


def iso(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def _minute(moment: datetime) -> datetime:
    """PagerDuty takes layer times in whole minutes; the seconds, if any, are left to overrides."""
    return moment.replace(second=0, microsecond=0)


def layers(rotation: Rotation, user_ids: dict[str, str], since: datetime) -> list[dict[str, Any]]:
    """The rotation's layers that are in force at or after `since` (rosters ended before it are history)."""
    tz = rotation.tz
    limits = restrictions(rotation.hours, getattr(rotation, "days", None))
    out = []
    for number, roster in enumerate(rosters_of(rotation), start=1):
        if roster.end is not None and roster.end <= since:
            continue
        start = _minute(roster.start)
        layer: dict[str, Any] = {
            "name": f"roster {number} from {wall(roster.start, tz):%Y-%m-%d %H:%M}",
            "start": iso(start, tz),
            "rotation_virtual_start": iso(start, tz),
            "rotation_turn_length_seconds": roster.turn_seconds,
            "users": [{"user": {"id": user_ids[person], "type": "user_reference"}} for person in roster.turn_order],
            "restrictions": [dict(r) for r in limits],
        }
        if roster.end is not None:
            layer["end"] = iso(_minute(roster.end), tz)
        out.append(layer)
    return out


def schedule_body(rotation: Rotation, schedule_layers: list[dict[str, Any]]) -> dict[str, Any]:
    """The `schedule` object of a create, update or preview request."""
    return {"type": "schedule", "name": rotation.name, "time_zone": rotation.timezone,
            "description": MANAGED_NOTE.format(name=rotation.name), "schedule_layers": schedule_layers}


def layer_key(layer: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    """What makes two layers render the same from `now` on, to compare PagerDuty's with the plan's by
    value: a start already past is just "past" (PagerDuty may move it to the moment of an edit)."""
    from .timeline import parse_instant

    start = parse_instant(layer.get("start"))
    end = layer.get("end")
    users = tuple(str(u.get("user", {}).get("id")) if isinstance(u, dict) and isinstance(u.get("user"), dict)
                  else "" for u in layer.get("users") or [])
    limits = tuple(sorted((str(r.get("type")), str(r.get("start_time_of_day")), int(r.get("duration_seconds") or 0),
                           int(r.get("start_day_of_week") or 0))
                          for r in layer.get("restrictions") or [] if isinstance(r, dict)))
    return ("past" if start <= now else start, parse_instant(layer.get("rotation_virtual_start")),
            int(layer.get("rotation_turn_length_seconds") or 0), users, limits,
            parse_instant(end) if end else None)


def simulated_stretches(slots: list[Any]) -> list[Stretch]:
    """The engine's slots of one rotation as stretches held by people's names."""
    return [Stretch(slot.start, slot.end, slot.person) for slot in slots]


def override_body(start: datetime, end: datetime, user_id: str, tz: tzinfo) -> dict[str, Any]:
    return {"start": iso(start, tz), "end": iso(end, tz), "user": {"id": user_id, "type": "user_reference"}}
