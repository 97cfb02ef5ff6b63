"""ROT rules read from the config alone: rotations big enough, shifts short enough, load shared, members in the team.

The rules computed on the simulated schedule (t) are in schedule.py."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Location
from ..model import Rotation
from ..schedule.load import long_run_shares
from ..timeutil import format_duration
from .registry import Context, Finding, rule
from .schedule_common import percent


def _subject(name: str) -> str:
    return f"rotation/{name}"


@rule("ROT001", "rotation-too-small", model_only=True)
def rotation_too_small(ctx: Context) -> Iterator[Finding]:
    """A rotation (or a roster change still to come) has fewer than
    `policy.rotation.min_members` schedulable members.

    Why: with fewer than four people each is on call at least one week in
    four, which burns people out; a turn every 4-7 weeks is sustainable.
    Exempt people and undeclared names do not count; a person listed twice
    counts once.

    Fails:
        rotations:
          payments-eu: {team: payments, members: [alice, bob, carol], shift: 1w, start: 2026-01-06T12:00}
    Fixed:
        rotations:
          payments-eu: {team: payments, members: [alice, bob, carol, dave], shift: 1w, start: 2026-01-06T12:00}
    """
    for rotation in ctx.model.rotations.values():
        minimum = ctx.model.policy_for(rotation).min_members
        for members, where in _rosters_from_now(ctx, rotation):
            people = {m for m in members if m in ctx.model.people and ctx.model.people[m].exempt is None}
            if len(people) < minimum:
                exempt = [m for m in dict.fromkeys(members) if m in ctx.model.people and ctx.model.people[m].exempt]
                note = f" ({', '.join(exempt)} exempt)" if exempt else ""
                yield Finding(_subject(rotation.name), where,
                              f"rotation '{rotation.name}' has {len(people)} schedulable member(s){note}, fewer than "
                              f"{minimum}; add {minimum - len(people)} more so each person is on call at most one "
                              f"shift in {minimum}")


def _rosters_from_now(ctx: Context, rotation: Rotation) -> list[tuple[list[str], Location]]:
    """The members of each roster still in force at `now` or later, with where they are written."""
    rosters = [(rotation.members, rotation.node.at("members"))]
    rosters += [(c.members, c.node.at("members")) for c in rotation.changes]
    starts = [rotation.start] + [c.start for c in rotation.changes]
    return [roster for i, roster in enumerate(rosters)
            if i + 1 >= len(starts) or (starts[i + 1] or ctx.now) > ctx.now]


@rule("ROT002", "shift-too-long", model_only=True)
def shift_too_long(ctx: Context) -> Iterator[Finding]:
    """A rotation's `shift` (each length of a shift pattern, and of each roster change) is
    longer than `policy.rotation.max_shift` (or the rotation's own `policy: {max_shift: ...}`).

    Why: one-week shifts are the widely shared practice; longer shifts mean
    interrupted sleep for longer than people recover from.

    Fails:
        rotations:
          payments-eu: {team: payments, members: [alice, bob, carol, dave], shift: 2w, start: 2026-01-06T12:00}
    Fixed:
        rotations:
          payments-eu: {team: payments, members: [alice, bob, carol, dave], shift: 1w, start: 2026-01-06T12:00}
    """
    for rotation in ctx.model.rotations.values():
        limit = ctx.model.policy_for(rotation).max_shift
        patterns = [(rotation.pattern, rotation.node.at("shift"))]
        patterns += [(c.pattern, c.node.at("shift")) for c in rotation.changes if c.pattern]
        for pattern, where in patterns:
            longest = max(pattern, default=None)
            if longest is not None and longest > limit:
                written = format_duration(longest) if len(pattern) == 1 else \
                    "[" + ", ".join(map(format_duration, pattern)) + "]"
                fix = f"set `shift: {format_duration(limit)}`" if len(pattern) == 1 else \
                    f"make no shift of the pattern longer than {format_duration(limit)}"
                yield Finding(_subject(rotation.name), where,
                              f"rotation '{rotation.name}' has {written} shifts, longer than "
                              f"{format_duration(limit)}; {fix}")


@rule("ROT010", "member-not-in-team", model_only=True)
def member_not_in_team(ctx: Context) -> Iterator[Finding]:
    """A rotation member is not a member of the rotation's team.

    Why: rotations are staffed by the team that owns the services; someone
    outside it is on call for systems they do not know and cannot change.

    Fails:
        teams:
          payments: {members: [alice, bob]}
        rotations:
          payments-eu: {team: payments, members: [alice, bob, mallory], shift: 1w, start: 2026-01-06T12:00}
    Fixed:
        teams:
          payments: {members: [alice, bob, mallory]}
    """
    for rotation in ctx.model.rotations.values():
        team = ctx.model.teams.get(rotation.team or "")
        if team is None:
            continue
        members = set(team.members)
        written = list(zip(rotation.members, rotation.member_locs))
        written += [pair for change in rotation.changes for pair in zip(change.members, change.member_locs)]
        for person, location in written:
            if person in ctx.model.people and person not in members:
                yield Finding(_subject(rotation.name), location,
                              f"'{person}' is on rotation '{rotation.name}' but not in team '{team.name}'; add "
                              f"them to teams.{team.name}.members or remove them from the rotation")


@rule("ROT008", "oncall-load-too-high", model_only=True)
def oncall_load_too_high(ctx: Context) -> Iterator[Finding]:
    """A person's long-run on-call share exceeds `policy.rotation.max_oncall_fraction`:
    the sum, over the rotations they are in, of the share of the week the
    rotation covers (`hours`, `days`) times the person's share of its turn
    order (everyone holding turns counts, exempt people until removed, and
    a shift pattern's lengths are weighed), for the roster that runs on.

    Why: no more than about 25% of anyone's time should be on call, all
    rotations together; beyond that on-call crowds out project work and rest.

    Fails:
        rotations:    # alice: 1/4 + 1/4 = 50%
          payments-eu: {members: [alice, bob, carol, dave]}
          payments-us: {members: [alice, erin, frank, grace]}
    Fixed:
        rotations:
          payments-us: {members: [heidi, erin, frank, grace]}
    """
    limit = ctx.model.policy.rotation.max_oncall_fraction
    for person, parts in long_run_shares(ctx.model).items():
        total = sum(share for _, share in parts)
        if person in ctx.model.people and total > limit + 1e-9:
            detail = ", ".join(f"{name} {percent(share)}" for name, share in parts)
            yield Finding(f"person/{person}", ctx.model.people[person].node.loc,
                          f"{person} is on call {percent(total, limit)} of the time in the long run ({detail}), "
                          f"more than {percent(limit)}; take them off a rotation or add people to these "
                          "rotations")
