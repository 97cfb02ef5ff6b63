"""What `apply` would change in PagerDuty, and applying it (SPEC §10).

Everything is planned before anything is written: people are matched to PagerDuty users by email first
(a person without one, or with one PagerDuty does not know, stops the plan), then each rotation's
schedule is found (`pagerduty.schedules`, else by name), its layers compared by value with the mapped
ones, and its overrides with those needed. The overrides needed are exactly where the simulated schedule
and PagerDuty's own rendering of the layers (POST /schedules/preview) disagree, so PagerDuty's layer
semantics decide, never a re-implementation of them. Overrides are compared by what they do, not by
shape: when the layers stay and PagerDuty's final schedule already is the simulated one, nothing is
touched; otherwise an override PagerDuty has is kept if it pages whom the config pages over its whole
stretch (a swap written into the config in other pieces, an imported schedule's overrides), any other is
deleted, and only the differing stretches the kept ones do not cover are made. Stretches where
PagerDuty's layers page someone and the config nobody cannot be expressed (an override cannot remove
coverage) and are reported.

The overrides are planned from now to the horizon plus APPLY_MARGIN, so that `check --online` (which
compares up to the horizon) finds them in place between two scheduled applies.
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime, timedelta
from typing import Any

from ..escape import terminal
from ..model import Model, Rotation
from ..records import record
from ..schedule import simulate
from . import mapping
from .client import NotFound, PagerDuty, PagerDutyError
from .timeline import Difference, Stretch, differences, holds_throughout, normalise, outside, parse_instant

APPLY_MARGIN = timedelta(weeks=2)


@record
class Change:
    action: str  # create_schedule | update_schedule | delete_override | create_override
    rotation: str
    schedule: str | None  # the schedule's ID (None until created)
    summary: str  # one line for people
    start: datetime | None = None
    end: datetime | None = None
    person: str | None = None
    body: Any = None  # what apply sends
    override_id: str | None = None
    layers: list[dict[str, Any]] = field(default_factory=list)  # create/update: the layers, people by name

    def as_json(self, rotation: Rotation) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "rotation": self.rotation, "schedule": self.schedule,
                               "summary": self.summary}
        if self.start is not None and self.end is not None:
            out.update(start=mapping.iso(self.start, rotation.tz), end=mapping.iso(self.end, rotation.tz),
                       person=self.person)
        if self.action in ("create_schedule", "update_schedule"):
            out["layers"] = len(self.body.get("schedule_layers", []))
            out["layer_details"] = self.layers
        return out


@record
class RotationPlan:
    rotation: Rotation
    schedule_id: str | None
    changes: list[Change] = field(default_factory=list)
    unexpressible: list[Difference] = field(default_factory=list)


@record
class Plan:
    since: datetime
    until: datetime
    rotations: list[RotationPlan]

    @property
    def changes(self) -> list[Change]:
        return [c for r in self.rotations for c in r.changes]


def match_people(model: Model, names: list[str], pd: PagerDuty) -> dict[str, str]:
    """person -> PagerDuty user ID; PagerDutyError naming the people who cannot be matched."""
    emails = {n: model.people[n].email for n in names if n in model.people and model.people[n].email}
    without = [n for n in names if n not in emails]
    found = pd.user_ids(list(dict.fromkeys(str(e) for e in emails.values())))
    ids = {name: str(found[str(email)]) for name, email in emails.items() if found.get(str(email))}
    unknown = [f"{email} ({name})" for name, email in emails.items() if name not in ids]
    problems = []
    if without:
        problems.append(f"{_some(without)} {'has' if len(without) == 1 else 'have'} no email (add people."
                        f"{without[0] if len(without) == 1 else 'NAME'}.email)")
    if unknown:
        problems.append(f"PagerDuty has no user with email {_some(unknown)}")
    if problems:
        raise PagerDutyError("cannot match people to PagerDuty users by email: " + "; ".join(problems))
    return ids


def _some(items: list[str], shown: int = 5) -> str:
    if len(items) <= shown:
        return ", ".join(items)
    return f"{', '.join(items[:shown])} and {len(items) - shown} more"


def find_schedule(model: Model, rotation: Rotation, pd: PagerDuty,
                  window: tuple[str, str] | tuple[()] = ()) -> dict[str, Any] | None:
    """The rotation's schedule: `pagerduty.schedules`, else the one schedule named like the rotation;
    rendered over `window` (since, until) when one is given."""
    schedule_id = model.pagerduty_schedules.get(rotation.name)
    if schedule_id is not None:
        try:
            return pd.schedule(schedule_id, *window)
        except NotFound:
            raise PagerDutyError(f"pagerduty.schedules maps rotation {rotation.name} to {schedule_id}, which "
                                 "PagerDuty does not have; fix the ID, or remove it to create the schedule") from None
    named = pd.schedules_named(rotation.name)
    if len(named) > 1:
        ids = ", ".join(str(s["id"]) for s in named[:5])
        raise PagerDutyError(f"PagerDuty has {len(named)} schedules named {rotation.name} ({ids}); choose one with "
                             f"`pagerduty: {{schedules: {{{rotation.name}: ID}}}}`")
    return pd.schedule(named[0]["id"], *window) if named else None


def entries(sub_schedule: Any) -> list[Stretch]:
    """`rendered_schedule_entries` as stretches held by PagerDuty user IDs."""
    found = sub_schedule.get("rendered_schedule_entries") if isinstance(sub_schedule, dict) else None
    out = []
    for entry in found or []:
        user = entry.get("user") if isinstance(entry, dict) else None
        holder = user.get("id") if isinstance(user, dict) and isinstance(user.get("id"), str) else None
        out.append(Stretch(parse_instant(entry.get("start")), parse_instant(entry.get("end")), holder))
    return out


def wanted_overrides(diffs: list[Difference], since: datetime, until: datetime) -> list[Stretch]:
    """The overrides that turn the layers' rendering into the simulated schedule: every differing stretch
    the config gives to someone, touching ones of one person joined."""
    return normalise([Stretch(d.start, d.end, d.expected) for d in diffs if d.expected is not None], since, until)


def plan(model: Model, names: list[str], now: datetime, pd: PagerDuty) -> Plan:
    """Every change `apply` would make for the rotations `names`; PagerDutyError before any write, an
    answer that is not what the API promises included."""
    try:
        return _plan(model, names, now, pd)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise PagerDutyError(pd.explain("plan the changes to PagerDuty", exc)) from None


def _plan(model: Model, names: list[str], now: datetime, pd: PagerDuty) -> Plan:
    since = now.replace(second=0, microsecond=0)
    until = since + model.policy.horizon + APPLY_MARGIN
    rotations = [model.rotations[n] for n in names if mapping.rosters(model.rotations[n])]
    ids = match_people(model, list(dict.fromkeys(p for r in rotations for p in mapping.people(r, since))), pd)
    schedule = simulate(model, since, until - since, [r.name for r in rotations])
    return Plan(since, until, [_rotation_plan(model, r, schedule.rotations[r.name].slots, ids, since, until, pd)
                               for r in rotations])


def _rotation_plan(model: Model, rotation: Rotation, slots: list[Any], ids: dict[str, str], since: datetime,
                   until: datetime, pd: PagerDuty) -> RotationPlan:
    tz = rotation.tz
    window = (mapping.iso(since, tz), mapping.iso(until, tz))
    existing = find_schedule(model, rotation, pd, window)
    schedule_id = str(existing["id"]) if existing else None
    layers = mapping.layers(rotation, ids, since)
    body = mapping.schedule_body(rotation, layers)
    try:
        rendered = entries(pd.preview(body, *window).get("final_schedule"))
        expected = [Stretch(s.start, s.end, ids[s.holder]) for s in mapping.simulated_stretches(slots) if s.holder]
    except (ValueError, TypeError, KeyError) as exc:
        raise PagerDutyError(pd.explain("preview the schedule in PagerDuty", exc)) from None
    diffs = differences(expected, rendered, since, until)
    result = RotationPlan(rotation, schedule_id, unexpressible=[d for d in diffs if d.expected is None])
    names = {user_id: person for person, user_id in ids.items()}
    described = [mapping.described(layer, names) for layer in layers]
    wanted = wanted_overrides(diffs, since, until)
    if existing is None:
        result.changes.append(Change("create_schedule", rotation.name, None,
                                     f"create schedule {rotation.name} ({len(layers)} layer(s))", body=body,
                                     layers=described))
        present: list[tuple[Stretch, str, str]] = []
    else:
        update = _layer_update(existing, rotation, layers, since)
        if update is not None:
            result.changes.append(Change("update_schedule", rotation.name, schedule_id,
                                         f"update schedule {schedule_id}: {update[1]}", body=update[0], layers=described))
        try:
            if update is None and not differences(expected, entries(existing.get("final_schedule")), since, until):
                return result  # PagerDuty already pages as the config says: its overrides stay as they are
            present = _present_overrides(pd.overrides(str(schedule_id), *window), since, until)
        except (ValueError, TypeError) as exc:
            raise PagerDutyError(pd.explain(f"read the overrides of PagerDuty schedule {schedule_id}", exc)) from None
    target = normalise(expected, since, until)
    starts = [s.start for s in target]
    kept = [p for p in present if holds_throughout(target, p[0], starts)]
    for stretch, override_id, shown in present:
        if not holds_throughout(target, stretch, starts):
            person = names.get(str(stretch.holder)) or f"PagerDuty user {shown}"
            result.changes.append(Change("delete_override", rotation.name, schedule_id,
                                         f"delete override of {person}", stretch.start, stretch.end, person,
                                         override_id=override_id))
    for stretch in outside(wanted, [s for s, _, _ in kept]):
        person = names[str(stretch.holder)]
        result.changes.append(Change("create_override", rotation.name, schedule_id, f"override: {person}",
                                     stretch.start, stretch.end, person,
                                     body=mapping.override_body(stretch.start, stretch.end, str(stretch.holder), tz)))
    return result


def _present_overrides(found: list[dict[str, Any]], since: datetime,
                       until: datetime) -> list[tuple[Stretch, str, str]]:
    """PagerDuty's overrides clipped to the plan's window, with their IDs and PagerDuty's name for the user."""
    out = []
    for item in found:
        user = item.get("user")
        start, end = max(parse_instant(item.get("start")), since), min(parse_instant(item.get("end")), until)
        if start < end and isinstance(user, dict) and isinstance(item.get("id"), str):
            shown = terminal(str(user.get("summary") or user.get("id"))[:60])
            out.append((Stretch(start, end, str(user.get("id"))), str(item["id"]), shown))
    return out


