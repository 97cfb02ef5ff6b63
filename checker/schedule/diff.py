"""The schedule diff (SPEC §7.4): every stretch of time whose holder a change moves, and what each
person gains and loses. A pure function of two simulated schedules; reporters only render it.

Applying the stretches to the base schedule gives the head schedule: at any
moment of the compared range, the head's holder is the `after` of the
stretch containing it, or else the base's holder.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import field
from datetime import UTC, datetime, tzinfo

from ..records import record
from .engine import RotationSchedule, Schedule, Slot, turns


@record(frozen=True)
class ScheduleChange:
    """[start, end) of `rotation` was held by `before` (None: nobody) and is held by `after`."""

    rotation: str
    start: datetime
    end: datetime
    before: str | None
    after: str | None
    tz: tzinfo = UTC  # the rotation's zone, for showing the stretch


@record(frozen=True)
class PersonChange:
    person: str
    shifts_gained: int
    hours_gained: float
    shifts_lost: int
    hours_lost: float


@record
class ScheduleDiff:
    start: datetime  # the compared range: now ...
    end: datetime  # ... to the end of the shorter horizon
    changes: list[ScheduleChange] = field(default_factory=list)
    people: list[PersonChange] = field(default_factory=list)

    @property
    def rotations(self) -> list[str]:
        return list(dict.fromkeys(c.rotation for c in self.changes))


def _holders(slots: list[Slot], start: datetime, end: datetime) -> list[tuple[datetime, datetime, str]]:
    return [(max(s.start, start), min(s.end, end), s.person) for s in slots if s.end > start and s.start < end]


def _stretches(name: str, tz: tzinfo, base: list[Slot], head: list[Slot], start: datetime,
               end: datetime) -> Iterator[ScheduleChange]:
    """One sweep over both holders' boundaries; stretches with the same holders that touch are one."""
    before, after = _holders(base, start, end), _holders(head, start, end)
    edges = sorted({t for s, e, _ in before + after for t in (s, e)})
    i = j = 0
    pending: ScheduleChange | None = None
    for left, right in itertools.pairwise(edges):
        while i < len(before) and before[i][1] <= left:
            i += 1
        while j < len(after) and after[j][1] <= left:
            j += 1
        was = before[i][2] if i < len(before) and before[i][0] <= left else None
        now = after[j][2] if j < len(after) and after[j][0] <= left else None
        if was == now:
            continue
        if pending is not None and pending.end == left and (pending.before, pending.after) == (was, now):
            pending = ScheduleChange(name, pending.start, right, was, now, tz)
            continue
        if pending is not None:
            yield pending
        pending = ScheduleChange(name, left, right, was, now, tz)
    if pending is not None:
        yield pending


def _unchanged(base: RotationSchedule, head: RotationSchedule) -> bool:
    return base.slots is head.slots or [(s.start, s.end, s.person) for s in base.slots] == \
        [(s.start, s.end, s.person) for s in head.slots]


def schedule_diff(base: Schedule, head: Schedule) -> ScheduleDiff:
    """What the head schedule changes from the base one, from now to the end of the shorter horizon."""
    start, end = head.now, min(base.end, head.end)
    out = ScheduleDiff(start, end)
    names = list(head.rotations) + [n for n in base.rotations if n not in head.rotations]
    for name in names:
        old, new = base.rotations.get(name), head.rotations.get(name)
        if old is not None and new is not None and _unchanged(old, new):
            continue
        tz = (new or old).rotation.tz  # type: ignore[union-attr]
        out.changes.extend(_stretches(name, tz, old.slots if old else [], new.slots if new else [], start, end))
    out.people = _people(base, head, out.changes, start, end)
    return out


def _touched(turn_list: list[tuple[datetime, datetime]], stretches: list[tuple[datetime, datetime]]) -> int:
    """How many turns meet at least one of the stretches (both sorted)."""
    count = j = 0
    for turn_start, turn_end in turn_list:
        while j < len(stretches) and stretches[j][1] <= turn_start:
            j += 1
        if j < len(stretches) and stretches[j][0] < turn_end:
            count += 1
    return count


def _people(base: Schedule, head: Schedule, changes: list[ScheduleChange], start: datetime,
            end: datetime) -> list[PersonChange]:
    """Per person: the turns touched by what they gain (head) and lose (base), and the hours."""
    gained: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
    lost: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
    for change in changes:
        if change.after is not None:
            gained.setdefault((change.after, change.rotation), []).append((change.start, change.end))
        if change.before is not None:
            lost.setdefault((change.before, change.rotation), []).append((change.start, change.end))
    totals: dict[str, list[float]] = {}
    for side, schedule, column in ((gained, head, 0), (lost, base, 2)):
        turns_of: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
        for rotation in {rotation for _, rotation in side}:
            for turn in turns(schedule.rotations[rotation].slots):
                if turn.end > start and turn.start < end:
                    turns_of.setdefault((turn.slots[0].person, rotation), []).append((turn.start, turn.end))
        for (person, rotation), stretches in side.items():
            mine = turns_of.get((person, rotation), [])
            row = totals.setdefault(person, [0, 0.0, 0, 0.0])
            row[column] += _touched(mine, stretches)
            row[column + 1] += sum((e - s).total_seconds() for s, e in stretches) / 3600
    return [PersonChange(p, int(r[0]), r[1], int(r[2]), r[3]) for p, r in sorted(totals.items())]
