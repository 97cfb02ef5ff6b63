"""ROT rules computed on the simulated schedule (t): who is on call when, over the horizon from `now`.

Each reads ctx.schedule (simulated from `now - lookback` to `now + horizon`)
and reports what happens from `now` on, naming people and local times.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo

from ..diagnostics import Location, Severity
from ..protected import protected_days_between
from ..schedule import Run, Slot, daily_windows, format_local, holiday_windows, runs, subtract
from ..timeutil import WEEKDAYS, format_duration
from .registry import Context, Finding, rule


def _subject(name: str) -> str:
    return f"rotation/{name}"



def _upcoming(ctx: Context, slots: list[Slot]) -> list[Slot]:
    return [s for s in slots if s.end > ctx.now]


def _zone_name(tz: tzinfo) -> str:
    return str(tz)


def _days(span: timedelta) -> str:
    days = span.total_seconds() / 86400
    return f"{days:.0f} days" if abs(days - round(days)) < 0.05 else f"{days:.1f} days"


def _slot_location(ctx: Context, slot: Slot) -> Location:
    if slot.override is not None:
        return slot.override.loc
    return ctx.model.rotations[slot.rotation].node.loc


@rule("ROT003", "consecutive-oncall")
def consecutive_oncall(ctx: Context) -> Iterator[Finding]:
    """Someone is on call longer than `policy.rotation.max_consecutive` without a break,
    counting every rotation they are in and every override together (t).

    Why: nobody should be on call more than two weeks in a row; sleep debt
    builds up and judgement goes. A break is a day or more with no on-call
    in any rotation; the gaps between a follow-the-sun leg's daily windows
    are not a break.

    Fails:
        rotations:
          payments-eu:
            members: [alice, bob, carol, dave]
            overrides:     # alice's own week, then bob's and carol's
              - {person: alice, from: 2026-12-08T12:00, to: 2026-12-22T12:00}
    Fixed:
        rotations:
          payments-eu:
            overrides:
              - {person: alice, from: 2026-12-08T12:00, to: 2026-12-15T12:00}
    """
    limit = ctx.model.policy.rotation.max_consecutive
    for person, slots in ctx.schedule.by_person().items():
        tz = ctx.model.people[person].tz if person in ctx.model.people else UTC
        for run in runs(slots):
            if run.end <= ctx.now or run.end - run.start <= limit:
                continue
            rotations = sorted({s.rotation for s in run.slots})
            culprit = next((s for s in run.slots if s.override is not None), run.slots[-1])
            yield Finding(f"person/{person}", _slot_location(ctx, culprit),
                          f"{person} is on call from {format_local(run.start, tz)} to {format_local(run.end, tz)} "
                          f"({_zone_name(tz)}), {_days(run.end - run.start)} without a break, longer than "
                          f"{format_duration(limit)} (rotations: {', '.join(rotations)}); give part of it to someone "
                          "else with an override, or offset the rotations")


def _handoff_ok(moment: datetime, tz: tzinfo, days: tuple[int, ...], hours: tuple[int, int]) -> bool:
    local = moment.astimezone(tz)
    minute = local.hour * 60 + local.minute
    start, end = hours
    in_hours = start <= minute <= end if start < end else (minute >= start or minute <= end)
    return local.weekday() in days and in_hours


@rule("ROT004", "handoff-outside-hours")
def handoff_outside_hours(ctx: Context) -> Iterator[Finding]:
    """A handoff falls outside `handoff_days`/`handoff_hours` in the rotation's time zone (t).

    Why: handing over on a weekday in working hours (e.g. Tuesday midday)
    means both people are awake, at work, and can talk through what is
    going on. Handoffs between holiday pieces and overrides are exempt.

    Fails:
        rotations:
          payments-eu: {timezone: Europe/London, shift: 1w, start: 2026-01-04T00:00}   # Sunday midnight
    Fixed:
        rotations:
          payments-eu: {timezone: Europe/London, shift: 1w, start: 2026-01-06T12:00}   # Tuesday noon
    """
    policy = ctx.model.policy.rotation
    names = [d for i, d in enumerate(WEEKDAYS) if i in policy.handoff_days]
    hours = f"{policy.handoff_hours[0] // 60:02d}:{policy.handoff_hours[0] % 60:02d}-" \
            f"{policy.handoff_hours[1] // 60:02d}:{policy.handoff_hours[1] % 60:02d}"
    for name, schedule in ctx.schedule.rotations.items():
        tz = schedule.rotation.tz
        bad = [h for h in schedule.handoffs
               if h >= ctx.now and not _handoff_ok(h, tz, policy.handoff_days, policy.handoff_hours)]
        if bad:
            more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
            yield Finding(_subject(name), schedule.rotation.node.at("start"),
                          f"rotation '{name}' hands over at {format_local(bad[0], tz)} ({_zone_name(tz)}){more}, "
                          f"outside {', '.join(names)} {hours}; move `start:` to a weekday in working hours, "
                          "e.g. a Tuesday at 12:00")


@rule("ROT005", "coverage-gap")
def coverage_gap(ctx: Context) -> Iterator[Finding]:
    """A moment inside the rotation's own window has nobody on call (t): the
    rotation has not started yet, or a turn belongs to a name that is not a
    declared person.

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
        nobody = [(s.start, s.end) for s in _upcoming(ctx, schedule.slots) if s.person not in ctx.model.people]
        if gaps:
            start, end = max(gaps[0][0], ctx.now), gaps[-1][1]
            yield Finding(_subject(name), schedule.rotation.node.at("start"),
                          f"rotation '{name}' has nobody on call from {format_local(start, tz)} to "
                          f"{format_local(end, tz)} ({_zone_name(tz)}) because it starts only then; move `start:` "
                          "to a handoff in the past")
        elif nobody:
            start, end = nobody[0]
            yield Finding(_subject(name), schedule.rotation.node.at("members"),
                          f"rotation '{name}' has nobody on call from {format_local(max(start, ctx.now), tz)} to "
                          f"{format_local(end, tz)} ({_zone_name(tz)}): that turn belongs to an undeclared person; "
                          "declare them under people: or fix the name")


