"""A rotation as a PagerDuty schedule (SPEC §10): pure, no HTTP.

One schedule per rotation, in the rotation's time zone; one layer per roster, read from the engine
(checker/schedule/roster.py: the rotation's own roster from `start`, one per `changes` entry from its
`from`), so no time arithmetic is repeated here: each layer starts at its roster's start, lists the members
in turn order from the one the engine gives the roster's first shift (`first`, or SPEC §7.1's rule), turns
every shift, ends where the next roster starts, and is restricted by `hours`/`days`.

What a layer cannot say is left to overrides, computed by comparing PagerDuty's own rendering of these
layers with the simulated schedule (see plan.py), so PagerDuty's layer semantics are never re-implemented
here: holiday pieces, the config's overrides, shift patterns (a layer has one turn length: a pattern's
layer turns at the pattern's mean length, which keeps every shift's owner in step, and overrides move
the handoffs to where the pattern puts them), and DST if PagerDuty's turns drift against local handoffs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import Any

from ..model import Rotation
from ..records import record
from ..schedule.localtime import MAX_INSTANT
from ..schedule.roster import Roster, timeline
from ..timeutil import wall
from .timeline import Stretch

DAY_SECONDS = 24 * 3600
MANAGED_NOTE = ("Managed by ownership-as-code from ownership.yaml (rotation {name}): edit the rotation there; "
                "`ownership pagerduty apply` overwrites changes made here.")


@record(frozen=True)
class RosterSpan:
    """One roster of the rotation as the engine runs it, in force over [start, end) (end None: for ever)."""

    number: int  # 1 for the rotation's own roster, n + 1 for its n-th `changes` entry
    roster: Roster
    end: datetime | None

    @property
    def start(self) -> datetime:
        return self.roster.start

    @property
    def turn_order(self) -> list[str]:
        """Members in turn order from the one who holds the roster's first shift."""
        return [self.roster.owner(k) for k in range(len(self.roster.members))]

    @property
    def turn_seconds(self) -> int:
        """One layer turn: the pattern's mean length, so turn k and shift k have the same owner."""
        pattern = self.roster.pattern
        return round(sum(length.total_seconds() for length in pattern) / len(pattern))


def rosters(rotation: Rotation, since: datetime | None = None) -> list[RosterSpan]:
    """The rotation's rosters as the engine runs them, oldest first, less those ended at or before `since`;
    empty when the rotation cannot run (reported by `check`)."""
    line = timeline(rotation)
    if line is None:
        return []
    found = [RosterSpan(roster.index + 1, roster, None if end >= MAX_INSTANT else end)
             for roster, end in zip(line.rosters, line.ends, strict=True)]
    return [span for span in found if since is None or span.end is None or span.end > since]


def people(rotation: Rotation, since: datetime | None = None) -> Iterator[str]:
    """Everyone a schedule of the rotation may name from `since` on: its rosters' members, then its overrides'."""
    for span in rosters(rotation, since):
        yield from span.roster.members
    for override in rotation.overrides:
        if since is None or override.end > since:
            yield override.person


def _clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}:00"


def restrictions(hours: tuple[int, int] | None, days: tuple[int, ...] | None) -> list[dict[str, Any]]:
    """`hours` (minutes from midnight; the end may wrap) and `days` (0 = Monday) as PagerDuty restrictions,
    in the schedule's zone. A window belongs to the day it starts on (SPEC §7.2)."""
    whole_day = hours is None or (hours[1] - hours[0]) % (24 * 60) == 0
    covered = sorted(set(days)) if days is not None and len(set(days)) < 7 else None
    if whole_day and covered is None:
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
    """The rotation's layers that are in force after `since` (rosters ended by then are history)."""
    tz = rotation.tz
    limits = restrictions(rotation.hours, rotation.days)
    out = []
    for span in rosters(rotation, since):
        start = _minute(span.start)
        layer: dict[str, Any] = {
            "name": f"roster {span.number} from {wall(span.start, tz):%Y-%m-%d %H:%M}",
            "start": iso(start, tz),
            "rotation_virtual_start": iso(start, tz),
            "rotation_turn_length_seconds": span.turn_seconds,
            "users": [{"user": {"id": user_ids[person], "type": "user_reference"}} for person in span.turn_order],
            "restrictions": [dict(r) for r in limits],
        }
        if span.end is not None:
            layer["end"] = iso(_minute(span.end), tz)
        out.append(layer)
    return out


def described(layer: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A mapped layer as `plan` shows it: its people by name."""
    return {"name": layer["name"], "start": layer["start"], "end": layer.get("end"),
            "members": [names.get(u["user"]["id"], u["user"]["id"]) for u in layer["users"]],
            "turn_length_seconds": layer["rotation_turn_length_seconds"], "restrictions": layer["restrictions"]}


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
