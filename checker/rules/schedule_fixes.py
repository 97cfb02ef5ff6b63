"""Fixes that ROT004 and ROT012 suggest, each checked by simulating the edited rotation first:
a message never suggests an edit that would not resolve it (or that would break ROT001/ROT002)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from ..model import Model, Rotation, RotationPolicy
from ..schedule import Interval, Run, calendar_length, runs, simulate_rotation
from ..schedule.engine import regular_handoffs
from ..schedule.localtime import to_utc, wall
from ..timeutil import WEEKDAYS
from .schedule_common import flow_yaml, hhmm

WEEK = timedelta(weeks=1)


def handoff_ok(moment: datetime, tz: tzinfo, policy: RotationPolicy) -> bool:
    return local_handoff_ok(wall(moment, tz), policy)


def local_handoff_ok(local: datetime, policy: RotationPolicy) -> bool:
    """Whether a handoff at this wall-clock time is allowed (handoff_hours include both ends)."""
    minute = local.hour * 60 + local.minute
    start, end = policy.handoff_hours
    in_hours = start <= minute <= end if start < end else (minute >= start or minute <= end)
    return local.weekday() in policy.handoff_days and in_hours


def _handoffs_ok(rotation: Rotation, policy: RotationPolicy, now: datetime, end: datetime) -> bool:
    return all(handoff_ok(h, rotation.tz, policy) for h in regular_handoffs(rotation, now, end, policy))


def _times(policy: RotationPolicy, original: int) -> list[int]:
    """Times of day to hand over at: the current one if allowed, then midday within the hours."""
    start, end = policy.handoff_hours

    def inside(minute: int) -> bool:
        return start <= minute <= end if start < end else (minute >= start or minute <= end)

    noon = 12 * 60 if inside(12 * 60) else (start + ((end - start) % (24 * 60)) // 2) % (24 * 60)
    return [m for m in dict.fromkeys([original, noon]) if inside(m)]


def _week_pattern(length_days: int, first_day: int, allowed: tuple[int, ...]) -> list[int] | None:
    """Shift lengths in days, close to length_days, that hand over only on allowed weekdays and return to
    first_day after whole weeks."""
    day, pattern = first_day, []
    for _ in range(7):
        following = day + length_days
        while following % 7 not in allowed:
            following += 1
        pattern.append(following - day)
        day = following
        if day % 7 == first_day and sum(pattern) % 7 == 0:
            return pattern
    return None


def _candidates(rotation: Rotation, policy: RotationPolicy) -> Iterator[tuple[dict[str, object], Rotation]]:
    assert rotation.start is not None
    origin = wall(rotation.start, rotation.tz)
    minute = origin.hour * 60 + origin.minute
    allowed = policy.handoff_days
    days = sorted(allowed, key=lambda d: ((d - origin.weekday()) % 7, d))
    lengths = set(rotation.pattern)
    whole_days = len(lengths) == 1 and min(lengths) % timedelta(days=1) == timedelta(0)
    for day in days:
        for time in _times(policy, minute):
            local = (origin + timedelta(days=(day - origin.weekday()) % 7)).replace(hour=time // 60, minute=time % 60)
            instant = to_utc(local, rotation.tz)
            if wall(instant, rotation.tz) != local:
                continue  # a time the clocks skip cannot be written
            start: dict[str, object] = {"start": local.strftime("%Y-%m-%dT%H:%M")}
            yield start, replace(rotation, start=instant)
            if whole_days and min(lengths) < WEEK:
                pattern = _week_pattern(min(lengths).days, day, allowed)
                if pattern and max(pattern) <= policy.max_shift.days:
                    lengths_ = tuple(timedelta(days=d) for d in pattern)
                    yield ({"shift": [f"{d}d" for d in pattern], **start},
                           replace(rotation, start=instant, pattern=lengths_))


def _allowing(policy: RotationPolicy, handoffs: list[datetime]) -> dict[str, object]:
    """The rotation's own `policy:` keys that allow the handoffs it has (wall-clock times)."""
    used_days = sorted(set(policy.handoff_days) | {h.weekday() for h in handoffs})
    minutes = [h.hour * 60 + h.minute for h in handoffs]
    start, end_minute = policy.handoff_hours
    if start < end_minute and all(start <= m <= end_minute for m in minutes):
        window = (start, end_minute)
    elif start < end_minute:
        window = (min(minutes + [start]), max(minutes + [end_minute]))
    else:
        window = (0, 24 * 60)
    return {"policy": {"handoff_days": [WEEKDAYS[d] for d in used_days], "handoff_hours": hhmm(window)}}