def _holiday_overlap(run: Run, windows: list[tuple[datetime, datetime]]) -> timedelta:
    return sum((min(run.end, e) - max(run.start, s) for s, e in windows if s < run.end and run.start < e),
               timedelta(0))


@rule("ROT006", "holiday-shift-too-long")
def holiday_shift_too_long(ctx: Context) -> Iterator[Finding]:
    """One person holds a shift longer than `holiday_max_shift` inside the holiday window (t).

    Why: over Christmas and New Year, 1-2 day shifts share the disruption
    fairly and let everyone have most of the holiday off. `holiday_shift`
    cuts shifts that meet the window into short pieces automatically.

    Fails:
        rotations:
          payments-eu: {members: [alice, bob, carol, dave], shift: 1w, start: 2026-01-06T12:00}
    Fixed:
        rotations:
          payments-eu: {members: [alice, bob, carol, dave], shift: 1w, start: 2026-01-06T12:00,
                        holiday_shift: 1d}
    """
    limit = ctx.model.policy.rotation.holiday_max_shift
    for name, schedule in ctx.schedule.rotations.items():
        rotation = schedule.rotation
        windows = holiday_windows(ctx.model.policy, rotation.tz, ctx.now, ctx.schedule.end)
        if not windows:
            continue
        offenders = []
        for run in _turns(_upcoming(ctx, schedule.slots)):
            inside = _holiday_overlap(run, windows)
            if inside > limit:
                offenders.append((run.start, run.slots[0].person, run, inside))
        if offenders:
            _, person, run, inside = min(offenders, key=lambda o: o[0])
            more = f" ({len(offenders) - 1} more such shifts)" if len(offenders) > 1 else ""
            fix = (f"shorten `holiday_shift:` to {format_duration(limit)} or less" if rotation.holiday_shift
                   else "add `holiday_shift: 1d`")
            yield Finding(_subject(name), rotation.node.at("holiday_shift" if rotation.holiday_shift else "shift"),
                          f"{person} holds rotation '{name}' for {_days(inside)} inside the holiday window "
                          f"(from {format_local(run.start, rotation.tz)} to {format_local(run.end, rotation.tz)}, "
                          f"{_zone_name(rotation.tz)}), longer than {format_duration(limit)}{more}; {fix}")


def _turns(slots: list[Slot]) -> list[Run]:
    """A rotation's slots grouped into turns: consecutive slots of the same person, nobody else between."""
    out: list[Run] = []
    for slot in slots:
        if out and out[-1].slots[-1].person == slot.person:
            out[-1].slots.append(slot)
            out[-1].end = slot.end
        else:
            out.append(Run(slot.start, slot.end, [slot]))
    return out


def _by_person(slots: list[Slot]) -> dict[str, list[Slot]]:
    out: dict[str, list[Slot]] = {}
    for slot in slots:
        out.setdefault(slot.person, []).append(slot)
    return out


