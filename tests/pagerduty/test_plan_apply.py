"""`ownership pagerduty plan|apply` against a local server that answers like PagerDuty's REST API v2."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_repo
from tests.pagerduty.fake import FakePagerDuty
from tests.pagerduty.helpers import LONDON_WEEKLY, add_people, applied, config, drift, writes

NOW = "2026-10-01T09:00Z"


def plan(run: Any, root: Path, env: dict[str, str], *args: str) -> Any:
    return run("pagerduty", "plan", "--repo", str(root), "--now", NOW, *args, env=env)


def apply(run: Any, root: Path, env: dict[str, str], *args: str) -> Any:
    return run("pagerduty", "apply", "--repo", str(root), "--now", NOW, *args, env=env)


def test_plan_lists_each_change_then_apply_makes_pagerduty_the_simulated_schedule_and_a_second_apply_does_nothing(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    add_people(fake_pd)
    root = write_repo(tmp_path, config(LONDON_WEEKLY + "    holiday_shift: 1d\n    overrides:\n"
                                       "      - {person: erin, from: 2026-11-03T12:00, to: 2026-11-05T12:00}\n"))
    first = plan(run, root, pd_env, "--format", "json")
    assert first.exit_code == 1
    changes = json.loads(first.output)["changes"]
    assert changes[0] == {"action": "create_schedule", "rotation": "pay-eu", "schedule": None,
                          "summary": "create schedule pay-eu (1 layer(s))", "layers": 1, "layer_details": [
                              {"name": "roster 1 from 2026-01-06 12:00", "start": "2026-01-06T12:00:00+00:00",
                               "end": None, "members": ["alice", "bob", "carol", "dave"],
                               "turn_length_seconds": 604800, "restrictions": []}]}
    overrides = [(c["start"], c["end"], c["person"]) for c in changes if c["action"] == "create_override"]
    assert ("2026-11-03T12:00:00+00:00", "2026-11-05T12:00:00+00:00", "erin") in overrides
    # holiday pieces: one-day shifts from the shift that meets the holiday window, as the engine cuts them
    assert ("2026-12-24T12:00:00+00:00", "2026-12-25T12:00:00+00:00", "carol") in overrides or any(
        s.startswith("2026-12-2") for s, _, _ in overrides)
    assert writes(fake_pd) == []  # plan writes nothing
    applied = apply(run, root, pd_env)
    assert applied.exit_code == 0, applied.output
    assert "pay-eu: created schedule P" in applied.output
    assert drift(fake_pd, root, "pay-eu", NOW) == []
    before = len(writes(fake_pd))
    again = plan(run, root, pd_env)
    assert again.exit_code == 0, again.output
    assert "no changes" in again.output
    assert apply(run, root, pd_env).output.strip().endswith("nothing to apply: PagerDuty matches the config")
    assert len(writes(fake_pd)) == before


def test_plan_text_names_each_override_in_local_time(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                     tmp_path: Path) -> None:
    add_people(fake_pd)
    root = write_repo(tmp_path, config(LONDON_WEEKLY + "    overrides:\n"
                                       "      - {person: erin, from: 2026-11-03T12:00, to: 2026-11-05T12:00}\n"))
    result = plan(run, root, pd_env)
    assert result.exit_code == 1
    assert "pay-eu -> a new schedule: 2 change(s)" in result.output
    assert "  + override Tue 2026-11-03 12:00 to Thu 2026-11-05 12:00 (Europe/London): erin" in result.output
    assert result.output.rstrip().endswith("UTC") and "1 schedule(s) to create, 1 override(s) to create" in result.output


@pytest.mark.parametrize("turns", ["wall", "elapsed"])
def test_a_london_rotation_across_the_october_change_stays_at_noon_local(fake_pd: FakePagerDuty,
                                                                        pd_env: dict[str, str], run: Any,
                                                                        tmp_path: Path, turns: str) -> None:
    fake, env = fake_pd, pd_env
    fake.turns = turns
    add_people(fake)
    root = write_repo(tmp_path, config(LONDON_WEEKLY))
    planned = json.loads(plan(run, root, env, "--format", "json").output)["changes"]
    overrides = [(c["start"], c["end"]) for c in planned if c["action"] == "create_override"]
    if turns == "wall":  # PagerDuty keeps handoffs at 12:00 local: the layer says it all
        assert overrides == []
    else:  # turns of 604,800 s from a January start hand off at 13:00 summer time until 25 October: an hour's
        # override each week puts the handoff back at noon; after the change the turns meet noon again
        assert overrides == [(f"2026-10-{day}T12:00:00+01:00", f"2026-10-{day}T13:00:00+01:00")
                             for day in ("06", "13", "20")]
    assert apply(run, root, env).exit_code == 0
    assert drift(fake, root, "pay-eu", NOW) == []
    assert plan(run, root, env).exit_code == 0


def test_follow_the_sun_legs_are_restricted_layers(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                   tmp_path: Path) -> None:
    add_people(fake_pd)
    legs = "".join(f"""  {name}:
    team: pay
    timezone: {zone}
    hours: "{hours}"
    members: [alice, bob, carol, dave]
    shift: 1w
    start: 2026-01-06T12:00
