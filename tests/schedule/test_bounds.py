"""Slots per run are bounded (SPEC §11, issue 11): what used to hang or take gigabytes is a CFG005 naming the
limit, and what remains is linear in the number of shifts."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from checker.schedule import simulate, simulate_rotation
from checker.schedule.limits import MAX_HORIZON, MAX_SLOTS, estimated_slots
from tests.conftest import check_repo, write_repo
from tests.schedule.test_engine import rotation

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def config(rotations: int, shift: str, horizon: str = "12w", secondary: bool = True) -> str:
    people = [f"p{i}" for i in range(8)]
    lines = ["version: 1", f"policy: {{horizon: {horizon}}}", "people:"] + [f"  {p}: {{}}" for p in people]
    oncall = "{primary: r0, secondary: r1}" if secondary else "{primary: r0}"
    lines += ["teams:", f"  t: {{members: [{', '.join(people)}], oncall: {oncall}}}", "rotations:"]
    for i in range(rotations):
        members = people[:4] if i % 2 == 0 else people[4:]
        lines.append(f"  r{i}: {{team: t, members: [{', '.join(members)}], shift: {shift}, start: 2026-01-06T12:00}}")
    lines += ["services:", "  api: {team: t, runbook: https://wiki.example.com/api}"]
    return "\n".join(lines) + "\n"


def test_one_minute_shifts_are_cfg005_and_cost_nothing(tmp_path: Path) -> None:
    started = time.monotonic()
    result = check_repo(write_repo(tmp_path, config(120, "1m")), NOW)
    assert time.monotonic() - started < 10
    limits = [d for d in result.diagnostics if d.rule == "CFG005"]
    assert len(limits) >= 100 and "shift 1m is shorter than the limit of 1h" in limits[0].message


def test_a_horizon_past_two_years_is_cfg005_and_two_years_are_simulated(tmp_path: Path) -> None:
    result = check_repo(write_repo(tmp_path, config(2, "1w", horizon="200w")), NOW)
    [limit] = [d for d in result.diagnostics if d.rule == "CFG005"]
    assert "horizon 200w is longer than the limit of 104w (two years)" in limit.message
    assert limit.location.line == 2
    assert result.model.policy.horizon == MAX_HORIZON
    assert result.context is not None and result.context.schedule.end == NOW + MAX_HORIZON


def test_too_many_shifts_for_one_run_shorten_the_horizon_naming_the_limit(tmp_path: Path) -> None:
    from checker.config import load_config
    from checker.sources.worktree import WorktreeSource

    loaded = load_config(WorktreeSource(str(write_repo(tmp_path, config(60, "1h", horizon="104w")))), "ownership.yaml")
    [limit] = [d for d in loaded.diagnostics if d.rule == "CFG005"]
    assert f"more than the limit of {MAX_SLOTS:,} one run simulates; this run simulates" in limit.message
    model = loaded.model
    assert model.policy.horizon < MAX_HORIZON
    span = model.policy.horizon + timedelta(weeks=2, days=2)
    assert sum(estimated_slots(r, span) for r in model.rotations.values()) <= MAX_SLOTS
    schedule = simulate(model, NOW)  # the run `check` makes, within the limit
    assert sum(len(r.slots) for r in schedule.rotations.values()) <= MAX_SLOTS


def test_primary_against_secondary_is_a_sweep_not_every_pair(tmp_path: Path) -> None:
    # Two rotations of one-hour shifts over two years: 17,500 slots each; comparing every pair would take
    # minutes (306 million comparisons). Same people in the same order: a clash at every moment.
    started = time.monotonic()
    result = check_repo(write_repo(tmp_path, config(2, "1h", horizon="104w").replace(
        "members: [p4, p5, p6, p7]", "members: [p0, p1, p2, p3]")), NOW)
    assert time.monotonic() - started < 30
    assert [d.rule for d in result.diagnostics if d.rule == "ROT011"] == ["ROT011"]


def test_simulating_refuses_more_than_the_limit() -> None:
    import pytest

    from checker.model import Model
    from checker.schedule.limits import ScheduleTooLarge

    model = Model("ownership.yaml")
    for i in range(60):
        model.rotations[f"r{i}"] = r = rotation(["a", "b"], timedelta(hours=1), "2026-01-06T12:00")
        r.name = f"r{i}"
    with pytest.raises(ScheduleTooLarge, match="more than the limit of 1,000,000 per run"):
        simulate(model, NOW, horizon=timedelta(weeks=104))


def test_dates_near_the_ends_of_the_calendar_do_not_overflow() -> None:
    early = rotation(["a", "b"], timedelta(weeks=1), "2026-01-06T12:00")
    early.start = datetime(1, 1, 5, 12, tzinfo=UTC)  # past what the config's parser reads
    late = rotation(["a", "b"], timedelta(weeks=520_000), "2026-01-06T12:00")  # ends past year 9999
    assert simulate_rotation(early, datetime(1, 1, 3, tzinfo=UTC), datetime(1, 3, 1, tzinfo=UTC)).slots
    end_of_time = datetime(9999, 12, 29, tzinfo=UTC)
    slots = simulate_rotation(late, datetime(9999, 12, 1, tzinfo=UTC), end_of_time).slots
    assert [s.person for s in slots] == ["a"] and slots[0].end == end_of_time


def test_a_calendar_past_the_limit_is_a_one_line_error(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = write_repo(tmp_path, config(20, "1h"))
    result = run("calendar", "--repo", str(root), "--from", "2026-03-02T09:00Z", "--weeks", "520", "--output",
                 str(tmp_path / "x.ics"))
    assert result.exit_code == 2
    assert "more than the limit of 1,000,000 per run; ask for a shorter range or fewer rotations" in result.output
