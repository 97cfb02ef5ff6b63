"""The regular shifts of a rotation: rosters, shift patterns, and roster changes at handoffs (SPEC §3, §7.1-7.2).

A roster runs from its start (a handoff): shift k lasts pattern[k mod P] on
the rotation's wall clock and belongs to members[(first + k) mod N]. A change
starts a new roster at a regular handoff of the one before it.

A boundary that would fall at or before the previous one (a DST jump inside
short shifts) is raised to it, and zero-length shifts are dropped: no two
shifts of a rotation ever overlap (SPEC §11). The raised boundary k is the
largest localised boundary up to k; since UTC offsets differ by less than
OFFSET_SPREAD, only the boundaries within that much wall time before k can
exceed it, so any shift is found arithmetically, without walking from start.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import field
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from ..model.entities import Rotation
from ..records import record
from .localtime import MAX_INSTANT, OFFSET_SPREAD, add_wall, to_utc, wall


class RegularShift(NamedTuple):
    roster: int  # 0: the rotation's own roster; i: changes[i - 1]
    k: int  # shift index within the roster
    start: datetime
    end: datetime
    person: str


@record
class Roster:
    start: datetime  # a UTC instant: `start:` or a change's `from:`
    members: tuple[str, ...]
    pattern: tuple[timedelta, ...]
    first: int  # index into members of who holds shift 0
    tz: tzinfo
    index: int = 0
    origin: datetime = field(init=False)  # start on the wall clock
    cycle: timedelta = field(init=False)
    offsets: list[timedelta] = field(init=False)  # wall offset of shift i of a cycle from the cycle's start
    # Boundaries already put on the wall clock: finding the shift at a moment asks for the same few k again
    # and again (about 40 times per rotation for ROT015), and the hot loop (shifts) does not use this.
    _walls: dict[int, datetime] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.origin = wall(self.start, self.tz)
        self.offsets = [timedelta(0)]
        for length in self.pattern:
            self.offsets.append(self.offsets[-1] + length)
        self.cycle = self.offsets.pop()
        self._walls = {}

    def owner(self, k: int) -> str:
        return self.members[(self.first + k) % len(self.members)]

    def _wall(self, k: int) -> datetime:
        known = self._walls.get(k)
        if known is not None:
            return known
        cycles, position = divmod(k, len(self.pattern))
        try:
            offset = cycles * self.cycle + self.offsets[position]
        except OverflowError:
            offset = timedelta.max
        self._walls[k] = found = add_wall(self.origin, offset)
        return found

    def _raw(self, k: int) -> datetime:
        return self.start if k == 0 else to_utc(self._wall(k), self.tz)

    def _index_before(self, moment_wall: datetime) -> int:
        """The largest k whose wall-clock boundary is at or before moment_wall (0 if none)."""
        if moment_wall <= self.origin:
            return 0
        cycles = (moment_wall - self.origin) // self.cycle
        remainder = (moment_wall - self.origin) - cycles * self.cycle
        return cycles * len(self.pattern) + bisect.bisect_right(self.offsets, remainder) - 1

    def boundary(self, k: int) -> datetime:
        """Shift k's start, raised to no earlier than any boundary before it."""
        value = self._raw(k)
        horizon = self._wall(k) - OFFSET_SPREAD
        j = k - 1
        while j >= 0 and self._wall(j) >= horizon:
            value = max(value, self._raw(j))
            j -= 1
        return value

    def index_at(self, moment: datetime) -> int:
        """The shift holding `moment` (>= start): the largest k whose boundary is at or before it."""
        k = self._index_before(wall(moment, self.tz) - 2 * OFFSET_SPREAD)
        current = self.boundary(k)
        while True:
            following = max(current, self._raw(k + 1))
            if following > moment or following >= MAX_INSTANT:
                return k
            k, current = k + 1, following

    def shifts(self, begin: datetime, stop: datetime) -> Iterator[tuple[int, datetime, datetime]]:
        """(k, start, end) of each non-empty shift meeting [begin, stop), in order. The hot loop of the
        engine: wall times advance by the pattern's lengths, each localised once."""
        k = self.index_at(max(begin, self.start))
        current = self.boundary(k)
        pattern, count, tz = self.pattern, len(self.pattern), self.tz
        position = k % count
        wall_next = self._wall(k)
        while current < stop and current < MAX_INSTANT:
            wall_next = add_wall(wall_next, pattern[position])
            following = max(current, to_utc(wall_next, tz))
            if following > current and following > begin:
                yield k, current, following
            k, current = k + 1, following
            position = position + 1 if position + 1 < count else 0

    def handoff_at_or_after(self, moment: datetime) -> tuple[int, datetime]:
        """The first regular handoff at or after moment: (k of the shift it starts, instant)."""
        if moment <= self.start:
            instant = self.start
        else:
            k = self.index_at(moment)
            current = self.boundary(k)
            instant = current if current >= moment else max(current, self._raw(k + 1))
            if instant >= MAX_INSTANT:
                return k + 1, MAX_INSTANT
        return self.index_at(instant), instant


