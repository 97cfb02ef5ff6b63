"""The rotation engine: who is on call when, as intervals.

SPEC §3: shift k of a rotation runs [start + k*shift, start + (k+1)*shift) and
belongs to members[k mod N]; before start the rotation covers nothing. Shift
boundaries are counted in the rotation's *local calendar* (wall-clock
arithmetic, then localised), so a 12:00 Europe/London handoff stays at 12:00
local across DST. `hours` restricts coverage to a daily window (which may
wrap midnight). With `holiday_shift`, a shift that overlaps the holiday window
is cut from its start into pieces of that length, piece j going to
members[(k + j) mod N]. An override gives [from, to) to its person in place of
whoever was scheduled.

Time is kept as intervals (one per shift piece and daily window), never as
samples, so the cost grows with the number of shifts, not with minutes.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..model.entities import Model, Override, Policy, Rotation
from ..timeutil import localize, wall
from .intervals import intersect
from .localtime import DAY, daily_windows, holiday_windows


@dataclass(frozen=True, slots=True)
class Slot:
    """One person on call for one rotation over [start, end), in UTC."""

    start: datetime
    end: datetime
    person: str
    rotation: str
    shift: int  # k, the shift index
    piece: int  # j for a holiday piece, -1 for a whole shift
    override: Override | None = None

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass
class RotationSchedule:
    rotation: Rotation
    slots: list[Slot] = field(default_factory=list)
    # Regular handoffs (shift boundaries), where ROT004 applies; holiday pieces are exempt.
    handoffs: list[datetime] = field(default_factory=list)
    # Parts of the rotation's daily window before its start: covered by nobody.
    not_started: list[tuple[datetime, datetime]] = field(default_factory=list)
    _starts: list[datetime] = field(default_factory=list, repr=False)

    def at(self, moment: datetime) -> Slot | None:
        if not self._starts and self.slots:
            self._starts = [s.start for s in self.slots]
        index = bisect.bisect_right(self._starts, moment) - 1
        if index >= 0 and self.slots[index].end > moment:
            return self.slots[index]
        return None


@dataclass
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


def simulate_rotation(rotation: Rotation, policy: Policy, start: datetime, end: datetime) -> RotationSchedule:
    result = RotationSchedule(rotation)
    if rotation.start is None or rotation.shift is None or not rotation.members or start >= end:
        return result
    tz, shift, members = rotation.tz, rotation.shift, rotation.members
    origin = wall(rotation.start, tz)
    windows = daily_windows(rotation.hours, tz, start, end)
    if rotation.start > start:
        result.not_started = intersect(windows, [(start, min(rotation.start, end))])
    begin = max(start, rotation.start)
    if begin >= end:
        return result
    # First shift that contains `begin`, found arithmetically, not by walking from `start`.
    k = max(0, int((wall(begin, tz) - origin) / shift) - 1)
    while localize(origin + (k + 1) * shift, tz) <= begin:
        k += 1
    holidays = holiday_windows(policy, tz, start, end) if rotation.holiday_shift else []
    pieces: list[tuple[datetime, datetime, str, int, int]] = []
    shift_start = localize(origin + k * shift, tz)
    while shift_start < end:
        shift_end = localize(origin + (k + 1) * shift, tz)
        if shift_start >= start:
            result.handoffs.append(shift_start)
        if rotation.holiday_shift and any(h0 < shift_end and shift_start < h1 for h0, h1 in holidays):
            cursor, j = origin + k * shift, 0
            stop = origin + (k + 1) * shift
            while cursor < stop:
                following = min(cursor + rotation.holiday_shift, stop)
                pieces.append((localize(cursor, tz), localize(following, tz), members[(k + j) % len(members)], k, j))
                cursor, j = following, j + 1
        else:
            pieces.append((shift_start, shift_end, members[k % len(members)], k, -1))
        k += 1
        shift_start = shift_end
    slots = _window_pieces(pieces, windows, rotation.name)
    for override in sorted(rotation.overrides, key=lambda o: o.start):
        slots = _apply_override(slots, override)
    result.slots = slots
    return result


def _window_pieces(pieces: list[tuple[datetime, datetime, str, int, int]],
                   windows: list[tuple[datetime, datetime]], rotation: str) -> list[Slot]:
    """Each piece cut to the daily windows it meets (two sorted lists, one pass)."""
    slots = []
    j = 0
    for piece_start, piece_end, person, k, piece in pieces:
        while j < len(windows) and windows[j][1] <= piece_start:
            j += 1
        w = j
        while w < len(windows) and windows[w][0] < piece_end:
            s, e = max(piece_start, windows[w][0]), min(piece_end, windows[w][1])
            if s < e:
                slots.append(Slot(s, e, person, rotation, k, piece))
            w += 1
    return slots


def _apply_override(slots: list[Slot], override: Override) -> list[Slot]:
    """The covered time inside [from, to) goes to the override's person."""
    out: list[Slot] = []
    for slot in slots:
        if slot.end <= override.start or slot.start >= override.end:
            out.append(slot)
            continue
        if slot.start < override.start:
            out.append(Slot(slot.start, override.start, slot.person, slot.rotation, slot.shift, slot.piece,
                            slot.override))
        out.append(Slot(max(slot.start, override.start), min(slot.end, override.end), override.person,
                        slot.rotation, slot.shift, slot.piece, override))
        if slot.end > override.end:
            out.append(Slot(override.end, slot.end, slot.person, slot.rotation, slot.shift, slot.piece,
                            slot.override))
    return out


# ---------------------------------------------------------------- everything


def lookback(policy: Policy) -> timedelta:
    """How far before `now` to simulate, so stretches already under way are seen whole."""
    return policy.rotation.max_consecutive + DAY


def simulate(model: Model, now: datetime, horizon: timedelta | None = None,
             rotations: Iterable[str] | None = None) -> Schedule:
    policy = model.policy
    start = now - lookback(policy)
    end = now + (horizon if horizon is not None else policy.horizon)
    names = list(rotations) if rotations is not None else list(model.rotations)
    return Schedule(start, end, now, {
        name: simulate_rotation(model.rotations[name], policy, start, end) for name in names
    })


@dataclass
class Run:
    """Consecutive slots of one person: a break shorter than the threshold does not end it."""

    start: datetime
    end: datetime
    slots: list[Slot]


def runs(slots: Iterable[Slot], max_break: timedelta = DAY) -> list[Run]:
    """Slots (sorted by start) grouped into stretches without a break of max_break or more."""
    out: list[Run] = []
    for slot in slots:
        if out and slot.start - out[-1].end < max_break:
            out[-1].slots.append(slot)
            out[-1].end = max(out[-1].end, slot.end)
        else:
            out.append(Run(slot.start, slot.end, [slot]))
    return out
