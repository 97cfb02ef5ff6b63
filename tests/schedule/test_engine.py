"""The rotation engine against SPEC §3: DST, windows across midnight, leap days, holiday cutting, overrides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from checker.diagnostics import Location
from checker.model import Node, Override, Policy, Rotation
from checker.schedule import Slot, simulate_rotation
from checker.timeutil import parse_datetime, parse_window

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
NODE = Node(Location("ownership.yaml"))


def rotation(members: list[str], shift: timedelta, start: str, tz: str = "UTC", hours: str | None = None,
             holiday_shift: timedelta | None = None, overrides: list[Override] | None = None) -> Rotation:
    zone = ZoneInfo(tz) if tz != "UTC" else UTC
    return Rotation("r", NODE, team="t", timezone=tz, tz=zone, members=members,
                    member_locs=[NODE.loc] * len(members), shift=shift, start=parse_datetime(start, zone)[0],
                    hours=parse_window(hours) if hours else None, holiday_shift=holiday_shift,
                    overrides=overrides or [])


def run(r: Rotation, start: datetime, end: datetime, policy: Policy | None = None) -> list[Slot]:
    return simulate_rotation(r, policy or Policy(), start, end).slots


def local(slot_time: datetime, tz: ZoneInfo) -> str:
    return slot_time.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def test_shift_k_belongs_to_member_k_mod_n() -> None:
    slots = run(rotation(["a", "b", "c"], timedelta(weeks=1), "2026-01-06T12:00"),
                datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 10, tzinfo=UTC))
    assert [s.person for s in slots] == ["a", "b", "c", "a", "b"]
    assert [s.shift for s in slots] == [0, 1, 2, 3, 4]
    assert slots[0].start == datetime(2026, 1, 6, 12, tzinfo=UTC)  # nothing before start


def test_london_handoff_stays_at_noon_across_both_dst_changes() -> None:
    r = rotation(["a", "b", "c", "d"], timedelta(weeks=1), "2026-01-06T12:00", tz="Europe/London")
    slots = run(r, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 11, 15, tzinfo=UTC))
    starts = {local(s.start, LONDON) for s in slots[1:]}  # the first is cut at the window's start
    assert {t[11:16] for t in starts} == {"12:00"}
    assert "2026-03-31 12:00 BST" in starts and "2026-10-27 12:00 GMT" in starts
    # the week containing the spring change is an hour short, the autumn one an hour long
    lengths = {s.start.astimezone(LONDON).date().isoformat(): s.duration for s in slots}
    assert lengths["2026-03-24"] == timedelta(weeks=1) - timedelta(hours=1)
    assert lengths["2026-10-20"] == timedelta(weeks=1) + timedelta(hours=1)


def test_new_york_handoff_stays_local_across_dst() -> None:
    r = rotation(["a", "b"], timedelta(weeks=1), "2026-01-06T11:00", tz="America/New_York")
    slots = run(r, datetime(2026, 2, 20, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))
    assert {s.start.astimezone(NEW_YORK).strftime("%a %H:%M") for s in slots[1:]} == {"Tue 11:00"}


def test_window_wrapping_midnight() -> None:
    r = rotation(["a", "b"], timedelta(weeks=1), "2026-01-06T12:00", hours="20:00-08:00")
    slots = run(r, datetime(2026, 1, 6, tzinfo=UTC), datetime(2026, 1, 9, tzinfo=UTC))
    assert [(s.start.strftime("%d %H:%M"), s.end.strftime("%d %H:%M"), s.person) for s in slots] == [
        ("06 20:00", "07 08:00", "a"), ("07 20:00", "08 08:00", "a"), ("08 20:00", "09 00:00", "a")]


def test_window_across_a_dst_night_is_shorter_in_utc() -> None:
    r = rotation(["a", "b"], timedelta(weeks=1), "2026-03-24T12:00", tz="Europe/London", hours="20:00-08:00")
    slots = run(r, datetime(2026, 3, 28, 12, tzinfo=UTC), datetime(2026, 3, 29, 12, tzinfo=UTC))
    [night] = slots
    assert local(night.start, LONDON) == "2026-03-28 20:00 GMT"
    assert local(night.end, LONDON) == "2026-03-29 08:00 BST"
    assert night.duration == timedelta(hours=11)


def test_leap_day_is_an_ordinary_day() -> None:
    r = rotation(["a", "b", "c"], timedelta(days=1), "2028-02-27T09:00")
    slots = run(r, datetime(2028, 2, 27, tzinfo=UTC), datetime(2028, 3, 2, 9, tzinfo=UTC))
    assert [(s.start.strftime("%m-%d %H:%M"), s.person) for s in slots] == [
        ("02-27 09:00", "a"), ("02-28 09:00", "b"), ("02-29 09:00", "c"), ("03-01 09:00", "a")]


def test_holiday_cutting_from_the_shift_start_with_turns_continuing() -> None:
    # Shift 50 (Tue 2026-12-22 12:00) overlaps the window; shift 49 (12-15..12-22 12:00) does too,
    # because the window starts at 00:00 on 12-22.
    r = rotation(["a", "b", "c", "d"], timedelta(weeks=1), "2026-01-06T12:00", holiday_shift=timedelta(days=1))
    slots = run(r, datetime(2026, 12, 8, 12, tzinfo=UTC), datetime(2027, 1, 12, 12, tzinfo=UTC))
    by_shift: dict[int, list[Slot]] = {}
    for slot in slots:
        by_shift.setdefault(slot.shift, []).append(slot)
    assert [s.piece for s in by_shift[48]] == [-1]  # ends 12-15, before the window
    assert [s.piece for s in by_shift[49]] == list(range(7))  # ends 12-22 12:00: overlaps by 12 hours
    assert [s.person for s in by_shift[49]] == ["b", "c", "d", "a", "b", "c", "d"]  # members[(49 + j) % 4]
    assert [s.piece for s in by_shift[51]] == list(range(7))  # 12-29 .. 01-05: meets 01-03
    assert [s.piece for s in by_shift[52]] == [-1]  # starts 01-05 12:00, after the window
    assert [s.duration for s in by_shift[50]] == [timedelta(days=1)] * 7


def test_shift_touching_the_window_edge_exactly_is_not_cut() -> None:
    # Window 12-22..01-03 inclusive: 12-22 00:00 to 01-04 00:00. A shift ending at 12-22 00:00
    # or starting at 01-04 00:00... (Tuesdays here: 12-15..12-22 and 01-05..) stays whole.
    r = rotation(["a", "b"], timedelta(days=7), "2026-01-06T00:00", holiday_shift=timedelta(days=1))
    slots = run(r, datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 20, tzinfo=UTC))
    cut = sorted({s.shift for s in slots if s.piece >= 0})
    starts = {s.shift: min(x.start for x in slots if x.shift == s.shift) for s in slots}
    assert [starts[k].date().isoformat() for k in cut] == ["2026-12-22", "2026-12-29"]
    assert all(s.piece == -1 for s in slots if s.start >= datetime(2027, 1, 5, tzinfo=UTC))
    assert all(s.piece == -1 for s in slots if s.end <= datetime(2026, 12, 22, tzinfo=UTC))


def test_override_replaces_only_its_interval() -> None:
    override = Override("z", datetime(2026, 1, 8, tzinfo=UTC), datetime(2026, 1, 9, tzinfo=UTC), True,
                        NODE.loc)
    r = rotation(["a", "b"], timedelta(weeks=1), "2026-01-06T12:00", overrides=[override])
    slots = run(r, datetime(2026, 1, 6, tzinfo=UTC), datetime(2026, 1, 13, 12, tzinfo=UTC))
    assert [(s.person, s.start.day, s.end.day) for s in slots] == [("a", 6, 8), ("z", 8, 9), ("a", 9, 13)]
    assert slots[1].override is override


def test_slots_are_found_arithmetically_far_from_start() -> None:
    r = rotation(["a", "b", "c"], timedelta(weeks=1), "2000-01-04T12:00", tz="Europe/London")
    slots = run(r, datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 15, tzinfo=UTC))
    assert slots and all(s.start.astimezone(LONDON).strftime("%a %H:%M") == "Tue 12:00" for s in slots[1:])