""" for name, zone, hours in (("emea", "Europe/London", "07:00-17:00"), ("amer", "America/New_York", "12:00-22:00"),
                              ("apac", "Australia/Sydney", "22:00-08:00")))
    root = write_repo(tmp_path, config(legs))
    assert apply(run, root, pd_env).exit_code == 0
    created = [body["schedule"] for op, body in fake_pd.bodies if op == "POST /schedules"]
    assert [(s["name"], s["time_zone"], s["schedule_layers"][0]["restrictions"]) for s in created] == [
        ("emea", "Europe/London", [{"type": "daily_restriction", "start_time_of_day": "07:00:00",
                                    "duration_seconds": 36000}]),
        ("amer", "America/New_York", [{"type": "daily_restriction", "start_time_of_day": "12:00:00",
                                       "duration_seconds": 36000}]),
        ("apac", "Australia/Sydney", [{"type": "daily_restriction", "start_time_of_day": "22:00:00",
                                       "duration_seconds": 36000}])]
    for name in ("emea", "amer", "apac"):
        assert drift(fake_pd, root, name, NOW) == []
    assert plan(run, root, pd_env).exit_code == 0


def test_a_person_without_email_is_one_line_naming_them_and_nothing_is_written(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    add_people(fake_pd)
    people = "\n".join(f"  {p}: {{email: {p}@acme.example}}" for p in ("alice", "bob", "dave", "erin"))
    root = write_repo(tmp_path, config(LONDON_WEEKLY, people + "\n  carol: {name: Carol}"))
    for command in ("plan", "apply"):
        result = run("pagerduty", command, "--repo", str(root), "--now", NOW, env=pd_env)
        assert result.exit_code == 2
        assert result.output == ("ownership: error: cannot match people to PagerDuty users by email: carol has no "
                                 "email (add people.carol.email)\n")
    assert writes(fake_pd) == []


def test_an_email_pagerduty_does_not_know_is_one_line_and_nothing_is_written(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    add_people(fake_pd, ["alice", "bob", "carol", "erin"])
    fake_pd.add_user("Dave Other", "dave.other@acme.example")  # a near miss is no match
    root = write_repo(tmp_path, config(LONDON_WEEKLY))
    result = apply(run, root, pd_env)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert result.output == ("ownership: error: cannot match people to PagerDuty users by email: PagerDuty has no "
                             "user with email dave@acme.example (dave)\n")
    assert writes(fake_pd) == []


def test_a_roster_edit_updates_the_layer_in_place(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                  tmp_path: Path) -> None:
    root = tmp_path
    schedule_id = applied(fake_pd, pd_env, run, root)
    layer_id = fake_pd.schedules[schedule_id]["schedule_layers"][0]["id"]
    write_repo(root, config(LONDON_WEEKLY.replace("[alice, bob, carol, dave]", "[alice, bob, carol, dave, erin]")))
    result = plan(run, root, pd_env)
    assert result.exit_code == 1
    assert f"~ update schedule {schedule_id}: 1 layer(s) from the config" in result.output
    assert apply(run, root, pd_env).exit_code == 0
    layers = fake_pd.schedules[schedule_id]["schedule_layers"]
    assert [la["id"] for la in layers] == [layer_id] and len(layers[0]["users"]) == 5
    assert drift(fake_pd, root, "pay-eu", NOW) == []
    assert plan(run, root, pd_env).exit_code == 0


def test_an_override_made_in_pagerduty_is_removed_by_apply(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                            tmp_path: Path) -> None:
    root = tmp_path
    schedule_id = applied(fake_pd, pd_env, run, root)
    fake_pd.add_override(schedule_id, "2026-11-03T12:00:00Z", "2026-11-10T12:00:00Z",
                         fake_pd.user_id("erin@acme.example"))
    result = plan(run, root, pd_env)
    # erin is not in this rotation: PagerDuty's own name for the user says who it is
    assert "  - override Tue 2026-11-03 12:00 to Tue 2026-11-10 12:00 (Europe/London): PagerDuty user Erin" \
        in result.output
    assert apply(run, root, pd_env).exit_code == 0
    assert fake_pd.overrides[schedule_id] == []


def test_a_schedule_named_in_the_config_is_the_one_updated(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                          tmp_path: Path) -> None:
    add_people(fake_pd)
    theirs = fake_pd.add_schedule({"name": "Payments primary", "time_zone": "UTC", "schedule_layers": []})
    root = write_repo(tmp_path, config(LONDON_WEEKLY, extra=f"pagerduty:\n  schedules: {{pay-eu: {theirs}}}\n"))
    assert apply(run, root, pd_env).exit_code == 0
    assert list(fake_pd.schedules) == [theirs]
    assert fake_pd.schedules[theirs]["name"] == "Payments primary"  # their name is kept; the zone is the rotation's
    assert fake_pd.schedules[theirs]["time_zone"] == "Europe/London"
    wrong = write_repo(tmp_path / "wrong", config(LONDON_WEEKLY, extra="pagerduty:\n  schedules: {pay-eu: PNOPE}\n"))
    result = plan(run, wrong, pd_env)
    assert result.exit_code == 2
    assert result.output == ("ownership: error: pagerduty.schedules maps rotation pay-eu to PNOPE, which PagerDuty "
                             "does not have; fix the ID, or remove it to create the schedule\n")


def test_apply_refuses_a_config_with_errors(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                            tmp_path: Path) -> None:
    root = write_repo(tmp_path, config(LONDON_WEEKLY.replace("shift: 1w", "shift: 1x")))
    result = apply(run, root, pd_env)
    assert result.exit_code == 2 and "the config has 2 error(s)" in result.output and "'1x'" in result.output
    assert fake_pd.requests == []


def test_only_the_rotations_named_are_planned(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                              tmp_path: Path) -> None:
    add_people(fake_pd)
    people = "\n".join(f"  {p}: {{email: {p}@acme.example}}" for p in PEOPLE_WITH_NOBODY)
    other = LONDON_WEEKLY.replace("pay-eu", "other").replace("[alice, bob, carol, dave]", "[nobody]")
    root = write_repo(tmp_path, config(LONDON_WEEKLY + other, people + "\n  nobody: {}").replace(
        "members: [alice, bob, carol, dave, erin]}", "members: [alice, bob, carol, dave, erin, nobody]}"))
    assert plan(run, root, pd_env, "pay-eu").exit_code == 1
    assert plan(run, root, pd_env, "missing").output.startswith("ownership: error: no rotation 'missing'")


PEOPLE_WITH_NOBODY = ["alice", "bob", "carol", "dave", "erin"]


def test_overrides_are_planned_past_the_horizon_so_drift_checks_find_them(fake_pd: FakePagerDuty,
                                                                           pd_env: dict[str, str], run: Any,
                                                                           tmp_path: Path) -> None:
    add_people(fake_pd)
    root = write_repo(tmp_path, config(LONDON_WEEKLY))
    result = json.loads(plan(run, root, pd_env, "--format", "json").output)
    assert result["since"] == "2026-10-01T09:00:00+00:00"
    assert result["until"] == "2027-01-07T09:00:00+00:00"  # horizon 12w + 2w
    assert timedelta(weeks=14) == timedelta(days=98)
