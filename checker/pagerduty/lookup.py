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
from .client import NotFound, PagerDuty, PagerDutyError
from .mapping import iso, people, rosters
from .plan import entries, find_schedule
from .timeline import Stretch


def gather(model: Model, now: datetime, pd: PagerDuty, base: Model | None = None) -> tuple[PagerFacts, str | None]:
    """PagerDuty's final schedules over the horizon, holders named as the config's people; and a note
    naming the rotations PagerDuty has no schedule for (None when all have one). With `base` (the merge
    base's model, in a pull request), its simulated schedule as the baseline DRF001 also compares with.
    PagerDutyError for any failure, an answer that is not what the API promises included."""
    try:
        return _gather(model, now, pd, base)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise PagerDutyError(pd.explain("read PagerDuty's schedules", exc)) from None


def _gather(model: Model, now: datetime, pd: PagerDuty, base: Model | None) -> tuple[PagerFacts, str | None]:
    from datetime import UTC

    from ..schedule import simulate

    since, until = now, now + model.policy.horizon
    facts = PagerFacts(since, until)
    rotations = [r for r in model.rotations.values() if rosters(r)]
    names = list(dict.fromkeys(p for r in rotations for p in people(r, since)))
    emails = {n: model.people[n].email for n in names if n in model.people and model.people[n].email}
    for name in names:
        if name not in emails:
            facts.unmatched[name] = "no email in the config, so PagerDuty cannot have them"
    found = pd.user_ids(list(dict.fromkeys(e for e in emails.values() if e)))
    by_user: dict[str, str] = {}
    for name, email in emails.items():
        user_id = found.get(str(email))
        if user_id is None:
            facts.unmatched[name] = f"PagerDuty has no user with email {email}"
        else:
            by_user.setdefault(user_id, name)
    by_email = {p.email.lower(): p.name for p in model.people.values() if p.email}
    missing = []
    for rotation in rotations:
        try:
            schedule = find_schedule(model, rotation, pd, (iso(since, UTC), iso(until, UTC)))
        except NotFound:
            schedule = None
        if schedule is None:
            missing.append(rotation.name)
            continue
        facts.schedules[rotation.name] = (terminal(str(schedule["id"])), [
            Stretch(s.start, s.end, by_user.get(str(s.holder)) or _stranger(pd, str(s.holder), by_email)
                    if s.holder else None)
            for s in entries(schedule.get("final_schedule"))])
    if base is not None:
        simulated = simulate(base, now, model.policy.horizon, [n for n in facts.schedules if n in base.rotations])
        facts.baseline = {name: [Stretch(s.start, s.end, s.person) for s in found.slots]
                          for name, found in simulated.rotations.items()}
    note = None
    if missing:
        note = (f"PagerDuty has no schedule for {len(missing)} rotation(s), not checked for drift: "
                f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''} (`ownership pagerduty apply` "
                "creates them)")
    return facts, note


def _stranger(pd: PagerDuty, user_id: str, by_email: dict[str, str]) -> str:
    """A PagerDuty user who is in none of the rotations: a person of the config by their email (asked
    once per user), else named by PagerDuty's own name for them."""
    try:
        user = pd.user(user_id)
    except NotFound:
        return f"PagerDuty user {terminal(user_id[:60])}"
    person = by_email.get(str(user.get("email") or "").lower())
    return person or f"PagerDuty user {terminal(str(user.get('name') or user_id)[:60])}"