class Timeline:
    """A rotation's rosters in force one after another: roster i over [start_i, start_{i+1})."""

    def __init__(self, rosters: list[Roster]) -> None:
        self.rosters = rosters
        self.ends = [r.start for r in rosters[1:]] + [MAX_INSTANT]

    @property
    def start(self) -> datetime:
        return self.rosters[0].start

    def roster_at(self, moment: datetime) -> int:
        starts = [r.start for r in self.rosters]
        return max(0, bisect.bisect_right(starts, moment) - 1)

    def shifts(self, begin: datetime, stop: datetime) -> Iterator[RegularShift]:
        for index, roster in enumerate(self.rosters):
            end = min(stop, self.ends[index])
            if roster.start >= stop or end <= begin:
                continue
            for k, start, finish in roster.shifts(max(begin, roster.start), end):
                if start >= end:
                    break
                yield RegularShift(index, k, start, min(finish, self.ends[index]), roster.owner(k))

    def handoff_at_or_after(self, moment: datetime) -> tuple[int, int, datetime]:
        """(roster, k, instant) of the first regular handoff at or after moment."""
        index = self.roster_at(moment)
        k, instant = self.rosters[index].handoff_at_or_after(moment)
        if instant >= self.ends[index] and index + 1 < len(self.rosters):
            following = self.rosters[index + 1]
            return index + 1, following.index_at(following.start), following.start
        return index, k, instant


def base_roster(rotation: Rotation) -> Roster | None:
    """The rotation's own roster, or None when it cannot run (no start, shift or members: CFG002/CFG005)."""
    if rotation.start is None or not rotation.pattern or not rotation.members:
        return None
    return Roster(rotation.start, tuple(rotation.members), rotation.pattern, 0, rotation.tz)


def next_roster(previous: Roster, start: datetime, members: list[str], pattern: tuple[timedelta, ...] | None,
                first: str | None) -> Roster | str:
    """The roster a change starts, or why it cannot (SPEC §7.1: `from` must be a regular handoff of
    the roster in force before it, after that roster's start; `first` one of the new members)."""
    tz = previous.tz
    if start <= previous.start:
        return f"a change must start after the roster before it (which starts {wall(previous.start, tz):%Y-%m-%d %H:%M})"
    k, handoff = previous.handoff_at_or_after(start)
    if handoff != start:
        before = previous.boundary(previous.index_at(start))
        return (f"from is not a regular handoff of the roster in force before it; the nearest are "
                f"{wall(before, tz):%Y-%m-%dT%H:%M} and {wall(handoff, tz):%Y-%m-%dT%H:%M}")
    if first is not None:
        if first not in members:
            return f"first names '{first}', who is not in this change's members"
        index = members.index(first)
    else:
        holder = previous.owner(k)
        index = members.index(holder) if holder in members else 0
    return Roster(start, tuple(members), pattern or previous.pattern, index, tz, previous.index + 1)


def timeline(rotation: Rotation) -> Timeline | None:
    """Every roster of the rotation (its changes were checked when the model was read)."""
    roster = base_roster(rotation)
    if roster is None:
        return None
    rosters = [roster]
    for change in rotation.changes:
        following = next_roster(rosters[-1], change.start, change.members, change.pattern, change.first)
        if isinstance(following, Roster) and following.members:
            rosters.append(following)
    return Timeline(rosters)
