"""Properties of the engine for any rotation: coverage is exactly the declared window, turns never overlap,
turns follow the roster, and nothing depends on the range simulated (SPEC §3, §7, §11)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.diagnostics import Location
from checker.model import Node, Override, RosterChange, Rotation, RotationPolicy
from checker.schedule import daily_windows, simulate_rotation, union
from checker.schedule.intervals import Interval
from checker.schedule.roster import timeline

ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"]
NODE = Node(Location("ownership.yaml"))
LENGTHS = [timedelta(minutes=30), timedelta(hours=1), timedelta(hours=8), timedelta(hours=12), timedelta(days=1),
           timedelta(days=3), timedelta(days=4), timedelta(weeks=1), timedelta(weeks=2)]


@st.composite
def rotations(draw: st.DrawFn) -> tuple[Rotation, datetime, datetime]:
    zone_name = draw(st.sampled_from(ZONES))
    tz = UTC if zone_name == "UTC" else ZoneInfo(zone_name)
    members = draw(st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=6))
    pattern = tuple(draw(st.lists(st.sampled_from(LENGTHS[1:]), min_size=1, max_size=3)))
    if draw(st.integers(0, 9)) == 0:
        pattern = (timedelta(minutes=30),)  # shorter than the model allows: the engine must still hold
    start_local = datetime(2025, 1, 1) + timedelta(minutes=30 * draw(st.integers(0, 2 * 24 * 600)))
    start = start_local.replace(tzinfo=tz).astimezone(UTC)
    hours = draw(st.one_of(st.none(), st.tuples(st.integers(0, 47), st.integers(1, 48)).filter(
        lambda p: p[0] % 48 != p[1] % 48).map(lambda p: (p[0] * 30, p[1] * 30))))
    days = draw(st.one_of(st.none(), st.sets(st.integers(0, 6), min_size=1).map(lambda d: tuple(sorted(d)))))
    holiday_shift = draw(st.sampled_from([None, timedelta(days=1), timedelta(days=1), timedelta(hours=12)]))
    overrides = []
    if draw(st.booleans()):
        o_start = start + timedelta(hours=draw(st.integers(0, 24 * 400)))
        overrides.append(Override("z", o_start, o_start + timedelta(hours=draw(st.integers(1, 200))), False,
                                  NODE.loc))
    rotation = Rotation("r", NODE, team="t", timezone=zone_name, tz=tz, members=members,
                        member_locs=[NODE.loc] * len(members), pattern=pattern, start=start, hours=hours,
                        days=days, holiday_shift=holiday_shift, overrides=overrides)
    if draw(st.booleans()):
        line = timeline(rotation)
        assert line is not None
        k = draw(st.integers(1, 60))
        new_members = draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=6))
        new_pattern = draw(st.one_of(st.none(), st.lists(st.sampled_from(LENGTHS[1:]), min_size=1,
                                                          max_size=3).map(tuple)))
        handoff = line.rosters[0].boundary(k)
        if handoff > start:
            rotation.changes.append(RosterChange(handoff, new_members, [NODE.loc] * len(new_members), NODE,
                                                 new_pattern, None))
    if draw(st.booleans()):
        window_start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=draw(st.integers(0, 24 * 800)))
        window_end = window_start + timedelta(days=draw(st.integers(1, 120)))
    else:  # around the holidays, where a range could end inside a holiday period
        window_start = datetime(draw(st.sampled_from([2025, 2026])), 12, 1, tzinfo=UTC) + timedelta(
            hours=draw(st.integers(0, 24 * 40)))
        window_end = window_start + timedelta(hours=draw(st.integers(1, 24 * 30)))
    return rotation, window_start, window_end


def simulate(rotation: Rotation, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    return simulate_rotation(rotation, start, end, RotationPolicy())


@settings(max_examples=300, deadline=None)
@given(rotations())
def test_union_of_slots_is_exactly_the_declared_window(case: tuple[Rotation, datetime, datetime]) -> None:
    rotation, start, end = case
    slots = simulate(rotation, start, end).slots
    assert rotation.start is not None
    begin = max(start, rotation.start)
    expected = daily_windows(rotation.hours, rotation.tz, begin, end, rotation.days) if begin < end else []
    assert union((s.start, s.end) for s in slots) == union(expected)


@settings(max_examples=300, deadline=None)
@given(rotations())
def test_slots_are_sorted_disjoint_and_nobody_overlaps_themselves(case: tuple[Rotation, datetime, datetime]) -> None:
    rotation, start, end = case
    slots = simulate(rotation, start, end).slots
    for earlier, later in itertools.pairwise(slots):
        assert earlier.end <= later.start
    people = set(rotation.members) | {m for c in rotation.changes for m in c.members} | {"z"}
    for slot in slots:
        assert start <= slot.start < slot.end <= end
        assert slot.person in people


@settings(max_examples=200, deadline=None)
@given(rotations())
def test_shifts_and_holiday_pieces_go_to_members_in_turn(case: tuple[Rotation, datetime, datetime]) -> None:
    rotation, start, end = case
    line = timeline(rotation)
    assert line is not None
    for slot in simulate(rotation, start, end).slots:
        if slot.override is None:
            roster = line.rosters[slot.roster]
            offset = max(slot.piece, 0)
            assert slot.person == roster.members[(roster.first + slot.shift + offset) % len(roster.members)]


@settings(max_examples=200, deadline=None)
@given(rotations(), st.integers(0, 10_000), st.integers(1, 60 * 24 * 60))
def test_the_same_moment_has_the_same_holder_whatever_the_range(case: tuple[Rotation, datetime, datetime],
                                                                 offset_minutes: int, length_minutes: int) -> None:
    # SPEC §11: holiday cutting and the turns do not depend on where the simulated range starts or ends.
    rotation, start, end = case
    whole = simulate(rotation, start, end)
    other_start = start + (end - start) * (offset_minutes / 10_000)
    other_end = other_start + timedelta(minutes=length_minutes)
    part = simulate(rotation, other_start, other_end)
    key = lambda s: None if s is None else (s.person, s.roster, s.shift, s.piece)
    for slot in part.slots:
        for moment in (slot.start, slot.end - timedelta(seconds=1)):
            if start <= moment < end:
                assert key(whole.at(moment)) == key(slot), moment
    for slot in whole.slots:
        if other_start <= slot.start < other_end:
            assert key(part.at(slot.start)) == key(slot)


def _in_local_window(moment: datetime, rotation: Rotation) -> bool:
    """An independent reading of SPEC §3/§7.2's covered window: the local clock is inside [open, close) on a
    covered day (a window wrapping midnight belongs to the day it opens)."""
    local = moment.astimezone(rotation.tz)
    minute = local.hour * 60 + local.minute
    open_minute, close_minute = rotation.hours or (0, 24 * 60)
    day = local.weekday()
    if open_minute < close_minute:
        inside, opened_on = open_minute <= minute < close_minute, day
    else:
        inside = minute >= open_minute or minute < close_minute
        opened_on = day if minute >= open_minute else (day - 1) % 7
    return inside and (rotation.days is None or opened_on in rotation.days)


@settings(max_examples=300, deadline=None)
@given(rotations(), st.lists(st.floats(0, 1), min_size=20, max_size=20))
def test_covered_exactly_when_the_local_clock_is_in_the_window(case: tuple[Rotation, datetime, datetime],
                                                               fractions: list[float]) -> None:
    rotation, start, end = case
    schedule = simulate(rotation, start, end)
    assert rotation.start is not None
    for fraction in fractions:
        moment = (start + (end - start) * fraction).replace(second=0, microsecond=0)
        if not start <= moment < end:
            continue
        offsets = {(moment + timedelta(hours=h)).astimezone(rotation.tz).utcoffset() for h in (-27, 0, 27)}
        if len(offsets) > 1:
            continue  # within a day of a DST change the local clock itself jumps
        expected = moment >= rotation.start and _in_local_window(moment, rotation)
        assert (schedule.at(moment) is not None) == expected, moment


class _Lurching(tzinfo):
    """A made-up zone whose offset jumps from -23:00 to +23:00 at 2026-03-10: its wall clock runs backwards
    by 46 hours, so a later day's window starts before an earlier day's (no real zone does this)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=-23 if dt is None or dt.replace(tzinfo=None) < datetime(2026, 3, 10) else 23)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return "LURCH"


