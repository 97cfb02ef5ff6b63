"""DRF001 under `check --online`: PagerDuty's final schedule against the simulated one; outages in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT, write_repo
from tests.pagerduty.conftest import TOKEN
from tests.pagerduty.fake import FakePagerDuty
from tests.pagerduty.helpers import LONDON_WEEKLY, add_people, config
from tests.pagerduty.helpers import applied as apply_to_fake

NOW = "2026-10-01T09:00Z"
# A config that passes every rule, so the verdict is DRF001's alone.
SERVICE = """services:
  checkout:
    team: pay
    runbook: https://wiki.acme.example/checkout
    oncall: {primary: [pay-eu]}
policy:
  service: {require_secondary: false, min_escalation_levels: 0}
"""


def check(run: Any, root: Path, env: dict[str, str], *args: str) -> Any:
    return run("check", "--repo", str(root), "--now", NOW, "--format", "json", *args, env=env)


def diagnostics(result: Any) -> list[dict[str, Any]]:
    return list(json.loads(result.stdout)["diagnostics"])


@pytest.fixture
def applied(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> Path:
    apply_to_fake(fake_pd, pd_env, run, tmp_path, extra=SERVICE)
    return tmp_path


def test_check_online_passes_when_pagerduty_matches(applied: Path, pd_env: dict[str, str], run: Any) -> None:
    offline = check(run, applied, {})
    assert offline.exit_code == 0 and diagnostics(offline) == []
    online = check(run, applied, pd_env, "--online")
    assert online.exit_code == 0, online.output
    assert diagnostics(online) == []


def test_a_swap_made_in_pagerdutys_ui_is_drift_naming_the_stretch_both_holders_and_local_times(
        applied: Path, fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any) -> None:
    (schedule_id,) = fake_pd.schedules
    # dave's week from Tue 3 November (shift 43 from 6 January) is carol's in PagerDuty now
    fake_pd.add_override(schedule_id, "2026-11-03T12:00:00+00:00", "2026-11-10T12:00:00+00:00",
                         fake_pd.user_id("carol@acme.example"))
    result = check(run, applied, pd_env, "--online")
    assert result.exit_code == 1
    (found,) = diagnostics(result)
    assert (found["rule"], found["name"], found["severity"], found["subject"], found["line"]) == (
        "DRF001", "pager-drift", "error", "rotation/pay-eu", 11)  # where `pay-eu:` is written
    assert found["message"] == (
        f"PagerDuty schedule {schedule_id} differs from rotation pay-eu: from Tue 2026-11-03 12:00 to Tue 2026-11-10 "
        "12:00 (Europe/London) PagerDuty pages carol where the config has dave; write the swap into `overrides:`, or "
        "run `ownership pagerduty apply`")


def test_the_swap_written_as_an_override_is_no_drift(applied: Path, fake_pd: FakePagerDuty, pd_env: dict[str, str],
                                                      run: Any) -> None:
    (schedule_id,) = fake_pd.schedules
    fake_pd.add_override(schedule_id, "2026-11-03T12:00:00+00:00", "2026-11-10T12:00:00+00:00",
                         fake_pd.user_id("carol@acme.example"))
    write_repo(applied, config(LONDON_WEEKLY + "    overrides:\n"
                               "      - {person: carol, from: 2026-11-03T12:00, to: 2026-11-10T12:00}\n", extra=SERVICE))
    assert check(run, applied, pd_env, "--online").exit_code == 0


def test_a_user_the_config_does_not_have_is_named_by_pagerduty(applied: Path, fake_pd: FakePagerDuty,
                                                               pd_env: dict[str, str], run: Any) -> None:
    (schedule_id,) = fake_pd.schedules
    stranger = fake_pd.add_user("Mallory \x1b[31mMallet", "mallory@elsewhere.example")
    fake_pd.add_override(schedule_id, "2026-12-01T12:00:00+00:00", "2026-12-02T12:00:00+00:00", stranger)
    (found,) = diagnostics(check(run, applied, pd_env, "--online"))
    assert "PagerDuty pages PagerDuty user Mallory \\x1b[31mMallet where the config has" in found["message"]


@pytest.mark.parametrize("status", [401, 403, 429, 500])
def test_an_outage_is_one_line_the_verdict_unchanged_and_the_token_never_printed(
        applied: Path, fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, status: int) -> None:
    offline = check(run, applied, {})
    fake_pd.fail_with = (status, -1)
    result = check(run, applied, dict(pd_env, OWNERSHIP_PAGERDUTY_TIMEOUT="4"), "--online")
    assert result.exit_code == offline.exit_code == 0
    assert result.stdout == offline.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith("ownership: could not look up the PagerDuty user alice@acme.example: PagerDuty answered "
                           f"{status} (failing with {status})")
    assert line.endswith("(drift, --online); the check's verdict is unchanged")
    assert TOKEN not in result.output + result.stderr
    if status == 429:
        assert len(fake_pd.requests) - 1 > 2  # the first request and its two retries (after apply's requests)


def test_unreachable_pagerduty_is_one_line(applied: Path, pd_env: dict[str, str], run: Any) -> None:
    result = check(run, applied, dict(pd_env, PAGERDUTY_API_URL="https://127.0.0.1:1"), "--online")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        ("ownership: could not look up the PagerDuty user alice@acme.example: PagerDuty could not be reached "
        "(ConnectError) (drift, --online); the check's verdict is unchanged")]


def test_a_rotation_pagerduty_has_no_schedule_for_is_named_not_failed(fake_pd: FakePagerDuty, pd_env: dict[str, str],
                                                                      run: Any, tmp_path: Path) -> None:
    add_people(fake_pd)
    root = write_repo(tmp_path, config(LONDON_WEEKLY, extra=SERVICE))
    result = check(run, root, pd_env, "--online")
    assert result.exit_code == 0
    assert result.stderr == ("ownership: PagerDuty has no schedule for 1 rotation(s), not checked for drift: pay-eu "
                             "(`ownership pagerduty apply` creates them)\n")


def test_without_a_token_pagerduty_is_never_asked(applied: Path, fake_pd: FakePagerDuty, pd_env: dict[str, str],
                                                  run: Any) -> None:
    asked = len(fake_pd.requests)
    env = {k: v for k, v in pd_env.items() if k != "PAGERDUTY_TOKEN"} | {"PAGERDUTY_TOKEN": ""}
    assert check(run, applied, env).exit_code == 0
    assert len(fake_pd.requests) == asked


def test_check_never_imports_the_pagerduty_client() -> None:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "checker", "check", "--repo",
                             str(REPO_ROOT / "examples" / "acme"), "--now", "2026-11-23T09:00Z"],
                            capture_output=True, text=True, env=dict(os.environ, PAGERDUTY_TOKEN=TOKEN), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "checker.rules.drift" in imported  # the rule is there; the client and its HTTP library are not
    assert not {m for m in imported if m.split(".")[0] in ("pagerduty", "httpx2", "httpcore2")
                or m in ("checker.pagerduty.client", "checker.pagerduty.plan")}


def test_explain_prints_drf001(run: Any) -> None:
    result = run("explain", "DRF001")
    assert result.exit_code == 0
    assert "pager-drift" in result.output and "Why:" in result.output


def test_in_a_pull_request_its_own_schedule_change_is_not_drift_but_a_ui_swap_still_is(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path) -> None:
    from tests.test_diffmode import commit_files, git

    add_people(fake_pd)
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "T")
    commit_files(root, {"ownership.yaml": config(LONDON_WEEKLY, extra=SERVICE)}, "base")
    assert run("pagerduty", "apply", "--repo", str(root), "--now", NOW, env=pd_env).exit_code == 0
    # the pull request reorders the roster from a handoff after the notice (a `changes:` entry, so ROT014
    # is satisfied): PagerDuty keeps the base's schedule until the merge is applied
    reorder = LONDON_WEEKLY + "    changes:\n      - {from: 2026-10-20T12:00, members: [bob, alice, carol, dave]}\n"
    (root / "ownership.yaml").write_text(config(reorder, extra=SERVICE))
    result = check(run, root, pd_env, "--online", "--base", "main")
    assert result.exit_code == 0, result.output
    assert diagnostics(result) == []
    asked = len(fake_pd.requests)
    (schedule_id,) = fake_pd.schedules
    fake_pd.add_override(schedule_id, "2026-11-03T12:00:00+00:00", "2026-11-10T12:00:00+00:00",
                         fake_pd.user_id("erin@acme.example"))
    result = check(run, root, pd_env, "--online", "--base", "main")
    (found,) = diagnostics(result)
    assert (found["rule"], found["new"]) == ("DRF001", False)  # the pull request did not cause it: not blocking
    assert "PagerDuty pages erin where the config has" in found["message"]
    # both sides were judged on one reading of PagerDuty
    assert len([r for r in fake_pd.requests[asked:] if r[1] == f"/schedules/{schedule_id}"]) == 1


def test_an_answer_that_is_not_what_the_api_promises_is_one_line(applied: Path, fake_pd: FakePagerDuty,
                                                                 pd_env: dict[str, str], run: Any) -> None:
    fake_pd.garbage = True
    result = check(run, applied, pd_env, "--online")
    assert result.exit_code == 0
    assert result.stderr == ("ownership: could not read PagerDuty's schedules: PagerDuty's answer is not what its "
                             "API promises (drift, --online); the check's verdict is unchanged\n")
    for command in (("pagerduty", "plan", "--repo", str(applied)), ("import", "pagerduty")):
        done = run(*command, "--now", NOW, env=pd_env)
        assert done.exit_code == 2 and done.output.count("\n") == 1, done.output
        assert "PagerDuty's answer is not what its API promises" in done.output