@rule("ROT007", "protected-day-oncall", Severity.WARNING)
def protected_day_oncall(ctx: Context) -> Iterator[Finding]:
    """Someone is on call on a protected day (`policy.rotation.protected_days`, or a
    public holiday of their `country`) without an override marked `volunteer: true` (t).

    Why: Christmas Day and New Year's Day (and each person's own public
    holidays) should be covered by people who chose to, not by whoever the
    rotation happened to land on.

    Fails:
        rotations:
          payments-eu: {members: [alice, bob, carol, dave], shift: 1w, start: 2026-01-06T12:00, holiday_shift: 1d}
    Fixed:
        rotations:
          payments-eu:
            overrides:
              - {person: dave, from: 2026-12-25T00:00, to: 2026-12-26T00:00, volunteer: true}
    """
    policy = ctx.model.policy
    for person_name, slots in ctx.schedule.by_person().items():
        person = ctx.model.people.get(person_name)
        days = protected_days_between(person, policy, ctx.now, ctx.schedule.end)
        if not days:
            continue
        reported: set[date] = set()
        for slot in _upcoming(ctx, slots):
            if slot.override is not None and slot.override.volunteer:
                continue
            for day, reason, day_start, day_end in days:
                if day not in reported and slot.start < day_end and day_start < slot.end:
                    reported.add(day)
                    yield Finding(f"person/{person_name}", _slot_location(ctx, slot),
                                  f"{person_name} is on call on {day:%a %Y-%m-%d}, {reason}, on rotation "
                                  f"'{slot.rotation}' without volunteering; give that day to a volunteer with an "
                                  f"override marked `volunteer: true`")


@rule("ROT009", "unavailable-person-scheduled")
def unavailable_person_scheduled(ctx: Context) -> Iterator[Finding]:
    """Someone is scheduled while on leave (`unavailable`) or while `exempt` (t).

    Why: a page to someone on a beach goes unanswered; the rotation must be
    fixed before the leave starts, with an override giving that time to
    someone else.

    Fails:
        people:
          carol: {unavailable: [{from: 2026-12-21, to: 2026-12-27}]}   # her turn is 12-22
    Fixed:
        rotations:
          payments-eu:
            overrides:
              - {person: erin, from: 2026-12-22T12:00, to: 2026-12-29T12:00}
    """
    for person_name, slots in ctx.schedule.by_person().items():
        person = ctx.model.people.get(person_name)
        if person is None:
            continue
        upcoming = _upcoming(ctx, slots)
        tz = person.tz
        if person.exempt is not None:
            for rotation in sorted({s.rotation for s in upcoming}):
                first = next(s for s in upcoming if s.rotation == rotation)
                yield Finding(f"person/{person_name}", _member_loc(ctx, rotation, person_name, first),
                              f"{person_name} is exempt ({person.exempt}) but scheduled on rotation '{rotation}' "
                              f"from {format_local(first.start, tz)} ({_zone_name(tz)}); remove them from its "
                              "members")
            continue
        for leave in person.unavailable:
            clashes = [s for s in upcoming if s.start < leave.end and leave.start < s.end]
            for rotation in sorted({s.rotation for s in clashes}):
                first = next(s for s in clashes if s.rotation == rotation)
                yield Finding(f"person/{person_name}", leave.loc,
                              f"{person_name} is on leave from {format_local(leave.start, tz)} to "
                              f"{format_local(leave.end, tz)} ({_zone_name(tz)}) but scheduled on rotation "
                              f"'{rotation}' from {format_local(max(first.start, leave.start), tz)}; add an override "
                              f"on '{rotation}' giving that time to someone else")


def _member_loc(ctx: Context, rotation: str, person: str, slot: Slot) -> Location:
    if slot.override is not None:
        return slot.override.loc
    r = ctx.model.rotations[rotation]
    for name, loc in zip(r.members, r.member_locs):
        if name == person:
            return loc
    return r.node.loc


def _role_slots(ctx: Context, names: list[str]) -> list[Slot]:
    out: list[Slot] = []
    for name in names:
        schedule = ctx.schedule.rotations.get(name)
        if schedule is not None:
            out.extend(_upcoming(ctx, schedule.slots))
    return out


@rule("ROT011", "primary-is-secondary")
def primary_is_secondary(ctx: Context) -> Iterator[Finding]:
    """The same person is primary and secondary for a service at the same moment (t).

    Why: the secondary is the backup when the primary cannot answer; if both
    are the same person, there is no backup.

    Fails:
        teams:
          payments:
            oncall: {primary: payments-eu, secondary: payments-eu-backup}   # same order, same people
    Fixed:
        teams:
          payments:
            oncall: {primary: payments-eu, secondary: sre-primary}
    """
    for service in ctx.model.services.values():
        oncall = ctx.model.oncall_for(service)
        if oncall is None or not oncall.primary or not oncall.secondary:
            continue
        secondary = _by_person(_role_slots(ctx, oncall.secondary))
        clash = None
        for slot in _role_slots(ctx, oncall.primary):
            for other in secondary.get(slot.person, []):
                start, end = max(slot.start, other.start, ctx.now), min(slot.end, other.end)
                if start < end and (clash is None or start < clash[0]):
                    clash = (start, end, slot, other)
        if clash:
            start, end, slot, other = clash
            person = ctx.model.people.get(slot.person)
            tz = person.tz if person else UTC
            where = service.oncall.node.loc if service.oncall else ctx.model.teams[service.team or ""].oncall.node.loc  # type: ignore[union-attr]
            yield Finding(f"service/{service.name}", where,
                          f"{slot.person} is both primary ({slot.rotation}) and secondary ({other.rotation}) for "
                          f"'{service.name}' from {format_local(start, tz)} to {format_local(end, tz)} "
                          f"({_zone_name(tz)}); offset one rotation's turn order or add an override")