def handoff_fix(rotation: Rotation, policy: RotationPolicy, now: datetime, end: datetime,
                handoffs: list[datetime]) -> str:
    """What to write so that every regular handoff from now to end (`handoffs`, as simulated, on the
    rotation's wall clock) is allowed."""
    if rotation.start is not None and rotation.pattern and not rotation.changes:
        for edit, candidate in _candidates(rotation, policy):
            if _handoffs_ok(candidate, policy, now, end):
                return f"set `{flow_yaml(edit)}` on the rotation, which then hands over only inside them"
        reason = "no start or weekly shift pattern of these lengths hands over only then"
    else:
        reason = "its roster changes keep their handoffs"
    allowing = _allowing(policy, handoffs)
    return f"{reason}; shorten or lengthen the shifts, or allow these handoffs with `{flow_yaml(allowing)}` on it"


def longest_gap(held: list[Run], start: datetime, end: datetime, tz: tzinfo) -> Interval | None:
    """The longest stretch of [start, end) between a person's turns (before the first and after the last
    included), by the rotation's calendar."""
    edges = [start] + [edge for run in held for edge in (run.start, run.end)] + [end]
    gaps = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2) if edges[i + 1] > edges[i]]
    return max(gaps, key=lambda g: calendar_length(g[0], g[1], tz), default=None)


def _gaps_fit(model: Model, rotation: Rotation, policy: RotationPolicy, members: list[str], start: datetime,
              end: datetime) -> bool:
    """Whether every one of `members` has a turn at least every max_gap once the last roster holds only them."""
    if rotation.changes:
        last = replace(rotation.changes[-1], members=members)
        candidate = replace(rotation, changes=rotation.changes[:-1] + [last])
    else:
        candidate = replace(rotation, members=members)
    slots = simulate_rotation(candidate, start, end, policy).slots
    for person in set(members):
        if person not in model.people or model.people[person].exempt:
            continue  # as ROT012 judges them
        gap = longest_gap(runs([s for s in slots if s.person == person]), start, end, rotation.tz)
        if gap is not None and calendar_length(gap[0], gap[1], rotation.tz) > policy.max_gap:
            return False
    return True


def gap_fix(model: Model, rotation: Rotation, policy: RotationPolicy, gap: timedelta, start: datetime,
            end: datetime) -> str:
    """Split the roster into rotations of at least min_members each, or take people off it (never below
    min_members), whichever keeps everyone's gaps within max_gap; or accept the gap for this rotation."""
    members = list(rotation.changes[-1].members if rotation.changes else rotation.members)
    minimum = max(policy.min_members, 1)
    weeks = math.ceil(gap / WEEK)
    accept = f"accept it for this rotation with `{flow_yaml({'policy': {'max_gap': f'{weeks}w'}})}`"
    for parts in range(2, len(members) // minimum + 1):
        size = math.ceil(len(members) / parts)
        groups = [members[i:i + size] for i in range(0, len(members), size)]
        if len(groups) == parts and all(len(set(g)) >= minimum for g in groups) \
                and all(_gaps_fit(model, rotation, policy, g, start, end) for g in groups):
            listed = " and ".join("[" + ", ".join(g) + "]" for g in groups)
            return (f"split it into {parts} rotations, {listed} (each keeps at least min_members "
                    f"{policy.min_members}), or {accept}")
    for keep in range(len(members) - 1, minimum - 1, -1):
        if len(set(members[:keep])) >= minimum and _gaps_fit(model, rotation, policy, members[:keep], start, end):
            return (f"take {', '.join(members[keep:])} off it ({keep} stay, at least min_members "
                    f"{policy.min_members}), or {accept}")
    return f"it cannot be split or shrunk without going below min_members {policy.min_members}; {accept}"

