"""`ownership import pagerduty`: existing PagerDuty schedules as this config's YAML, for adoption.

Each schedule becomes a rotation (and a team of its members) from the layer in force now: its users in
turn order, its turn length as `shift`, its virtual start as `start`, its restrictions as `hours`/`days`.
Layers that take over from it one after another, each where the one before ends, at a regular handoff of
the roster before it (as the engine reads it) and with the same restrictions, become `changes` entries
(SPEC §7.1), with `first` the user holding the new layer's turn then. Whatever else PagerDuty's final
schedule holds over the coming weeks (overlapping layers, a layer taking over mid-shift, PagerDuty's
overrides, turns that drift against local time, shift patterns' handoffs) becomes `overrides:`, found by
simulating the imported rotation with this tool's own engine and comparing: so import -> simulate gives
PagerDuty's final schedule. Stretches PagerDuty leaves uncovered where the imported rotation covers
someone cannot be written as overrides; a comment names them, and each live layer left to overrides.

Every value from PagerDuty is written through escape.yaml_scalar or as a validated name.
"""

from __future__ import annotations

import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..escape import one_line, yaml_scalar
from ..schedule.roster import Roster, next_roster
from ..timeutil import format_duration, wall, zone
from .client import PagerDuty, PagerDutyError
from .mapping import iso
from .plan import entries
from .timeline import Stretch, differences, parse_instant

_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def name_for(text: str, taken: set[str], fallback: str) -> str:
    """A valid config name (^[a-z0-9][a-z0-9._-]*$) from any text, unique among `taken`."""
    base = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")[:60] or fallback
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def _clock(text: Any) -> int | None:
    match = re.fullmatch(r"(\d{2}):(\d{2})(?::00)?", str(text))
    return int(match.group(1)) * 60 + int(match.group(2)) if match and int(match.group(1)) < 24 else None