def _each_day_then_union(window: tuple[int, int], tz: tzinfo, start: datetime, end: datetime) -> list[Interval]:
    """daily_windows written the slow way: the window of every local day from the day before start's to
    end's, clipped, then sorted and merged."""
    open_minute, close_minute = window
    close_minute += 24 * 60 if close_minute <= open_minute else 0
    day = start.astimezone(tz).date() - timedelta(days=1)
    out = []
    while day <= end.astimezone(tz).date():
        midnight = datetime(day.year, day.month, day.day)
        begin = (midnight + timedelta(minutes=open_minute)).replace(tzinfo=tz).astimezone(UTC)
        finish = (midnight + timedelta(minutes=close_minute)).replace(tzinfo=tz).astimezone(UTC)
        if max(begin, start) < min(finish, end):
            out.append((max(begin, start), min(finish, end)))
        day += timedelta(days=1)
    return union(out)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([*ZONES, "Pacific/Apia", "Australia/Lord_Howe", "lurching"]),
       st.tuples(st.integers(0, 47), st.integers(1, 48)).map(lambda p: (p[0] * 30, p[1] * 30)),
       st.integers(0, 24 * 60), st.integers(1, 24 * 30))
def test_daily_windows_are_each_days_window_merged(zone_name: str, window: tuple[int, int], offset_hours: int,
                                                   length_hours: int) -> None:
    tz: tzinfo = _Lurching() if zone_name == "lurching" else UTC if zone_name == "UTC" else ZoneInfo(zone_name)
    base = datetime(2011, 12, 1, tzinfo=UTC) if zone_name == "Pacific/Apia" else datetime(2026, 2, 20, tzinfo=UTC)
    start = base + timedelta(hours=offset_hours)
    end = start + timedelta(hours=length_hours)
    assert daily_windows(window, tz, start, end) == _each_day_then_union(window, tz, start, end)
