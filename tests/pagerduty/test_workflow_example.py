"""The GitHub Actions example applies only from the default branch, with the token as a secret."""

from __future__ import annotations

import re

import yaml

from tests.conftest import REPO_ROOT

WORKFLOW = REPO_ROOT / "docs" / "workflows" / "pagerduty-apply.yml"


def test_the_example_applies_on_pushes_to_the_default_branch_only() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "schedule", "workflow_dispatch"}  # no pull_request, no pull_request_target
    assert triggers["push"]["branches"] == ["main"]
    job = workflow["jobs"]["apply"]
    assert job["if"] == "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    assert workflow["permissions"] == {"contents": "read"}
    steps = job["steps"]
    assert steps[0]["with"] == {"persist-credentials": False}
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        if "pagerduty" in step.get("run", ""):
            assert step["env"]["PAGERDUTY_TOKEN"] == "${{ secrets.PAGERDUTY_TOKEN }}"
    assert [s.get("run") for s in steps[-3:]] == ["ownership check", 'ownership pagerduty plan || [ "$?" -eq 1 ]',
                                                  "ownership pagerduty apply"]
