"""What the (t) rules share: subjects, locations, and wording of times, lengths and shares."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from ..diagnostics import Location
from ..model import Rotation
from ..schedule import Slot, format_local
from .registry import Context


def rotation_subject(name: str) -> str:
    return f"rotation/{name}"


def upcoming(ctx: Context, slots: list[Slot]) -> list[Slot]:
    return [s for s in slots if s.end > ctx.now]


def zone_name(tz: tzinfo) -> str:
    return str(tz)


def days(span: timedelta) -> str:
    """A calendar length in days, as people count them: '14 days', '2.5 days'."""
    count = span.total_seconds() / 86400
    return f"{count:.0f} days" if abs(count - round(count)) < 0.05 else f"{count:.1f} days"


def percent(value: float, limit: float | None = None) -> str:
    """value as a percentage: whole when it reads differently from limit ('43%'), else with as many
    decimals as it takes ('25.02%', never '25% ... more than 25%'); without a limit, up to two decimals."""
    if limit is None:
        return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"
    for decimals in range(5):
        text = f"{value:.{decimals}%}"
        if text != f"{limit:.{decimals}%}" or abs(value - limit) < 1e-9:
            return text
    return f"{value:.4%}"


def stretch(start: datetime, end: datetime, tz: tzinfo) -> str:
    return f"from {format_local(start, tz)} to {format_local(end, tz)} ({zone_name(tz)})"


def slot_location(ctx: Context, slot: Slot) -> Location:
    if slot.override is not None:
        return slot.override.loc
    return ctx.model.rotations[slot.rotation].node.loc


def member_location(rotation: Rotation, person: str, roster: int = 0) -> Location:
    """Where a person is written in a roster's members (the rotation's own, or changes[roster - 1])."""
    if 0 < roster <= len(rotation.changes):
        change = rotation.changes[roster - 1]
        names, locs, fallback = change.members, change.member_locs, change.node.loc
    else:
        names, locs, fallback = rotation.members, rotation.member_locs, rotation.node.loc
    for name, loc in zip(names, locs):
        if name == person:
            return loc
    return fallback


def slot_member_location(ctx: Context, slot: Slot) -> Location:
    if slot.override is not None:
        return slot.override.loc
    return member_location(ctx.model.rotations[slot.rotation], slot.person, slot.roster)


def by_person(slots: list[Slot]) -> dict[str, list[Slot]]:
    out: dict[str, list[Slot]] = {}
    for slot in slots:
        out.setdefault(slot.person, []).append(slot)
    return out


def hhmm(window: tuple[int, int]) -> str:
    return f"{window[0] // 60:02d}:{window[0] % 60:02d}-{window[1] // 60:02d}:{window[1] % 60:02d}"


def flow_yaml(edit: dict[str, object]) -> str:
    """An edit as a YAML flow mapping, written the way the config writes it (and read back by tests)."""
    def value(item: object) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        if isinstance(item, dict):
            return flow_yaml(item)
        if isinstance(item, str) and re.fullmatch(r"[0-9:-]+", item) and ":" in item:
            return f'"{item}"'  # a daily window; a datetime (with its T) reads as a string as it is
        return str(item)

    return "{" + ", ".join(f"{key}: {value(item)}" for key, item in edit.items()) + "}"
