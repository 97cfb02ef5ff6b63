"""The PagerDuty client is bounded whatever the server answers: pages, requests, time, retries."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from checker.pagerduty import client
from tests.conftest import write_repo
from tests.pagerduty.conftest import TOKEN
from tests.pagerduty.fake import FakePagerDuty
from tests.pagerduty.helpers import LONDON_WEEKLY, add_people, config, writes

NOW = "2026-10-01T09:00Z"


def plan(run: Any, tmp_path: Path, env: dict[str, str]) -> Any:
    root = write_repo(tmp_path, config(LONDON_WEEKLY))
    return run("pagerduty", "plan", "--repo", str(root), "--now", NOW, env=env)


def test_a_listing_that_never_ends_is_cut_at_the_limit(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "MAX_LISTED", 10)
    add_people(fake_pd)
    fake_pd.endless = True
    result = plan(run, tmp_path, pd_env)
    assert result.exit_code == 2
    assert result.output == ("ownership: error: could not look up the PagerDuty user alice@acme.example: PagerDuty "
                             "lists more than 10 for /users; name them instead\n")


def test_a_listing_that_says_more_with_empty_pages_is_cut_by_the_request_limit(
        fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "MAX_REQUESTS", 20)
    fake_pd.endless = True  # and no users at all: every page is empty, yet `more` is true
    result = plan(run, tmp_path, pd_env)
    assert result.exit_code == 2
    assert "more than 20 PagerDuty requests in one run" in result.output
    assert len(fake_pd.requests) == 20


def test_a_slow_server_is_cut_by_the_time_budget(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                 tmp_path: Path) -> None:
    add_people(fake_pd)
    fake_pd.delay = 2.0
    began = time.monotonic()
    result = plan(run, tmp_path, dict(pd_env, OWNERSHIP_PAGERDUTY_TIMEOUT="1"))
    assert time.monotonic() - began < 4
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "could not look up the PagerDuty user alice@acme.example" in result.output
    assert "(ReadTimeout)" in result.output or "whole time budget of 1 s" in result.output


def test_rate_limiting_is_retried_twice_then_one_line(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                                      tmp_path: Path) -> None:
    add_people(fake_pd)
    fake_pd.fail_with = (429, 2)  # two refusals, then answers: the retries get through
    assert plan(run, tmp_path / "a", dict(pd_env, OWNERSHIP_PAGERDUTY_TIMEOUT="4")).exit_code == 1
    fake_pd.fail_with = (429, 3)
    result = plan(run, tmp_path / "b", dict(pd_env, OWNERSHIP_PAGERDUTY_TIMEOUT="4"))
    assert result.exit_code == 2
    assert "PagerDuty answered 429 (failing with 429): PagerDuty's rate limit held after retries" in result.output


@pytest.mark.parametrize(("env", "message"), [
    ({"PAGERDUTY_TOKEN": ""}, "PAGERDUTY_TOKEN is not set; give it a PagerDuty REST API token"),
    ({"PAGERDUTY_API_URL": "http://127.0.0.1:9"}, "PAGERDUTY_API_URL must be an https:// URL, not 'http://127.0.0.1:9'"),
    ({"OWNERSHIP_PAGERDUTY_TIMEOUT": "soon"}, ("OWNERSHIP_PAGERDUTY_TIMEOUT must be a positive number of seconds, not "
                                              "'soon'")),
])
def test_settings_that_cannot_work_are_one_line(pd_env: dict[str, str], run: Any, tmp_path: Path,
                                                env: dict[str, str], message: str) -> None:
    result = plan(run, tmp_path, pd_env | env)
    assert (result.exit_code, result.output) == (2, f"ownership: error: {message}\n")


def test_a_refused_token_is_never_printed(fake_pd: FakePagerDuty, pd_env: dict[str, str], run: Any,
                                          tmp_path: Path) -> None:
    result = plan(run, tmp_path, dict(pd_env, PAGERDUTY_TOKEN="wrong-token-9f8e7d6c"))
    assert result.exit_code == 2
    assert result.output == ("ownership: error: could not look up the PagerDuty user alice@acme.example: PagerDuty "
                             "answered 401 (Unauthorized): the token is not valid for this account or region (check "
                             "PAGERDUTY_TOKEN, and PAGERDUTY_API_URL for an EU account)\n")
    assert "9f8e7d6c" not in result.output and "7d6c" not in result.output and TOKEN not in result.output
    assert writes(fake_pd) == []
