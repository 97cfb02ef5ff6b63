"""Properties of the engine for any rotation: coverage is exactly the declared window, turns never overlap."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.diagnostics import Location
from checker.model import Node, Override, Policy, Rotation
from checker.schedule import daily_windows, simulate_rotation, union

ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"]
NODE = Node(Location("ownership.yaml"))


@st.composite
def rotations(draw: st.DrawFn) -> tuple[Rotation, datetime, datetime]:
    zone_name = draw(st.sampled_from(ZONES))
    tz = UTC if zone_name == "UTC" else ZoneInfo(zone_name)
    members = draw(st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=6))
    shift = draw(st.sampled_from([timedelta(hours=8), timedelta(hours=12), timedelta(days=1), timedelta(days=3),
                                  timedelta(weeks=1), timedelta(weeks=2)]))
    start_local = datetime(2025, 1, 1) + timedelta(minutes=30 * draw(st.integers(0, 2 * 24 * 900)))
    start = start_local.replace(tzinfo=tz).astimezone(UTC)
    hours = draw(st.one_of(st.none(), st.tuples(st.integers(0, 47), st.integers(1, 48)).filter(
        lambda p: p[0] % 48 != p[1] % 48).map(lambda p: (p[0] * 30, p[1] * 30))))
    holiday_shift = draw(st.sampled_from([None, timedelta(days=1), timedelta(hours=12)]))
    overrides = []
    if draw(st.booleans()):
        o_start = start + timedelta(hours=draw(st.integers(0, 24 * 400)))
        overrides.append(Override("z", o_start, o_start + timedelta(hours=draw(st.integers(1, 200))), False,
                                  NODE.loc))
    rotation = Rotation("r", NODE, team="t", timezone=zone_name, tz=tz, members=members,
                        member_locs=[NODE.loc] * len(members), shift=shift, start=start, hours=hours,
                        holiday_shift=holiday_shift, overrides=overrides)
    window_start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=draw(st.integers(0, 24 * 800)))
    window_end = window_start + timedelta(days=draw(st.integers(1, 120)))
    return rotation, window_start, window_end


@settings(max_examples=300, deadline=None)
@given(rotations())
def test_union_of_slots_is_exactly_the_declared_window(case: tuple[Rotation, datetime, datetime]) -> None:
    rotation, start, end = case
    slots = simulate_rotation(rotation, Policy(), start, end).slots
    assert rotation.start is not None
    begin = max(start, rotation.start)
    expected = [(s, e) for s, e in daily_windows(rotation.hours, rotation.tz, begin, end)] if begin < end else []
    assert union((s.start, s.end) for s in slots) == union(expected)


@settings(max_examples=300, deadline=None)
@given(rotations())
def test_slots_are_sorted_disjoint_and_nobody_overlaps_themselves(case: tuple[Rotation, datetime, datetime]) -> None:
    rotation, start, end = case
    slots = simulate_rotation(rotation, Policy(), start, end).slots
    for earlier, later in itertools.pairwise(slots):
        assert earlier.end <= later.start
    for slot in slots:
        assert start <= slot.start < slot.end <= end
        assert slot.person in rotation.members or slot.person == "z"


@settings(max_examples=200, deadline=None)
@given(rotations())
def test_whole_shifts_go_to_members_in_turn(case: tuple[Rotation, datetime, datetime]) -> None:
    rotation, start, end = case
    for slot in simulate_rotation(rotation, Policy(), start, end).slots:
        if slot.override is None:
            offset = max(slot.piece, 0)
            assert slot.person == rotation.members[(slot.shift + offset) % len(rotation.members)]


def _in_local_window(moment: datetime, rotation: Rotation) -> bool:
    """An independent reading of SPEC §3's daily window: the local clock is inside [open, close)."""
    if rotation.hours is None:
        return True
    local = moment.astimezone(rotation.tz)
    minute = local.hour * 60 + local.minute
    open_minute, close_minute = rotation.hours
    if open_minute < close_minute:
        return open_minute <= minute < close_minute
    return minute >= open_minute or minute < close_minute


@settings(max_examples=300, deadline=None)
@given(rotations(), st.lists(st.floats(0, 1), min_size=20, max_size=20))
def test_covered_exactly_when_the_local_clock_is_in_the_window(case: tuple[Rotation, datetime, datetime],
                                                               fractions: list[float]) -> None:
    rotation, start, end = case
    schedule = simulate_rotation(rotation, Policy(), start, end)
    assert rotation.start is not None
    for fraction in fractions:
        moment = (start + (end - start) * fraction).replace(second=0, microsecond=0)
        if not start <= moment < end:
            continue
        offsets = {(moment + timedelta(hours=h)).astimezone(rotation.tz).utcoffset() for h in (-3, 0, 3)}
        if len(offsets) > 1:
            continue  # within hours of a DST change the local clock itself jumps
        expected = moment >= rotation.start and _in_local_window(moment, rotation)
        assert (schedule.at(moment) is not None) == expected, moment
