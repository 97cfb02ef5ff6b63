"""ROT014: a pull request must not move who is on call sooner than the notice people are owed (SPEC §7.4).

Only with --base: diff mode simulates the base first and hands its model and
schedule to the head's rules (Context.extras "base_model", "base_schedule").
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from ..model import Model, Rotation
from ..schedule import Interval, Schedule, calendar_add, subtract, union
from ..schedule.localtime import wall
from ..schedule.roster import timeline
from ..timeutil import format_duration
from .registry import Context, Finding, rule
from .schedule_common import flow_yaml, rotation_subject, stretch

if TYPE_CHECKING:
    from ..schedule.diff import ScheduleChange


def base_side(ctx: Context) -> tuple[Model, Schedule] | None:
    model, schedule = ctx.extras.get("base_model"), ctx.extras.get("base_schedule")
    if isinstance(model, Model) and isinstance(schedule, Schedule):
        return model, schedule
    return None


def _overridden(schedule: Schedule, name: str) -> list[Interval]:
    held = schedule.rotations.get(name)
    return union((s.start, s.end) for s in held.slots if s.override is not None) if held else []


@rule("ROT014", "schedule-changed-without-notice")
def schedule_changed_without_notice(ctx: Context) -> Iterator[Finding]:
    """(`--base` only) The pull request moves who is on call at some moment before
    `now + policy.rotation.notice` (default 2w), other than through an override (t).

    Why: a rotation is a roster people plan their lives around. Appending
    someone to `members` re-deals every future shift, tonight's included;
    written as a `changes:` entry it takes effect at a handoff after the
    notice, and nothing moves before it. A swap agreed between two people
    is an override, which is exempt. Rotations the pull request adds or
    removes are not judged here (SVC002 and ROT005 are).

    Fails:
        rotations:
          payments-eu:
            members: [alice, bob, carol, dave, erin, frank]   # frank appended: tonight's shift moves
    Fixed:
        rotations:
          payments-eu:
            members: [alice, bob, carol, dave, erin]
            changes:
              - {from: 2026-12-15T12:00, members: [alice, bob, carol, dave, erin, frank]}
    """
    side = base_side(ctx)
    if side is None:
        return
    base_model, base_schedule = side
    from ..schedule.diff import schedule_diff  # diff mode only

    diff = schedule_diff(base_schedule, ctx.schedule)
    by_rotation: dict[str, list[ScheduleChange]] = {}
    for change in diff.changes:
        by_rotation.setdefault(change.rotation, []).append(change)
    for name, changes in by_rotation.items():
        rotation, before = ctx.model.rotations.get(name), base_model.rotations.get(name)
        if rotation is None or before is None:
            continue
        notice = ctx.model.policy_for(rotation).notice
        limit = calendar_add(ctx.now, notice, rotation.tz)
        exempt = union(_overridden(base_schedule, name) + _overridden(ctx.schedule, name))
        moved = next(((c, part) for c in changes if c.start < limit
                      for part in subtract([(max(c.start, ctx.now), min(c.end, limit))], exempt)), None)
        if moved is None:
            continue
        change, (start, end) = moved
        yield Finding(rotation_subject(name), rotation.node.at("members"),
                      f"this change moves rotation '{name}' {stretch(start, end, rotation.tz)} from "
                      f"{change.before or 'nobody'} to {change.after or 'nobody'}, sooner than the notice of "
                      f"{format_duration(notice)}; {_deferral(before, rotation, limit)}")


def _deferral(before: Rotation, after: Rotation, limit: datetime) -> str:
    """The `changes:` entry that makes the edit take effect at the first handoff after the notice."""
    line = timeline(before)
    same_setup = (before.timezone, before.start, before.hours, before.days, before.holiday_shift) == \
        (after.timezone, after.start, after.hours, after.days, after.holiday_shift)
    roster_edit = not before.changes and not after.changes and \
        (before.members, before.pattern) != (after.members, after.pattern)
    if line is None or not same_setup or not roster_edit or not after.pattern:
        return ("make this edit in a pull request merged after the notice, or give the moved time back with "
                "overrides")
    _, _, handoff = line.handoff_at_or_after(limit)
    entry: dict[str, object] = {"from": wall(handoff, before.tz).strftime("%Y-%m-%dT%H:%M"),
                                "members": after.members}
    if after.pattern != before.pattern:
        entry["shift"] = [format_duration(d) for d in after.pattern] if len(after.pattern) > 1 \
            else format_duration(after.pattern[0])
    keep = "members" + (" and shift" if "shift" in entry else "")
    return (f"keep {keep} as they were and add the edit as a roster change at the first handoff after the "
            f"notice: `changes: [{flow_yaml(entry)}]`")
