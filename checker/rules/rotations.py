"""ROT rules read from the config alone: rotations big enough, shifts short enough, load shared, members in the team.

The rules computed on the simulated schedule (t) are in schedule.py."""

from __future__ import annotations

from collections.abc import Iterator

from ..timeutil import format_duration
from .registry import Context, Finding, rule


def _subject(name: str) -> str:
    return f"rotation/{name}"


@rule("ROT001", "rotation-too-small")
def rotation_too_small(ctx: Context) -> Iterator[Finding]:
    """A rotation has fewer than `policy.rotation.min_members` schedulable members.

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
    minimum = ctx.model.policy.rotation.min_members
    for rotation in ctx.model.rotations.values():
        people = set(ctx.model.schedulable_members(rotation))
        if len(people) < minimum:
            exempt = [m for m in rotation.members if m in ctx.model.people and ctx.model.people[m].exempt]
            note = f" ({', '.join(exempt)} exempt)" if exempt else ""
            yield Finding(_subject(rotation.name), rotation.node.at("members"),
                          f"rotation '{rotation.name}' has {len(people)} schedulable member(s){note}, fewer than "
                          f"{minimum}; add {minimum - len(people)} more so each person is on call at most one "
                          f"shift in {minimum}")


@rule("ROT002", "shift-too-long")
def shift_too_long(ctx: Context) -> Iterator[Finding]:
    """A rotation's `shift` is longer than `policy.rotation.max_shift`.

    Why: one-week shifts are the widely shared practice; longer shifts mean
    interrupted sleep for longer than people recover from.

    Fails:
        rotations:
          payments-eu: {team: payments, members: [alice, bob, carol, dave], shift: 2w, start: 2026-01-06T12:00}
    Fixed:
        rotations:
          payments-eu: {team: payments, members: [alice, bob, carol, dave], shift: 1w, start: 2026-01-06T12:00}
    """
    limit = ctx.model.policy.rotation.max_shift
    for rotation in ctx.model.rotations.values():
        if rotation.shift is not None and rotation.shift > limit:
            yield Finding(_subject(rotation.name), rotation.node.at("shift"),
                          f"rotation '{rotation.name}' has {format_duration(rotation.shift)} shifts, longer than "
                          f"{format_duration(limit)}; set `shift: {format_duration(limit)}`")


@rule("ROT010", "member-not-in-team")
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
        for person, location in zip(rotation.members, rotation.member_locs):
            if person in ctx.model.people and person not in members:
                yield Finding(_subject(rotation.name), location,
                              f"'{person}' is on rotation '{rotation.name}' but not in team '{team.name}'; add "
                              f"them to teams.{team.name}.members or remove them from the rotation")


@rule("ROT008", "oncall-load-too-high")
def oncall_load_too_high(ctx: Context) -> Iterator[Finding]:
    """A person's long-run on-call share exceeds `policy.rotation.max_oncall_fraction`:
    the sum, over the rotations they are in, of the rotation's daily window
    share divided by its schedulable members.

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
    shares = ctx.model.oncall_shares()
    for person, parts in shares.items():
        total = sum(share for _, share in parts)
        if total > limit + 1e-9:
            detail = ", ".join(f"{name} {share:.0%}" for name, share in parts)
            yield Finding(f"person/{person}", ctx.model.people[person].node.loc,
                          f"{person} is on call {total:.0%} of the time in the long run ({detail}), more than "
                          f"{limit:.0%}; take them off a rotation or add people to these rotations")