def hours_and_days(limits: list[Any]) -> tuple[str | None, list[str] | None, bool]:
    """PagerDuty restrictions as `hours` and `days`, and whether that says exactly the same."""
    if not limits:
        return None, None, True
    starts = {_clock(r.get("start_time_of_day")) for r in limits if isinstance(r, dict)}
    lengths = {int(r.get("duration_seconds") or 0) for r in limits if isinstance(r, dict)}
    kinds = {r.get("type") for r in limits if isinstance(r, dict)}
    if len(starts) != 1 or None in starts:
        return None, None, False
    start = starts.pop()
    assert start is not None
    if kinds == {"daily_restriction"} and len(lengths) == 1 and 0 < (length := lengths.pop()) < 86400 \
            and length % 60 == 0:
        return f"{start // 60:02d}:{start % 60:02d}-{(start + length // 60) // 60 % 24:02d}:{(start + length // 60) % 60:02d}", \
            None, True
    if kinds != {"weekly_restriction"}:
        return None, None, False
    days: list[int] = []
    if start == 0 and all(n % 86400 == 0 for n in lengths):  # whole days, perhaps several in one restriction
        for r in limits:
            first = int(r.get("start_day_of_week") or 0) - 1
            days += [(first + i) % 7 for i in range(int(r["duration_seconds"]) // 86400)]
        return None, [_WEEKDAYS[d] for d in sorted(set(days)) if 0 <= d < 7], len(set(days)) == len(days)
    if len(lengths) == 1 and 0 < (length := lengths.pop()) < 86400 and length % 60 == 0:
        days = sorted({int(r.get("start_day_of_week") or 0) - 1 for r in limits})
        end = start + length // 60
        return f"{start // 60:02d}:{start % 60:02d}-{end // 60 % 24:02d}:{end % 60:02d}", \
            [_WEEKDAYS[d] for d in days if 0 <= d < 7], all(0 <= d < 7 for d in days)
    return None, None, False


def _local(moment: datetime, tz: Any) -> str:
    """A datetime the config reads back as this very instant: local time with its offset."""
    text = moment.astimezone(tz).isoformat(timespec="seconds")
    return text.replace(":00+", "+").replace(":00-", "-") if re.search(r"T\d{2}:\d{2}:00[+-]", text) else text


def _layer_in_force(layers: list[Any], now: datetime) -> dict[str, Any] | None:
    live = [la for la in layers if isinstance(la, dict) and (not la.get("end") or parse_instant(la["end"]) > now)]
    live.sort(key=lambda la: parse_instant(la.get("start")))
    current = [la for la in live if parse_instant(la.get("start")) <= now]
    return current[-1] if current else (live[0] if live else None)


def import_schedules(pd: PagerDuty, ids: list[str], now: datetime, ahead: timedelta) -> str:
    """The YAML text: version, people, teams and rotations for the schedules `ids` (all when empty);
    PagerDutyError for any failure, an answer that is not what the API promises included."""
    try:
        return _import(pd, ids, now, ahead)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise PagerDutyError(pd.explain("import PagerDuty's schedules", exc)) from None


def _import(pd: PagerDuty, ids: list[str], now: datetime, ahead: timedelta) -> str:
    since, until = now.replace(second=0, microsecond=0), now.replace(second=0, microsecond=0) + ahead
    ids = ids or [str(s["id"]) for s in pd.all_schedules()]
    people: dict[str, str] = {}  # PagerDuty user ID -> person name
    person_lines: list[str] = []
    taken_people: set[str] = set()
    taken_rotations: set[str] = set()
    blocks: list[tuple[str, list[str], str, list[Stretch], Any, list[str]]] = []
    for schedule_id in ids:
        schedule = pd.schedule(schedule_id, iso(since, _utc()), iso(until, _utc()))
        name = name_for(str(schedule.get("name") or ""), taken_rotations, f"schedule-{schedule_id.lower()}")
        for user_id in _users_of(schedule):
            if user_id not in people:
                user = pd.user(user_id)
                email = str(user.get("email") or "")
                person = name_for(email.split("@")[0] if email else str(user.get("name") or ""), taken_people,
                                  f"user-{user_id.lower()}")
                people[user_id] = person
                fields = [f"name: {yaml_scalar(one_line(str(user.get('name') or '')) or person)}"]
                if _PLAIN_EMAIL.fullmatch(email):
                    fields.append(f"email: {yaml_scalar(email)}")
                if _valid_zone(user.get("time_zone")):
                    fields.append(f"timezone: {yaml_scalar(str(user['time_zone']))}")
                person_lines.append(f"  {person}: {{{', '.join(fields)}}}")
        final = [Stretch(s.start, s.end, people.get(str(s.holder))) for s in entries(schedule.get("final_schedule"))]
        lines, zone_name, members = _rotation_lines(schedule, name, people, now)
        blocks.append((name, lines, zone_name, final, schedule_id, members))
    head = ["# Imported from PagerDuty by `ownership import pagerduty`; review, then merge into ownership.yaml.",
            "version: 1", "people:"] + (person_lines or ["  {}"])
    body = head + ["teams:"] + [f"  {name}: {{members: [{', '.join(block[-1])}]}}" for name, *block in blocks]
    body += ["rotations:"] + [line for _, lines, *_ in blocks for line in lines]
    mapped = [f"    {name}: {schedule_id}" for name, *_, schedule_id, _ in blocks
              if re.fullmatch(r"[A-Z0-9]{1,32}", schedule_id)]
    body += ["pagerduty:", "  schedules:"] + mapped if mapped else []
    draft = "\n".join(body) + "\n"
    return _with_overrides(draft, blocks, since, until)


def _utc() -> Any:
    from datetime import UTC

    return UTC


def _valid_zone(value: Any) -> bool:
    try:
        return isinstance(value, str) and zone(value) is not None
    except ValueError:
        return False


def _users_of(schedule: dict[str, Any]) -> list[str]:
    """The schedule's users: its layers' in turn order, then anyone else its final schedule names."""
    found = []
    for layer in schedule.get("schedule_layers") or []:
        for item in layer.get("users") or [] if isinstance(layer, dict) else []:
            user = item.get("user") if isinstance(item, dict) else None
            if isinstance(user, dict) and isinstance(user.get("id"), str):
                found.append(user["id"])
    found += [str(e.holder) for e in entries(schedule.get("final_schedule")) if e.holder]
    return list(dict.fromkeys(u for u in found if re.fullmatch(r"[A-Za-z0-9]{1,32}", u)))


# The config's own rule for people.X.email (schemas/ownership.schema.json): one '@', no spaces or controls.
_PLAIN_EMAIL = re.compile(r"[^\s@\x00-\x1f\x7f-\x9f]+@[^\s@\x00-\x1f\x7f-\x9f]+")


def _rotation_lines(schedule: dict[str, Any], name: str, people: dict[str, str],
                    now: datetime) -> tuple[list[str], str, list[str]]:
    """The rotation's YAML lines, its zone and its members (every roster's): the layer in force now as the
    rotation, and the layers that follow it at a regular handoff as its `changes`."""
    zone_name = str(schedule.get("time_zone") or "UTC")
    if not _valid_zone(zone_name):
        zone_name = "UTC"
    tz = zone(zone_name)
    found = schedule.get("schedule_layers") or []
    layer = _layer_in_force(found, now)
    lines = [f"  {name}:", f"    team: {name}", f"    timezone: {yaml_scalar(zone_name)}"]
    if layer is None:
        return lines + ["    members: []  # the schedule has no layer in force: fill in", "    shift: 1w",
                        f"    start: {yaml_scalar(_local(now, tz))}"], zone_name, []
    members = _layer_users(layer, people)
    seconds = max(60, int(layer.get("rotation_turn_length_seconds") or 0))
    hours, days, exact = hours_and_days(layer.get("restrictions") or [])
    lines += [f"    members: [{', '.join(members)}]", f"    shift: {format_duration(timedelta(seconds=seconds))}",
              f"    start: {yaml_scalar(_local(parse_instant(layer.get('rotation_virtual_start')), tz))}"]
    if hours:
        lines.append(f"    hours: {yaml_scalar(hours)}")
    if days:
        lines.append(f"    days: [{', '.join(days)}]")
    if not exact:
        lines.append("    # PagerDuty's restrictions on this layer have no `hours`/`days` equivalent: check the overrides")
    changes, everyone, notes = _following_rosters(found, layer, people, tz, now)
    if changes:
        lines += ["    changes:"] + changes
    return lines + notes, zone_name, list(dict.fromkeys(members + everyone))


def _layer_users(layer: dict[str, Any], people: dict[str, str]) -> list[str]:
    return [people[u["user"]["id"]] for u in layer.get("users") or []
            if isinstance(u, dict) and isinstance(u.get("user"), dict) and u["user"].get("id") in people]


def _roster_of(layer: dict[str, Any], people: dict[str, str], tz: Any) -> Roster | None:
    """A layer as the engine's roster (shift k from its virtual start held by its users in turn), or None
    when the config cannot say it: no users, a user without a person, a turn not in whole minutes."""
    members = _layer_users(layer, people)
    seconds = int(layer.get("rotation_turn_length_seconds") or 0)
    if not members or len(members) != len(layer.get("users") or []) or seconds < 60 or seconds % 60:
        return None
    return Roster(parse_instant(layer.get("rotation_virtual_start")), tuple(members), (timedelta(seconds=seconds),),
                  0, tz)


def _following_rosters(found: list[Any], base: dict[str, Any], people: dict[str, str], tz: Any,
                       now: datetime) -> tuple[list[str], list[str], list[str]]:
    """The layers that take over from `base` one after another, each where the one before ends, as
    `changes` entries (SPEC §7.1) while each takes over at a regular handoff of the roster before it, in its
    own turn, with the same restrictions; the members they add; and a comment for each live layer left to
    overrides. The engine (next_roster) decides what a regular handoff is, as it does for the config."""
    live = [la for la in found if isinstance(la, dict) and la is not base
            and (not la.get("end") or parse_instant(la["end"]) > now)]
    previous, layer = _roster_of(base, people, tz), base
    limits = hours_and_days(base.get("restrictions") or [])
    changes: list[str] = []
    members: list[str] = []
    while previous is not None and layer.get("end"):
        end = parse_instant(layer["end"])
        following = next((la for la in live if parse_instant(la.get("start")) == end), None)
        own = _roster_of(following, people, tz) if following is not None else None
        if following is None or own is None or hours_and_days(following.get("restrictions") or []) != limits:
            break
        k, handoff = own.handoff_at_or_after(end)
        roster = next_roster(previous, end, list(own.members), own.pattern, own.owner(k)) if handoff == end else None
        if not isinstance(roster, Roster):
            break
        shift = "" if own.pattern == previous.pattern else f", shift: {format_duration(own.pattern[0])}"
        changes.append(f"      - {{from: {yaml_scalar(_local(end, tz))}, members: [{', '.join(own.members)}], "
                       f"first: {own.owner(k)}{shift}}}")
        members += own.members
        live.remove(following)
        previous, layer = roster, following
    notes = [f"    # PagerDuty layer {yaml_scalar(one_line(str(la.get('name') or la.get('id') or '?'))[:60])} from "
             f"{wall(parse_instant(la.get('start')), tz):%Y-%m-%d %H:%M} does not take over from the one before at "
             "a regular handoff: its shifts are written as overrides" for la in live]
    return changes, members, notes


def _with_overrides(draft: str, blocks: list[Any], since: datetime, until: datetime) -> str:
    """The draft with each rotation's overrides: where simulating it differs from PagerDuty's final schedule.
    An override here only changes who holds time the rotation covers (SPEC §3), so PagerDuty's paging
    outside the rotation's `hours`/`days`, or its gaps, cannot be written; a comment names the first few."""
    from ..config import load_config
    from ..schedule import simulate
    from ..sources.worktree import WorktreeSource

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "ownership.yaml").write_text(draft, encoding="utf-8")
        model = load_config(WorktreeSource(folder), "ownership.yaml").model
    simulated = simulate(model, since, until - since)
    out = draft.rstrip("\n").split("\n")
    for name, _, zone_name, final, schedule_id, _ in blocks:
        tz = zone(zone_name)
        slots = simulated.rotations[name].slots if name in simulated.rotations else []
        diffs = differences(final, [Stretch(s.start, s.end, s.person) for s in slots], since, until)
        extra = [f"      - {{person: {d.expected}, from: {yaml_scalar(_local(d.start, tz))}, "
                 f"to: {yaml_scalar(_local(d.end, tz))}}}" for d in diffs if d.expected and d.actual]
        unsaid = [d for d in diffs if not (d.expected and d.actual)]
        at = out.index(f"  {name}:") + 1
        while at < len(out) and out[at].startswith("    "):
            at += 1
        block = [f"    # PagerDuty schedule {yaml_scalar(schedule_id)}"]
        if extra:
            block += ["    overrides:"] + extra
        for gap in unsaid[:5]:
            block.append(f"    # cannot be written here: from {wall(gap.start, tz):%Y-%m-%d %H:%M} to "
                         f"{wall(gap.end, tz):%Y-%m-%d %H:%M} PagerDuty pages {gap.expected or 'nobody'}, "
                         f"this rotation {gap.actual or 'nobody'}")
        if len(unsaid) > 5:
            block.append(f"    # ... and {len(unsaid) - 5} more such stretch(es)")
        out[at:at] = block
    return "\n".join(out) + "\n"
