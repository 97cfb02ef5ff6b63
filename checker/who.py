"""Who is on call for a service at a moment: the answer `ownership who` prints."""

from __future__ import annotations

from datetime import datetime, timedelta

from .model import Model, Service
from .records import record
from .schedule import Schedule, Slot, simulate
from .schedule.limits import MAX_HORIZON


@record(frozen=True)
class OnCallPerson:
    role: str  # primary | secondary
    person: str
    rotation: str
    since: datetime
    until: datetime  # end of this person's turn (consecutive slots of the same person)
    override: bool


def simulate_for(model: Model, service: Service, at: datetime, weeks: int = 2) -> Schedule:
    oncall = model.oncall_for(service)
    names = [n for n in (oncall.primary + oncall.secondary if oncall else []) if n in model.rotations]
    longest = max((model.rotations[n].longest_shift() or timedelta(0) for n in names), default=timedelta(0))
    horizon = min(max(timedelta(weeks=weeks), 2 * longest), MAX_HORIZON)  # enough to see the turn's end
    return simulate(model, at, horizon=horizon, rotations=names)


def touching_turns(slots: list[Slot]) -> list[tuple[int, int]]:
    """(first, last) indexes of each turn: a run of touching slots of the same person, in one pass."""
    out: list[tuple[int, int]] = []
    for index, slot in enumerate(slots):
        if out and slots[index - 1].person == slot.person and slots[index - 1].end == slot.start:
            out[-1] = (out[-1][0], index)
        else:
            out.append((index, index))
    return out


def turn_bounds(slots: list[Slot], index: int) -> tuple[datetime, datetime]:
    """Start and end of the turn holding slots[index]: touching slots of the same person."""
    first = last = index
    while first > 0 and slots[first - 1].person == slots[index].person and slots[first - 1].end == slots[first].start:
        first -= 1
    while last + 1 < len(slots) and slots[last + 1].person == slots[index].person \
            and slots[last + 1].start == slots[last].end:
        last += 1
    return slots[first].start, slots[last].end


def on_call(model: Model, service: Service, at: datetime, schedule: Schedule | None = None) -> list[OnCallPerson]:
    """Everyone on call for the service at `at`, primaries first, in the config's rotation order."""
    schedule = schedule or simulate_for(model, service, at)
    oncall = model.oncall_for(service)
    out: list[OnCallPerson] = []
    if oncall is None:
        return out
    for role, names in (("primary", oncall.primary), ("secondary", oncall.secondary)):
        for name in names:
            rotation_schedule = schedule.rotations.get(name)
            if rotation_schedule is None:
                continue
            index = rotation_schedule.index_at(at)
            if index is None:
                continue
            slot = rotation_schedule.slots[index]
            since, until = turn_bounds(rotation_schedule.slots, index)
            out.append(OnCallPerson(role, slot.person, name, since, until, slot.override is not None))
    return out
