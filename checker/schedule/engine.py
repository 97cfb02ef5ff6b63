"""The rotation engine: who is on call when, as intervals.

SPEC §3, §7: the regular shifts of each roster (roster.py), holiday periods
cut into pieces (holidays.py), kept to the covered local days and hours
(localtime.py), with overrides on top. Time is kept as intervals (one per
shift piece and covered window), never as samples, and every step is one
pass over sorted lists: the cost grows with the number of shifts.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ..model.entities import Model, Override, Rotation, RotationPolicy
from ..records import record
from .holidays import cut_parts, pieces
from .intervals import Interval, intersect
from .limits import MAX_SLOTS, ScheduleTooLarge, estimated_slots, lookback
from .localtime import DAY, daily_windows, later
from .roster import Timeline, timeline


@dataclass(slots=True)
class Slot:
    """One person on call for one rotation over [start, end), in UTC. Treated as immutable (not frozen:
    a frozen dataclass costs five times as much to create, and the engine makes millions)."""

    start: datetime
    end: datetime
    person: str
    rotation: str
    shift: int  # k, the shift index within its roster (for a holiday piece, the shift that starts the period)
    piece: int  # j for a holiday piece, -1 for a regular shift
    override: Override | None = None
    roster: int = 0  # 0: the rotation's own roster; i: its changes[i - 1]

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@record
class RotationSchedule:
    rotation: Rotation
    slots: list[Slot] = field(default_factory=list)
    # Regular handoffs (shift boundaries), where ROT004 applies; holiday pieces are exempt.
    handoffs: list[datetime] = field(default_factory=list)
    # Parts of the rotation's covered windows before its start: covered by nobody.
    not_started: list[Interval] = field(default_factory=list)
    _starts: list[datetime] = field(default_factory=list, repr=False)
    # What rules computed from this schedule alone (keyed by rule and range). A diff's head side takes a
    # rotation left unchanged from the base together with this, so such figures are computed once.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    policy: RotationPolicy | None = None  # the effective policy it was simulated with

    def index_at(self, moment: datetime) -> int | None:
        """The index of the slot holding `moment`, found by bisection."""
        if not self._starts and self.slots:
            self._starts = [s.start for s in self.slots]
        index = bisect.bisect_right(self._starts, moment) - 1
        return index if index >= 0 and self.slots[index].end > moment else None

    def at(self, moment: datetime) -> Slot | None:
        index = self.index_at(moment)
        return None if index is None else self.slots[index]


@record
class Schedule:
    """Every rotation simulated over [start, end)."""

    start: datetime
    end: datetime
    now: datetime
    rotations: dict[str, RotationSchedule]
    _by_person: dict[str, list[Slot]] | None = None

    def by_person(self) -> dict[str, list[Slot]]:
        """Each person's slots across all rotations, sorted by start."""
        if self._by_person is None:
            index: dict[str, list[Slot]] = {}
            for schedule in self.rotations.values():
                for slot in schedule.slots:
                    index.setdefault(slot.person, []).append(slot)
            for slots in index.values():
                slots.sort(key=lambda s: (s.start, s.end))
            self._by_person = index
        return self._by_person


# ---------------------------------------------------------------- one rotation


def simulate_rotation(rotation: Rotation, start: datetime, end: datetime,
                      policy: RotationPolicy | None = None) -> RotationSchedule:
    """The rotation's slots over [start, end); `policy` is its effective policy (holiday window)."""
    policy = policy or rotation.policy or RotationPolicy()
    result = RotationSchedule(rotation, policy=policy)
    line = timeline(rotation)
    if line is None or start >= end:
        return result
    windows = daily_windows(rotation.hours, rotation.tz, start, end, rotation.days)
    if line.start > start:
        result.not_started = intersect(windows, [(start, min(line.start, end))])
    if line.start >= end:
        return result
    parts = cut_parts(line, policy.holiday_window, rotation.holiday_shift, start, end)
    held = _held(line, parts, rotation.holiday_shift, start, end, result.handoffs)
    slots = _covered(held, windows, rotation.name)
    result.slots = _with_overrides(slots, sorted(rotation.overrides, key=lambda o: o.start))
    return result


