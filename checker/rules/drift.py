"""DRF001 (`check --online` with PAGERDUTY_TOKEN): PagerDuty's final schedule differs from the simulated one.

PagerDuty is read in checker/pagerduty/lookup.py before the rules run (rules do no I/O); this rule only
compares what it gathered with the simulated schedule, through the same comparison the plan uses. In a
pull request (--base), PagerDuty holds the base's schedule until the merge is applied, so the pull
request's own changes are not drift: a stretch counts only where PagerDuty differs from the base too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING

from ..records import record
from ..schedule import format_local
from .registry import Context, Finding, rule

if TYPE_CHECKING:
    from ..pagerduty.timeline import Stretch


@record
class PagerFacts:
    """What PagerDuty said, per rotation: its schedule's ID and final schedule over [since, until), each
    stretch held by a person's name (or `PagerDuty user NAME` for a user the config does not have)."""

    since: datetime
    until: datetime
    schedules: dict[str, tuple[str, list[Stretch]]] = field(default_factory=dict)
    unmatched: dict[str, str] = field(default_factory=dict)  # person -> why PagerDuty cannot page them
    # With --base: the merge base's simulated schedule, which is what `apply` has put in PagerDuty. A pull
    # request's own schedule changes are not drift: only stretches where PagerDuty differs from both count.
    baseline: dict[str, list[Stretch]] | None = None


@rule("DRF001", "pager-drift")
def pager_drift(ctx: Context) -> Iterator[Finding]:
    """(`--online`, PAGERDUTY_TOKEN) PagerDuty's final schedule for a rotation differs from the simulated
    one over the horizon: someone swapped a shift in PagerDuty's UI, or the last change was not applied.

    Why: PagerDuty pages whoever its schedule names, not ownership.yaml. When the two drift apart, the
    rules here check a rotation nobody is paged by, and the person who believes they are off may be the
    one paged (or nobody is).

    Fails:
        # PagerDuty: bob swapped his 2026-12-01 shift with carol in the UI
        rotations:
          payments-eu: {members: [alice, bob, carol], shift: 1w, start: 2026-01-06T12:00}
    Fixed:
        # the swap written down, then `ownership pagerduty apply`
        rotations:
          payments-eu:
            members: [alice, bob, carol]
            shift: 1w
            start: 2026-01-06T12:00
            overrides:
              - {person: carol, from: 2026-12-01T12:00, to: 2026-12-08T12:00}
    """
    facts = ctx.extras.get("pagerduty")
    if not isinstance(facts, PagerFacts):
        return
    from ..pagerduty.timeline import Stretch, differences, within  # only with --online and PAGERDUTY_TOKEN

    for name, (schedule_id, actual) in sorted(facts.schedules.items()):
        rotation = ctx.model.rotations.get(name)
        simulated = ctx.schedule.rotations.get(name)
        if rotation is None or simulated is None:
            continue
        expected = [Stretch(s.start, s.end, s.person) for s in simulated.slots]
        found = differences(expected, actual, facts.since, facts.until)
        if facts.baseline is not None and name in facts.baseline:
            found = within(found, differences(facts.baseline[name], actual, facts.since, facts.until))
        if not found:
            continue
        first, tz = found[0], rotation.tz
        holders = [h for h in (first.expected, first.actual) if h in facts.unmatched]
        why = "".join(f" ({h}: {facts.unmatched[h]})" for h in holders)
        more = f"; {len(found) - 1} more stretch(es) differ" if len(found) > 1 else ""
        yield Finding(f"rotation/{name}", rotation.node.loc,
                      f"PagerDuty schedule {schedule_id} differs from rotation {name}: from "
                      f"{format_local(first.start, tz)} to {format_local(first.end, tz)} ({tz}) PagerDuty pages "
                      f"{first.actual or 'nobody'} where the config has {first.expected or 'nobody'}{why}{more}; "
                      "write the swap into `overrides:`, or run `ownership pagerduty apply`",
                      detail=f"{first.start.isoformat()}/{first.end.isoformat()}")
