"""`ownership import pagerduty`: existing schedules as YAML that simulates to PagerDuty's final schedule."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from checker.config import load_config
from checker.pagerduty.timeline import Stretch, differences
from checker.sources.worktree import WorktreeSource
from tests.conftest import write_repo
from tests.pagerduty.fake import FakePagerDuty
from tests.pagerduty.helpers import add_people, at, simulated

NOW = "2026-10-01T09:00Z"
WEEKS = timedelta(weeks=14)  # what import reproduces: the default horizon and the 2w apply plans beyond it


def layer(users: list[str], start: str, turn: int, restrictions: list[dict[str, Any]] | None = None,
          **extra: Any) -> dict[str, Any]:
    return {"name": "Layer", "start": start, "rotation_virtual_start": start, "rotation_turn_length_seconds": turn,
            "users": [{"user": {"id": u, "type": "user_reference"}} for u in users],
            "restrictions": restrictions or []} | extra


def imported(run: Any, env: dict[str, str], tmp_path: Path, *ids: str) -> tuple[Path, str]:
    result = run("import", "pagerduty", *ids, "--now", NOW, env=env)
    assert result.exit_code == 0, result.output
    return write_repo(tmp_path / "adopted", result.stdout), result.stdout


def final_by_email(fake: FakePagerDuty, schedule_id: str) -> list[Stretch]:
    emails = {u["id"]: u["email"] for u in fake.users.values()}
    return [Stretch(s, e, emails[u]) for s, e, u in fake.final(schedule_id, at(NOW), at(NOW) + WEEKS)]


def test_import_simulates_to_pagerdutys_final_schedule_and_apply_then_changes_nothing(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    add_people(fake_pd)
    ids = [fake_pd.user_id(f"{p}@acme.example") for p in ("alice", "bob", "carol", "dave")]
    schedule_id = fake_pd.add_schedule({"name": "Payments EU (primary)", "time_zone": "Europe/Berlin",
                                        "schedule_layers": [layer(ids, "2026-01-05T09:00:00+01:00", 604800, [
                                            {"type": "daily_restriction", "start_time_of_day": "08:00:00",
                                             "duration_seconds": 36000}])]})
    fake_pd.add_override(schedule_id, "2026-11-02T09:00:00+01:00", "2026-11-02T18:00:00+01:00",
                         fake_pd.user_id("erin@acme.example"))
    root, text = imported(run, pd_env, tmp_path, schedule_id)
    document = yaml.safe_load(text)
    assert document["rotations"]["payments-eu-primary"] | {"overrides": None} == {
        "team": "payments-eu-primary", "timezone": "Europe/Berlin", "members": ["alice", "bob", "carol", "dave"],
        "shift": "1w", "start": "2026-01-05T09:00+01:00", "hours": "08:00-18:00", "overrides": None}
    assert document["rotations"]["payments-eu-primary"]["overrides"] == [
        {"person": "erin", "from": "2026-11-02T09:00+01:00", "to": "2026-11-02T18:00+01:00"}]
    assert document["pagerduty"] == {"schedules": {"payments-eu-primary": schedule_id}}
    assert document["people"]["erin"] == {"name": "Erin", "email": "erin@acme.example", "timezone": "Europe/London"}
    # round trip: the imported rotation, simulated by this tool, is PagerDuty's final schedule
    assert differences(simulated(root, "payments-eu-primary", NOW, WEEKS), final_by_email(fake_pd, schedule_id),
                       at(NOW), at(NOW) + WEEKS) == []
    # and applying it changes nothing in PagerDuty: the layer and the override are already there
    plan = run("pagerduty", "plan", "--repo", str(root), "--now", NOW, env=pd_env)
    assert plan.exit_code == 0, plan.output


def test_layers_the_rotation_cannot_hold_become_overrides(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                         tmp_path: Path) -> None:
    add_people(fake_pd)
    ids = [fake_pd.user_id(f"{p}@acme.example") for p in ("alice", "bob", "carol", "dave", "erin")]
    weekend = {"type": "weekly_restriction", "start_day_of_week": 6, "start_time_of_day": "00:00:00",
               "duration_seconds": 2 * 86400}
    schedule_id = fake_pd.add_schedule({"name": "ops", "time_zone": "America/New_York", "schedule_layers": [
        layer(ids[:3], "2026-01-05T10:00:00-05:00", 86400),
        layer(ids[3:], "2026-01-03T00:00:00-05:00", 604800, [weekend])]})
    before = final_by_email(fake_pd, schedule_id)
    root, _ = imported(run, pd_env, tmp_path)  # no ID: every schedule
    model = load_config(WorktreeSource(str(root)), "ownership.yaml").model
    assert model.rotations["ops"].members == ["alice", "bob", "carol"]
    assert len(model.rotations["ops"].overrides) >= 24  # the weekends of the next 14 weeks
    assert differences(simulated(root, "ops", NOW, WEEKS), before, at(NOW), at(NOW) + WEEKS) == []
    assert run("pagerduty", "apply", "--repo", str(root), "--now", NOW, env=pd_env).exit_code == 0
    assert final_by_email(fake_pd, schedule_id) == before  # one layer and overrides now, the same pager
    assert run("pagerduty", "plan", "--repo", str(root), "--now", NOW, env=pd_env).exit_code == 0


def test_hostile_names_are_escaped_into_valid_yaml(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                   tmp_path: Path) -> None:
    odd = fake_pd.add_user('Zoë "Z" O\'Neil\n: {x}', "zoe+oncall@acme.example", "Not/AZone")
    fake_pd.add_schedule({"name": "--- !!python/object:os.system\n", "time_zone": "UTC",
                          "schedule_layers": [layer([odd], "2026-01-05T10:00:00Z", 86400)]})
    root, _ = imported(run, pd_env, tmp_path)
    loaded = load_config(WorktreeSource(str(root)), "ownership.yaml")
    assert [d.message for d in loaded.diagnostics if d.rule.startswith("CFG")] == []
    (person,) = loaded.model.people.values()
    assert (person.name, person.display_name, person.email, person.timezone) == (
        "zoe-oncall", 'Zoë "Z" O\'Neil : {x}', "zoe+oncall@acme.example", "UTC")  # one line, as the schema asks
    assert list(loaded.model.rotations) == ["python-object-os.system"]


def test_paging_outside_the_rotations_hours_is_named_as_what_the_config_cannot_say(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    add_people(fake_pd)
    ids = [fake_pd.user_id(f"{p}@acme.example") for p in ("alice", "bob")]
    schedule_id = fake_pd.add_schedule({"name": "day", "time_zone": "UTC", "schedule_layers": [
        layer(ids, "2026-01-05T09:00:00Z", 604800, [{"type": "daily_restriction", "start_time_of_day": "09:00:00",
                                                     "duration_seconds": 8 * 3600}])]})
    # a PagerDuty override covers the night too, which `hours: 09:00-17:00` cannot
    fake_pd.add_override(schedule_id, "2026-11-02T09:00:00Z", "2026-11-03T09:00:00Z",
                         fake_pd.user_id("erin@acme.example"))
    _, text = imported(run, pd_env, tmp_path, schedule_id)
    assert "      - {person: erin, from: \"2026-11-02T09:00+00:00\", to: \"2026-11-02T17:00+00:00\"}" in text
    assert ("    # cannot be written here: from 2026-11-02 17:00 to 2026-11-03 09:00 PagerDuty pages erin, this "
            "rotation nobody") in text


def test_layers_that_take_over_at_a_regular_handoff_import_as_changes(fake_pd: FakePagerDuty, pd_env: dict[str, str],
                                                                      run: Any, tmp_path: Path) -> None:
    add_people(fake_pd)
    a, b, c, d, e = (fake_pd.user_id(f"{p}@acme.example") for p in ("alice", "bob", "carol", "dave", "erin"))
    # as PagerDuty's UI leaves them: the old layer ended at a handoff, the new one with its own virtual start
    # two turns earlier (so dave, third in its list, holds the turn that starts at the handoff), daily turns
    schedule_id = fake_pd.add_schedule({"name": "ops", "time_zone": "Europe/London", "schedule_layers": [
        layer([a, b, c], "2026-01-05T09:00:00+00:00", 604800, end="2026-10-26T09:00:00+00:00"),
        layer([b, c, d, e], "2026-10-26T09:00:00+00:00", 86400, rotation_virtual_start="2026-10-24T09:00:00+01:00")]})
    root, text = imported(run, pd_env, tmp_path, schedule_id)
    written = yaml.safe_load(text)["rotations"]["ops"]
    assert (written["members"], written["shift"], written["start"]) == (["alice", "bob", "carol"], "1w",
                                                                       "2026-01-05T09:00+00:00")
    assert written["changes"] == [{"from": "2026-10-26T09:00+00:00", "members": ["bob", "carol", "dave", "erin"],
                                   "first": "dave", "shift": "1d"}]
    assert "overrides" not in written  # the two layers say it all
    assert yaml.safe_load(text)["teams"]["ops"] == {"members": ["alice", "bob", "carol", "dave", "erin"]}
    before = final_by_email(fake_pd, schedule_id)
    assert differences(simulated(root, "ops", NOW, WEEKS), before, at(NOW), at(NOW) + WEEKS) == []
    # apply writes the second layer as the mapping does (from its own start, dave first): the same pager
    assert run("pagerduty", "apply", "--repo", str(root), "--now", NOW, env=pd_env).exit_code == 0
    assert final_by_email(fake_pd, schedule_id) == before
    assert run("pagerduty", "plan", "--repo", str(root), "--now", NOW, env=pd_env).exit_code == 0


def test_a_layer_that_takes_over_between_handoffs_is_written_as_overrides_with_a_comment(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    add_people(fake_pd)
    a, b, c, d = (fake_pd.user_id(f"{p}@acme.example") for p in ("alice", "bob", "carol", "dave"))
    # the old weekly layer hands over on a Thursday, mid-shift: no roster change can say that
    schedule_id = fake_pd.add_schedule({"name": "ops", "time_zone": "UTC", "schedule_layers": [
        layer([a, b], "2026-01-05T09:00:00Z", 604800, end="2026-10-29T09:00:00Z"),
        layer([c, d], "2026-10-29T09:00:00Z", 604800, name="Autumn")]})
    root, text = imported(run, pd_env, tmp_path, schedule_id)
    written = yaml.safe_load(text)["rotations"]["ops"]
    assert "changes" not in written and written["members"] == ["alice", "bob"]
    assert ('    # PagerDuty layer "Autumn" from 2026-10-29 09:00 does not take over from the one before at a regular '
            "handoff: its shifts are written as overrides") in text
    assert {o["person"] for o in written["overrides"]} == {"carol", "dave"}
    assert differences(simulated(root, "ops", NOW, WEEKS), final_by_email(fake_pd, schedule_id), at(NOW),
                       at(NOW) + WEEKS) == []
