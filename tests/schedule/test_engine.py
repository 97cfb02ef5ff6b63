"""The rotation engine against SPEC §3, §7 and §11: DST, windows across midnight, leap days, holiday
cutting, overrides, shift patterns, covered days and roster changes."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from checker.diagnostics import Location
from checker.model import Node, Override, RosterChange, Rotation, RotationPolicy
from checker.schedule import Slot, simulate_rotation
from checker.timeutil import parse_datetime, parse_window

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
NODE = Node(Location("ownership.yaml"))
WEEK, DAY = timedelta(weeks=1), timedelta(days=1)


def rotation(members: list[str], shift: timedelta | list[timedelta], start: str, tz: str = "UTC",
             hours: str | None = None, holiday_shift: timedelta | None = None,
             overrides: list[Override] | None = None, days: tuple[int, ...] | None = None,
             changes: list[RosterChange] | None = None) -> Rotation:
    zone = ZoneInfo(tz) if tz != "UTC" else UTC
    pattern = tuple(shift) if isinstance(shift, list) else (shift,)
    return Rotation("r", NODE, team="t", timezone=tz, tz=zone, members=members,
                    member_locs=[NODE.loc] * len(members), pattern=pattern,
                    start=parse_datetime(start, zone)[0].astimezone(UTC),
                    hours=parse_window(hours) if hours else None, holiday_shift=holiday_shift,
                    overrides=overrides or [], days=days, changes=changes or [])


def change(start: str, members: list[str], tz: str = "UTC", shift: list[timedelta] | None = None,
           first: str | None = None) -> RosterChange:
    zone = ZoneInfo(tz) if tz != "UTC" else UTC
    return RosterChange(parse_datetime(start, zone)[0].astimezone(UTC), members, [NODE.loc] * len(members), NODE,
                        tuple(shift) if shift else None, first)


def run(r: Rotation, start: datetime, end: datetime, policy: RotationPolicy | None = None) -> list[Slot]:
    return simulate_rotation(r, start, end, policy or RotationPolicy()).slots


def local(slot_time: datetime, tz: ZoneInfo) -> str:
    return slot_time.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_shift_k_belongs_to_member_k_mod_n() -> None:
    slots = run(rotation(["a", "b", "c"], WEEK, "2026-01-06T12:00"), utc("2026-01-01"), utc("2026-02-10"))
    assert [s.person for s in slots] == ["a", "b", "c", "a", "b"]
    assert [s.shift for s in slots] == [0, 1, 2, 3, 4]
    assert slots[0].start == datetime(2026, 1, 6, 12, tzinfo=UTC)  # nothing before start


def test_london_handoff_stays_at_noon_across_both_dst_changes() -> None:
    r = rotation(["a", "b", "c", "d"], WEEK, "2026-01-06T12:00", tz="Europe/London")
    slots = run(r, utc("2026-03-01"), utc("2026-11-15"))
    starts = {local(s.start, LONDON) for s in slots[1:]}  # the first is cut at the window's start
    assert {t[11:16] for t in starts} == {"12:00"}
    assert "2026-03-31 12:00 BST" in starts and "2026-10-27 12:00 GMT" in starts
    # the week containing the spring change is an hour short, the autumn one an hour long
    lengths = {s.start.astimezone(LONDON).date().isoformat(): s.duration for s in slots}
    assert lengths["2026-03-24"] == WEEK - timedelta(hours=1)
    assert lengths["2026-10-20"] == WEEK + timedelta(hours=1)


def test_new_york_handoff_stays_local_across_dst() -> None:
    r = rotation(["a", "b"], WEEK, "2026-01-06T11:00", tz="America/New_York")
    slots = run(r, utc("2026-02-20"), utc("2026-11-20"))
    assert {s.start.astimezone(NEW_YORK).strftime("%a %H:%M") for s in slots[1:]} == {"Tue 11:00"}


def test_window_wrapping_midnight() -> None:
    r = rotation(["a", "b"], WEEK, "2026-01-06T12:00", hours="20:00-08:00")
    slots = run(r, utc("2026-01-06"), utc("2026-01-09"))
    assert [(s.start.strftime("%d %H:%M"), s.end.strftime("%d %H:%M"), s.person) for s in slots] == [
        ("06 20:00", "07 08:00", "a"), ("07 20:00", "08 08:00", "a"), ("08 20:00", "09 00:00", "a")]


def test_window_across_a_dst_night_is_one_interval_shorter_in_utc() -> None:
    r = rotation(["a", "b"], WEEK, "2026-03-24T12:00", tz="Europe/London", hours="20:00-08:00")
    [night] = run(r, utc("2026-03-28T12:00"), utc("2026-03-29T12:00"))
    assert local(night.start, LONDON) == "2026-03-28 20:00 GMT"
    assert local(night.end, LONDON) == "2026-03-29 08:00 BST"
    assert night.duration == timedelta(hours=11)


def test_leap_day_is_an_ordinary_day() -> None:
    r = rotation(["a", "b", "c"], DAY, "2028-02-27T09:00")
    slots = run(r, utc("2028-02-27"), utc("2028-03-02T09:00"))
    assert [(s.start.strftime("%m-%d %H:%M"), s.person) for s in slots] == [
        ("02-27 09:00", "a"), ("02-28 09:00", "b"), ("02-29 09:00", "c"), ("03-01 09:00", "a")]


def test_holiday_period_runs_between_the_first_handoffs_at_or_after_the_window_edges() -> None:
    # SPEC §7.3. Window 12-22 00:00 .. 01-04 00:00; handoffs Tuesdays 12:00 (shift 50 starts Tue 12-22 12:00).
    # The period is 12-22 12:00 .. 01-05 12:00: 14 pieces numbered across it, piece j to members[(50 + j) % 4].
    r = rotation(["a", "b", "c", "d"], WEEK, "2026-01-06T12:00", holiday_shift=DAY)
    slots = run(r, utc("2026-12-08T12:00"), utc("2027-01-19T12:00"))
    whole = [s for s in slots if s.piece == -1]
    pieces = [s for s in slots if s.piece >= 0]
    assert [s.shift for s in whole] == [48, 49, 52, 53]  # 49 ends at the period's start: whole, 12h inside
    assert [s.piece for s in pieces] == list(range(14))
    assert {s.shift for s in pieces} == {50}
    assert [s.person for s in pieces] == [["a", "b", "c", "d"][(50 + j) % 4] for j in range(14)]
    assert pieces[0].start == utc("2026-12-22T12:00") and pieces[-1].end == utc("2027-01-05T12:00")
    assert all(s.duration == DAY for s in pieces)


def test_holiday_cutting_does_not_depend_on_the_range_simulated() -> None:
    # The differential-testing case (UTC, 4 members, 1w from 2026-12-15T12:00, holiday_shift 1d): --weeks 1
    # and --weeks 2 from 2026-12-14T12:00 and `who` must agree, and so must every range ending in the period.
    r = rotation(["a", "b", "c", "d"], WEEK, "2026-12-15T12:00", holiday_shift=DAY)
    reference = run(r, utc("2026-11-01"), utc("2027-02-01"))
    for start, end in [("2026-12-14T12:00", "2026-12-21T12:00"), ("2026-12-14T12:00", "2026-12-28T12:00"),
                       ("2026-12-23T06:00", "2026-12-24T18:00"), ("2027-01-01", "2027-01-10")]:
        part = run(r, utc(start), utc(end))
        expected = [(max(s.start, utc(start)), min(s.end, utc(end)), s.person, s.shift, s.piece)
                    for s in reference if s.end > utc(start) and s.start < utc(end)]
        assert [(s.start, s.end, s.person, s.shift, s.piece) for s in part] == expected, (start, end)


def test_a_rotation_no_longer_than_the_pieces_is_not_cut() -> None:
    r = rotation(["a", "b", "c", "d"], DAY, "2026-01-06T12:00", holiday_shift=timedelta(days=2))
    assert all(s.piece == -1 for s in run(r, utc("2026-12-20"), utc("2027-01-08")))


def test_shift_touching_the_window_edge_exactly_is_not_cut() -> None:
    r = rotation(["a", "b"], timedelta(days=7), "2026-01-06T00:00", holiday_shift=DAY)
    slots = run(r, utc("2026-12-01"), utc("2027-01-20"))
    cut = sorted({s.start.date().isoformat() for s in slots if s.piece >= 0})
    assert cut[0] == "2026-12-22" and cut[-1] == "2027-01-04"
    assert all(s.piece == -1 for s in slots if s.start >= utc("2027-01-05") or s.end <= utc("2026-12-22"))


def test_override_replaces_only_its_interval() -> None:
    override = Override("z", utc("2026-01-08"), utc("2026-01-09"), True, NODE.loc)
    r = rotation(["a", "b"], WEEK, "2026-01-06T12:00", overrides=[override])
    slots = run(r, utc("2026-01-06"), utc("2026-01-13T12:00"))
    assert [(s.person, s.start.day, s.end.day) for s in slots] == [("a", 6, 8), ("z", 8, 9), ("a", 9, 13)]
    assert slots[1].override is override


def test_slots_are_found_arithmetically_far_from_start() -> None:
    r = rotation(["a", "b", "c"], WEEK, "2000-01-04T12:00", tz="Europe/London")
    slots = run(r, utc("2026-06-01"), utc("2026-06-15"))
    assert slots and all(s.start.astimezone(LONDON).strftime("%a %H:%M") == "Tue 12:00" for s in slots[1:])


def test_short_shifts_across_spring_forward_never_overlap() -> None:
    # SPEC §11: London skips 01:00-02:00 on 2026-03-29. With 30-minute shifts the boundaries 01:00, 01:30
    # (read with the offset before the jump), 02:00 and 02:30 BST would go back in time; they are raised to
    # the previous boundary and the zero-length shifts are dropped.
    r = rotation(["a", "b", "c", "d", "e"], timedelta(minutes=30), "2026-03-28T12:00", tz="Europe/London")
    slots = run(r, utc("2026-03-28T22:00"), utc("2026-03-29T04:00"))
    for earlier, later in itertools.pairwise(slots):
        assert earlier.end <= later.start
    assert all(s.end > s.start for s in slots)
    covered = sum((s.duration for s in slots), timedelta(0))
    assert covered == timedelta(hours=6)  # nothing lost, nothing counted twice
    assert [s.shift for s in slots] == sorted(s.shift for s in slots)
    dropped = set(range(slots[0].shift, slots[-1].shift + 1)) - {s.shift for s in slots}
    assert len(dropped) == 2  # 02:00 and 02:30 BST fall at or before 01:30 GMT


def test_split_week_pattern_hands_over_monday_and_friday() -> None:
    r = rotation(["a", "b", "c"], [timedelta(days=4), timedelta(days=3)], "2026-01-05T10:00", tz="Europe/London")
    slots = run(r, utc("2026-03-02"), utc("2026-04-27"))
    assert {s.start.astimezone(LONDON).strftime("%a %H:%M") for s in slots[1:]} == {"Mon 10:00", "Fri 10:00"}
    for slot in slots[1:]:
        assert slot.person == ["a", "b", "c"][slot.shift % 3]


def test_days_restrict_coverage_to_weekday_business_hours() -> None:
    r = rotation(["a", "b", "c", "d"], [DAY, DAY, DAY, DAY, timedelta(days=3)], "2026-01-05T09:00",
                 tz="Europe/London", hours="09:00-17:00", days=(0, 1, 2, 3, 4))
    slots = run(r, utc("2026-03-02"), utc("2026-03-16"))
    assert {s.start.astimezone(LONDON).strftime("%a") for s in slots} <= {"Mon", "Tue", "Wed", "Thu", "Fri"}
    assert {(local(s.start, LONDON)[11:16], local(s.end, LONDON)[11:16]) for s in slots} == {("09:00", "17:00")}
    assert len(slots) == 10


def test_roster_change_takes_effect_at_its_handoff_and_keeps_the_holder() -> None:
    # SPEC §7.1: before `from` nothing moves; from `from`, shift k' goes to members[(i + k') mod N], i being
    # the index of whoever the old roster gave the shift starting at `from`.
    base = rotation(["a", "b", "c", "d", "e"], WEEK, "2026-01-06T12:00")
    changed = rotation(["a", "b", "c", "d", "e"], WEEK, "2026-01-06T12:00",
                       changes=[change("2026-12-15T12:00", ["a", "b", "c", "d", "e", "f"])])
    before = run(base, utc("2026-11-01"), utc("2027-02-01"))
    after = run(changed, utc("2026-11-01"), utc("2027-02-01"))
    split = utc("2026-12-15T12:00")
    assert [(s.start, s.person) for s in after if s.start < split] == \
        [(s.start, s.person) for s in before if s.start < split]
    holder = next(s.person for s in before if s.start == split)  # shift 49: members[49 % 5]
    assert holder == "e"
    new = [s for s in after if s.start >= split]
    assert [s.person for s in new[:7]] == ["e", "f", "a", "b", "c", "d", "e"]
    assert all(s.roster == 1 for s in new) and [s.shift for s in new[:3]] == [0, 1, 2]


def test_roster_change_with_first_and_a_new_pattern() -> None:
    r = rotation(["a", "b"], WEEK, "2026-01-06T12:00",
                 changes=[change("2026-03-03T12:00", ["c", "d", "e"], shift=[timedelta(days=3), timedelta(days=4)],
                                 first="d")])
    slots = run(r, utc("2026-03-03T12:00"), utc("2026-03-24T12:00"))
    assert [(s.start.strftime("%m-%d"), s.person) for s in slots] == [
        ("03-03", "d"), ("03-06", "e"), ("03-10", "c"), ("03-13", "d"), ("03-17", "e"), ("03-20", "c")]


def test_override_written_with_an_offset_is_an_instant_in_utc() -> None:
    override = Override("z", parse_datetime("2026-01-07T17:30+05:30", UTC)[0].astimezone(UTC),
                        utc("2026-01-08T12:00"), False, NODE.loc)
    r = rotation(["a", "b"], WEEK, "2026-01-06T12:00", tz="Europe/London", overrides=[override])
    slots = run(r, utc("2026-01-06"), utc("2026-01-10"))
    assert [s.start.isoformat() for s in slots] == [
        "2026-01-06T12:00:00+00:00", "2026-01-07T12:00:00+00:00", "2026-01-08T12:00:00+00:00"]
    assert all(s.start.utcoffset() == timedelta(0) and s.end.utcoffset() == timedelta(0) for s in slots)


def test_wall_times_of_one_ambiguous_local_time_are_two_instants() -> None:
    # wall() remembers UTC instants; two London datetimes that differ only by `fold` compare equal in
    # Python, yet are an hour apart, so they must never share an answer.
    from checker.schedule.localtime import wall

    london = LONDON
    first, second = (datetime(2026, 10, 25, 1, 30, tzinfo=london, fold=fold) for fold in (0, 1))
    assert first == second
    assert (wall(first, UTC), wall(second, UTC)) == (datetime(2026, 10, 25, 0, 30), datetime(2026, 10, 25, 1, 30))
    assert wall(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), london) == wall(datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
                                                                           london) == datetime(2026, 10, 25, 1, 30)
