"""(t) rules about people across rotations: too long on call, protected days, leave, primary and
secondary at once, waking hours. Each reads ctx.schedule and reports what happens from `now` on."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo

from ..diagnostics import Severity
from ..protected import protected_days_between
from ..schedule import Slot, calendar_length, format_local, runs
from ..schedule.intervals import Interval
from ..schedule.load import outside_window
from ..schedule.localtime import surely_within
from ..timeutil import format_duration
from .registry import Context, Finding, rule
from .schedule_common import (
    by_person,
    days,
    slot_location,
    slot_member_location,
    stretch,
    upcoming,
    zone_name,
)


@rule("ROT003", "consecutive-oncall", model_only=True)
def consecutive_oncall(ctx: Context) -> Iterator[Finding]:
    """Someone is on call longer than `policy.rotation.max_consecutive` without a break,
    counting every rotation they are in and every override together (t).

    Why: nobody should be on call more than two weeks in a row; sleep debt
    builds up and judgement goes. A break is 24 hours or more with no on-call
    in any rotation; the gaps between a follow-the-sun leg's daily windows
    are not a break. Lengths are counted on the rotation's calendar, so a
    fortnight across a DST change is exactly 2w. When the stretch spans
    rotations with their own `policy:`, the most lenient limit applies.

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
    rotations = ctx.model.rotations
    # A run this short is within every rotation's limit on any calendar (most runs: one turn).
    short_enough = surely_within(min((ctx.model.policy_for(r).max_consecutive for r in rotations.values()),
                                     default=timedelta(0)))
    for person, slots in ctx.schedule.by_person().items():
        tz = ctx.model.people[person].tz if person in ctx.model.people else UTC
        for run in runs(slots):
            if run.end <= ctx.now or run.end - run.start <= short_enough:
                continue
            names = sorted({s.rotation for s in run.slots})
            limit = max(ctx.model.policy_for(rotations[n]).max_consecutive for n in names)
            length = min(calendar_length(run.start, run.end, rotations[n].tz) for n in names)
            if length <= limit:
                continue
            culprit = next((s for s in run.slots if s.override is not None), run.slots[-1])
            yield Finding(f"person/{person}", slot_location(ctx, culprit),
                          f"{person} is on call {stretch(run.start, run.end, tz)}, {days(length)} without a "
                          f"break, longer than {format_duration(limit)} (rotations: {', '.join(names)}); give part "
                          "of it to someone else with an override, or offset the rotations")


@rule("ROT007", "protected-day-oncall", Severity.WARNING, model_only=True)
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
        protected = protected_days_between(person, policy, ctx.now, ctx.schedule.end)
        if not protected:
            continue
        ends = [day_end for _, _, _, day_end in protected]
        reported: set[int] = set()
        for slot in upcoming(ctx, slots):  # sorted by start: each day is met by a contiguous run of slots
            if slot.override is not None and slot.override.volunteer:
                continue
            index = bisect.bisect_right(ends, slot.start)
            while index < len(protected) and protected[index][2] < slot.end:
                day, reason, _, _ = protected[index]
                if index not in reported:
                    reported.add(index)
                    yield Finding(f"person/{person_name}", slot_location(ctx, slot),
                                  f"{person_name} is on call on {day:%a %Y-%m-%d}, {reason}, on rotation "
                                  f"'{slot.rotation}' without volunteering; give that day to a volunteer with an "
                                  f"override marked `volunteer: true`")
                index += 1


@rule("ROT009", "unavailable-person-scheduled", model_only=True)
def unavailable_person_scheduled(ctx: Context) -> Iterator[Finding]:
    """Someone is scheduled while on leave (`unavailable`) or while `exempt` (t).

    Why: a page to someone on a beach goes unanswered; the rotation must be
    fixed before the leave starts, with an override giving that time to
    someone else. Exempt people keep their place in the turn order until
    they are removed from `members`, so their turns are real and must go.

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
        if person is None or person.exempt is None and not person.unavailable:
            continue  # (most people: nothing to look at)
        mine = upcoming(ctx, slots)
        tz = person.tz
        if person.exempt is not None:
            for rotation in sorted({s.rotation for s in mine}):
                first = next(s for s in mine if s.rotation == rotation)
                yield Finding(f"person/{person_name}", slot_member_location(ctx, first),
                              f"{person_name} is exempt ({person.exempt}) but still holds turns on rotation "
                              f"'{rotation}', from {format_local(first.start, tz)} ({zone_name(tz)}); remove them "
                              "from its members")
            continue
        per_rotation = by_person_rotation(mine)
        for leave in person.unavailable:
            for rotation, held in sorted(per_rotation.items()):
                first_clash = _first_overlap(held, leave.start, leave.end)
                if first_clash is not None:
                    yield Finding(f"person/{person_name}", leave.loc,
                                  f"{person_name} is on leave {stretch(leave.start, leave.end, tz)} but scheduled on "
                                  f"rotation '{rotation}' from {format_local(max(first_clash.start, leave.start), tz)}; "
                                  f"add an override on '{rotation}' giving that time to someone else")


def by_person_rotation(slots: list[Slot]) -> dict[str, tuple[list[datetime], list[Slot]]]:
    """A person's slots per rotation (sorted and disjoint within one rotation), with their ends for bisecting."""
    out: dict[str, tuple[list[datetime], list[Slot]]] = {}
    for slot in slots:
        ends, held = out.setdefault(slot.rotation, ([], []))
        ends.append(slot.end)
        held.append(slot)
    return out


