"""The schedule diff (SPEC §7.4): applying the reported stretches to the base schedule gives the head schedule,
and the stretches are exactly the moments whose holder changed, as few and as long as possible."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.model import Model, Override, Rotation, RotationPolicy
from checker.schedule import Schedule, ScheduleChange, schedule_diff, simulate
from tests.schedule.test_properties import NODE, rotations

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def model_of(*entries: Rotation) -> Model:
    model = Model("ownership.yaml")
    for entry in entries:
        model.rotations[entry.name] = entry
    return model


@st.composite
def edited(draw: st.DrawFn) -> tuple[Rotation, Rotation]:
    """A rotation and the same rotation after a random edit: members, pattern, start, overrides or hours."""
    base, _, _ = draw(rotations())
    head = Rotation(**{**base.__dict__, "overrides": list(base.overrides), "changes": list(base.changes)})
    edit = draw(st.sampled_from(["members", "pattern", "start", "override", "hours", "none"]))
    if edit == "members":
        head.members = draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=6))
        head.member_locs = [NODE.loc] * len(head.members)
    elif edit == "pattern":
        head.set_pattern((draw(st.sampled_from([timedelta(hours=12), timedelta(days=1), timedelta(weeks=1)])),))
        head.changes = []
    elif edit == "start":
        assert base.start is not None
        head.start = base.start + timedelta(hours=draw(st.integers(-500, 500)))
        head.changes = []
    elif edit == "override":
        begin = NOW + timedelta(hours=draw(st.integers(-100, 2000)))
        head.overrides = [Override("y", begin, begin + timedelta(hours=draw(st.integers(1, 300))), False, NODE.loc)]
    elif edit == "hours":
        head.hours = None if base.hours else (9 * 60, 17 * 60)
    return base, head


def holder(schedule: Schedule, name: str, moment: datetime) -> str | None:
    rotation = schedule.rotations.get(name)
    slot = rotation.at(moment) if rotation else None
    return slot.person if slot else None


def applied(base: Schedule, changes: list[ScheduleChange], name: str, moment: datetime) -> str | None:
    for change in changes:
        if change.rotation == name and change.start <= moment < change.end:
            return change.after
    return holder(base, name, moment)


@settings(max_examples=200, deadline=None)
@given(edited())
def test_applying_the_changes_to_the_base_gives_the_head(case: tuple[Rotation, Rotation]) -> None:
    base_rotation, head_rotation = case
    base = simulate(model_of(base_rotation), NOW, timedelta(weeks=12))
    head = simulate(model_of(head_rotation), NOW, timedelta(weeks=12))
    diff = schedule_diff(base, head)
    changes = diff.changes
    edges = sorted({t for s in base.rotations["r"].slots + head.rotations["r"].slots for t in (s.start, s.end)
                    if diff.start <= t < diff.end} | {diff.start})
    # every elementary stretch between two slot edges, probed at its start and just before its end
    for left, right in itertools.pairwise(edges + [diff.end]):
        for moment in (left, right - timedelta(seconds=1)):
            assert applied(base, changes, "r", moment) == holder(head, "r", moment), moment
    for change in changes:
        assert diff.start <= change.start < change.end <= diff.end
        assert change.before != change.after
        assert holder(base, "r", change.start) == change.before and holder(head, "r", change.start) == change.after
    for earlier, later in itertools.pairwise(changes):
        assert earlier.end <= later.start
        if earlier.end == later.start:
            assert (earlier.before, earlier.after) != (later.before, later.after)  # touching stretches are merged


@settings(max_examples=100, deadline=None)
@given(edited())
def test_per_person_hours_add_up_to_the_stretches(case: tuple[Rotation, Rotation]) -> None:
    base = simulate(model_of(case[0]), NOW, timedelta(weeks=12))
    head = simulate(model_of(case[1]), NOW, timedelta(weeks=12))
    diff = schedule_diff(base, head)
    hours = sum((c.end - c.start).total_seconds() for c in diff.changes if c.after) / 3600
    assert abs(sum(p.hours_gained for p in diff.people) - hours) < 1e-6
    for person in diff.people:
        assert (person.shifts_gained > 0) == (person.hours_gained > 0)
        assert (person.shifts_lost > 0) == (person.hours_lost > 0)


def test_an_unchanged_schedule_has_no_changes() -> None:
    rotation = Rotation("r", NODE, members=["a", "b"], member_locs=[NODE.loc] * 2, pattern=(timedelta(weeks=1),),
                        start=datetime(2026, 1, 6, 12, tzinfo=UTC))
    base = simulate(model_of(rotation), NOW)
    assert schedule_diff(base, simulate(model_of(rotation), NOW, reuse=base)).changes == []


def test_a_change_to_the_organisation_policy_alone_simulates_again() -> None:
    """The base simulated with its own `policy.rotation.holiday_window`; the head goes back to the default.
    The head must not take the base's holiday pieces (the rotation itself is unchanged)."""
    rotation = Rotation("r", NODE, members=["a", "b", "c", "d"], member_locs=[NODE.loc] * 4,
                        pattern=(timedelta(weeks=1),), start=datetime(2026, 1, 6, 12, tzinfo=UTC),
                        holiday_shift=timedelta(days=1))
    now = datetime(2026, 11, 24, 9, tzinfo=UTC)
    base_model = model_of(rotation)
    base_model.policy.rotation = RotationPolicy(holiday_window=((12, 1), (12, 5)))
    head_model = model_of(rotation)
    base = simulate(base_model, now)
    fresh = simulate(head_model, now)
    assert [(s.start, s.person) for s in base.rotations["r"].slots] != \
        [(s.start, s.person) for s in fresh.rotations["r"].slots]
    reused = simulate(head_model, now, reuse=base)
    assert [(s.start, s.end, s.person) for s in reused.rotations["r"].slots] == \
        [(s.start, s.end, s.person) for s in fresh.rotations["r"].slots]
    assert schedule_diff(fresh, reused).changes == []
