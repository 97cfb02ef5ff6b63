"""Reading what SPEC §7 adds to a rotation: `shift` patterns, `days`, `changes`, its own `policy:`; overrides
written with an offset; the report's load per person from the same schedule."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from checker.schema import schema
from tests.conftest import NOW, check_repo, write_repo

CONFIG = """\
version: 1
policy: {rotation: {max_gap: 10w, handoff_hours: "09:00-17:00"}}
people:
  alice: {timezone: Europe/London}
  bob: {timezone: Europe/London}
  carol: {timezone: Asia/Kolkata}
  dave: {timezone: Europe/London}
teams: {t: {members: [alice, bob, carol, dave], oncall: {primary: r, secondary: s}}}
rotations:
  r:
    team: t
    timezone: Europe/London
    members: [alice, bob, carol, dave]
    shift: 1w
    start: 2026-01-06T12:00
    policy: {handoff_hours: "11:00-13:00", min_balance: 0.1}
    overrides:
      - {person: bob, from: 2026-11-24T17:30+05:30, to: 2026-11-25T12:00}
  s: {team: t, members: [dave, carol, bob, alice], shift: [4d, 3d], start: 2026-01-05T10:00, days: [mon, fri]}
services:
  api: {team: t, runbook: https://wiki.example.com/api}
"""


def test_a_rotations_own_policy_overrides_only_its_keys(tmp_path: Path) -> None:
    result = check_repo(write_repo(tmp_path, CONFIG), NOW)
    model = result.model
    own, other = model.policy_for(model.rotations["r"]), model.policy_for(model.rotations["s"])
    assert own.handoff_hours == (11 * 60, 13 * 60) and own.min_balance == 0.1
    assert own.max_gap == timedelta(weeks=10) == other.max_gap  # the global key still applies
    assert other.handoff_hours == (9 * 60, 17 * 60) and other.min_balance == 0.5
    assert model.rotations["s"].pattern == (timedelta(days=4), timedelta(days=3))
    assert model.rotations["s"].days == (0, 4)


def test_the_schema_allows_exactly_the_keys_of_policy_rotation_under_a_rotation() -> None:
    rotation_policy = schema()["properties"]["policy"]["properties"]["rotation"]
    per_rotation = schema()["properties"]["rotations"]["additionalProperties"]["properties"]["policy"]
    assert per_rotation["allOf"] == [{"$ref": "#/definitions/rotation_policy"}]
    assert schema()["definitions"]["rotation_policy"] == {"$ref": "#/properties/policy/properties/rotation"}
    assert {"notice", "min_balance", "max_gap"} <= set(rotation_policy["properties"])
    assert {"ROT014", "ROT015"} <= set(schema()["definitions"]["rule_id"]["enum"])


def test_an_unknown_key_in_a_rotations_policy_names_the_closest(tmp_path: Path) -> None:
    config = CONFIG.replace("min_balance: 0.1", "min_balanse: 0.1")
    [problem] = [d for d in check_repo(write_repo(tmp_path, config), NOW).diagnostics if d.rule == "CFG002"]
    assert "unknown key 'min_balanse' in rotations.r.policy; did you mean 'min_balance'?" in problem.message
    assert problem.location.line == 16


def test_an_override_written_with_an_offset_is_shown_in_the_rotations_zone(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    root = str(write_repo(tmp_path, CONFIG))
    answer = json.loads(run("who", "api", "--repo", root, "--at", "2026-11-24T13:00Z", "--format", "json").output)
    primary = next(e for e in answer["oncall"] if e["role"] == "primary")
    assert primary["person"] == "bob" and primary["until"] == "2026-11-25T12:00:00+00:00"  # UTC, no +05:30
    text = run("who", "api", "--repo", root, "--at", "2026-11-24T13:00Z").output
    assert "bob on r until Wed 2026-11-25 12:00 Europe/London, override" in text
    result = check_repo(write_repo(tmp_path / "again", CONFIG), NOW)
    assert result.model.rotations["r"].overrides[0].start.utcoffset() == timedelta(0)


def test_report_load_figures(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    config = """\
version: 1
people: {a: {timezone: Europe/London}, b: {}, c: {}, d: {}}
teams: {t: {members: [a, b, c, d], oncall: {primary: r}}}
rotations:
  r: {team: t, timezone: Europe/London, members: [a, b, c, d], shift: 1w, start: 2026-01-06T12:00, holiday_shift: 1d}
services:
  api: {team: t, lifecycle: experimental}
"""
    root = str(write_repo(tmp_path, config))
    report = json.loads(run("report", "--repo", root, "--now", "2026-03-02T12:00Z", "--format", "json").output)
    a = next(p for p in report["load"] if p["person"] == "a")
    # horizon 12w from Mon 03-02 12:00: a holds the weeks from 03-17, 04-14, 05-12 (12:00 London, BST after
    # 03-29): 3 x 168 h less the hour the clocks skip inside 03-24..03-31 (b's week), so 504 h.
    assert a["oncall_hours"] == 504.0
    # each week: Sat and Sun whole (48 h), and 9 night hours on each of the 5 weekday nights (22:00-07:00)
    # minus the overlap at the week's ends: Tue 12:00 to Tue 12:00 holds 5 nights + weekend = 48 + 45 = 93 h
    assert a["out_of_hours_hours"] == 3 * 93.0
    assert a["holiday_hours"] == 0.0
    christmas = json.loads(run("report", "--repo", root, "--now", "2026-12-15T12:00Z", "--format", "json").output)
    held = {p["person"]: p["holiday_hours"] for p in christmas["load"]}
    # window 12-22 00:00 .. 01-04 00:00 London: 13 days = 312 h, shared by the four
    assert sum(held.values()) == 312.0 and all(h > 0 for h in held.values())


def test_a_fraction_that_is_not_a_number_is_cfg005_and_not_used(tmp_path: Path) -> None:
    # YAML's .nan passes the schema's bounds (every comparison with NaN is false): ROT015 fired on every
    # rotation "under min_balance nan", and the JSON report wrote a bare NaN.
    config = CONFIG.replace("max_gap: 10w,", "max_gap: 10w, max_oncall_fraction: .nan,").replace(
        "min_balance: 0.1", "min_balance: .inf")
    result = check_repo(write_repo(tmp_path, config), NOW)
    found = sorted((d.rule, d.message) for d in result.diagnostics if d.rule == "CFG005")
    assert [m.split(" is ")[0] for _, m in found] == ["max_oncall_fraction", "min_balance"]
    assert not any(d.rule == "ROT015" for d in result.diagnostics)
    model = result.model
    assert model.policy.rotation.max_oncall_fraction == 0.25 and model.policy_for(model.rotations["r"]).min_balance == 0.5