def _first_overlap(indexed: tuple[list[datetime], list[Slot]], start: datetime, end: datetime) -> Slot | None:
    ends, held = indexed
    index = bisect.bisect_right(ends, start)
    return held[index] if index < len(held) and held[index].start < end else None


def _role_slots(ctx: Context, names: list[str]) -> list[Slot]:
    out: list[Slot] = []
    for name in names:
        schedule = ctx.schedule.rotations.get(name)
        if schedule is not None:
            out.extend(upcoming(ctx, schedule.slots))
    return out


# When a person is both primary and secondary: from, to, and the two slots.
_Clash = tuple[datetime, datetime, Slot, Slot]


def _first_clash(primary: list[Slot], secondary: list[Slot], now: datetime) -> _Clash | None:
    """The earliest moment from now at which a primary slot and a secondary slot overlap: one sweep
    over both lists sorted by start, keeping the secondary slots still open."""
    primary = sorted(primary, key=lambda s: s.start)
    secondary = sorted(secondary, key=lambda s: s.start)
    best: _Clash | None = None
    open_secondary: list[Slot] = []
    j = 0
    for slot in primary:
        if best is not None and slot.start >= best[0]:
            break
        while j < len(secondary) and secondary[j].start < slot.end:
            open_secondary.append(secondary[j])
            j += 1
        open_secondary = [s for s in open_secondary if s.end > slot.start]
        for other in open_secondary:
            start, end = max(slot.start, other.start, now), min(slot.end, other.end)
            if start < end and (best is None or start < best[0]):
                best = (start, end, slot, other)
    return best


def _earliest_clash(ctx: Context, primaries: list[str], secondaries: list[str]) -> _Clash | None:
    secondary = by_person(_role_slots(ctx, secondaries))
    clash = None
    for person, primary in by_person(_role_slots(ctx, primaries)).items():
        found = _first_clash(primary, secondary.get(person, []), ctx.now)
        if found is not None and (clash is None or found[0] < clash[0]):
            clash = found
    return clash


@rule("ROT011", "primary-is-secondary", model_only=True)
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
    clashes: dict[tuple[tuple[str, ...], tuple[str, ...]], _Clash | None] = {}
    for service in ctx.model.services.values():
        oncall = ctx.model.oncall_for(service)
        if oncall is None or not oncall.primary or not oncall.secondary:
            continue
        roles = (tuple(oncall.primary), tuple(oncall.secondary))
        if roles not in clashes:  # a team's services share its on-call: looked at once
            clashes[roles] = _earliest_clash(ctx, oncall.primary, oncall.secondary)
        clash = clashes[roles]
        if clash:
            start, end, slot, other = clash
            holder = ctx.model.people.get(slot.person)
            tz = holder.tz if holder else UTC
            where = service.oncall.node.loc if service.oncall else ctx.model.teams[service.team or ""].oncall.node.loc  # type: ignore[union-attr]
            yield Finding(f"service/{service.name}", where,
                          f"{slot.person} is both primary ({slot.rotation}) and secondary ({other.rotation}) for "
                          f"'{service.name}' {stretch(start, end, tz)}; offset one rotation's turn order or add "
                          "an override")


def _first_outside(slots: list[Slot], now: datetime, tz: tzinfo, local_hours: tuple[int, int],
                   known: dict[tuple[datetime, datetime], Interval | None]) -> Interval | None:
    for slot in slots:
        span = (max(slot.start, now), slot.end)
        if span not in known:
            known[span] = next(iter(outside_window(span[0], span[1], tz, local_hours)), None)
        if known[span] is not None:
            return known[span]
    return None


@rule("ROT013", "outside-local-hours", Severity.WARNING, model_only=True)
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
    # The first stretch of a slot outside a zone's hours, by zone, hours and slot: legs in one zone
    # with the same `hours` have the same windows, so most slots are looked at once.
    firsts: dict[tuple[tzinfo, tuple[int, int]], dict[tuple[datetime, datetime], Interval | None]] = {}
    for name, schedule in ctx.schedule.rotations.items():
        rotation = schedule.rotation
        if rotation.hours is None:
            continue
        local_hours = ctx.model.policy_for(rotation).local_hours
        for person, slots in by_person(upcoming(ctx, schedule.slots)).items():
            if person not in ctx.model.people:
                continue
            tz = ctx.model.people[person].tz
            key = ("ROT013", ctx.now, person, tz, local_hours)
            if key not in schedule.memo:  # unchanged since the base (diff mode): computed there already
                schedule.memo[key] = _first_outside(slots, ctx.now, tz, local_hours,
                                                    firsts.setdefault((tz, local_hours), {}))
            outside = schedule.memo[key]
            if outside:
                start, end = outside
                yield Finding(f"rotation/{name}", slot_member_location(ctx, slots[0]),
                              f"{person} is on call on leg '{name}' from {format_local(start, tz)} to "
                              f"{format_local(end, tz)} their time ({zone_name(tz)}), outside their waking hours; "
                              "staff the leg from its own time zone or change its `hours`")