def regular_handoffs(rotation: Rotation, start: datetime, end: datetime,
                     policy: RotationPolicy | None = None) -> Iterator[datetime]:
    """The rotation's regular handoffs in [start, end), lazily, without building slots (ROT004 and its
    fixes): shift boundaries, less those inside a holiday period's cut part."""
    policy = policy or rotation.policy or RotationPolicy()
    line = timeline(rotation)
    if line is None or start >= end:
        return iter(())
    parts = cut_parts(line, policy.holiday_window, rotation.holiday_shift, start, end)
    return _handoffs_of(line, parts, start, end)


def _handoffs_of(line: Timeline, parts: list[Interval], start: datetime, end: datetime) -> Iterator[datetime]:
    index, last = 0, None
    for shift in line.shifts(start, end):
        while index < len(parts) and parts[index][1] <= shift.start:
            index += 1
        inside = index < len(parts) and parts[index][0] < shift.start < parts[index][1]
        if shift.start >= start and not inside and shift.start != last:
            last = shift.start
            yield shift.start


# (start, end, person, roster, k, piece)
_Held = tuple[datetime, datetime, str, int, int, int]


def _held(line: Timeline, parts: list[Interval], holiday_shift: timedelta | None, start: datetime,
          end: datetime, handoffs: list[datetime]) -> Iterator[_Held]:
    """Regular shifts outside the cut holiday parts and the pieces inside them, in order; records the
    regular handoffs (those strictly inside a cut part are exempt from ROT004)."""
    index = 0
    for shift in line.shifts(start, end):
        while index < len(parts) and parts[index][1] <= shift.start:
            index += 1
        inside = index < len(parts) and parts[index][0] <= shift.start < parts[index][1]
        if shift.start >= start and (not inside or shift.start == parts[index][0]) \
                and (not handoffs or handoffs[-1] != shift.start):
            handoffs.append(shift.start)
        if not inside:
            yield shift.start, shift.end, shift.person, shift.roster, shift.k, -1
        elif shift.start == parts[index][0] or shift.start <= start:  # the part's first shift in range
            assert holiday_shift is not None
            for piece in pieces(line, parts[index], holiday_shift, start, end):
                yield piece.start, piece.end, piece.person, piece.roster, piece.k0, piece.j


def _covered(held: Iterable[_Held], windows: list[Interval], rotation: str) -> list[Slot]:
    """Each holding cut to the covered windows it meets (two sorted lists, one pass). The hot loop of a
    simulation: comparisons rather than min/max calls."""
    slots = []
    if len(windows) == 1:  # the common case, every day covered: only the range's ends cut
        (first, last), = windows
        for held_start, held_end, person, roster, k, piece in held:
            s = held_start if held_start > first else first  # noqa: FURB136 - max() without the call
            e = held_end if held_end < last else last  # noqa: FURB136
            if s < e:
                slots.append(Slot(s, e, person, rotation, k, piece, None, roster))
        return slots
    j, count = 0, len(windows)
    for held_start, held_end, person, roster, k, piece in held:
        while j < count and windows[j][1] <= held_start:
            j += 1
        w = j
        while w < count:
            window_start, window_end = windows[w]
            if window_start >= held_end:
                break
            s = held_start if held_start > window_start else window_start  # noqa: FURB136
            e = held_end if held_end < window_end else window_end  # noqa: FURB136
            if s < e:
                slots.append(Slot(s, e, person, rotation, k, piece, None, roster))
            w += 1
    return slots


def _with_overrides(slots: list[Slot], overrides: list[Override]) -> list[Slot]:
    """The covered time inside each override's [from, to) goes to its person. Overrides are sorted
    and disjoint (the model reports overlapping ones, CFG005), so one pass over both lists."""
    if not overrides:
        return slots
    out: list[Slot] = []
    first = 0
    for slot in slots:
        while first < len(overrides) and overrides[first].end <= slot.start:
            first += 1
        cursor = slot.start
        index = first
        while index < len(overrides) and overrides[index].start < slot.end:
            override = overrides[index]
            if override.start > cursor:
                out.append(replace(slot, start=cursor, end=override.start))
            begin, finish = max(cursor, override.start), min(slot.end, override.end)
            if begin < finish:
                out.append(replace(slot, start=begin, end=finish, person=override.person, override=override))
                cursor = finish
            index += 1
        if cursor < slot.end:
            out.append(slot if cursor == slot.start else replace(slot, start=cursor))
    return out


