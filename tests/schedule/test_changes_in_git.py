"""Schedules that change safely, on real git repositories (SPEC §7): what a pull request does to the
schedule is shown, moving on-call without notice fails ROT014, and its suggested `changes:` entry fixes it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from tests.test_diffmode import commit_files, init_repo

NOW = "2026-12-03T09:00Z"
BASE = """\
version: 1
people: {alice: {}, bob: {}, carol: {}, dave: {}, erin: {}, frank: {}, sre1: {}, sre2: {}, sre3: {}, sre4: {}}
teams:
  payments:
    members: [alice, bob, carol, dave, erin, frank]
    oncall: {primary: payments-eu, secondary: sre}
    escalation: [{rotation: payments-eu}, {contact: "Head of Payments"}]
  sre: {members: [sre1, sre2, sre3, sre4]}
rotations:
  payments-eu:
    team: payments
    timezone: Europe/London
    members: [alice, bob, carol, dave, erin]
    shift: 1w
    start: 2026-01-06T12:00
  sre: {team: sre, members: [sre1, sre2, sre3, sre4], shift: 1w, start: 2026-01-07T12:00, timezone: Europe/London}
policy: {rules: {ROT006: "off", ROT007: "off"}}
services:
  checkout-api: {team: payments, runbook: https://wiki.example.com/checkout}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    commit_files(root, {"ownership.yaml": BASE}, "base")
    return root


def edit(root: Path, change: dict) -> None:  # type: ignore[type-arg]
    """Write the config with `change` merged into rotations.payments-eu (None deletes a key)."""
    config = yaml.safe_load(BASE)
    rotation = config["rotations"]["payments-eu"]
    for key, value in change.items():
        if value is None:
            rotation.pop(key, None)
        else:
            rotation[key] = value
    (root / "ownership.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def check(run, root: Path, *extra: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = run("check", "--repo", str(root), "--now", NOW, "--base", "main", "--format", "json", *extra)
    body: dict = json.loads(result.output)  # type: ignore[type-arg]
    body["exit_code"] = result.exit_code
    return body


def who(run, root: Path, at: datetime) -> str:  # type: ignore[no-untyped-def]
    answer = json.loads(run("who", "checkout-api", "--repo", str(root), "--at", at.isoformat(), "--format",
                            "json").output)
    return next(e["person"] for e in answer["oncall"] if e["role"] == "primary")


def test_appending_a_member_fails_rot014_and_its_suggested_change_passes(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    edit(repo, {"members": ["alice", "bob", "carol", "dave", "erin", "frank"]})
    body = check(run, repo)
    [rot014] = [d for d in body["diagnostics"] if d["rule"] == "ROT014"]
    assert body["exit_code"] == 1 and rot014["new"]
    # shift 47 (Tue 12-01 12:00) was carol's (47 mod 5 = 2) and becomes frank's (47 mod 6 = 5)
    assert "moves rotation 'payments-eu' from Thu 2026-12-03 09:00 to Tue 2026-12-08 12:00 (Europe/London) " \
           "from carol to frank" in rot014["message"]
    assert body["schedule_changes"][0] == {"rotation": "payments-eu", "start": "2026-12-03T09:00:00+00:00",
                                           "end": "2026-12-08T12:00:00+00:00", "before": "carol", "after": "frank"}

    # The edit as the message says: members as they were, and the suggested `changes:` entry.
    suggestion = re.search(r"`changes: (\[.*\])`", rot014["message"])
    assert suggestion is not None
    changes = yaml.safe_load(suggestion.group(1))
    assert changes == [{"from": "2026-12-22T12:00", "members": ["alice", "bob", "carol", "dave", "erin", "frank"]}]
    edit(repo, {"changes": changes})
    body = check(run, repo)
    assert [d for d in body["diagnostics"] if d["rule"] == "ROT014"] == [] and body["exit_code"] == 0
    first_moved = datetime.fromisoformat(body["schedule_changes"][0]["start"])
    # nothing moves before the change; from it, alice keeps her turn and the order runs on until frank's
    assert first_moved == datetime(2027, 1, 26, 12, tzinfo=UTC)

    # `who` agrees with SPEC §7.1: before `from` the old roster (shift k to members[k mod 5]); from `from`,
    # shift k' to new[(i + k') mod 6], i the index of whoever the old roster gave the shift at `from`.
    old, new = ["alice", "bob", "carol", "dave", "erin"], changes[0]["members"]
    start, change = datetime(2026, 1, 6, 12, tzinfo=UTC), datetime(2026, 12, 22, 12, tzinfo=UTC)
    now = datetime(2026, 12, 3, 9, tzinfo=UTC)
    assert who(run, repo, now) == old[((now - start) // timedelta(weeks=1)) % 5] == "carol"
    k_at_change = (change - start) // timedelta(weeks=1)
    first = new.index(old[k_at_change % 5])
    for weeks in range(8):
        moment = change + timedelta(weeks=weeks, hours=1)
        assert who(run, repo, moment) == new[(first + weeks) % 6], weeks


def test_an_added_override_passes_rot014(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    edit(repo, {"overrides": [{"person": "frank", "from": "2026-12-04T12:00", "to": "2026-12-05T12:00"}]})
    body = check(run, repo)
    assert [d["rule"] for d in body["diagnostics"] if d["new"]] == [] and body["exit_code"] == 0
    assert body["schedule_changes"] == [{"rotation": "payments-eu", "start": "2026-12-04T12:00:00+00:00",
                                         "end": "2026-12-05T12:00:00+00:00", "before": "carol", "after": "frank"}]


@pytest.mark.parametrize("pattern", [["4d", "3d"], ["1d", "1d", "1d", "1d", "3d"]])
def test_split_week_and_daily_pattern_from_monday_pass_rot004(repo: Path, run, pattern: list[str]) -> None:  # type: ignore[no-untyped-def]
    # A new rotation does not move anyone's existing turns (ROT014 judges rotations on both sides).
    config = yaml.safe_load(BASE)
    config["rotations"]["payments-split"] = {"team": "payments", "timezone": "Europe/London", "shift": pattern,
                                             "members": ["alice", "bob", "carol", "dave"],
                                             "start": "2026-01-05T10:00"}
    (repo / "ownership.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    body = check(run, repo)
    assert [d for d in body["diagnostics"] if d["rule"] in ("ROT004", "ROT014")] == []
    local = {datetime.fromisoformat(c["start"]).strftime("%a %H:%M") for c in body["schedule_changes"][1:]}
    assert local <= {"Mon 10:00", "Tue 10:00", "Wed 10:00", "Thu 10:00", "Fri 10:00"}


def test_weekday_business_hours_rotation_covers_a_business_hours_service(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    config = yaml.safe_load(BASE)
    config["rotations"]["payments-eu"].update({"days": ["mon", "tue", "wed", "thu", "fri"], "hours": "09:00-17:00",
                                               "shift": ["1d", "1d", "1d", "1d", "3d"],
                                               "start": "2026-01-05T09:00"})
    config["services"]["checkout-api"]["coverage"] = "business-hours"
    (repo / "ownership.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = run("check", "--repo", str(repo), "--now", NOW, "--format", "json")
    rules = {d["rule"] for d in json.loads(result.output)["diagnostics"]}
    assert not rules & {"SVC002", "ROT004", "ROT005"}, rules
    saturday, monday = datetime(2026, 12, 5, 12, tzinfo=UTC), datetime(2026, 12, 7, 10, tzinfo=UTC)
    nobody = run("who", "checkout-api", "--repo", str(repo), "--at", saturday.isoformat(), "--format", "json")
    assert nobody.exit_code == 1 and [e for e in json.loads(nobody.output)["oncall"] if e["role"] == "primary"] == []
    assert who(run, repo, monday) in {"alice", "bob", "carol", "dave", "erin"}


def test_unchanged_rotations_are_not_simulated_again(repo: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from checker.schedule import engine

    simulated: list[str] = []
    original = engine.simulate_rotation

    def counting(rotation, *args, **kwargs):  # type: ignore[no-untyped-def]
        simulated.append(rotation.name)
        return original(rotation, *args, **kwargs)

    monkeypatch.setattr(engine, "simulate_rotation", counting)
    edit(repo, {"members": ["alice", "bob", "carol", "dave", "erin", "frank"]})
    check(run, repo)
    assert simulated.count("sre") == 1 and simulated.count("payments-eu") == 2


def test_the_pull_request_comment_shows_the_schedule_diff(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    edit(repo, {"members": ["alice", "bob", "carol", "dave", "erin", "frank"]})
    result = run("check", "--repo", str(repo), "--now", NOW, "--base", "main", "--format", "markdown")
    text = result.output
    assert "### Schedule changes" in text
    assert "| `payments-eu` (Europe/London) | Thu 2026\\-12\\-03 09\\:00 | Tue 2026\\-12\\-08 12\\:00 | `carol` " \
           "| `frank` |" in text
    assert "| `frank` | 3 | 336 | 0 | 0 |" in text  # the turn under way now, and two whole ones
    text_output = run("check", "--repo", str(repo), "--now", NOW, "--base", "main").output
    assert "schedule changes: 13 stretch(es) on payments-eu; first Thu 2026-12-03 09:00 Europe/London: carol -> " \
           "frank" in text_output
