"""`who` at any instant equals the calendar's event at that instant, for every `--from`/`--weeks` window that
contains it (the differential-testing finding of issue 12: holiday cutting used to depend on the range).

The calendar writes the slots `simulate(model, from, weeks)` gives it, one event per slot from `--from` on;
this checks those slots, so it holds whatever writes them out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.model import Model, Node, OnCall, Person, Rotation, Service
from checker.schedule import Schedule, Slot, simulate
from checker.who import on_call
from tests.schedule.test_properties import NODE, rotations


def model_of(rotation: Rotation) -> Model:
    model = Model("ownership.yaml")
    model.rotations[rotation.name] = rotation
    for person in set(rotation.members) | {m for c in rotation.changes for m in c.members} | {"z"}:
        model.people[person] = Person(person, Node(NODE.loc))
    model.services["api"] = Service("api", Node(NODE.loc), oncall=OnCall([rotation.name], [], Node(NODE.loc)))
    return model


def calendar_event(schedule: Schedule, start: datetime, moment: datetime) -> Slot | None:
    """The event the calendar writes that covers `moment` (events are slots clipped to start at --from)."""
    found = [s for s in schedule.rotations["r"].slots if s.end > start and max(s.start, start) <= moment < s.end]
    assert len(found) <= 1
    return found[0] if found else None


# Moments anywhere in 2025-2027, or in the 2026 holiday window (where cutting used to depend on the range).
MOMENTS = st.one_of(
    st.integers(0, 3 * 365 * 24 * 60).map(lambda m: datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=m)),
    st.integers(0, 13 * 24 * 60).map(lambda m: datetime(2026, 12, 22, tzinfo=UTC) + timedelta(minutes=m)))


@st.composite
def holiday_rotations(draw: st.DrawFn) -> Rotation:
    """Any rotation, or half the time one that is cut over the holidays (weekly-ish shifts, 1d pieces)."""
    rotation: Rotation = draw(rotations())[0]
    if draw(st.booleans()):
        rotation.holiday_shift = timedelta(days=1)
        rotation.days = rotation.hours = None
        if max(rotation.pattern) <= rotation.holiday_shift:
            rotation.pattern = (timedelta(weeks=1),)
            rotation.changes = []
    return rotation


# A window: how many weeks, and how many hours after the moment it ends (often soon: inside a holiday period).
WINDOWS = st.tuples(st.integers(1, 3), st.one_of(st.integers(1, 72), st.integers(1, 3 * 7 * 24)))


@settings(max_examples=300, deadline=None)
@given(holiday_rotations(), MOMENTS, st.lists(WINDOWS, min_size=1, max_size=4))
def test_who_equals_the_calendar_in_every_window_containing_the_moment(
        rotation: Rotation, moment: datetime, windows: list[tuple[int, int]]) -> None:
    model = model_of(rotation)
    answer = [p.person for p in on_call(model, model.services["api"], moment)]
    for weeks, hours_after in windows:
        window_start = moment + timedelta(hours=hours_after) - timedelta(weeks=weeks)
        if not window_start <= moment < window_start + timedelta(weeks=weeks):
            continue
        calendar = simulate(model, window_start, horizon=timedelta(weeks=weeks))
        event = calendar_event(calendar, window_start, moment)
        assert ([event.person] if event else []) == answer, (window_start, weeks, moment)