# ---------------------------------------------------------------- everything


def simulate(model: Model, now: datetime, horizon: timedelta | None = None,
             rotations: Iterable[str] | None = None, reuse: Schedule | None = None) -> Schedule:
    """Every rotation (or the named ones) over [now - lookback, now + horizon). With `reuse` (the
    base side of a diff, simulated over the same range), a rotation whose schedule inputs are
    unchanged takes its slots from there instead of being simulated again. Raises ScheduleTooLarge
    beyond MAX_SLOTS (the model keeps `check`'s own horizon within it)."""
    start = later(now, -lookback(model))
    end = later(now, horizon if horizon is not None else model.policy.horizon)
    names = list(rotations) if rotations is not None else list(model.rotations)
    expected = sum(estimated_slots(model.rotations[name], end - start) for name in names)
    if expected > MAX_SLOTS:
        raise ScheduleTooLarge(f"simulating {len(names)} rotation(s) from {start:%Y-%m-%d} to {end:%Y-%m-%d} "
                               f"would make about {expected:,} shifts and windows, more than the limit of "
                               f"{MAX_SLOTS:,} per run; ask for a shorter range or fewer rotations")
    same_range = reuse is not None and (reuse.start, reuse.end) == (start, end)
    out: dict[str, RotationSchedule] = {}
    for name in names:
        rotation = model.rotations[name]
        policy = model.policy_for(rotation)
        earlier = reuse.rotations.get(name) if reuse is not None and same_range else None
        if earlier is not None and schedule_inputs(earlier.rotation, earlier_policy(earlier)) == \
                schedule_inputs(rotation, policy):
            out[name] = _rebound(earlier, rotation)
        else:
            out[name] = simulate_rotation(rotation, start, end, policy)
    return Schedule(start, end, now, out)


def earlier_policy(schedule: RotationSchedule) -> RotationPolicy:
    """The effective policy the other side simulated with (`policy.rotation` and the rotation's own keys):
    a change to the organisation's policy alone re-simulates the rotations it reaches."""
    return schedule.policy or schedule.rotation.policy or RotationPolicy()


def schedule_inputs(rotation: Rotation, policy: RotationPolicy) -> tuple[object, ...]:
    """Everything a rotation's slots depend on (not where it is written)."""
    return (rotation.timezone, rotation.start, tuple(rotation.members), rotation.pattern, rotation.hours,
            rotation.days, rotation.holiday_shift, policy.holiday_window,
            tuple((o.person, o.start, o.end, o.volunteer) for o in rotation.overrides),
            tuple((c.start, tuple(c.members), c.pattern, c.first) for c in rotation.changes))


def _rebound(earlier: RotationSchedule, rotation: Rotation) -> RotationSchedule:
    """A schedule taken from the other side of a diff, pointing at this side's rotation and overrides."""
    mine = {(o.person, o.start, o.end, o.volunteer): o for o in rotation.overrides}
    slots = [slot if slot.override is None else replace(slot, override=mine[
        (slot.override.person, slot.override.start, slot.override.end, slot.override.volunteer)])
        for slot in earlier.slots]
    return RotationSchedule(rotation, slots, earlier.handoffs, earlier.not_started, memo=earlier.memo,
                            policy=earlier.policy)


@record
class Run:
    """Consecutive slots of one person: a break shorter than the threshold does not end it."""

    start: datetime
    end: datetime
    slots: list[Slot]


def runs(slots: Iterable[Slot], max_break: timedelta = DAY) -> list[Run]:
    """Slots (sorted by start) grouped into stretches without a break of max_break or more."""
    out: list[Run] = []
    current: Run | None = None
    for slot in slots:
        if current is not None and slot.start - current.end < max_break:
            current.slots.append(slot)
            if slot.end > current.end:  # noqa: PLR1730 - max() without the call
                current.end = slot.end
        else:
            current = Run(slot.start, slot.end, [slot])
            out.append(current)
    return out


def turns(slots: Iterable[Slot]) -> list[Run]:
    """A rotation's slots grouped into turns: consecutive slots of one person, nobody else between."""
    out: list[Run] = []
    for slot in slots:
        if out and out[-1].slots[-1].person == slot.person:
            out[-1].slots.append(slot)
            out[-1].end = slot.end
        else:
            out.append(Run(slot.start, slot.end, [slot]))
    return out
