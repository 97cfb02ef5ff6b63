"""`check --online` with PAGERDUTY_TOKEN: each rotation's final schedule in PagerDuty, read before the rules run.

A rotation is looked up by `pagerduty.schedules`, else by its name; one with no schedule in PagerDuty is
not applied there, and is named in a note rather than failed. The first failure stops the look-ups: the
caller prints it as one line and the verdict is the rules' alone.
"""

from __future__ import annotations

from datetime import datetime

from ..escape import terminal
from ..model import Model
from ..rules.drift import PagerFacts
from .client import NotFound, PagerDuty
from .mapping import iso, rosters_of
from .plan import entries, find_schedule, people_of
from .timeline import Stretch


def gather(model: Model, now: datetime, pd: PagerDuty) -> tuple[PagerFacts, str | None]:
    """PagerDuty's final schedules over the horizon, holders named as the config's people; and a note
    naming the rotations PagerDuty has no schedule for (None when all have one)."""
    from datetime import UTC

    since, until = now, now + model.policy.horizon
    facts = PagerFacts(since, until)
    rotations = [r for r in model.rotations.values() if rosters_of(r)]
    names = list(dict.fromkeys(p for r in rotations for p in people_of(r)))
    emails = {n: model.people[n].email for n in names if n in model.people and model.people[n].email}
    for name in names:
        if name not in emails:
            facts.unmatched[name] = "no email in the config, so PagerDuty cannot have them"
    found = pd.user_ids(list(dict.fromkeys(e for e in emails.values() if e)))
    people: dict[str, str] = {}
    for name, email in emails.items():
        user_id = found.get(str(email))
        if user_id is None:
            facts.unmatched[name] = f"PagerDuty has no user with email {email}"
        else:
            people.setdefault(user_id, name)
    missing = []
    for rotation in rotations:
        try:
            existing = find_schedule(model, rotation, pd)
        except NotFound:
            existing = None
        if existing is None:
            missing.append(rotation.name)
            continue
        schedule = pd.schedule(str(existing["id"]), iso(since, UTC), iso(until, UTC))
        facts.schedules[rotation.name] = (terminal(str(existing["id"])), [
            Stretch(s.start, s.end, people.get(str(s.holder)) or _stranger(pd, str(s.holder)) if s.holder else None)
            for s in entries(schedule.get("final_schedule"))])
    note = None
    if missing:
        note = (f"PagerDuty has no schedule for {len(missing)} rotation(s), not checked for drift: "
                f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''} (`ownership pagerduty apply` "
                "creates them)")
    return facts, note


def _stranger(pd: PagerDuty, user_id: str) -> str:
    """A PagerDuty user the config's people are not: named by PagerDuty's own name for them."""
    try:
        name = str(pd.user(user_id).get("name") or user_id)
    except NotFound:
        name = user_id
    return f"PagerDuty user {terminal(name[:60])}"
