"""The mapping rotation -> PagerDuty schedule, and the timeline comparison, without HTTP."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from checker.config import load_config
from checker.model import Rotation
from checker.pagerduty.mapping import layer_key, layers, people, restrictions, rosters
from checker.pagerduty.timeline import Difference, Stretch, differences, normalise
from checker.schedule import simulate_rotation
from checker.sources.worktree import WorktreeSource

LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 1, 6, 12, tzinfo=UTC)


def rotation_of(extra: str = "", timezone: str = "Europe/London", members: str = "[a, b, c, d]", shift: str = "1w",
                start: str = "2026-01-06T12:00", hours: str | None = None) -> Rotation:
    """Rotation `r` as the model reads it from YAML (its changes checked), people a to e."""
    folder = Path(tempfile.mkdtemp(prefix="mapping-"))
    lines = [f"timezone: {timezone}", f"members: {members}", f"shift: {shift}", f"start: {start}"]
    lines += [f"hours: {hours}"] if hours else []
    lines += [extra] if extra else []
    (folder / "ownership.yaml").write_text(
        "version: 1\npeople: {a: {}, b: {}, c: {}, d: {}, e: {}}\nteams: {t: {members: [a, b, c, d, e]}}\n"
        "rotations:\n  r:\n    team: t\n" + "".join(f"    {line}\n" for line in lines), encoding="utf-8")
    loaded = load_config(WorktreeSource(str(folder)), "ownership.yaml")
    assert [d.message for d in loaded.diagnostics if d.rule.startswith("CFG")] == []
    return loaded.model.rotations["r"]


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
    # 2026-03-03 12:00 London is shift 8 from 2026-01-06: a's turn (8 mod 4 = 0); a is not in the new roster -> 0
    found = rosters(rotation_of("changes: [{from: 2026-03-03T12:00, members: [b, c, d, e]}]"))
    change = datetime(2026, 3, 3, 12, tzinfo=UTC)
    assert [(r.start, r.end, r.turn_order) for r in found] == [
        (T0, change, ["a", "b", "c", "d"]), (change, None, ["b", "c", "d", "e"])]
    # shift 9 (2026-03-10) is b's, who stays: the new roster starts with b
    kept = "changes: [{from: 2026-03-10T12:00, members: [d, a, b, c]}]"
    assert rosters(rotation_of(kept))[1].turn_order == ["b", "c", "d", "a"]
    named = "changes: [{from: 2026-03-10T12:00, members: [d, a, b, c], first: a}]"
    assert rosters(rotation_of(named))[1].turn_order == ["a", "b", "c", "d"]


def test_a_roster_ended_by_the_plans_start_is_history() -> None:
    changed = rotation_of("changes: [{from: 2026-03-03T12:00, members: [b, c, d, e]}]")
    assert [r.number for r in rosters(changed, datetime(2026, 3, 3, 12, tzinfo=UTC))] == [2]
    assert [r.number for r in rosters(changed, datetime(2026, 3, 3, 11, 59, tzinfo=UTC))] == [1, 2]
    assert list(people(changed, datetime(2026, 3, 4, tzinfo=UTC))) == ["b", "c", "d", "e"]


def test_a_change_after_a_skipped_day_starts_with_whoever_the_engine_gives_its_first_shift() -> None:
    # Samoa skipped 30 December 2011: hourly handoffs through the skipped day are read with the offset before
    # it (SPEC §11), so 31 Dec 00:00 local is the instant of shift 4, not of shift 28 as its wall clock says.
    # The layer must start with the person the simulated schedule pages then (it once named d, not e).
    apia = rotation_of("changes: [{from: 2011-12-31T00:00, members: [e, d, c, b]}]", timezone="Pacific/Apia",
                       members="[a, b, c, d, e]", shift="1h", start="2011-12-29T20:00")
    change = apia.changes[0].start
    simulated = simulate_rotation(apia, change, change + timedelta(hours=4)).slots
    (layer,) = layers(apia, {p: p for p in "abcde"}, change)
    assert [u["user"]["id"] for u in layer["users"]] == ["e", "d", "c", "b"]
    assert [s.person for s in simulated] == ["e", "d", "c", "b"]


def test_a_shift_pattern_turns_at_its_mean_length() -> None:
    (split_week,) = rosters(rotation_of(shift="[4d, 3d]"))
    assert split_week.turn_seconds == 302400
    (daily,) = rosters(rotation_of(shift="[1d, 1d, 1d, 1d, 3d]"))
    assert daily.turn_seconds == 7 * 86400 // 5


def test_layers_name_users_by_id_and_end_where_the_next_roster_starts() -> None:
    changed = rotation_of("changes: [{from: 2026-07-07T12:00, members: [c, d], first: d}]", hours='"07:00-17:00"')
    found = layers(changed, {p: p.upper() for p in "abcde"}, datetime(2026, 2, 1, tzinfo=UTC))
    assert [la["start"] for la in found] == ["2026-01-06T12:00:00+00:00", "2026-07-07T12:00:00+01:00"]
    assert found[0]["end"] == "2026-07-07T12:00:00+01:00" and "end" not in found[1]
    assert [[u["user"]["id"] for u in la["users"]] for la in found] == [["A", "B", "C", "D"], ["D", "C"]]
    assert found[0]["restrictions"][0]["type"] == "daily_restriction"
    # a roster that ended before the plan's start is history, not a layer
    assert len(layers(changed, {p: p for p in "abcde"}, datetime(2026, 8, 1, tzinfo=UTC))) == 1


def test_layers_compare_by_value_whatever_the_offset_and_a_started_layer_whatever_its_start() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    ours = layers(rotation_of(), {p: p for p in "abcd"}, now)[0]
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
