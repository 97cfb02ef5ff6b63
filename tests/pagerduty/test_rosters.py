"""Roster changes, shift patterns and covered days, end to end against the fake PagerDuty.

For each kind of rotation SPEC §7 allows: `plan` shows the layers and overrides, `apply` makes PagerDuty's
final schedule (as the fake renders it, with PagerDuty's layer semantics) the simulated one, a second `plan`
is empty, `check --online` finds no drift, a swap made in PagerDuty afterwards is DRF001 naming the stretch,
and `import` gives a config that simulates to PagerDuty's final schedule and that `plan` leaves alone. Each
runs with turns counted on the schedule's wall clock (as PagerDuty documents) and in elapsed seconds, so
the mapping holds whichever PagerDuty does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.config import load_config
from checker.pagerduty.timeline import differences
from checker.schedule import format_local, simulate
from checker.sources.worktree import WorktreeSource
from tests.conftest import write_repo
from tests.pagerduty.fake import FakePagerDuty, body_problems
from tests.pagerduty.helpers import add_people, applied, at, config, drift, simulated
from tests.pagerduty.test_import import WEEKS, final_by_email

NOW = "2026-10-01T09:00Z"


@dataclass(frozen=True)
class Case:
    yaml: str  # the rotation `pay`, under `rotations:`
    layers: list[str]  # `plan`'s lines for the layers
    changes: list[dict[str, Any]] | None = None  # what `import` writes as `changes:` (None: no changes)


def rotation(timezone: str, members: str, shift: str, start: str, *extra: str) -> str:
    lines = ["team: pay", f"timezone: {timezone}", f"members: {members}", f"shift: {shift}", f"start: {start}", *extra]
    return "  pay:\n" + "".join(f"    {line}\n" for line in lines)


APPENDED = rotation("Europe/London", "[alice, bob, carol, dave]", "1w", "2026-01-06T12:00", "changes:")
CASES = {
    # erin joins at the handoff of 20 October, holding that week herself
    "appended-first": Case(
        APPENDED + "      - {from: 2026-10-20T12:00, members: [alice, bob, carol, dave, erin], first: erin}\n",
        ["roster 1 from Tue 2026-01-06 12:00 to Tue 2026-10-20 12:00: alice, bob, carol, dave; a turn every 1w",
         "roster 2 from Tue 2026-10-20 12:00: erin, alice, bob, carol, dave; a turn every 1w"],
        [{"from": "2026-10-20T12:00+01:00", "members": ["erin", "alice", "bob", "carol", "dave"], "first": "erin"}]),
    # without `first`, whoever the old roster gave that week keeps it (shift 41 from 6 January: bob)
    "appended": Case(
        APPENDED + "      - {from: 2026-10-20T12:00, members: [alice, bob, carol, dave, erin]}\n",
        ["roster 1 from Tue 2026-01-06 12:00 to Tue 2026-10-20 12:00: alice, bob, carol, dave; a turn every 1w",
         "roster 2 from Tue 2026-10-20 12:00: bob, carol, dave, erin, alice; a turn every 1w"],
        [{"from": "2026-10-20T12:00+01:00", "members": ["bob", "carol", "dave", "erin", "alice"], "first": "bob"}]),
    # the change's first shift spans nothing odd, but the roster before it hands over across 25 October
    "change-across-dst": Case(
        rotation("Europe/London", "[alice, bob, carol, dave]", "1w", "2026-01-06T12:00", "changes:",
                 "  - {from: 2026-10-27T12:00, members: [erin, dave, carol, bob, alice], first: alice}"),
        ["roster 1 from Tue 2026-01-06 12:00 to Tue 2026-10-27 12:00: alice, bob, carol, dave; a turn every 1w",
         "roster 2 from Tue 2026-10-27 12:00: alice, erin, dave, carol, bob; a turn every 1w"],
        [{"from": "2026-10-27T12:00+00:00", "members": ["alice", "erin", "dave", "carol", "bob"], "first": "alice"}]),
    # Google's split week: Monday 10:00 to Friday 10:00, Friday to Monday
    "split-week": Case(
        rotation("Europe/Berlin", "[alice, bob, carol]", "[4d, 3d]", "2026-01-05T10:00"),
        ["roster 1 from Mon 2026-01-05 10:00: alice, bob, carol; a turn every 84h"]),
    # a daily rotation with one weekend shift
    "daily": Case(
        rotation("America/New_York", "[alice, bob, carol, dave, erin]", "[1d, 1d, 1d, 1d, 3d]", "2026-01-05T09:00"),
        ["roster 1 from Mon 2026-01-05 09:00: alice, bob, carol, dave, erin; a turn every 2016m"]),
    # business hours on weekdays only
    "business-hours": Case(
        rotation("Europe/London", "[alice, bob, carol]", "1w", "2026-01-05T09:00", "days: [mon, tue, wed, thu, fri]",
                 'hours: "09:00-17:00"'),
        ["roster 1 from Mon 2026-01-05 09:00: alice, bob, carol; a turn every 1w; on call Mon-Fri 09:00 for 8h"]),
}


def cli(run: Any, env: dict[str, str], *args: str) -> Any:
    return run(*args, "--now", NOW, env=env)


def drf001(run: Any, root: Path, env: dict[str, str]) -> list[str]:
    result = cli(run, env, "check", "--repo", str(root), "--format", "json", "--online")
    assert result.exit_code in (0, 1), result.output
    return [d["message"] for d in json.loads(result.stdout)["diagnostics"] if d["rule"] == "DRF001"]


@pytest.mark.parametrize("turns", ["wall", "elapsed"])
@pytest.mark.parametrize("name", list(CASES))
def test_plan_apply_drift_and_import_round_trip(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                tmp_path: Path, name: str, turns: str) -> None:
    case, fake, env = CASES[name], fake_pd, pd_env
    fake.turns = turns
    add_people(fake)
    root = write_repo(tmp_path / "repo", config(case.yaml))
    model = load_config(WorktreeSource(str(root)), "ownership.yaml").model
    tz = model.rotations["pay"].tz

    planned = cli(run, env, "pagerduty", "plan", "--repo", str(root))
    assert planned.exit_code == 1, planned.output
    lines = planned.output.splitlines()
    assert lines[1] == f"  + create schedule pay ({len(case.layers)} layer(s))"
    assert lines[2:2 + len(case.layers)] == [f"      {line}" for line in case.layers]
    overrides = [line for line in lines if line.startswith("  + override ")]
    assert len(lines) == 3 + len(case.layers) + len(overrides)

    assert cli(run, env, "pagerduty", "apply", "--repo", str(root)).exit_code == 0
    assert {op for op, _ in fake.bodies} >= {"POST /schedules/preview", "POST /schedules"}
    assert [body_problems(op, body) for op, body in fake.bodies] == [[]] * len(fake.bodies)  # PagerDuty's OpenAPI
    assert drift(fake, root, "pay", NOW) == []
    again = cli(run, env, "pagerduty", "plan", "--repo", str(root))
    assert again.exit_code == 0 and "no changes" in again.output, again.output
    assert drf001(run, root, env) == []

    # someone swaps the first regular shift that starts a week from now in PagerDuty's UI
    (schedule_id,) = fake.schedules
    slots = simulate(model, at(NOW), timedelta(weeks=3), ["pay"]).rotations["pay"].slots
    slot = next(s for s in slots if s.start >= at(NOW) + timedelta(weeks=1))
    other = next(p for p in ("alice", "bob", "carol") if p != slot.person)
    fake.add_override(schedule_id, slot.start.isoformat(), slot.end.isoformat(),
                      fake.user_id(f"{other}@acme.example"))
    (message,) = drf001(run, root, env)
    assert (f"from {format_local(slot.start, tz)} to {format_local(slot.end, tz)} ({tz}) PagerDuty pages {other} "
            f"where the config has {slot.person};") in message

    imported = cli(run, env, "import", "pagerduty", schedule_id)
    assert imported.exit_code == 0, imported.output
    adopted = write_repo(tmp_path / "adopted", imported.stdout)
    written = yaml.safe_load(imported.stdout)["rotations"]["pay"]
    assert written.get("changes") == case.changes
    reread = load_config(WorktreeSource(str(adopted)), "ownership.yaml").model.rotations["pay"]
    assert [o for o in reread.overrides if o.person == other and o.start <= slot.start and o.end >= slot.end]
    # import, then simulate: PagerDuty's final schedule
    assert differences(simulated(adopted, "pay", NOW, WEEKS), final_by_email(fake, schedule_id), at(NOW),
                       at(NOW) + WEEKS) == []
    adopted_plan = cli(run, env, "pagerduty", "plan", "--repo", str(adopted))
    assert adopted_plan.exit_code == 0, adopted_plan.output


WEEKLY = rotation("Europe/London", "[alice, bob, carol, dave]", "1w", "2026-01-06T12:00")


def test_a_change_added_later_ends_the_layer_in_force_at_its_handoff_and_then_becomes_history(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    root = tmp_path
    schedule_id = applied(fake_pd, pd_env, run, root, WEEKLY)
    (layer_id,) = [la["id"] for la in fake_pd.schedules[schedule_id]["schedule_layers"]]
    write_repo(root, config(CASES["appended-first"].yaml))
    planned = cli(run, pd_env, "pagerduty", "plan", "--repo", str(root))
    assert planned.output.splitlines()[1:4] == [
        f"  ~ update schedule {schedule_id}: 2 layer(s) from the config",
        *[f"      {line}" for line in CASES["appended-first"].layers]]
    assert cli(run, pd_env, "pagerduty", "apply", "--repo", str(root)).exit_code == 0
    layers = fake_pd.schedules[schedule_id]["schedule_layers"]
    assert [(la["id"] == layer_id, la.get("end")) for la in layers] == [
        (True, "2026-10-20T12:00:00+01:00"), (False, None)]  # the layer in force keeps its ID and ends
    assert drift(fake_pd, root, "pay", NOW) == []
    assert cli(run, pd_env, "pagerduty", "plan", "--repo", str(root)).exit_code == 0
    # a month later the first roster is history: nothing to change, and nothing drifts
    later = run("pagerduty", "plan", "--repo", str(root), "--now", "2026-11-20T09:00Z", env=pd_env)
    assert later.exit_code == 0, later.output
    assert drift(fake_pd, root, "pay", "2026-11-20T09:00Z") == []


def test_overrides_that_already_page_as_the_config_says_are_kept_whatever_their_shape(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    root = tmp_path
    schedule_id = applied(fake_pd, pd_env, run, root, WEEKLY)
    carol, erin = fake_pd.user_id("carol@acme.example"), fake_pd.user_id("erin@acme.example")
    # in PagerDuty's UI: erin takes a day of dave's week, then carol the whole week, over it
    fake_pd.add_override(schedule_id, "2026-11-04T12:00:00Z", "2026-11-05T12:00:00Z", erin)
    fake_pd.add_override(schedule_id, "2026-11-03T12:00:00Z", "2026-11-10T12:00:00Z", carol)
    # the config writes carol's week as two overrides: PagerDuty already pages as it says
    write_repo(root, config(WEEKLY + "    overrides:\n"
                            "      - {person: carol, from: 2026-11-03T12:00, to: 2026-11-06T12:00}\n"
                            "      - {person: carol, from: 2026-11-06T12:00, to: 2026-11-10T12:00}\n"))
    planned = cli(run, pd_env, "pagerduty", "plan", "--repo", str(root))
    assert planned.exit_code == 0, planned.output
    # once it does not, erin's hidden override goes and carol's stays; only what is missing is made
    write_repo(root, config(WEEKLY + "    overrides:\n"
                            "      - {person: carol, from: 2026-11-03T12:00, to: 2026-11-10T12:00}\n"
                            "      - {person: bob, from: 2026-11-10T12:00, to: 2026-11-11T12:00}\n"))
    planned = cli(run, pd_env, "pagerduty", "plan", "--repo", str(root))
    assert planned.output.splitlines()[1:3] == [
        "  - override Wed 2026-11-04 12:00 to Thu 2026-11-05 12:00 (Europe/London): PagerDuty user Erin",
        "  + override Tue 2026-11-10 12:00 to Wed 2026-11-11 12:00 (Europe/London): bob"]
    assert cli(run, pd_env, "pagerduty", "apply", "--repo", str(root)).exit_code == 0
    assert drift(fake_pd, root, "pay", NOW) == []
    assert cli(run, pd_env, "pagerduty", "plan", "--repo", str(root)).exit_code == 0