@rule("ROT012", "long-gap", Severity.WARNING)
def long_gap(ctx: Context) -> Iterator[Finding]:
    """A member has no turn for longer than `policy.rotation.max_gap` (t).

    Why: a turn every 4-7 weeks keeps people in practice; after two months
    off, systems have changed and the runbooks feel foreign.

    Fails:
        rotations:   # 10 people, 1-week shifts: a turn every 10 weeks
          payments-eu: {members: [a, b, c, d, e, f, g, h, i, j], shift: 1w}
    Fixed:
        rotations:   # two rotations of five
          payments-eu: {members: [a, b, c, d, e], shift: 1w}
          payments-us: {members: [f, g, h, i, j], shift: 1w}
    """
    limit = ctx.model.policy.rotation.max_gap
    window_start, window_end = ctx.schedule.start, ctx.schedule.end
    if window_end - window_start <= limit:
        return
    for name, schedule in ctx.schedule.rotations.items():
        rotation = schedule.rotation
        if rotation.start is None or rotation.shift is None or rotation.start > window_start:
            continue  # an invalid rotation (CFG005), or one still starting up, has no history to judge
        by_person = _by_person(schedule.slots)
        for person, loc in zip(rotation.members, rotation.member_locs):
            if person not in ctx.model.people or ctx.model.people[person].exempt:
                continue
            edges = [window_start]
            for run in runs(by_person.get(person, [])):
                edges.extend([run.start, run.end])
            edges.append(window_end)
            gaps = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2) if edges[i + 1] - edges[i] > limit]
            if gaps:
                start, end = gaps[0]
                tz = rotation.tz
                yield Finding(_subject(name), loc,
                              f"{person} has no turn on rotation '{name}' from {format_local(start, tz)} to "
                              f"{format_local(end, tz)} ({_zone_name(tz)}), more than {format_duration(limit)}; "
                              "split the rotation or shorten its cycle")
                break  # one per rotation: the cause is the rotation's size


@rule("ROT013", "outside-local-hours", Severity.WARNING)
def outside_local_hours(ctx: Context) -> Iterator[Finding]:
    """A follow-the-sun leg (a rotation with `hours`) puts someone on call outside
    their `policy.rotation.local_hours` in their own time zone (t).

    Why: the point of following the sun is that nobody is woken up; a leg
    staffed from the wrong time zone defeats it.

    Fails:
        people:
          alice: {timezone: Europe/London}
        rotations:
          apac: {timezone: Australia/Sydney, hours: "09:00-17:00", members: [alice, ...]}   # 22:00-06:00 for alice
    Fixed:
        rotations:
          apac: {timezone: Australia/Sydney, hours: "09:00-17:00", members: [chen, ...]}
    """
    local_hours = ctx.model.policy.rotation.local_hours
    for name, schedule in ctx.schedule.rotations.items():
        rotation = schedule.rotation
        if rotation.hours is None:
            continue
        for person, slots in _by_person(_upcoming(ctx, schedule.slots)).items():
            if person not in ctx.model.people:
                continue
            tz = ctx.model.people[person].tz
            outside = next((o for s in slots for o in _outside_hours(max(s.start, ctx.now), s.end, tz, local_hours)),
                           None)
            if outside:
                start, end = outside
                yield Finding(_subject(name), _member_loc(ctx, name, person, slots[0]),
                              f"{person} is on call on leg '{name}' from {format_local(start, tz)} to "
                              f"{format_local(end, tz)} their time ({_zone_name(tz)}), outside their waking hours; "
                              "staff the leg from its own time zone or change its `hours`")


def _outside_hours(start: datetime, end: datetime, tz: tzinfo,
                   hours: tuple[int, int]) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) outside a person's daily hours in their zone."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    open_minute, close_minute = hours
    first = local_start.hour * 60 + local_start.minute
    last = local_end.hour * 60 + local_end.minute
    same_day = local_start.date() == local_end.date() or (last == 0 and close_minute == 24 * 60
                                                          and end - start <= timedelta(days=1))
    if open_minute < close_minute and same_day and first >= open_minute and (last or 24 * 60) <= close_minute:
        return []  # the common case, answered without building windows
    return subtract([(start, end)], daily_windows(hours, tz, start, end))
