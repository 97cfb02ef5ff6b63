"""(t) rules about one rotation's schedule: handoffs, coverage, holidays, gaps between turns, balance.

Each reads ctx.schedule (simulated from `now - lookback` to `now + horizon`)
with the rotation's own policy, and reports what happens from `now` on,
naming people and local times. Fixes the messages suggest are checked by
simulating them first (schedule_fixes.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo

from ..diagnostics import Location, Severity
from ..model import Rotation, RotationPolicy
from ..schedule import (
    Interval,
    Run,
    Slot,
    calendar_length,
    holiday_windows_between,
    runs,
    turns,
)
from ..schedule.limits import MAX_HORIZON
from ..schedule.load import realised_hours, slots_between, turns_range
from ..schedule.localtime import surely_within, wall
from ..timeutil import WEEKDAYS, format_duration
from .registry import Context, Finding, rule
from .schedule_common import days, hhmm, member_location, percent, rotation_subject, stretch, upcoming
from .schedule_fixes import gap_fix, handoff_fix, local_handoff_ok, longest_gap


@rule("ROT004", "handoff-outside-hours", model_only=True)
def handoff_outside_hours(ctx: Context) -> Iterator[Finding]:
    """A regular handoff falls outside `handoff_days`/`handoff_hours` in the rotation's time zone (t).

    Why: handing over on a weekday in working hours (e.g. Tuesday midday)
    means both people are awake, at work, and can talk through what is
    going on. Every regular shift boundary counts, whether or not the
    rotation's `hours` are open then; `handoff_hours` include both ends.
    Handoffs between holiday pieces and at override edges are exempt. A
    daily rotation hands over only on weekdays with a shift pattern such as
    `[1d, 1d, 1d, 1d, 3d]`; the message suggests an edit it has checked.

    Fails:
        rotations:
          payments-eu: {timezone: Europe/London, shift: 1w, start: 2026-01-04T00:00}   # Sunday midnight
    Fixed:
        rotations:
          payments-eu: {timezone: Europe/London, shift: 1w, start: 2026-01-06T12:00}   # Tuesday noon
    """
    for name, schedule in ctx.schedule.rotations.items():
        rotation = schedule.rotation
        policy = ctx.model.policy_for(rotation)
        tz = rotation.tz
        local = [wall(h, tz) for h in schedule.handoffs if h >= ctx.now]
        bad = [h for h in local if not local_handoff_ok(h, policy)]
        if bad:
            more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
            yield Finding(rotation_subject(name), rotation.node.at("start"),
                          f"rotation '{name}' hands over at {bad[0]:%a %Y-%m-%d %H:%M} ({tz}){more}, outside "
                          f"{_allowed(policy.handoff_days, policy.handoff_hours)}; "
                          f"{handoff_fix(rotation, policy, ctx.now, ctx.schedule.end, local)}")


def _allowed(handoff_days: tuple[int, ...], hours: tuple[int, int]) -> str:
    return f"{', '.join(WEEKDAYS[d] for d in handoff_days)} {hhmm(hours)}"


@rule("ROT005", "coverage-gap", model_only=True)
def coverage_gap(ctx: Context) -> Iterator[Finding]:
    """A moment inside the rotation's own window (its `days` and `hours`) has nobody on
    call (t): the rotation has not started yet, or a turn belongs to a name that is not
    a declared person.

    Why: a rotation that services rely on but that pages nobody is a silent
    outage of the on-call itself.

    Fails:
        rotations:
          payments-eu: {members: [alice, bob, carol, dave], shift: 1w, start: 2027-03-02T12:00}   # months away
    Fixed:
        rotations:
          payments-eu: {members: [alice, bob, carol, dave], shift: 1w, start: 2026-01-06T12:00}
    """
    for name, schedule in ctx.schedule.rotations.items():
        tz = schedule.rotation.tz
        gaps = [(s, e) for s, e in schedule.not_started if e > ctx.now]
        nobody = [s for s in upcoming(ctx, schedule.slots) if s.person not in ctx.model.people]
        if gaps:
            start, end = max(gaps[0][0], ctx.now), gaps[-1][1]
            yield Finding(rotation_subject(name), schedule.rotation.node.at("start"),
                          f"rotation '{name}' has nobody on call {stretch(start, end, tz)} because it starts only "
                          "then; move `start:` to a handoff in the past")
        elif nobody:
            slot = nobody[0]
            yield Finding(rotation_subject(name), member_location(schedule.rotation, slot.person, slot.roster),
                          f"rotation '{name}' has nobody on call {stretch(max(slot.start, ctx.now), slot.end, tz)}: "
                          "that turn belongs to an undeclared person; declare them under people: or fix the name")


@rule("ROT006", "holiday-shift-too-long", model_only=True)
def holiday_shift_too_long(ctx: Context) -> Iterator[Finding]:
    """One person holds a rotation longer than `holiday_max_shift` inside the holiday window (t).

    Why: over Christmas and New Year, 1-2 day shifts share the disruption
    fairly and let everyone have most of the holiday off. `holiday_shift`
    cuts the holiday period (from the first handoff at or after the window's
    start to the first at or after its end) into short pieces; the part of a
    shift before that period that lies in the window counts too. Lengths are
    counted on the rotation's calendar.

    Fails:
        rotations:
          payments-eu: {members: [alice, bob, carol, dave], shift: 1w, start: 2026-01-06T12:00}
    Fixed:
        rotations:
          payments-eu: {members: [alice, bob, carol, dave], shift: 1w, start: 2026-01-06T12:00,
                        holiday_shift: 1d}
    """
    for name, schedule in ctx.schedule.rotations.items():
        rotation = schedule.rotation
        policy = ctx.model.policy_for(rotation)
        limit = policy.holiday_max_shift
        windows = holiday_windows_between(policy.holiday_window, rotation.tz, ctx.now, ctx.schedule.end)
        if not windows:
            continue
        offenders = []
        for run in turns(upcoming(ctx, schedule.slots)):
            inside = _holiday_overlap(run, windows, rotation.tz)
            if inside > limit:
                offenders.append((run, inside))
        if offenders:
            run, inside = offenders[0]
            more = f" ({len(offenders) - 1} more such shifts)" if len(offenders) > 1 else ""
            if rotation.holiday_shift is None:
                fix, where = "add `holiday_shift: 1d`", "shift"
            elif run.slots[0].piece >= 0 or (rotation.shift is not None and rotation.shift <= limit):
                fix, where = f"shorten `holiday_shift:` to {format_duration(limit)} or less", "holiday_shift"
            else:
                fix, where = ("shorten `shift:` so a handoff falls nearer the window's edges, or give part of it "
                              "to someone else with an override"), "shift"
            yield Finding(rotation_subject(name), rotation.node.at(where),
                          f"{run.slots[0].person} holds rotation '{name}' for {days(inside)} inside the holiday "
                          f"window ({stretch(run.start, run.end, rotation.tz)}), longer than "
                          f"{format_duration(limit)}{more}; {fix}")


def _holiday_overlap(run: Run, windows: list[Interval], tz: tzinfo) -> timedelta:
    return sum((calendar_length(max(run.start, s), min(run.end, e), tz) for s, e in windows
                if s < run.end and run.start < e), timedelta(0))


@rule("ROT012", "long-gap", Severity.WARNING, model_only=True)
def long_gap(ctx: Context) -> Iterator[Finding]:
    """A member has no turn for longer than `policy.rotation.max_gap` (default 12w,
    counted on the rotation's calendar) (t).

    Why: a turn every 4-7 weeks keeps people in practice; after a quarter
    without one, systems have changed and the runbooks feel foreign. Pools of
    up to 13 weekly members pass. The fix suggested never splits a rotation
    below `min_members`.

    Fails:
        rotations:   # 14 people, 1-week shifts: a turn every 14 weeks
          payments-eu: {members: [a, b, c, d, e, f, g, h, i, j, k, l, m, n], shift: 1w}
    Fixed:
        rotations:   # two rotations of seven
          payments-eu: {members: [a, b, c, d, e, f, g], shift: 1w}
          payments-us: {members: [h, i, j, k, l, m, n], shift: 1w}
    """
    window_start, window_end = ctx.schedule.start, ctx.schedule.end
    for name, schedule in ctx.schedule.rotations.items():
        rotation = schedule.rotation
        policy = ctx.model.policy_for(rotation)
        if rotation.start is None or not rotation.pattern or rotation.start > window_start:
            continue  # an invalid rotation (CFG005), or one still starting up, has no history to judge
        if calendar_length(window_start, window_end, rotation.tz) <= policy.max_gap:
            continue
        key = ("ROT012", window_start, window_end, policy.max_gap)
        if key not in schedule.memo:  # unchanged since the base (diff mode): computed there already
            schedule.memo[key] = _longest_gaps(schedule.slots, rotation, window_start, window_end, policy.max_gap)
        gaps = schedule.memo[key]
        for person, loc in _members(rotation):
            if person not in ctx.model.people or ctx.model.people[person].exempt:
                continue
            gap = gaps.get(person)
            if gap is not None and calendar_length(gap[0], gap[1], rotation.tz) > policy.max_gap:
                start, end = gap
                fix = gap_fix(ctx.model, rotation, policy, calendar_length(start, end, rotation.tz),
                              window_start, window_end)
                yield Finding(rotation_subject(name), loc,
                              f"{person} has no turn on rotation '{name}' {stretch(start, end, rotation.tz)}, more "
                              f"than {format_duration(policy.max_gap)}; {fix}")
                break  # one per rotation: the cause is the rotation's size


def _longest_gaps(slots: list[Slot], rotation: Rotation, start: datetime, end: datetime,
                  limit: timedelta) -> dict[str, Interval | None]:
    """Each member's longest stretch of [start, end) without a turn, if any member's could be longer
    than `limit`; else nothing. One pass over the slots (elapsed times) usually settles it without
    grouping them into turns."""
    short_enough = surely_within(limit)
    last_end: dict[str, datetime] = {}
    may_exceed = False
    for slot in slots:  # a rotation's slots: sorted and disjoint
        if slot.start - last_end.get(slot.person, start) > short_enough:
            may_exceed = True
            break
        last_end[slot.person] = slot.end
    members = [person for person, _ in _members(rotation)]
    if not may_exceed and all(end - last_end.get(person, start) <= short_enough for person in members):
        return {}
    by_person = _runs_by_person(slots)
    return {person: longest_gap(by_person.get(person, []), start, end, rotation.tz) for person in members}


def _runs_by_person(slots: list[Slot]) -> dict[str, list[Run]]:
    grouped: dict[str, list[Slot]] = {}
    for slot in slots:
        grouped.setdefault(slot.person, []).append(slot)
    return {person: runs(held) for person, held in grouped.items()}


def _realised_load(ctx: Context, name: str,
                   policy: RotationPolicy) -> tuple[datetime, datetime, dict[str, float]] | None:
    """ROT015's figures for one rotation: whole turns of its roster from now, and each member's hours in them."""
    bounds = turns_range(ctx.schedule.rotations[name].rotation, ctx.now, ctx.schedule.end, MAX_HORIZON)
    if bounds is None:
        return None
    begin, stop, members = bounds
    hours = realised_hours(slots_between(ctx.schedule, name, policy, begin, stop), begin, stop)
    return begin, stop, {person: hours.get(person, 0.0) for person in members}


def _members(rotation: Rotation) -> list[tuple[str, Location]]:
    """The members of the roster that runs on (the last), with where each is written."""
    roster = rotation.changes[-1] if rotation.changes else None
    names, locs = (roster.members, roster.member_locs) if roster else (rotation.members, rotation.member_locs)
    return list(zip(names, locs))


@rule("ROT015", "uneven-load", Severity.WARNING, model_only=True)
def uneven_load(ctx: Context) -> Iterator[Finding]:
    """A rotation member's realised on-call hours (overrides and holiday pieces
    included), over the horizon extended to whole turns of the roster, are
    under `policy.rotation.min_balance` (default 0.5) times those of the
    rotation's busiest member (t).

    Why: a fair rotation shares the pager evenly. Overrides that always land
    on the same person, a name listed twice, or a shift pattern whose long
    shifts always fall to the same members (a pattern of two lengths with
    an even number of people) quietly make one person carry much more than
    another.

    Fails:
        rotations:    # four people on [6d, 1d]: bob and dave only ever get the 1-day shifts
          payments-eu: {members: [alice, bob, carol, dave], shift: [6d, 1d], start: 2026-01-05T10:00}
    Fixed:
        rotations:    # five people take the long and the short shifts in turn
          payments-eu: {members: [alice, bob, carol, dave, erin], shift: [6d, 1d], start: 2026-01-05T10:00}
    """
    for name, schedule in ctx.schedule.rotations.items():
        rotation = schedule.rotation
        policy = ctx.model.policy_for(rotation)
        key = ("ROT015", ctx.now, ctx.schedule.end)
        if key not in schedule.memo:  # unchanged since the base (diff mode): computed there already
            schedule.memo[key] = _realised_load(ctx, name, policy)
        found = schedule.memo[key]
        if found is None:
            continue  # not running, or its turns do not close within two years (ROT012 speaks)
        begin, stop, load = found
        busiest = max(load, key=lambda p: load[p])
        least = min(load, key=lambda p: load[p])
        if load[busiest] <= 0 or load[least] >= policy.min_balance * load[busiest]:
            continue
        share = load[least] / load[busiest]
        yield Finding(rotation_subject(name), member_location(rotation, least),
                      f"{least} holds {load[least]:.0f} h of rotation '{name}' {stretch(begin, stop, rotation.tz)}, "
                      f"{percent(share, policy.min_balance)} of the {load[busiest]:.0f} h of {busiest}, under "
                      f"min_balance {policy.min_balance:g}; share the turns evenly (overrides, the turn order, "
                      "or a shift pattern whose length and the number of members have no common factor)")
