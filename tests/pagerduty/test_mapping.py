"""The mapping rotation -> PagerDuty schedule, and the timeline comparison, without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from checker.pagerduty.mapping import layer_key, layers, restrictions, rosters_of
from checker.pagerduty.timeline import Difference, Stretch, differences, normalise

LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 1, 6, 12, tzinfo=UTC)


def rotation(**fields: Any) -> Any:
    """A rotation as the model reads it; `pattern`, `days` and `changes` as the schedules issue adds them."""
    base = {"name": "r", "timezone": "Europe/London", "tz": LONDON, "members": ["a", "b", "c", "d"],
            "shift": timedelta(weeks=1), "start": T0, "hours": None, "overrides": []}
    return SimpleNamespace(**(base | fields))


def test_follow_the_sun_leg_hours_become_a_daily_restriction() -> None:
    assert restrictions((7 * 60, 17 * 60), None) == [
        {"type": "daily_restriction", "start_time_of_day": "07:00:00", "duration_seconds": 10 * 3600}]


def test_a_night_window_wraps_midnight() -> None:
    assert restrictions((22 * 60, 6 * 60), None)[0]["duration_seconds"] == 8 * 3600


def test_whole_days_and_the_whole_day_need_no_restriction() -> None:
    assert restrictions(None, None) == []
    assert restrictions((0, 24 * 60), None) == []
    assert restrictions(None, (0, 1, 2, 3, 4, 5, 6)) == []


def test_weekdays_are_one_weekly_restriction_and_a_weekend_wraps_the_week() -> None:
    assert restrictions(None, (0, 1, 2, 3, 4)) == [
        {"type": "weekly_restriction", "start_day_of_week": 1, "start_time_of_day": "00:00:00",
         "duration_seconds": 5 * 86400}]
    assert restrictions(None, (0, 5, 6)) == [
        {"type": "weekly_restriction", "start_day_of_week": 6, "start_time_of_day": "00:00:00",
         "duration_seconds": 3 * 86400}]


def test_business_hours_on_weekdays_are_one_restriction_per_day() -> None:
    found = restrictions((9 * 60, 17 * 60), (0, 1, 2, 3, 4))
    assert [(r["start_day_of_week"], r["start_time_of_day"], r["duration_seconds"]) for r in found] == [
        (day, "09:00:00", 8 * 3600) for day in range(1, 6)]


def test_one_layer_per_roster_in_turn_order_from_its_first_shift() -> None:
    change = SimpleNamespace(start=datetime(2026, 3, 3, 12, tzinfo=UTC), members=["b", "c", "d", "e"], first=None,
                             pattern=None)
    # 2026-03-03 12:00 London is shift 8 from 2026-01-06: a's turn (8 mod 4 = 0); a is not in the new roster -> 0
    found = rosters_of(rotation(changes=[change]))
    assert [(r.start, r.end, r.turn_order) for r in found] == [
        (T0, change.start, ["a", "b", "c", "d"]), (change.start, None, ["b", "c", "d", "e"])]
    kept = SimpleNamespace(start=datetime(2026, 3, 10, 12, tzinfo=UTC), members=["d", "a", "b", "c"], first=None,
                           pattern=None)
    # shift 9 (2026-03-10) is b's, who stays: the new roster starts with b
    assert rosters_of(rotation(changes=[kept]))[1].turn_order == ["b", "c", "d", "a"]
    named = SimpleNamespace(start=kept.start, members=["d", "a", "b", "c"], first="a", pattern=None)
    assert rosters_of(rotation(changes=[named]))[1].turn_order == ["a", "b", "c", "d"]


def test_a_shift_pattern_turns_at_its_mean_length() -> None:
    split_week = rosters_of(rotation(pattern=(timedelta(days=4), timedelta(days=3))))[0]
    assert split_week.turn_seconds == 302400
    daily = rosters_of(rotation(pattern=(timedelta(days=1),) * 4 + (timedelta(days=3),)))[0]
    assert daily.turn_seconds == 7 * 86400 // 5


def test_layers_name_users_by_id_and_end_where_the_next_roster_starts() -> None:
    change = SimpleNamespace(start=datetime(2026, 7, 7, 11, tzinfo=UTC), members=["c", "d"], first="d", pattern=None)
    found = layers(rotation(changes=[change], hours=(7 * 60, 17 * 60)), {p: p.upper() for p in "abcde"},
                   datetime(2026, 2, 1, tzinfo=UTC))
    assert [la["start"] for la in found] == ["2026-01-06T12:00:00+00:00", "2026-07-07T12:00:00+01:00"]
    assert found[0]["end"] == "2026-07-07T12:00:00+01:00" and "end" not in found[1]
    assert [[u["user"]["id"] for u in la["users"]] for la in found] == [["A", "B", "C", "D"], ["D", "C"]]
    assert found[0]["restrictions"][0]["type"] == "daily_restriction"
    # a roster that ended before the plan's start is history, not a layer
    assert len(layers(rotation(changes=[change]), {p: p for p in "abcde"}, datetime(2026, 8, 1, tzinfo=UTC))) == 1


def test_layers_compare_by_value_whatever_the_offset_and_a_started_layer_whatever_its_start() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    ours = layers(rotation(), {p: p for p in "abcd"}, now)[0]
    theirs = dict(ours, start="2026-04-01T00:00:00Z", rotation_virtual_start="2026-01-06T07:00:00-05:00",
                  restrictions=[])
    assert layer_key(ours, now) == layer_key(theirs, now)
    assert layer_key(ours, now) != layer_key(dict(theirs, rotation_turn_length_seconds=86400), now)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_differences_name_each_stretch_with_both_holders() -> None:
    expected = [Stretch(h(0), h(10), "a"), Stretch(h(10), h(20), "b")]
    actual = [Stretch(h(0), h(5), "a"), Stretch(h(5), h(12), "c"), Stretch(h(12), h(20), "b")]
    assert differences(expected, actual, h(0), h(20)) == [
        Difference(h(5), h(10), "a", "c"), Difference(h(10), h(12), "b", "c")]
    assert differences(expected, expected, h(0), h(20)) == []
    assert differences(expected, [], h(2), h(4)) == [Difference(h(2), h(4), "a", None)]


stretch_lists = st.lists(st.tuples(st.integers(0, 48), st.integers(1, 12), st.sampled_from(["a", "b", "c"])),
                         max_size=8).map(lambda items: [Stretch(h(s), h(s + n), who) for s, n, who in items])


@given(stretch_lists, stretch_lists)
def test_differences_are_exactly_where_holders_differ(left: list[Stretch], right: list[Stretch]) -> None:
    begin, end = h(0), h(60)
    found = differences(left, right, begin, end)
    a, b = normalise(left, begin, end), normalise(right, begin, end)

    def at(stretches: list[Stretch], hour: float) -> str | None:
        return next((s.holder for s in stretches if s.start <= h(hour) < s.end), None)

    for tenth in range(600):
        hour = tenth / 10
        inside = next((d for d in found if d.start <= h(hour) < d.end), None)
        if at(a, hour) == at(b, hour):
            assert inside is None
        else:
            assert inside is not None and (inside.expected, inside.actual) == (at(a, hour), at(b, hour))