def _layer_update(existing: dict[str, Any], rotation: Rotation, layers: list[dict[str, Any]],
                  since: datetime) -> tuple[dict[str, Any], str] | None:
    """The update that makes the schedule's live layers (and time zone) the mapped ones, or None when they
    are equal by value. Layers are matched in order of start and keep their IDs; a live layer left over
    is ended now (PagerDuty keeps a schedule's history)."""
    try:
        live = sorted((la for la in existing.get("schedule_layers") or [] if isinstance(la, dict)
                       and (not la.get("end") or parse_instant(la["end"]) > since)),
                      key=lambda la: parse_instant(la.get("start")))
        same = [mapping.layer_key(a, since) for a in live] == [mapping.layer_key(b, since) for b in layers]
    except (ValueError, TypeError, AttributeError):
        live, same = [], False
    if same and existing.get("time_zone") == rotation.timezone:
        return None
    updated = []
    for index, layer in enumerate(layers):
        if index < len(live) and isinstance(live[index].get("id"), str):
            layer = dict(layer, id=live[index]["id"])
        updated.append(layer)
    for layer in live[len(layers):]:
        ended: dict[str, Any] = {k: layer[k] for k in ("id", "name", "start", "rotation_virtual_start", "rotation_turn_length_seconds",
                                       "users", "restrictions") if k in layer}
        updated.append(dict(ended, end=mapping.iso(since, rotation.tz)))
    body = {"type": "schedule", "name": existing.get("name") or rotation.name, "time_zone": rotation.timezone,
            "schedule_layers": updated}
    what = "time zone" if same else f"{len(layers)} layer(s) from the config"
    return body, what


def apply(result: Plan, pd: PagerDuty) -> list[str]:
    """Make the planned changes, rotation by rotation; what was done, one line each. A failure raises
    PagerDutyError after the changes before it were made (apply again: it is idempotent)."""
    done = []
    for rotation_plan in result.rotations:
        schedule_id = rotation_plan.schedule_id
        creates = []
        for change in rotation_plan.changes:
            if change.action == "create_schedule":
                schedule_id = pd.create_schedule(change.body)
                rotation_plan.schedule_id = schedule_id
                done.append(f"{change.rotation}: created schedule {schedule_id}")
            elif change.action == "update_schedule":
                pd.update_schedule(str(schedule_id), change.body)
                done.append(f"{change.rotation}: {change.summary}")
            elif change.action == "delete_override":
                pd.delete_override(str(schedule_id), str(change.override_id))
                done.append(f"{change.rotation}: {change.summary}")
            else:
                creates.append(change.body)
        for batch in range(0, len(creates), 50):
            pd.create_overrides(str(schedule_id), creates[batch:batch + 50])
        if creates:
            done.append(f"{rotation_plan.rotation.name}: created {len(creates)} override(s)")
    return done
