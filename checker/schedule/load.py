"""Who carries how much: long-run shares (ROT008) and realised hours (ROT015, the report's load)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo

from ..model.entities import Model, Rotation, RotationPolicy
from .engine import Schedule, Slot, simulate_rotation
from .intervals import Interval, intersect, subtract, total_hours, union
from .localtime import daily_windows, later, wall
from .roster import timeline


def covered_share(rotation: Rotation) -> float:
    """The fraction of a week the rotation covers: its daily `hours` on its `days`."""
    share = 1.0
    if rotation.hours is not None:
        start, end = rotation.hours
        share = ((end - start) % (24 * 60) or 24 * 60) / (24 * 60)
    if rotation.days is not None:
        share *= len(rotation.days) / 7
    return share


def long_run_shares(model: Model) -> dict[str, list[tuple[str, float]]]:
    """Each person's long-run share of time on call, per rotation (SPEC ROT008, §11): the rotation's
    covered share times the person's share of the turn order's time, over the roster that runs on
    (the last). Everyone holding turns counts, exempt people included, so the figure is the engine's;
    with a shift pattern, member i holds the pattern positions congruent to i modulo gcd(N, P)."""
    shares: dict[str, list[tuple[str, float]]] = {}
    for rotation in model.rotations.values():
        line = timeline(rotation)
        if line is None:
            continue
        roster = line.rosters[-1]
        members, pattern = roster.members, roster.pattern
        common = math.gcd(len(members), len(pattern))
        residue_time = [sum(pattern[r::common], timedelta(0)) for r in range(common)]
        cycle = sum(pattern, timedelta(0))
        mine: dict[str, float] = {}
        for i, person in enumerate(members):
            part = common * residue_time[(i - roster.first) % common] / (len(members) * cycle)
            mine[person] = mine.get(person, 0.0) + part * covered_share(rotation)
        for person, share in mine.items():
            shares.setdefault(person, []).append((rotation.name, share))
    return shares


def clipped(slots: Iterable[Slot], start: datetime, end: datetime) -> list[Interval]:
    """The time the slots hold inside [start, end), as sorted disjoint intervals."""
    return union((start if start > s.start else s.start, end if end < s.end else s.end)  # noqa: FURB136
                 for s in slots if s.end > start and s.start < end)


def realised_hours(slots: Iterable[Slot], start: datetime, end: datetime) -> dict[str, float]:
    """Hours each person holds inside [start, end) (overrides and holiday pieces included), from one
    rotation's slots: one holder at a time, so a person's slots never overlap and simply add up. (Summed
    exactly, as timedeltas; comparisons rather than min/max calls: ROT015 reads 10^5 slots.)"""
    held: dict[str, timedelta] = {}
    for slot in slots:
        begin = slot.start if slot.start > start else start  # noqa: FURB136 - max() without the call
        finish = slot.end if slot.end < end else end  # noqa: FURB136
        if begin < finish:
            person = slot.person
            held[person] = held[person] + (finish - begin) if person in held else finish - begin
    return {person: total.total_seconds() / 3600 for person, total in held.items()}


def outside_window(start: datetime, end: datetime, tz: tzinfo, window: tuple[int, int],
                   weekdays: tuple[int, ...] | None = None) -> list[Interval]:
    """The parts of [start, end) outside a daily local window (on `weekdays`, if given; other days are
    outside whole). A stretch inside one day's window is answered without building windows."""
    local_start, local_end = wall(start, tz), wall(end, tz)
    open_minute, close_minute = window
    first = local_start.hour * 60 + local_start.minute
    last = local_end.hour * 60 + local_end.minute
    same_day = local_start.date() == local_end.date() or (last == 0 and close_minute == 24 * 60
                                                          and end - start <= timedelta(days=1))
    if open_minute < close_minute and same_day and first >= open_minute and (last or 24 * 60) <= close_minute \
            and (weekdays is None or local_start.weekday() in weekdays):
        return []  # the common case
    return subtract([(start, end)], daily_windows(window, tz, start, end, weekdays))


def waking_windows(tz: tzinfo, local_hours: tuple[int, int], start: datetime, end: datetime) -> list[Interval]:
    """A zone's waking hours on weekdays over [start, end), for out_of_hours (one list serves everyone there)."""
    return daily_windows(local_hours, tz, start, end, WEEKDAYS)


def out_of_hours(held: list[Interval], waking: list[Interval]) -> float:
    """Hours of `held` (sorted, disjoint) outside the waking windows (waking_windows, which cover them):
    each stretch's length less its overlap with the windows, in one pass over both lists (exactly, as
    timedeltas; comparisons rather than min/max calls: the report asks for every person)."""
    outside, index, count = timedelta(0), 0, len(waking)
    for start, end in held:
        outside += end - start
        while index < count and waking[index][1] <= start:
            index += 1
        at = index
        while at < count and waking[at][0] < end:
            window_start, window_end = waking[at]
            begin = start if start > window_start else window_start  # noqa: FURB136 - max() without the call
            finish = end if end < window_end else window_end  # noqa: FURB136
            if begin < finish:
                outside -= finish - begin
            at += 1
    return outside.total_seconds() / 3600


WEEKDAYS = (0, 1, 2, 3, 4)


def holiday_hours(held: list[Interval], holidays: list[Interval]) -> float:
    return total_hours(intersect(held, union(holidays)))


def turns_range(rotation: Rotation, now: datetime, end: datetime,
                limit: timedelta) -> tuple[datetime, datetime, list[str]] | None:
    """[begin, stop) and the members holding turns in it: from the start of the regular shift in
    force at now (or the rotation's start) to the first handoff at or after `end` that closes whole
    cycles of the roster (lcm(N, P) shifts, so each member has had every turn). None when the
    rotation does not run by then, or the cycles close more than `limit` after begin or across a
    later roster change."""
    line = timeline(rotation)
    if line is None or line.start >= end:
        return None
    first = line.roster_at(now)
    if line.start > now:
        begin = line.start
    else:
        roster = line.rosters[first]
        begin = roster.boundary(roster.index_at(now))
    index, k_end, stop = line.handoff_at_or_after(end)
    roster = line.rosters[index]
    k_begin = roster.index_at(begin) if roster.start <= begin else 0
    cycle = math.lcm(len(roster.members), len(roster.pattern))
    whole = k_begin + max(math.ceil((k_end - k_begin) / cycle), 1) * cycle
    if whole != k_end:
        stop = roster.boundary(whole)
    if stop > later(begin, limit) or stop > line.ends[index]:
        return None
    members = dict.fromkeys(m for r in line.rosters[first:index + 1] for m in r.members)
    return begin, stop, list(members)


def slots_between(schedule: Schedule, name: str, policy: RotationPolicy, begin: datetime,
                  stop: datetime) -> list[Slot]:
    """A rotation's slots over [begin, stop): those of the schedule, and the parts outside its range
    simulated on their own (the engine gives the same slots whatever the range)."""
    rotation_schedule = schedule.rotations[name]
    rotation = rotation_schedule.rotation
    slots = [s for s in rotation_schedule.slots if s.start < stop and s.end > begin]
    if begin < schedule.start:
        slots = simulate_rotation(rotation, begin, schedule.start, policy).slots + slots
    if stop > schedule.end:
        slots += simulate_rotation(rotation, schedule.end, stop, policy).slots
    return slots
